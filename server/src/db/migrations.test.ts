import { describe, expect, it } from "vitest";
import { freshDatabase, testStores } from "../../test/stores";
import { openDatabase } from "./data-source";
import { MIGRATIONS } from "./migrations";

for (const store of testStores()) {
  describe(`migrations [${store.kind}]`, () => {
    it("run exactly once when three instances start at once on an empty database", async () => {
      const database = await freshDatabase(store);
      try {
        const opened = await Promise.all([0, 1, 2].map(() => openDatabase(database.url)));
        try {
          const rows: { name: string }[] = await opened[0]!.query(
            "SELECT name FROM migrations ORDER BY id",
          );
          expect(rows.map((r) => r.name)).toEqual(MIGRATIONS.map((m) => m.name));
          for (const dataSource of opened) expect(await dataSource.showMigrations()).toBe(false);
        } finally {
          await Promise.all(opened.map((d) => d.destroy()));
        }
      } finally {
        await database.drop();
      }
    });

    it("undo the newest migration and apply it again", async () => {
      const database = await freshDatabase(store);
      const dataSource = await openDatabase(database.url);
      try {
        // Without a transaction: on SQLite only dataSource.transaction() may open one now.
        await dataSource.undoLastMigration({ transaction: "none" });
        expect(await dataSource.showMigrations()).toBe(true);
        await dataSource.runMigrations({ transaction: "none" });
        expect(await dataSource.showMigrations()).toBe(false);
      } finally {
        await dataSource.destroy();
        await database.drop();
      }
    });
  });
}
