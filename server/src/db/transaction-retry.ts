import type { DataSource, EntityManager } from "typeorm";
import { isDeadlock } from "./errors";

/** Tries per transaction: the first, and two more after a deadlock. */
export const TRANSACTION_ATTEMPTS = 3;

/**
 * Runs a MySQL transaction again when InnoDB picks it as a deadlock's victim, as MySQL's manual asks
 * of applications: the victim was rolled back whole, so running its callback again from the start
 * is safe. Statements are ordered to avoid the deadlocks we know of (token.service.ts); this is the
 * net for the ones we do not. After the last try the deadlock is answered 409 CONFLICT, never 500.
 * A short random pause between tries keeps two victims from meeting again at once.
 */
export function retryDeadlocks(dataSource: DataSource, attempts = TRANSACTION_ATTEMPTS): void {
  const manager = dataSource.manager;
  const transaction = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;
  manager.transaction = ((...args: unknown[]) =>
    runAgainOnDeadlock(() => transaction(...args), attempts)) as EntityManager["transaction"];
}

/**
 * Runs `work` (a transaction, or one statement outside any) again when it is chosen as a deadlock's
 * victim, up to `attempts` times in all. On Galera a certification conflict (another node committed
 * a write to the same row first) is reported as the same deadlock, and is retried the same way.
 */
export async function runAgainOnDeadlock<T>(
  work: () => Promise<T>,
  attempts = TRANSACTION_ATTEMPTS,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isDeadlock(error) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, attempt * (5 + Math.random() * 20)));
    }
  }
}
