import { AsyncLocalStorage } from "node:async_hooks";
import type { Pool, PoolConnection } from "mysql2";

/** How long a statement may run, and a request may wait for a free connection, by default. */
export const DEFAULT_DB_TIMEOUT_MS = 10_000;

/** Error codes this module gives; `isDatabaseUnavailable` takes both for a 503. */
export const ACQUIRE_TIMEOUT = "LAPSE_DB_ACQUIRE_TIMEOUT";
export const STATEMENT_TIMEOUT = "PROTOCOL_SEQUENCE_TIMEOUT";

type Callback = (...results: unknown[]) => void;
type Method = (...args: unknown[]) => unknown;

const GUARDED = Symbol("lapse.guarded");
/** The deadline of the request a connection is lent to (0: none), set as it is handed out. */
const DEADLINE = Symbol("lapse.deadline");

/** When the request being served started; statements run on its behalf share its time. */
const requests = new AsyncLocalStorage<{ startedAt: number }>();

/**
 * Express middleware: what the request does on the database from here on is bounded, as a whole, by
 * the guard's `timeoutMs` from now. Before, each statement was: a request that ran six statements on
 * a node that answered each just in time took six times the limit (15.7 s against 10 s was seen
 * on a Galera node leaving its cluster).
 */
export function boundDatabaseTime(_req: unknown, _res: unknown, next: () => void): void {
  withDatabaseTimeBound(next);
}

/** `boundDatabaseTime` for a handler outside Express (the gateway check): runs `serve` bounded from now. */
export function withDatabaseTimeBound<T>(serve: () => T): T {
  return requests.run({ startedAt: Date.now() }, serve);
}

/**
 * When the database work starting now must be done by (epoch ms): its request's start plus
 * `timeoutMs`; 0 outside a request (background jobs), whose statements are limited one by one.
 * Read only where a caller asks for a connection, never inside mysql2's callbacks: those run in the
 * context of whichever request opened the socket, not of the one being served.
 */
function deadlineNow(guard: PoolGuard): number {
  const request = requests.getStore();
  return guard.timeoutMs && request ? request.startedAt + guard.timeoutMs : 0;
}

/** What is left until `deadline` (at least 1 ms, so a request out of time fails at once). */
function limitFor(guard: PoolGuard, deadline: number): number {
  if (!guard.timeoutMs) return 0;
  return deadline ? Math.max(1, deadline - Date.now()) : guard.timeoutMs;
}

/** The guard's setting; `timeoutMs` 0 lets statements run as long as they like. */
export interface PoolGuard {
  timeoutMs: number;
}

/**
 * Bounds how long a request can wait on a database that hangs rather than refuses (a frozen server,
 * a partition that drops packets): bounded only by TCP, such a request would wait for minutes while
 * every connection and queue slot filled up behind it.
 *
 * - Waiting for a free connection is cut off after `timeoutMs` (mysql2's pool has no acquire
 *   timeout; its queue limit only bounds how many wait). A connection that frees up later for a
 *   caller that gave up goes straight back to the pool.
 * - A statement that has had no answer after `timeoutMs` fails, and so does its connection: the
 *   socket is destroyed, which fails every command queued on it and takes it out of the pool, so
 *   no later request queues behind a statement that will never return. (mysql2's own `timeout`
 *   answers the caller but leaves the connection busy and in the pool.)
 *
 * Both limits are what is left of the request's `timeoutMs` (boundDatabaseTime): a connection
 * carries the deadline of the request it was handed to, so a request spends no more than that on
 * the database however many statements it runs. Both errors are
 * database unavailability: the request is answered 503 SERVICE_UNAVAILABLE.
 */
export function guardPool(pool: Pool, timeoutMs: number): PoolGuard {
  const guard: PoolGuard = { timeoutMs };
  const getConnection = pool.getConnection.bind(pool) as (callback: Callback) => void;
  (pool as unknown as { getConnection: (callback: Callback) => void }).getConnection = (
    callback,
  ) => {
    const deadline = deadlineNow(guard);
    const limit = limitFor(guard, deadline);
    let gaveUp = false;
    const timer = limit
      ? setTimeout(() => {
          gaveUp = true;
          callback(
            Object.assign(new Error(`No database connection became free within ${limit} ms.`), {
              code: ACQUIRE_TIMEOUT,
            }),
          );
        }, limit)
      : undefined;
    getConnection((error, connection) => {
      if (gaveUp) {
        (connection as PoolConnection | undefined)?.release();
        return;
      }
      clearTimeout(timer);
      if (connection) {
        guardConnection(connection as PoolConnection, guard);
        (connection as unknown as Record<symbol, number>)[DEADLINE] = deadline;
      }
      callback(error, connection);
    });
  };
  return guard;
}

/**
 * Wraps a connection's `query` and `execute` in the statement timeout, whether the answer goes to a
 * callback argument (a connection's own calls, as TypeORM and the pool's `execute` make them) or to
 * a prepared command's `onResult` (the pool's `query`). Streams are not limited.
 */
function guardConnection(connection: PoolConnection, guard: PoolGuard): void {
  const marked = connection as unknown as Record<symbol, unknown> & Record<string, Method>;
  if (marked[GUARDED]) return;
  marked[GUARDED] = true;
  for (const name of ["query", "execute"]) {
    const original = marked[name]!;
    marked[name] = function (this: unknown, ...args: unknown[]) {
      const limit = limitFor(guard, marked[DEADLINE] as number);
      const at = args.findLastIndex((arg) => typeof arg === "function");
      const command = args[0] as { onResult?: Callback } | undefined;
      const answered = (callback: Callback): Callback => {
        const timer = setTimeout(() => {
          const error = Object.assign(
            new Error(`The database did not answer a statement within ${limit} ms.`),
            { code: STATEMENT_TIMEOUT, fatal: true },
          );
          // mysql2 hears the socket's error, fails this command and all queued behind it, and
          // the pool drops the connection.
          (connection as unknown as { stream: { destroy(error: Error): void } }).stream.destroy(
            error,
          );
        }, limit);
        return function (this: unknown, ...results: unknown[]) {
          clearTimeout(timer);
          callback.apply(this, results);
        };
      };
      if (limit && at >= 0) args[at] = answered(args[at] as Callback);
      else if (limit && typeof command?.onResult === "function")
        command.onResult = answered(command.onResult);
      return original.apply(this, args);
    };
  }
}
