import { describe, expect, it } from "vitest";
import { freshDatabase, testStores } from "../../test/stores";
import { openDatabase } from "./data-source";
import { MIGRATION_LOCK_TABLE } from "./migration-lock";
import { MigrationError } from "./migration-run";
import { MIGRATIONS } from "./migrations";

/**
 * The migration lock on one MySQL server (the Galera cluster test runs it across nodes). SQLite is a
 * single-process store and takes no lock.
 */
for (const store of testStores().filter((s) => s.kind === "mysql")) {
  describe("the migration lock [mysql]", () => {
    /** A database one migration short, with the lock row `holder` holding it for `leaseS` more. */
    async function heldDatabase(holder: string, leaseS: number) {
      const database = await freshDatabase(store);
      const first = await openDatabase(database.url);
      await first.undoLastMigration({ transaction: "none" });
      await first.query(
        `INSERT INTO ${MIGRATION_LOCK_TABLE} (name, holder, lease_until)
           VALUES ('migrations', ?, TIMESTAMPADD(MICROSECOND, ?, UTC_TIMESTAMP(3)))`,
        [holder, leaseS * 1_000_000],
      );
      await first.destroy();
      return database;
    }

    it("waits for a holder whose lease runs, and migrates once that holder is gone", async () => {
      const database = await heldDatabase("crashed-instance", 1.5);
      try {
        const started = Date.now();
        const dataSource = await openDatabase(database.url, { migrationLock: { pollMs: 50 } });
        try {
          expect(Date.now() - started).toBeGreaterThanOrEqual(1_200);
          expect(await dataSource.showMigrations()).toBe(false);
          const rows: { name: string }[] = await dataSource.query("SELECT name FROM migrations");
          expect(rows.map((r) => r.name)).toEqual(MIGRATIONS.map((m) => m.name));
          // Released: the next start takes it at once.
          expect(await dataSource.query(`SELECT * FROM ${MIGRATION_LOCK_TABLE}`)).toEqual([]);
        } finally {
          await dataSource.destroy();
        }
      } finally {
        await database.drop();
      }
    });

    it("gives up with a MigrationError that names the lock when another instance keeps it", async () => {
      const database = await heldDatabase("busy-instance", 600);
      try {
        const error = await openDatabase(database.url, {
          migrationLock: { waitMs: 500, pollMs: 50 },
        }).then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(MigrationError);
        expect((error as Error).message).toMatch(/held the migration lock.*migration_lock/);
      } finally {
        await database.drop();
      }
    });

    it("renews its lease while it migrates, so a long migration is not taken over", async () => {
      const database = await freshDatabase(store);
      try {
        const leases: string[] = [];
        const { withMigrationLock } = await import("./migration-lock");
        const dataSource = await openDatabase(database.url);
        try {
          await withMigrationLock(
            dataSource,
            async () => {
              for (let i = 0; i < 4; i++) {
                const [row] = (await dataSource.query(
                  `SELECT DATE_FORMAT(lease_until, '%H:%i:%s.%f') AS until FROM ${MIGRATION_LOCK_TABLE}`,
                )) as { until: string }[];
                leases.push(row!.until);
                await new Promise((resolve) => setTimeout(resolve, 150));
              }
            },
            { leaseMs: 300 },
          );
        } finally {
          await dataSource.destroy();
        }
        // Taken once and renewed every 100 ms: later reads see later leases.
        expect(new Set(leases).size).toBeGreaterThan(1);
      } finally {
        await database.drop();
      }
    });
  });
}
