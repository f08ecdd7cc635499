import { afterEach, describe, expect, it } from "vitest";
import { ServerProcess, occupiedPort } from "./lapse-process";
import { leaveInterruptedFirstMigration } from "./mysql-schema";
import { freshDatabase, testStores } from "./stores";

/** The built server as an operator starts it: what it prints when it cannot start. */
for (const store of testStores()) {
  describe(`lapse start refusals [${store.kind}]`, () => {
    const cleanup: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const step of cleanup.splice(0).reverse()) await step();
    });

    const failedStart = async (databaseUrl: string, env: Record<string, string> = {}) => {
      const lapse = new ServerProcess(databaseUrl, env);
      cleanup.push(() => lapse.stop());
      await expect(lapse.start()).rejects.toThrow(/^Lapse exited with 1:/);
      return lapse.output;
    };

    it("says in one line that the port is in use, and exits 1", async () => {
      const database = await freshDatabase(store);
      cleanup.push(database.drop);
      const { port, release } = await occupiedPort();
      cleanup.push(release);
      expect(await failedStart(database.url, { PORT: String(port) })).toBe(
        `Lapse failed to start: Port ${port} is already in use: stop what listens there, or set PORT to another port.\n`,
      );
    });

    if (store.kind === "mysql") {
      it("says in one line why the database cannot be migrated, not that it is unreachable", async () => {
        const database = await freshDatabase(store, {});
        cleanup.push(database.drop);
        await leaveInterruptedFirstMigration(database.url, true);
        const output = await failedStart(database.url);
        expect(output).toMatch(
          /^Lapse failed to start: The database has Lapse's tables users, organizations but no record that migration InitialSchema1764115200000 completed, .* and run `npm run lapse -- migrate`; otherwise point DATABASE_URL at an empty database\.\n$/,
        );
      });
    }
  });
}
