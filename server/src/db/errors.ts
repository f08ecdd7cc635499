import { ACQUIRE_TIMEOUT } from "./pool-guard";

/** What errors carry, on the driver's error or on TypeORM's QueryFailedError around it. */
interface DriverErrorShape {
  code?: string;
  errno?: number;
  message?: string;
  driverError?: { code?: string; errno?: number };
}

function codeOf(error: unknown): string | undefined {
  const e = error as DriverErrorShape | null;
  return e?.driverError?.code ?? e?.code;
}

function errnoOf(error: unknown): number | undefined {
  const e = error as DriverErrorShape | null;
  return e?.driverError?.errno ?? e?.errno;
}

/** What a request whose database is unavailable is told, on every route family. */
export const DATABASE_UNAVAILABLE = "The database is unavailable; retry shortly.";

/** True when a write failed on a unique index or primary key, on MySQL/MariaDB or SQLite. */
export function isUniqueViolation(error: unknown): boolean {
  const code = codeOf(error);
  const errno = errnoOf(error);
  return (
    code === "ER_DUP_ENTRY" ||
    errno === 1062 ||
    code === "SQLITE_CONSTRAINT_UNIQUE" ||
    code === "SQLITE_CONSTRAINT_PRIMARYKEY"
  );
}

/**
 * True when MySQL gave up a transaction over locks: chosen as a deadlock's victim (1213, rolled back
 * whole, worth running again) or tired of waiting for a lock (1205). Another request holds what this
 * one needs; the client may retry.
 */
export function isLockConflict(error: unknown): boolean {
  return isDeadlock(error) || errnoOf(error) === 1205;
}

export function isDeadlock(error: unknown): boolean {
  return errnoOf(error) === 1213;
}

/** Driver errors that mean the database cannot be reached or is going away, not a bad request. */
const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "PROTOCOL_CONNECTION_LOST",
  "PROTOCOL_SEQUENCE_TIMEOUT",
  ACQUIRE_TIMEOUT,
  "ER_CON_COUNT_ERROR",
  "ER_SERVER_SHUTDOWN",
  "ER_CONNECTION_KILLED",
  "SQLITE_BUSY",
  "SQLITE_LOCKED",
]);

/**
 * Server errors that mean this server cannot serve now, though another (or this one shortly) can:
 * a Galera node that is not ready for applications (1047: joining, desynced, or cut off from the
 * Primary Component) and a commit that failed because the node left the Primary Component while it
 * ran (1180). Neither is the request's fault.
 */
const UNAVAILABLE_ERRNOS = new Set([1047, 1180]);

/** mysql2 raises these without a code: a full wait queue, and a connection it already closed. */
const UNAVAILABLE_MESSAGES = [/^Queue limit reached/, /closed state/, /^Pool is closed/];

/**
 * True when `error` says the database is unavailable (down, restarting, unreachable, or every
 * connection and queue slot taken): the request may succeed if retried, and the answer is 503.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = codeOf(error);
  if (code && UNAVAILABLE_CODES.has(code)) return true;
  const errno = errnoOf(error);
  if (errno && UNAVAILABLE_ERRNOS.has(errno)) return true;
  const message = (error as DriverErrorShape | null)?.message;
  if (typeof message !== "string") return false;
  return UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message));
}

/**
 * What a database error means before any resolver runs (authentication, readiness): unavailable,
 * or a lock given up (1205, 1213). There a lock timeout is no conflict the client could resolve:
 * on Galera it is what a read that waits for the cluster (wsrep_sync_wait) gets when the cluster
 * does not answer in time, as in a partition. Either way, retrying later is the answer (503).
 */
export function isTransientDatabaseError(error: unknown): boolean {
  return isDatabaseUnavailable(error) || isLockConflict(error);
}
