import { describe, expect, it } from "vitest";
import { testStores } from "../../test/stores";
import { openDatabase } from "./data-source";
import { topologyOf } from "./galera";

/**
 * On a server that is not a Galera node (the machine's MariaDB), Lapse sets no wsrep_sync_wait by
 * itself and refuses to be told to. The Galera side: server/test/galera-cluster.test.ts.
 */
for (const store of testStores().filter((s) => s.kind === "mysql")) {
  describe("Galera detection on a plain MariaDB [mysql]", () => {
    it("takes the server for what it is and leaves its sessions' wsrep_sync_wait alone", async () => {
      const dataSource = await openDatabase(store.url);
      try {
        expect(topologyOf(dataSource)).toEqual({ galera: false, syncWait: 0 });
        const [row] = (await dataSource.query("SELECT @@SESSION.wsrep_sync_wait AS w")) as {
          w: number;
        }[];
        expect(Number(row!.w)).toBe(0);
      } finally {
        await dataSource.destroy();
      }
    });

    it("refuses LAPSE_DB_SYNC_WAIT=1 on a server that is not a Galera node, saying what to do", async () => {
      const error = await openDatabase(store.url, { syncWait: 1 }).then(
        () => null,
        (e: unknown) => e,
      );
      expect((error as Error).message).toMatch(
        /LAPSE_DB_SYNC_WAIT=1 needs a MariaDB Galera node, and this database is not one .* unset it, or set it to auto or 0\./,
      );
      const zero = await openDatabase(store.url, { syncWait: 0 });
      await zero.destroy();
    });
  });
}
