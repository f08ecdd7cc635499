import { randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import type { EntityManager } from "typeorm";
import { describeEachStore } from "../../test/harness";

/** Lets every callback that is ready run, a few times over: enough for a transaction to interleave. */
async function letOthersRun(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describeEachStore("overlapping transactions", (server) => {
  const key = () => `turns:${randomBytes(6).toString("hex")}`;
  const insert = (manager: EntityManager, throttleKey: string) =>
    manager.query(
      "INSERT INTO auth_throttle (throttle_key, window_started_ms, failures, blocked_until_ms) VALUES (?, 0, 1, 0)",
      [throttleKey],
    );
  const exists = async (throttleKey: string) =>
    (await server.count("auth_throttle", "throttle_key = ?", [throttleKey])) === 1;

  it("keeps a committed transaction when one that overlapped it rolls back", async () => {
    const [doomed, kept] = [key(), key()];
    const hold = gate();
    const first = server.dataSource.transaction(async (manager) => {
      await insert(manager, doomed);
      await hold.opened;
      throw new Error("rolled back on purpose");
    });
    const second = server.dataSource.transaction((manager) => insert(manager, kept));
    await letOthersRun();
    hold.open();
    await expect(first).rejects.toThrow("rolled back on purpose");
    await second;
    expect(await exists(doomed)).toBe(false);
    expect(await exists(kept)).toBe(true);
  });

  it("nests a transaction opened inside another's callback, and rolls both back together", async () => {
    const [outer, inner] = [key(), key()];
    const nested = server.dataSource.transaction(async (manager) => {
      await insert(manager, outer);
      await server.dataSource.transaction((innerManager) => insert(innerManager, inner));
      throw new Error("outer fails after inner finished");
    });
    await expect(nested).rejects.toThrow("outer fails");
    // On MySQL the inner transaction had its own connection and committed; on SQLite it was a
    // savepoint of the outer one. Either way nothing waited for itself.
    expect(await exists(outer)).toBe(false);
    expect(await exists(inner)).toBe(server.store.kind === "mysql");
  });

  it("does not hold a statement outside any transaction until an open transaction ends", async () => {
    const hold = gate();
    const open = server.dataSource.transaction(async (manager) => {
      await insert(manager, key());
      await hold.opened;
    });
    await letOthersRun();
    // The read must finish while the transaction is still held open; if it waited for the
    // transaction it would never finish before the gate opens, and the race would say so.
    const read = server.dataSource.query("SELECT 1 AS one").then(() => "answered");
    let timer: NodeJS.Timeout | undefined;
    const held = new Promise((resolve) => (timer = setTimeout(resolve, 10_000, "held back")));
    expect(await Promise.race([read, held])).toBe("answered");
    clearTimeout(timer);
    hold.open();
    await Promise.all([open, read]);
  });

  // SQLite only: on MySQL each query runner has a connection, and its transaction, of its own.
  if (server.store.kind === "sqlite") {
    it("refuses a transaction opened any other way, which would share another's", async () => {
      const runner = server.dataSource.createQueryRunner();
      await expect(runner.startTransaction()).rejects.toThrow(
        /must be opened with dataSource\.transaction\(\)/,
      );
      expect(runner.isTransactionActive).toBe(false);
    });
  }
});
