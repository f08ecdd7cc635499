import { randomInt } from "node:crypto";
import { expect, it } from "vitest";
import { DEFAULT_AUTH_THROTTLE } from "../../auth/auth-throttle";
import { generateSecret } from "../../auth/token-secret";
import { TokenKind } from "../token/token.types";
import { describeEachStore, type TestServer } from "../../../test/harness";
import {
  CREATE_PERSONAL_TOKEN_WITH_SCOPES,
  REVOKE_TOKEN,
  mustCreate,
} from "../../../test/operations";
import { seedOrg } from "../../../test/seed";

// The gateway check is answered on Node's own request and response, ahead of Express
// (gateway-check.ts). What Express's middleware gives every other route, it must give itself:
// these tests hold it to that. What it decides is tested in token-trust.test.ts and
// verify-cache.test.ts, through the same path.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function check(
  server: TestServer,
  path: string,
  headers: Record<string, string> = {},
  method = "GET",
) {
  const response = await fetch(`${server.url}${path}`, { method, headers });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

/** A well-formed secret of no token: a guess, counted against the address it came from. */
const unknownSecret = () => generateSecret(TokenKind.PERSONAL);

const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

/**
 * An address in a /64 of the documentation range that no other test uses (the test database is
 * shared, and so are the lockouts in it).
 */
const someAddress = () => `2001:db8:9a7e:${randomInt(0, 0x10000).toString(16)}::1`;

describeEachStore(
  "the gateway check, answered ahead of Express",
  (server) => {
    it("answers GET and HEAD of its path in any case and with a trailing slash, and nothing else", async () => {
      const org = await seedOrg(server);
      const token = bearer(org.admin.secret);
      expect((await check(server, "/api/auth/verify", token)).status).toBe(204);
      expect((await check(server, "/API/Auth/Verify/?org=" + org.name, token)).status).toBe(204);
      const head = await check(server, "/api/auth/verify", token, "HEAD");
      expect([head.status, head.body]).toEqual([204, ""]);
      // Not the check: Express answers them as it always has.
      for (const [path, method] of [
        ["/api/auth/verify", "POST"],
        ["/api/auth/verify//", "GET"],
        ["/api/auth/verifyx", "GET"],
        ["/api/auth", "GET"],
      ] as const) {
        const other = await check(server, path, token, method);
        expect(other.status, `${method} ${path}`).toBe(404);
        expect(JSON.parse(other.body)).toMatchObject({ error: "NOT_FOUND" });
      }
    });

    it("gives each check a request id of its own, and forbids caching every answer", async () => {
      const org = await seedOrg(server);
      const ok = await check(server, "/api/auth/verify", {
        ...bearer(org.admin.secret),
        "x-request-id": "client-chosen-1",
      });
      const refused = await check(server, "/api/auth/verify", bearer(unknownSecret()));
      const badQuery = await check(
        server,
        "/api/auth/verify?org=a&org=b",
        bearer(org.admin.secret),
      );
      expect([ok.status, refused.status, badQuery.status]).toEqual([204, 401, 400]);
      for (const answer of [ok, refused, badQuery]) {
        expect(answer.headers.get("x-request-id")).toMatch(UUID);
        expect(answer.headers.get("cache-control")).toBe("no-store");
      }
      expect(ok.headers.get("x-request-id")).not.toBe(refused.headers.get("x-request-id"));
      expect(refused.headers.get("content-type")).toBe("application/json; charset=utf-8");
      expect(JSON.parse(badQuery.body)).toEqual({
        error: "invalid_request",
        error_description: "Give org and scope at most once each.",
      });
      // The refusal's log line carries the id the client was given.
      const id = refused.headers.get("x-request-id")!;
      expect(server.logs.some((line) => line.includes(id) && line.includes("refused"))).toBe(true);
    });

    it("counts each check in /metrics: its route's timing, and its authentication by outcome", async () => {
      const org = await seedOrg(server);
      const before = await metricValues(server);
      await check(server, "/api/auth/verify", bearer(org.admin.secret));
      await check(server, "/api/auth/verify", bearer(org.admin.secret), "HEAD");
      await check(server, "/api/auth/verify", bearer(unknownSecret()));
      const after = await metricValues(server);
      const grew = (series: string) => (after.get(series) ?? 0) - (before.get(series) ?? 0);
      const route = 'route="/api/auth/verify"';
      expect(
        grew(`lapse_http_request_duration_seconds_count{${route},method="GET",status="2xx"}`),
      ).toBe(1);
      expect(
        grew(`lapse_http_request_duration_seconds_count{${route},method="HEAD",status="2xx"}`),
      ).toBe(1);
      expect(
        grew(`lapse_http_request_duration_seconds_count{${route},method="GET",status="4xx"}`),
      ).toBe(1);
      expect(grew('lapse_authentications_total{outcome="ok"}')).toBe(2);
      expect(grew('lapse_authentications_total{outcome="refused"}')).toBe(1);
      expect(grew('lapse_refusals_total{reason="invalid"}')).toBe(1);
    });

    it("drops a session cookie that no longer works, Secure when a trusted proxy says HTTPS", async () => {
      const org = await seedOrg(server);
      const own = await mustCreate(
        server,
        CREATE_PERSONAL_TOKEN_WITH_SCOPES,
        { name: "console" },
        org.admin.secret,
      );
      const signedIn = await fetch(`${server.url}/api/session`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ token: own.secret }),
      });
      const cookie = { cookie: signedIn.headers.get("set-cookie")!.split(";")[0]! };
      const live = await check(server, "/api/auth/verify", cookie);
      expect(live.status).toBe(204);
      expect(live.headers.get("lapse-token-id")).toBe(own.token.id);
      expect(live.headers.get("set-cookie")).toBeNull();
      await server.gql(REVOKE_TOKEN, { id: own.token.id }, org.admin.secret);
      const plain = await check(server, "/api/auth/verify", cookie);
      expect(plain.status).toBe(401);
      expect(plain.headers.get("set-cookie")).toBe(
        "lapse_session=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict",
      );
      const https = await check(server, "/api/auth/verify", {
        ...cookie,
        "x-forwarded-proto": "https",
      });
      expect(https.headers.get("set-cookie")).toBe(
        "lapse_session=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Strict",
      );
    });

    it("reads the client address from X-Forwarded-For of a trusted proxy, as the API does", async () => {
      const bound = await tokenUsableFrom10Net(server);
      // The proxy (loopback, trusted by default) appends what it saw; the client's own claim
      // before it is not believed.
      const via = (chain: string) =>
        check(server, "/api/auth/verify", { ...bearer(bound.secret), "x-forwarded-for": chain });
      expect((await via("10.2.3.4")).status).toBe(204);
      const spoofed = await via("10.2.3.4, 192.0.2.7");
      expect(spoofed.status).toBe(403);
      expect(JSON.parse(spoofed.body).error_description).toContain("192.0.2.7");
    });
  },
  {},
  { metrics: { enabled: true, token: null } },
);

