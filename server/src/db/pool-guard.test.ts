import { describe, expect, it } from "vitest";
import type { Pool, PoolConnection } from "mysql2";
import { testStores } from "../../test/stores";
import { isDatabaseUnavailable } from "./errors";
import { ACQUIRE_TIMEOUT, STATEMENT_TIMEOUT, boundDatabaseTime, guardPool } from "./pool-guard";

// The guard is for mysql2's pool; SQLite is embedded and has neither a pool nor a network to hang.
for (const store of testStores().filter((s) => s.kind === "mysql")) {
  describe("database timeouts [mysql]", () => {
    async function withPool(run: (pool: Pool) => Promise<void>): Promise<void> {
      const mysql = await import("mysql2");
      const pool = mysql.createPool({ uri: store.url, connectionLimit: 1, queueLimit: 10 });
      try {
        await run(pool);
      } finally {
        await pool.promise().end();
      }
    }
    const connection = (pool: Pool) =>
      new Promise<PoolConnection>((resolve, reject) =>
        pool.getConnection((error, c) => (error ? reject(error) : resolve(c))),
      );
    const query = (pool: Pool, sql: string) =>
      new Promise<unknown>((resolve, reject) =>
        pool.query(sql, (error, rows) => (error ? reject(error) : resolve(rows))),
      );

    it("gives up waiting for a connection after the timeout, and puts back one freed too late", async () => {
      await withPool(async (pool) => {
        guardPool(pool, 300);
        const held = await connection(pool);
        const waited = await connection(pool).then(
          () => null,
          (error: unknown) => error,
        );
        expect(waited).toMatchObject({ code: ACQUIRE_TIMEOUT });
        expect((waited as Error).message).toBe("No database connection became free within 300 ms.");
        expect(isDatabaseUnavailable(waited)).toBe(true);
        held.release(); // first to the caller that gave up, which hands it straight back
        expect(await query(pool, "SELECT 1 AS one")).toEqual([{ one: 1 }]);
      });
    });

    it("fails a statement left unanswered, and drops its connection so nothing queues behind it", async () => {
      await withPool(async (pool) => {
        guardPool(pool, 300);
        const slow = await query(pool, "SELECT SLEEP(3)").then(
          () => null,
          (error: unknown) => error,
        );
        expect(slow).toMatchObject({ code: STATEMENT_TIMEOUT });
        expect((slow as Error).message).toBe(
          "The database did not answer a statement within 300 ms.",
        );
        expect(isDatabaseUnavailable(slow)).toBe(true);
        // The only connection was still busy sleeping; a new one answers at once.
        const started = process.hrtime.bigint();
        expect(await query(pool, "SELECT 2 AS two")).toEqual([{ two: 2 }]);
        expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(3_000);
      });
    });

    it("bounds a request's statements together: each is quick, but the third runs past the request's time", async () => {
      await withPool(async (pool) => {
        guardPool(pool, 500);
        const outcomes: unknown[] = [];
        await new Promise<void>((done) =>
          boundDatabaseTime(null, null, () => {
            void (async () => {
              for (let i = 0; i < 3; i++) {
                outcomes.push(
                  await query(pool, "SELECT SLEEP(0.2) AS slept").then(
                    () => "answered",
                    (error: unknown) => error,
                  ),
                );
              }
              done();
            })();
          }),
        );
        expect(outcomes.slice(0, 2)).toEqual(["answered", "answered"]);
        expect(outcomes[2]).toMatchObject({ code: STATEMENT_TIMEOUT });
        expect(isDatabaseUnavailable(outcomes[2])).toBe(true);
        // Outside a request each statement has the whole limit.
        expect(await query(pool, "SELECT SLEEP(0.2) AS slept")).toEqual([{ slept: 0 }]);
      });
    });

    it("lets statements run as long as they take with a timeout of 0", async () => {
      await withPool(async (pool) => {
        guardPool(pool, 0);
        expect(await query(pool, "SELECT SLEEP(0.5) AS slept")).toEqual([{ slept: 0 }]);
      });
    });
  });
}
