import { Column, Entity, PrimaryColumn } from "typeorm";
import { TimeColumn } from "../../db/columns";

/** Who may run a periodic job until when; one row per job name. */
@Entity({ name: "job_leases" })
export class JobLease {
  @PrimaryColumn({ type: "varchar", length: 64 })
  name: string;

  @Column({ type: "varchar", length: 64 })
  holder: string;

  @TimeColumn("lease_until")
  leaseUntil: Date;
}
