import { describe, expect, it } from "vitest";
import { testStores } from "../../test/stores";
import type { RequestContext } from "../context";
import { toGraphQLError } from "../errors/error-middleware";
import { createLogger } from "../logger";
import {
  isDatabaseUnavailable,
  isDeadlock,
  isLockConflict,
  isTransientDatabaseError,
  isUniqueViolation,
} from "./errors";

for (const store of testStores().filter((s) => s.kind === "mysql")) {
  describe("database error classification [mysql]", () => {
    it("takes a full mysql2 wait queue and a refused connection for unavailability", async () => {
      const mysql = await import("mysql2/promise");
      const pool = mysql.createPool({
        uri: store.url,
        connectionLimit: 1,
        waitForConnections: true,
        queueLimit: 1,
      });
      try {
        const held = await pool.getConnection();
        const queued = pool.getConnection();
        const refused = await pool.getConnection().then(
          () => null,
          (error: unknown) => error,
        );
        expect(refused).toBeInstanceOf(Error);
        expect(isDatabaseUnavailable(refused)).toBe(true);
        expect(isUniqueViolation(refused)).toBe(false);
        held.release();
        (await queued).release();
      } finally {
        await pool.end();
      }

      const nobody = await mysql
        .createConnection({ host: "127.0.0.1", port: 1, user: "root", connectTimeout: 1000 })
        .then(
          () => null,
          (error: unknown) => error,
        );
      expect(isDatabaseUnavailable(nobody)).toBe(true);
    });
  });
}

describe("database error classification", () => {
  it("takes a Galera node that is not ready (1047) or left the Primary Component mid-commit (1180) for unavailability", () => {
    const notReady = Object.assign(
      new Error("WSREP has not yet prepared node for application use"),
      { code: "ER_UNKNOWN_COM_ERROR", errno: 1047 },
    );
    const commit = Object.assign(new Error("Got error 6 during COMMIT"), {
      code: "ER_ERROR_DURING_COMMIT",
      errno: 1180,
    });
    expect(isDatabaseUnavailable(notReady)).toBe(true);
    expect(isDatabaseUnavailable({ driverError: commit })).toBe(true);
    // Before any resolver, a lock given up is no conflict the client could resolve either.
    const lockWait = Object.assign(new Error("Lock wait timeout exceeded"), { errno: 1205 });
    expect(isDatabaseUnavailable(lockWait)).toBe(false);
    expect(isTransientDatabaseError(lockWait)).toBe(true);
    expect(isTransientDatabaseError(Object.assign(new Error("dup"), { errno: 1062 }))).toBe(false);
  });

  it("does not take a bad query or a constraint violation for unavailability", () => {
    expect(isDatabaseUnavailable(Object.assign(new Error("x"), { code: "ER_PARSE_ERROR" }))).toBe(
      false,
    );
    expect(isDatabaseUnavailable(Object.assign(new Error("dup"), { code: "ER_DUP_ENTRY" }))).toBe(
      false,
    );
    expect(isDatabaseUnavailable(null)).toBe(false);
  });

  it("takes a deadlock and a lock wait timeout for lock conflicts (409), only the first for a deadlock", () => {
    const deadlock = Object.assign(new Error("Deadlock found"), { errno: 1213 });
    const waited = { driverError: { errno: 1205 } };
    expect([isDeadlock(deadlock), isLockConflict(deadlock)]).toEqual([true, true]);
    expect([isDeadlock(waited), isLockConflict(waited)]).toEqual([false, true]);
    expect(isLockConflict({ errno: 1062 })).toBe(false);
    const ctx = { requestId: "r-1", logger: createLogger({ level: "silent" }) } as RequestContext;
    for (const error of [deadlock, waited]) {
      const answer = toGraphQLError(error, ctx);
      expect(answer.extensions.code).toBe("CONFLICT");
      expect(answer.message).toBe(
        "A concurrent change touched the same record; retry the request.",
      );
    }
  });
});
