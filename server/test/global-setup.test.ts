import { afterEach, describe, expect, it, vi } from "vitest";
import setup from "./global-setup";
import { leaveInterruptedFirstMigration } from "./mysql-schema";
import { freshDatabase, testStores } from "./stores";

for (const store of testStores()) {
  if (store.kind !== "mysql") continue;

  describe("the test run's database check", () => {
    afterEach(() => vi.unstubAllEnvs());

    it("reports a database it cannot migrate as such, never as unreachable", async () => {
      const database = await freshDatabase(store, {});
      try {
        await leaveInterruptedFirstMigration(database.url, true);
        vi.stubEnv("TEST_MYSQL_URL", database.url);
        const error = (await setup().catch((e: unknown) => e)) as Error;
        expect(error.message).toMatch(
          /^TEST_MYSQL_URL's database: The database has Lapse's tables users, organizations but no record/,
        );
        expect(error.message).not.toMatch(/unreachable|connect/i);
      } finally {
        await database.drop();
      }
    });

    it("reports a server that does not answer as one it cannot connect to", async () => {
      vi.stubEnv("TEST_MYSQL_URL", "mysql://root@127.0.0.1:1/lapse_nowhere");
      await expect(setup()).rejects.toThrow(
        /^TEST_MYSQL_URL's database: Cannot connect to the database: connect ECONNREFUSED/,
      );
    });
  });
}
