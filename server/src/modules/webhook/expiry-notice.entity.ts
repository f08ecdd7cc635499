import { Column, Entity, PrimaryColumn } from "typeorm";
import { TimeColumn } from "../../db/columns";

/**
 * That the sweep has passed one token's threshold: its primary key makes the warning once per
 * token per threshold, whichever instance runs the sweep and however often it restarts.
 */
@Entity({ name: "expiry_notices" })
export class ExpiryNotice {
  @PrimaryColumn({ name: "token_id", type: "varchar", length: 36 })
  tokenId: string;

  @PrimaryColumn({ name: "threshold_days", type: "int" })
  thresholdDays: number;

  /** False when the threshold was passed silently (a tighter one applied, or none was chosen). */
  @Column({ type: "boolean", default: false })
  warned: boolean;

  @TimeColumn("created_at")
  createdAt: Date;
}
