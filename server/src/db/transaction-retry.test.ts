import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestServer } from "../../test/harness";
import { testStores } from "../../test/stores";

// A deadlock needs two connections; SQLite's transactions take turns on one (db/sqlite-turns.ts).
for (const store of testStores().filter((s) => s.kind === "mysql")) {
  describe("deadlocked transactions [mysql]", () => {
    const server = new TestServer(store);
    beforeAll(() => server.start());
    afterAll(() => server.stop());

    const key = () => `deadlock:${randomBytes(6).toString("hex")}`;
    const failures = async (throttleKey: string) =>
      Number(
        (
          (await server.dataSource.query(
            "SELECT failures FROM auth_throttle WHERE throttle_key = ?",
            [throttleKey],
          )) as { failures: number }[]
        )[0]!.failures,
      );

    /** Resolves for everyone once `parties` have arrived; afterwards at once. */
    function barrier(parties: number): () => Promise<void> {
      let arrived = 0;
      let open!: () => void;
      const opened = new Promise<void>((resolve) => (open = resolve));
      return () => {
        if (++arrived >= parties) open();
        return opened;
      };
    }

    /** Two transactions that lock rows `a` and `b` in opposite orders, each waiting for the other. */
    async function crossLocks(a: string, b: string) {
      for (const k of [a, b]) {
        await server.dataSource.query(
          "INSERT INTO auth_throttle (throttle_key, window_started_ms, failures, blocked_until_ms) VALUES (?, 0, 0, 0)",
          [k],
        );
      }
      const bothHoldOne = barrier(2);
      let runs = 0;
      const bump = (first: string, second: string) =>
        server.dataSource.transaction(async (manager) => {
          runs++;
          const sql = "UPDATE auth_throttle SET failures = failures + 1 WHERE throttle_key = ?";
          await manager.query(sql, [first]);
          await bothHoldOne();
          await manager.query(sql, [second]);
        });
      const outcomes = await Promise.allSettled([bump(a, b), bump(b, a)]);
      return { outcomes, runs: () => runs };
    }

    it("runs the deadlock's victim again, so both transactions commit once each", async () => {
      const [a, b] = [key(), key()];
      const { outcomes, runs } = await crossLocks(a, b);
      expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "fulfilled"]);
      expect(runs()).toBe(3); // the victim's first run was rolled back whole
      expect(await failures(a)).toBe(2);
      expect(await failures(b)).toBe(2);
    });
  });
}
