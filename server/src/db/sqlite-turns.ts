import { AsyncLocalStorage } from "node:async_hooks";
import type { DataSource, EntityManager } from "typeorm";

/**
 * Makes transactions on SQLite take turns.
 *
 * TypeORM gives SQLite one connection and one query runner for everything, so two transactions
 * that overlap in time are not two transactions: the second becomes a SAVEPOINT inside the first,
 * reports success when it is released, and is undone if the first then rolls back. (Found when
 * revoking a token raced its rotation: the revocation answered REVOKED, the rotation was refused and
 * rolled back, and the token was ACTIVE again.) Here each transaction waits for the one before it
 * to end. Work inside a transaction's callback — its async context, followed by AsyncLocalStorage —
 * nests as before, so a service that opens a transaction within another's does not wait for itself.
 *
 * Statements outside any transaction (the authentication read, lastUsedAt, throttle counters) are
 * not made to wait: a transaction that awaited one of them would wait for itself. On the one
 * connection they run inside whatever transaction is open at that moment, so they may see its
 * uncommitted rows (a revocation a moment early; never a token whose secret has not been handed
 * out) and their own writes, bookkeeping that no client was promised, are undone if it rolls back.
 * MySQL has a connection per transaction and needs none of this.
 */
export function takeTurnsWithTransactions(dataSource: DataSource): void {
  const turns = new AsyncLocalStorage<symbol>();
  let current: symbol | null = null;
  let previous: Promise<unknown> = Promise.resolve();
  const manager = dataSource.manager;
  const transaction = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;
  manager.transaction = ((...args: unknown[]) => {
    // Nested in the running transaction: a savepoint in it, as TypeORM does.
    if (current && turns.getStore() === current) return transaction(...args);
    const turn = previous.then(() => {
      const mine = Symbol("transaction");
      current = mine;
      return turns
        .run(mine, () => transaction(...args))
        .finally(() => {
          current = null;
        });
    });
    previous = turn.catch(() => undefined);
    return turn;
  }) as EntityManager["transaction"];

  // Any other way of opening a transaction (TypeORM's own around a save outside one, a query
  // runner's startTransaction) would skip the turns and share whichever transaction is open: say
  // so loudly instead.
  const runner = dataSource.driver.createQueryRunner("master");
  const startTransaction = runner.startTransaction.bind(runner);
  runner.startTransaction = (...args) => {
    if (!current || turns.getStore() !== current) {
      return Promise.reject(
        new Error(
          "On SQLite a transaction must be opened with dataSource.transaction(), which makes transactions take turns.",
        ),
      );
    }
    return startTransaction(...args);
  };
}
