import { Column, Entity, PrimaryColumn } from "typeorm";
import { TimeColumn } from "../../db/columns";

/**
 * An organization's active tokens by how soon they expire, counted by the sweep so that a scrape of
 * /metrics reads one row per organization instead of counting a million tokens.
 */
@Entity({ name: "token_expiry_stats" })
export class TokenExpiryStat {
  @PrimaryColumn({ name: "organization_id", type: "varchar", length: 36 })
  organizationId: string;

  @Column({ name: "within_1d", type: "int" })
  within1d: number;

  @Column({ name: "within_7d", type: "int" })
  within7d: number;

  @Column({ name: "within_30d", type: "int" })
  within30d: number;

  @Column({ name: "never_expiring", type: "int" })
  neverExpiring: number;

  @TimeColumn("computed_at")
  computedAt: Date;
}
