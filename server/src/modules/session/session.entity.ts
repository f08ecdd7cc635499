import { Entity, JoinColumn, ManyToOne } from "typeorm";
import { Column } from "typeorm";
import { CreatedAtColumn, IdColumn, RefColumn, TimeColumn } from "../../db/columns";
import { AccessToken } from "../token/access-token.entity";

/** How a console session was made. */
export enum SessionMethod {
  /** A personal token traded for the cookie: the token's bounds apply to the session. */
  TOKEN = "token",
  /** Single sign-on through the OpenID Connect provider: a person with no token. */
  SSO = "sso",
}

/** A console sign-in: the cookie's SHA-256 digest and who it stands for. */
@Entity({ name: "sessions" })
export class Session {
  @IdColumn()
  id: string;

  @Column({ type: "varchar", length: 64 })
  digest: string;

  @Column({ type: "varchar", length: 8, default: SessionMethod.TOKEN })
  method: SessionMethod;

  /** The personal token it was signed in with; null for single sign-on. */
  @RefColumn("token_id", { nullable: true })
  tokenId: string | null;

  /** Loaded with the session when it authenticates: the token decides as much as the session. */
  @ManyToOne(() => AccessToken)
  @JoinColumn({ name: "token_id" })
  token?: AccessToken | null;

  @RefColumn("user_id")
  userId: string;

  /** The identity provider's email at single sign-on: shown, never trusted to find an account. */
  @Column({ type: "varchar", length: 320, nullable: true })
  email: string | null;

  @CreatedAtColumn()
  createdAt: Date;

  @TimeColumn("expires_at")
  expiresAt: Date;

  @TimeColumn("ended_at", { nullable: true })
  endedAt: Date | null;
}
