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
          /^TEST_MYSQL_URL's database could not be migrated: The database has Lapse's tables users, organizations but no record/,
        );
        expect(error.message).not.toMatch(/unreachable/);
      } finally {
        await database.drop();
      }
    });

    it("reports a server that does not answer as unreachable", async () => {
      vi.stubEnv("TEST_MYSQL_URL", "mysql://root@127.0.0.1:1/lapse_nowhere");
      await expect(setup()).rejects.toThrow(
        /^TEST_MYSQL_URL is set but the database is unreachable: .*ECONNREFUSED/,
      );
    });
  });
}
