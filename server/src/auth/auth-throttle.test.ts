import { randomInt } from "node:crypto";
import type { DataSource } from "typeorm";
import { describe, expect, it } from "vitest";
import { describeEachStore, type TestServer } from "../../test/harness";
import { REVOKE_TOKEN, VIEWER, errorCode } from "../../test/operations";
import { rest } from "../../test/rest-client";
import { seedOrg } from "../../test/seed";
import { TokenKind } from "../modules/token/token.types";
import { AuthThrottleService } from "./auth-throttle";
import { generateSecret } from "./token-secret";

const LIMITS = { maxFailures: 3, windowMs: 60_000, lockoutMs: 300_000 };

/** A documentation address (RFC 5737) of its own per test, so counters never meet across tests. */
const newAddress = () => `198.51.${randomInt(256)}.${randomInt(1, 255)}`;

const from = (address: string) => ({ "x-forwarded-for": address });

async function lastUsed(server: TestServer, tokenId: string): Promise<unknown> {
  const rows: { last_used_at: unknown }[] = await server.dataSource.query(
    "SELECT last_used_at FROM access_tokens WHERE id = ?",
    [tokenId],
  );
  return rows[0]!.last_used_at;
}

describeEachStore(
  "failed-authentication rate limit",
  (server) => {
    it("locks out an address after too many failures, valid tokens included, until the lockout ends", async () => {
      const org = await seedOrg(server);
      const address = newAddress();
      for (let i = 0; i < LIMITS.maxFailures; i++) {
        const wrong = await server.gql(
          VIEWER,
          {},
          generateSecret(TokenKind.PERSONAL),
          from(address),
        );
        expect(wrong.status).toBe(401);
      }
      const over = await server.gql(VIEWER, {}, generateSecret(TokenKind.PERSONAL), from(address));
      expect(over.status).toBe(429);
      expect(errorCode(over)).toBe("RATE_LIMITED");
      expect(over.headers.get("retry-after")).toBe("300");
      expect(over.errors![0]!.message).toMatch(/try again in 300 seconds/);

      // A right guess is refused like a wrong one, and is not recorded as a use.
      const viewer = await server.gql<{ viewer: { token: { id: string } } }>(
        VIEWER,
        {},
        org.admin.secret,
      );
      const tokenId = viewer.data!.viewer.token.id;
      const usedBefore = await lastUsed(server, tokenId);
      server.clock.advance(120_000);
      const right = await server.gql(VIEWER, {}, org.admin.secret, from(address));
      expect(right.status).toBe(429);
      expect(right.headers.get("retry-after")).toBe("180");
      expect(await lastUsed(server, tokenId)).toEqual(usedBefore);

      // Other addresses are not affected.
      expect((await server.gql(VIEWER, {}, org.admin.secret, from(newAddress()))).status).toBe(200);

      server.clock.advance(180_000);
      expect((await server.gql(VIEWER, {}, org.admin.secret, from(address))).status).toBe(200);
    });

    it("counts failures within a window: spread over minutes, they never lock out", async () => {
      const address = newAddress();
      for (let minute = 0; minute < 4; minute++) {
        for (let i = 0; i < LIMITS.maxFailures; i++) {
          const wrong = await server.gql(VIEWER, {}, generateSecret(TokenKind.TEAM), from(address));
          expect(wrong.status).toBe(401);
        }
        server.clock.advance(LIMITS.windowMs);
      }
    });

    it("locks out a revoked token hammered from many addresses, and only that token", async () => {
      const org = await seedOrg(server);
      const other = await seedOrg(server);
      const viewer = await server.gql<{ viewer: { token: { id: string } } }>(
        VIEWER,
        {},
        org.admin.secret,
      );
      await server.gql(REVOKE_TOKEN, { id: viewer.data!.viewer.token.id }, org.admin.secret);
      const statuses: number[] = [];
      for (let i = 0; i <= LIMITS.maxFailures; i++) {
        statuses.push((await server.gql(VIEWER, {}, org.admin.secret, from(newAddress()))).status);
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
      expect((await server.gql(VIEWER, {}, other.admin.secret, from(newAddress()))).status).toBe(
        200,
      );
    });

    it("does not lock out an address for a known token that is merely revoked", async () => {
      const org = await seedOrg(server);
      const stale = await server.gql<{
        createPersonalToken: { secret: string; token: { id: string } };
      }>(
        `mutation { createPersonalToken(name: "stale") { secret token { id } } }`,
        {},
        org.admin.secret,
      );
      const { secret, token } = stale.data!.createPersonalToken;
      await server.gql(REVOKE_TOKEN, { id: token.id }, org.admin.secret);
      const address = newAddress();
      const statuses: number[] = [];
      for (let i = 0; i < LIMITS.maxFailures + 3; i++) {
        statuses.push((await server.gql(VIEWER, {}, secret, from(address))).status);
      }
      // The stale token itself is locked out; the address is not.
      expect(statuses.slice(0, LIMITS.maxFailures)).toEqual([401, 401, 401]);
      expect(statuses.at(-1)).toBe(429);
      expect((await server.gql(VIEWER, {}, org.admin.secret, from(address))).status).toBe(200);
    });

    it("answers REST and console sign-in with 429 and Retry-After too", async () => {
      const org = await seedOrg(server);
      const address = newAddress();
      for (let i = 0; i <= LIMITS.maxFailures; i++) {
        await server.gql(VIEWER, {}, generateSecret(TokenKind.PERSONAL), from(address));
      }
      const listed = await rest(
        server,
        "get",
        "/api/user/tokens",
        {},
        {
          secret: org.admin.secret,
          headers: from(address),
        },
      );
      expect(listed.status).toBe(429);
      expect(listed.body).toMatchObject({ code: 429, error: "RATE_LIMITED" });

      const signIn = await fetch(`${server.url}/api/session`, {
        method: "POST",
        headers: { "content-type": "application/json", ...from(address) },
        body: JSON.stringify({ token: org.admin.secret }),
      });
      expect(signIn.status).toBe(429);
      expect(signIn.headers.get("retry-after")).toBe("300");
      expect(signIn.headers.get("set-cookie")).toBeNull();
    });

    it("holds across instances: failures counted on one are refused on another", async () => {
      const org = await seedOrg(server);
      // Two addresses, so that each check on the second instance reads the database, not a
      // lockout the other check left in its memory.
      const [address, sessionAddress] = [newAddress(), newAddress()];
      // A console session signed in from its address before that was locked out.
      const signIn = await fetch(`${server.url}/api/session`, {
        method: "POST",
        headers: { "content-type": "application/json", ...from(sessionAddress) },
        body: JSON.stringify({ token: org.admin.secret }),
      });
      const cookie = signIn.headers.get("set-cookie")!.split(";")[0]!;
      for (const locked of [address, sessionAddress]) {
        for (let i = 0; i <= LIMITS.maxFailures; i++) {
          await server.gql(VIEWER, {}, generateSecret(TokenKind.PERSONAL), from(locked));
        }
      }
      await server.withSecondInstance(async (second) => {
        const sessionOnSecond = await second.gql(VIEWER, {}, undefined, {
          cookie,
          ...from(sessionAddress),
        });
        expect(sessionOnSecond.status).toBe(429);
        expect((await second.gql(VIEWER, {}, org.admin.secret, from(address))).status).toBe(429);
        // And from another address the same session still works.
        const elsewhere = await second.gql(VIEWER, {}, undefined, {
          cookie,
          ...from(newAddress()),
        });
        expect(elsewhere.status).toBe(200);
      });
    });

    it("prunes counters whose window and lockout have passed", async () => {
      const address = newAddress();
      await server.gql(VIEWER, {}, generateSecret(TokenKind.PERSONAL), from(address));
      const key = `ip:${address}`;
      const rows = () => server.count("auth_throttle", "throttle_key = ?", [key]);
      expect(await rows()).toBe(1);
      server.clock.advance(LIMITS.windowMs + 1);
      await server.lapse.services.authThrottle.prune(server.clock.now().getTime());
      expect(await rows()).toBe(0);
    });
  },
  { authThrottle: LIMITS },
);

describe("the lockouts an instance remembers", () => {
  it("forgets the oldest once full, never the one it learnt last", () => {
    const throttle = new AuthThrottleService(null as unknown as DataSource, LIMITS);
    const until = 10_000;
    for (let i = 0; i <= 10_000; i++) throttle.lockoutsFrom([[`ip:k${i}`, until]], 0);
    expect(throttle.lockedOutLocally(["ip:k0"], 0)).toBe(0);
    expect(throttle.lockedOutLocally(["ip:k1"], 0)).toBe(until);
    expect(throttle.lockedOutLocally(["ip:k9999"], 0)).toBe(until);
    expect(throttle.lockedOutLocally(["ip:k10000"], 0)).toBe(until);
  });
});
