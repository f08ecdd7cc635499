import { randomUUID } from "node:crypto";
import type { DataSource } from "typeorm";
import { isUniqueViolation } from "../../db/errors";
import { JobLease } from "./job-lease.entity";

/**
 * Leases that let a periodic job run once per period across every instance on one database. A lease
 * is taken by one conditional UPDATE on the job's primary key (or the INSERT that creates the row),
 * so it needs no locking reads, no clock on the database and no engine feature beyond a unique key:
 * it works as written on MySQL Group Replication, TiDB and Vitess, and on SQLite.
 */
export class JobLeaseService {
  /** This instance's name on the leases it holds. */
  readonly holder = randomUUID();

  constructor(private readonly dataSource: DataSource) {}

  /**
   * Takes the lease on `job` until `now + periodMs` if nobody holds it at `now` (an expired lease is
   * nobody's). True when this instance may run the job for this period.
   */
  async tryAcquire(job: string, now: Date, periodMs: number): Promise<boolean> {
    const leaseUntil = new Date(now.getTime() + periodMs);
    const taken = await this.dataSource.manager
      .createQueryBuilder()
      .update(JobLease)
      .set({ holder: this.holder, leaseUntil })
      .where("name = :job AND lease_until <= :now", { job, now })
      .execute();
    if (taken.affected) return true;
    try {
      await this.dataSource.manager.insert(JobLease, {
        name: job,
        holder: this.holder,
        leaseUntil,
      });
      return true;
    } catch (error) {
      // The row exists: another instance holds the lease (or took it just now).
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }
}
