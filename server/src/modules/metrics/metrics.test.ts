import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestServer } from "../../../test/harness";
import { CREATE_TEAM_TOKEN, REVOKE_TOKEN, VIEWER, mustCreate } from "../../../test/operations";
import { backgroundContext, seedOrg, uniqueName, type SeededOrg } from "../../../test/seed";
import { freshDatabase, testStores } from "../../../test/stores";
import { deliverAll } from "../../../test/webhook-receiver";
import { createWebhook } from "../../../test/webhooks";
import { DAY_MS } from "../../clock";
import { runPeriodicJobs } from "../jobs/periodic-jobs";

const TOKEN = "metrics-token-for-the-test";

/** One sample's value from Prometheus text, by metric name and exact labels. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const inside = /\{(.*)\}/.exec(line)?.[1] ?? "";
    const present = inside ? inside.split(/,(?=\w+=")/) : [];
    if (wanted.every((w) => present.includes(w)) && present.length === wanted.length) {
      return Number(line.slice(line.lastIndexOf(" ") + 1));
    }
  }
  return undefined;
}

for (const store of testStores()) {
  // A database of its own: the expiry counts are of every token in the database.
  describe(`GET /metrics [${store.kind}]`, () => {
    let database: Awaited<ReturnType<typeof freshDatabase>> | null = null;
    const server = new TestServer(store, {}, {}, { metrics: { enabled: false, token: TOKEN } });
    let org: SeededOrg;
    let team: string;
    const scrape = async () => {
      const response = await fetch(`${server.url}/metrics`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
      return response.text();
    };
    const teamToken = (expiresInMs: number | null) =>
      mustCreate(
        server,
        CREATE_TEAM_TOKEN,
        {
          organization: org.name,
          team,
          name: uniqueName("t"),
          expiresAt:
            expiresInMs === null
              ? null
              : new Date(server.clock.now().getTime() + expiresInMs).toISOString(),
        },
        org.admin.secret,
      );

    beforeAll(async () => {
      if (store.kind === "mysql") {
        database = await freshDatabase(store);
        server.mysqlUrl = database.url;
      }
      await server.start();
      org = await seedOrg(server);
      team = await org.team();
    });
    afterAll(async () => {
      await server.stop();
      await database?.drop();
    });

    it("answers only the configured bearer token", async () => {
      for (const authorization of [undefined, "Bearer wrong", `token ${TOKEN}`]) {
        const response = await fetch(`${server.url}/metrics`, {
          headers: authorization ? { authorization } : {},
        });
        expect(response.status, authorization).toBe(401);
        expect(await response.text()).not.toContain("lapse_");
      }
      await scrape();
    });

    it("counts authentications by outcome, refusals by reason, and times routes and operations", async () => {
      const before = await scrape();
      const created = await teamToken(DAY_MS * 30);
      await server.gql(REVOKE_TOKEN, { id: created.token.id }, org.admin.secret);
      expect((await server.gql(VIEWER, {}, created.secret)).status).toBe(401);
      const member = await org.member();
      await server.gql(
        `mutation($o: String!) { createTeam(organization: $o, name: "nope") { name } }`,
        { o: org.name },
        member.secret,
      );
      const after = await scrape();
      const delta = (name: string, labels: Record<string, string>) =>
        (sample(after, name, labels) ?? 0) - (sample(before, name, labels) ?? 0);
      expect(delta("lapse_authentications_total", { outcome: "refused" })).toBe(1);
      expect(delta("lapse_authentications_total", { outcome: "ok" })).toBeGreaterThanOrEqual(3);
      expect(delta("lapse_refusals_total", { reason: "revoked" })).toBe(1);
      expect(delta("lapse_refusals_total", { reason: "forbidden" })).toBe(1);
      expect(
        delta("lapse_graphql_operation_duration_seconds_count", {
          operation: "mutation createTeam",
        }),
      ).toBe(1);
      expect(
        sample(after, "lapse_http_request_duration_seconds_count", {
          route: "/graphql",
          method: "POST",
          status: "2xx",
        }),
      ).toBeGreaterThan(0);
      expect(after).toMatch(/^lapse_db_pool_connections_in_use \d+$/m);
      expect(after).toMatch(/^lapse_db_pool_waiting \d+$/m);
    });

    it("reports each organization's expiring tokens as the sweep last counted them", async () => {
      await teamToken(12 * 3_600_000);
      await teamToken(3 * DAY_MS);
      await teamToken(20 * DAY_MS);
      await teamToken(null);
      await server.dataSource.query("DELETE FROM job_leases");
      await runPeriodicJobs(server.lapse.services, backgroundContext(server));
      const counted = await scrape();
      const of = (window: string) =>
        sample(counted, "lapse_tokens_expiring", { organization: org.name, window });
      // The revoked token of the test before counts nowhere.
      expect([of("1d"), of("7d"), of("30d"), of("never")]).toEqual([1, 2, 3, 1]);

      // A scrape counts nothing itself: a new token shows once the sweep counts again (5 min).
      await teamToken(12 * 3_600_000);
      expect(
        sample(await scrape(), "lapse_tokens_expiring", { organization: org.name, window: "1d" }),
      ).toBe(1);
      server.clock.advance(5 * 60_000);
      await server.dataSource.query("DELETE FROM job_leases WHERE name = 'expiry-sweep'");
      await runPeriodicJobs(server.lapse.services, backgroundContext(server));
      expect(
        sample(await scrape(), "lapse_tokens_expiring", { organization: org.name, window: "1d" }),
      ).toBe(2);
    });

    it("reports webhook deliveries by outcome and the oldest undelivered event's age", async () => {
      await createWebhook(server, org.admin.secret, org.name, "http://127.0.0.1:9/hook", [
        "TOKEN_CREATED",
      ]);
      await teamToken(DAY_MS);
      server.clock.advance(90_000);
      const waiting = await scrape();
      expect(sample(waiting, "lapse_webhook_oldest_undelivered_seconds", {})).toBe(90);
      await deliverAll(server);
      expect(sample(await scrape(), "lapse_webhook_deliveries_total", { outcome: "failed" })).toBe(
        1,
      );
    });
  });
}

describe("GET /metrics, when not turned on", () => {
  const server = new TestServer({ kind: "sqlite" });
  beforeAll(() => server.start());
  afterAll(() => server.stop());

  it("is not there", async () => {
    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(404);
  });
});
