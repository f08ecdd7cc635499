import { Entity, JoinColumn, ManyToOne } from "typeorm";
import { Column } from "typeorm";
import { CreatedAtColumn, IdColumn, RefColumn, TimeColumn } from "../../db/columns";
import { AccessToken } from "../token/access-token.entity";

/** A console sign-in: the cookie's SHA-256 digest and the personal token it stands for. */
@Entity({ name: "sessions" })
export class Session {
  @IdColumn()
  id: string;

  @Column({ type: "varchar", length: 64 })
  digest: string;

  @RefColumn("token_id")
  tokenId: string;

  /** Loaded with the session when it authenticates: the token decides as much as the session. */
  @ManyToOne(() => AccessToken)
  @JoinColumn({ name: "token_id" })
  token?: AccessToken;

  @RefColumn("user_id")
  userId: string;

  @CreatedAtColumn()
  createdAt: Date;

  @TimeColumn("expires_at")
  expiresAt: Date;

  @TimeColumn("ended_at", { nullable: true })
  endedAt: Date | null;
}
