import { randomInt } from "node:crypto";
import { describe, expect, it } from "vitest";
import { describeEachStore, type TestServer } from "../../../test/harness";
import {
  CREATE_ORGANIZATION_TOKEN,
  CREATE_PERSONAL_TOKEN_WITH_SCOPES,
  REVOKE_TOKEN,
  ROTATE_TOKEN,
  SET_POLICY,
  VIEWER,
  mustCreate,
} from "../../../test/operations";
import { seedOrg } from "../../../test/seed";
import { generateSecret } from "../../auth/token-secret";
import { AccessToken } from "../token/access-token.entity";
import { TokenKind } from "../token/token.types";
import { addressKey } from "../../auth/auth-throttle";
import { AuthThrottle } from "../../auth/auth-throttle.entity";
import type { AuthenticationService } from "../../auth/authentication.service";
import { cachedAuthentication, onTransactionEnd, VerifyCache } from "./verify-cache";

const HOUR = 3_600_000;
const newAddress = () => `198.51.${randomInt(256)}.${randomInt(1, 255)}`;
const CACHE_MS = 5_000;

async function verify(
  server: TestServer | { url: string },
  secret: string,
  headers: Record<string, string> = {},
  query = "",
): Promise<Response> {
  const response = await fetch(`${server.url}/api/auth/verify${query}`, {
    headers: { authorization: `Bearer ${secret}`, ...headers },
  });
  await response.text();
  return response;
}

/** The statements that read tokens while `action` ran. */
async function tokenReads(server: TestServer, action: () => Promise<unknown>): Promise<number> {
  const queries = await server.queriesDuring(action);
  return queries.filter((sql) => /access_tokens/.test(sql)).length;
}

