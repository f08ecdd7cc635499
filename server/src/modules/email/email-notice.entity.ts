import { Column, Entity, PrimaryColumn } from "typeorm";
import { IdColumn, RefColumn, TimeColumn } from "../../db/columns";

/** One token crossing one threshold, to go into one person's next daily digest. */
@Entity({ name: "email_notices" })
export class EmailNotice {
  @IdColumn()
  id: string;

  @RefColumn("user_id")
  userId: string;

  @RefColumn("token_id")
  tokenId: string;

  @Column({ name: "threshold_days", type: "int" })
  thresholdDays: number;

  @TimeColumn("created_at")
  createdAt: Date;

  /** When the digest that listed it was sent; null while it waits. */
  @TimeColumn("sent_at", { nullable: true })
  sentAt: Date | null;
}

/** One digest per person per UTC day: the primary key is the claim to send it. */
@Entity({ name: "email_digests" })
export class EmailDigest {
  @PrimaryColumn({ name: "user_id", type: "varchar", length: 36 })
  userId: string;

  /** The UTC day, YYYY-MM-DD. */
  @PrimaryColumn({ type: "varchar", length: 10 })
  day: string;

  @TimeColumn("sent_at")
  sentAt: Date;
}
