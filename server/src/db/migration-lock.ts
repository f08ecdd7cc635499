import { randomUUID } from "node:crypto";
import { Table, type DataSource, type QueryRunner } from "typeorm";
import { isDeadlock } from "./errors";
import { MigrationError } from "./migration-run";
import { columns, createTable, engineFor } from "./migrations/schema-builders";

/** The table of the lock; made before the first migration, so no migration makes it. */
export const MIGRATION_LOCK_TABLE = "migration_lock";
const LOCK_NAME = "migrations";

export interface MigrationLockOptions {
  /** How long an instance waits for another to finish migrating before it gives up. */
  waitMs?: number;
  /**
   * How long a holder's claim lasts without renewal. The holder renews it every third of this while
   * it migrates, so only a holder that died (or lost the database) lets it lapse.
   */
  leaseMs?: number;
  /** Between two attempts to take the lock. */
  pollMs?: number;
}

export const MIGRATION_LOCK_DEFAULTS = { waitMs: 120_000, leaseMs: 30_000, pollMs: 250 };

/**
 * Runs `migrate` while holding the migration lock, so instances started together migrate once: the
 * first takes the lock and migrates; the others wait for it, then migrate what is still pending
 * (TypeORM reads the migrations table again once they hold the lock: nothing, usually).
 *
 * The lock is a row, taken by a write that only one instance can make: the INSERT that creates it,
 * or an UPDATE of a lapsed one. On a Galera cluster every node takes writes, and GET_LOCK (what
 * Lapse used before) is local to the node it was asked of, so three instances on three nodes all
 * migrated at once; a row write is certified across the cluster, and of two instances writing it on
 * two nodes one commits and the other is refused (a deadlock error, 1213). A holder that dies
 * stops renewing its lease, and after `leaseMs` another instance takes the lock over. Times are the
 * database's (UTC_TIMESTAMP), so instances with skewed clocks agree.
 */
export async function withMigrationLock(
  dataSource: DataSource,
  migrate: () => Promise<void>,
  options: MigrationLockOptions = {},
): Promise<void> {
  const { waitMs, leaseMs, pollMs } = { ...MIGRATION_LOCK_DEFAULTS, ...options };
  const runner = dataSource.createQueryRunner();
  try {
    await ensureLockTable(runner);
    const holder = randomUUID();
    const lease = leaseMs * 1000; // microseconds, for TIMESTAMPADD
    const until = `TIMESTAMPADD(MICROSECOND, ${lease}, UTC_TIMESTAMP(3))`;
    const affected = async (sql: string, parameters: unknown[]) => {
      try {
        const result = (await runner.query(sql, parameters)) as { affectedRows?: number };
        return result.affectedRows ?? 0;
      } catch (error) {
        // Another node's instance wrote the row at the same moment and was certified first.
        if (isDeadlock(error)) return 0;
        throw error;
      }
    };
    const take = async () =>
      (await affected(
        `INSERT IGNORE INTO ${MIGRATION_LOCK_TABLE} (name, holder, lease_until) VALUES (?, ?, ${until})`,
        [LOCK_NAME, holder],
      )) === 1 ||
      (await affected(
        `UPDATE ${MIGRATION_LOCK_TABLE} SET holder = ?, lease_until = ${until}
          WHERE name = ? AND lease_until < UTC_TIMESTAMP(3)`,
        [holder, LOCK_NAME],
      )) === 1;

    const deadline = Date.now() + waitMs;
    while (!(await take())) {
      if (Date.now() > deadline) {
        throw new MigrationError(
          `Another instance held the migration lock for ${Math.round(waitMs / 1000)} s and kept ` +
            `renewing it; is one stuck migrating? (${MIGRATION_LOCK_TABLE} names it; deleting that ` +
            `row frees the lock.)`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs * (0.5 + Math.random())));
    }

    let renewing: Promise<unknown> = Promise.resolve();
    const renewal = setInterval(() => {
      renewing = runner
        .query(
          `UPDATE ${MIGRATION_LOCK_TABLE} SET lease_until = ${until} WHERE name = ? AND holder = ?`,
          [LOCK_NAME, holder],
        )
        .catch(() => undefined);
    }, leaseMs / 3);
    try {
      await migrate();
    } finally {
      clearInterval(renewal);
      await renewing;
      await runner.query(`DELETE FROM ${MIGRATION_LOCK_TABLE} WHERE name = ? AND holder = ?`, [
        LOCK_NAME,
        holder,
      ]);
    }
  } finally {
    await runner.release();
  }
}

/**
 * Creates the lock's table when it is missing. Instances that start together may all find it
 * missing; the ones whose CREATE loses find it there afterwards, and go on.
 */
async function ensureLockTable(runner: QueryRunner): Promise<void> {
  if (await runner.hasTable(MIGRATION_LOCK_TABLE)) return;
  const c = columns(runner);
  try {
    await createTable(
      runner,
      new Table({
        name: MIGRATION_LOCK_TABLE,
        engine: engineFor(runner),
        columns: [
          { ...c.str("name", 64), isPrimary: true },
          c.str("holder", 64),
          c.time("lease_until"),
        ],
      }),
    );
  } catch (error) {
    if (!(await runner.hasTable(MIGRATION_LOCK_TABLE))) throw error;
  }
}