describeEachStore(
  "the gateway check with LAPSE_VERIFY_CACHE_MS",
  (server) => {
    const at = (ms: number) => new Date(server.clock.now().getTime() + ms).toISOString();

    async function teamToken(expiresInMs = HOUR) {
      const org = await seedOrg(server);
      const team = await org.team();
      const created = await mustCreate(
        server,
        `mutation($o: String!, $t: String!, $e: DateTime) { createTeamToken(organization: $o, team: $t, name: "gateway", expiresAt: $e, scopes: ["deploy:prod"]) { secret token { id } } }`,
        { o: org.name, t: team, e: at(expiresInMs) },
        org.admin.secret,
      );
      return { org, team, ...created };
    }

    it("takes a token it accepted from memory: the next check reads no token, until the cache's time is up", async () => {
      const { org, team, secret } = await teamToken();
      const query = `?org=${org.name}&scope=deploy:prod`;
      // The read, and the first use's lastUsedAt.
      expect(await tokenReads(server, () => verify(server, secret, {}, query))).toBe(2);
      let again!: Response;
      expect(
        await tokenReads(server, async () => (again = await verify(server, secret, {}, query))),
      ).toBe(0);
      expect(again.status).toBe(204);
      expect(again.headers.get("lapse-subject")).toBe(`team:${org.name}/${team}`);
      // Scope and organization are still judged on every check.
      expect((await verify(server, secret, {}, `?scope=deploy:staging`)).status).toBe(403);
      server.clock.advance(CACHE_MS);
      expect(await tokenReads(server, () => verify(server, secret, {}, query))).toBe(1);
    });

    it("refuses a remembered token the millisecond it expires", async () => {
      const { secret } = await teamToken(2_000);
      expect((await verify(server, secret)).status).toBe(204);
      server.clock.advance(1_999);
      expect((await verify(server, secret)).status).toBe(204);
      server.clock.advance(1);
      const expired = await verify(server, secret);
      expect(expired.status).toBe(401);
      expect(expired.headers.get("www-authenticate")).toMatch(/expired/);
    });

    it("refuses on the very next check a token revoked, rotated or put out of policy through this instance", async () => {
      const { org, token, secret } = await teamToken();
      expect((await verify(server, secret)).status).toBe(204);
      await server.gql(REVOKE_TOKEN, { id: token.id }, org.admin.secret);
      expect((await verify(server, secret)).status).toBe(401);

      const rotated = await teamToken();
      expect((await verify(server, rotated.secret)).status).toBe(204);
      const rotation = await server.gql(
        ROTATE_TOKEN,
        { id: rotated.token.id },
        rotated.org.admin.secret,
      );
      expect(rotation.errors).toBeUndefined();
      expect((await verify(server, rotated.secret)).status).toBe(401);

      const forever = await mustCreate(
        server,
        CREATE_ORGANIZATION_TOKEN,
        { organization: org.name, name: "forever" },
        org.admin.secret,
      );
      expect((await verify(server, forever.secret)).status).toBe(204);
      // A cap is set with a token within it (Lapse refuses to lock its setter out).
      const setter = await org.adminTokenFor(1);
      const policy = await server.gql(SET_POLICY, { organization: org.name, days: 30 }, setter);
      expect(policy.errors).toBeUndefined();
      expect((await verify(server, forever.secret)).status).toBe(403);
    });

    it("refuses on the very next check a team token whose team was deleted here", async () => {
      const { org, team, secret } = await teamToken();
      expect((await verify(server, secret)).status).toBe(204);
      const deleted = await server.gql(
        `mutation($o: String!, $t: String!) { deleteTeam(organization: $o, team: $t) { name } }`,
        { o: org.name, t: team },
        org.admin.secret,
      );
      expect(deleted.errors).toBeUndefined();
      expect((await verify(server, secret)).status).toBe(401);
    });

    it("judges a remembered token's networks on every check, and audits the refusal", async () => {
      const org = await seedOrg(server);
      const bound = await mustCreate(
        server,
        CREATE_PERSONAL_TOKEN_WITH_SCOPES,
        { name: "bound", allowedCidrs: ["2001:db8::1/128"] },
        org.admin.secret,
      );
      // One /64 is one address to the failed-authentication limit, so one entry in the cache:
      // the second address is judged against the entry the first one made.
      const inside = { "x-forwarded-for": "2001:db8::1" };
      expect((await verify(server, bound.secret, inside)).status).toBe(204);
      expect(await tokenReads(server, () => verify(server, bound.secret, inside))).toBe(0);
      const outside = await verify(server, bound.secret, { "x-forwarded-for": "2001:db8::2" });
      expect(outside.status).toBe(403);
      const refused = await server.count(
        "audit_events",
        "token_id = ? AND type = 'TOKEN_USE_REFUSED'",
        [bound.token.id],
      );
      expect(refused).toBe(1);
    });

    it("reads a token afresh, with the lockouts of the address, the first time it comes from another address", async () => {
      const { secret } = await teamToken();
      const first = { "x-forwarded-for": newAddress() };
      expect((await verify(server, secret, first)).status).toBe(204);
      // Another instance locked this address out: only the database knows.
      const locked = newAddress();
      await server.dataSource.manager.insert(AuthThrottle, {
        key: addressKey(locked),
        windowStartedMs: String(server.clock.now().getTime()),
        failures: 1_000_000,
        blockedUntilMs: String(server.clock.now().getTime() + 60_000),
      });
      const refused = await verify(server, secret, { "x-forwarded-for": locked });
      expect(refused.status).toBe(401);
      expect(refused.headers.get("retry-after")).toBe("60");
      expect((await verify(server, secret, first)).status).toBe(204);
    });

    it("sees a revocation made through another instance within LAPSE_VERIFY_CACHE_MS, not later", async () => {
      const { token, secret } = await teamToken();
      expect((await verify(server, secret)).status).toBe(204);
      // Another instance's write, as this process sees one: a row changed outside its transactions
      // (two apps in one test process share the data source, and with it each other's clears).
      await server.dataSource.manager.update(
        AccessToken,
        { id: token.id },
        { revokedAt: server.clock.now() },
      );
      // This instance remembers its acceptance: the trade LAPSE_VERIFY_CACHE_MS makes, and its bound.
      server.clock.advance(CACHE_MS - 1);
      expect((await verify(server, secret)).status).toBe(204);
      server.clock.advance(1);
      expect((await verify(server, secret)).status).toBe(401);

      const other = await teamToken();
      expect((await verify(server, other.secret)).status).toBe(204);
      await server.dataSource.manager.update(
        AccessToken,
        { id: other.token.id },
        { revokedAt: server.clock.now() },
      );
      // The API reads the token on every request, cache or not: refused at once. That refusal is
      // audited, in a transaction, which empties this instance's cache as any transaction does.
      const api = await server.gql(VIEWER, {}, other.secret);
      expect(api.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
      expect((await verify(server, other.secret)).status).toBe(401);
    });

    it("hears of a transaction after it ended, committed or rolled back, never while it runs", async () => {
      const heard: string[] = [];
      const stop = onTransactionEnd(server.dataSource, () => heard.push("ended"));
      try {
        await server.dataSource.transaction(async (manager) => {
          await manager.query("SELECT 1");
          heard.push("inside");
        });
        await expect(
          server.dataSource.manager.transaction(async () => {
            heard.push("inside");
            throw new Error("rolled back");
          }),
        ).rejects.toThrow("rolled back");
      } finally {
        stop();
      }
      expect(heard).toEqual(["inside", "ended", "inside", "ended"]);
    });
  },
  {},
  { verifyCacheMs: CACHE_MS },
);

describeEachStore(
  "the gateway check with LAPSE_VERIFY_CACHE_MS and a failed-authentication limit",
  (server) => {
    it("refuses a remembered token from an address locked out for guessing", async () => {
      const org = await seedOrg(server);
      const token = await mustCreate(
        server,
        CREATE_PERSONAL_TOKEN_WITH_SCOPES,
        { name: "remembered" },
        org.admin.secret,
      );
      // Addresses of this test's own: the counters are in the database other test files share.
      const from = { "x-forwarded-for": newAddress() };
      expect((await verify(server, token.secret, from)).status).toBe(204);
      // Over the limit of 3: the fourth guess locks the address out.
      for (let i = 0; i < 4; i++) {
        // Well formed, so each is looked up and counted; malformed ones cost nothing and count not.
        const guess = await verify(server, generateSecret(TokenKind.PERSONAL), from);
        expect(guess.status).toBe(401);
      }
      const locked = await verify(server, token.secret, from);
      expect(locked.status).toBe(401);
      expect(locked.headers.get("retry-after")).not.toBeNull();
      // Elsewhere the same token still passes: the lockout is the address's.
      expect((await verify(server, token.secret, { "x-forwarded-for": newAddress() })).status).toBe(
        204,
      );
    });
  },
  { authThrottle: { maxFailures: 3, windowMs: 60_000, lockoutMs: 300_000 } },
  { verifyCacheMs: CACHE_MS },
);

describe("cachedAuthentication", () => {
  const secret = generateSecret(TokenKind.TEAM);
  const origin = { requestId: "r", ip: "192.0.2.1", userAgent: null };
  const token = Object.assign(new AccessToken(), { id: "t" });
  const clock = { now: () => new Date(0) };

  it("keeps no acceptance whose read a transaction ended during", async () => {
    const cache = new VerifyCache(1_000);
    let reads = 0;
    const auth = {
      acceptsKnown: () => true,
      authenticateSession: () => Promise.reject(new Error("not asked")),
      authenticate: async () => {
        reads++;
        // A revocation commits while the read is under way.
        if (reads === 1) cache.clear();
        return { ok: true as const, token };
      },
    } as unknown as AuthenticationService;
    const cached = cachedAuthentication(auth, cache, clock);
    await cached.authenticate(secret, origin);
    expect(cache.size).toBe(0);
    await cached.authenticate(secret, origin);
    await cached.authenticate(secret, origin);
    expect(reads).toBe(2);
  });
});

describe("VerifyCache", () => {
  const token = Object.assign(new AccessToken(), { id: "t" });

  it("keeps no answer read before a transaction ended", () => {
    const cache = new VerifyCache(1_000);
    const before = cache.generation;
    cache.clear();
    cache.keep("d", token, before, 0);
    expect(cache.get("d", 0)).toBeUndefined();
    cache.keep("d", token, cache.generation, 0);
    expect(cache.get("d", 999)).toBe(token);
    expect(cache.get("d", 1_000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