describeEachStore(
  "the gateway check behind no trusted proxy",
  (server) => {
    it("takes the socket's address, whatever X-Forwarded-For says", async () => {
      const bound = await tokenUsableFrom10Net(server);
      const refused = await check(server, "/api/auth/verify", {
        ...bearer(bound.secret),
        "x-forwarded-for": "10.2.3.4",
      });
      expect(refused.status).toBe(403);
      expect(JSON.parse(refused.body).error_description).toContain("127.0.0.1");
      // Nor does it believe X-Forwarded-Proto: a dead session's cookie is dropped without Secure.
      const dead = await check(server, "/api/auth/verify", {
        cookie: `lapse_session=${"x".repeat(43)}`,
        "x-forwarded-proto": "https",
      });
      expect(dead.status).toBe(401);
      expect(dead.headers.get("set-cookie")).not.toContain("Secure");
    });
  },
  {},
  { trustProxy: "false" },
);

describeEachStore(
  "the gateway check under the failed-authentication limit",
  (server) => {
    it("refuses a locked-out address with 401 and says when to come back", async () => {
      const from = { "x-forwarded-for": someAddress() };
      const guess = () =>
        check(server, "/api/auth/verify", { ...from, ...bearer(unknownSecret()) });
      for (let i = 0; i < 3; i++) expect((await guess()).status).toBe(401);
      const locked = await guess();
      expect(locked.status).toBe(401);
      expect(locked.headers.get("www-authenticate")).toMatch(/error="invalid_token"/);
      expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(JSON.parse(locked.body).error_description).toMatch(/^Too many failed authentications/);
      const org = await seedOrg(server);
      // The lockout holds for a good token from the same address too, and only there.
      expect(
        (await check(server, "/api/auth/verify", { ...from, ...bearer(org.admin.secret) })).status,
      ).toBe(401);
      expect((await check(server, "/api/auth/verify", bearer(org.admin.secret))).status).toBe(204);
    });
  },
  { authThrottle: { ...DEFAULT_AUTH_THROTTLE, maxFailures: 2 } },
);

/** A new organization's admin's token, usable from 10.0.0.0/8 only. */
async function tokenUsableFrom10Net(server: TestServer): Promise<{ secret: string }> {
  const org = await seedOrg(server);
  return mustCreate(
    server,
    CREATE_PERSONAL_TOKEN_WITH_SCOPES,
    { name: "bound", allowedCidrs: ["10.0.0.0/8"] },
    org.admin.secret,
  );
}

/** The /metrics samples as a map from series (name and labels) to value. */
async function metricValues(server: TestServer): Promise<Map<string, number>> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const values = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return values;
}
