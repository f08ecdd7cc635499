import { afterEach, beforeEach, expect, it } from "vitest";
import { describeEachFreshStore, type TestServer } from "../../../test/harness";
import {
  CREATE_TEAM_TOKEN,
  REVOKE_TOKEN,
  ROTATE_TOKEN,
  SET_POLICY,
  VIEWER,
  mustCreate,
} from "../../../test/operations";
import { backgroundContext, seedOrg, uniqueName, type SeededOrg } from "../../../test/seed";
import { WebhookReceiver, deliverAll, verify } from "../../../test/webhook-receiver";
import { createWebhook, deliveriesOf } from "../../../test/webhooks";
import { DAY_MS } from "../../clock";
import { createServices } from "../../services";
import { runPeriodicJobs } from "../jobs/periodic-jobs";
import { RETRY_DELAYS_MS } from "./webhook-delivery.worker";

const MINUTE = 60_000;

/** Moves the clock in steps, running the delivery worker at each, as the server's timer does. */
async function tickFor(server: TestServer, totalMs: number, stepMs = MINUTE): Promise<void> {
  for (let passed = 0; passed < totalMs; passed += stepMs) {
    server.clock.advance(stepMs);
    await deliverAll(server);
  }
}

// On databases of their own: the worker and the sweep act on every row of the database.
describeEachFreshStore("webhook deliveries", (server) => {
  let receiver: WebhookReceiver;
  let org: SeededOrg;
  let team: string;
  let hook: { id: string; secret: string };

  // A receiver of its own per test: retries of an earlier test's events never reach this one's.
  beforeEach(async () => {
    receiver = await new WebhookReceiver(server.clock).start();
    org = await seedOrg(server);
    team = await org.team();
    hook = await createWebhook(server, org.admin.secret, org.name, receiver.url);
  });

  afterEach(() => receiver.stop());

  const teamToken = (days = 90, name = uniqueName("t")) =>
    mustCreate(
      server,
      CREATE_TEAM_TOKEN,
      {
        organization: org.name,
        team,
        name,
        expiresAt: new Date(server.clock.now().getTime() + days * DAY_MS).toISOString(),
      },
      org.admin.secret,
    );
  const bodies = () => receiver.verifyAll(hook.secret);

  it("signs each event so the standardwebhooks reference implementation verifies it, and never sends a secret", async () => {
    const created = await teamToken();
    expect(
      (await server.gql(REVOKE_TOKEN, { id: created.token.id }, org.admin.secret)).errors,
    ).toBeUndefined();
    expect((await server.gql(VIEWER, {}, created.secret)).status).toBe(401);
    const rotated = await teamToken();
    const rotation = await server.gql<{ rotateToken: { secret: string } }>(
      ROTATE_TOKEN,
      { id: rotated.token.id },
      org.admin.secret,
    );
    expect(rotation.errors).toBeUndefined();
    const capped = await org.adminTokenFor(30);
    expect(
      (await server.gql(SET_POLICY, { organization: org.name, days: 365 }, capped)).errors,
    ).toBeUndefined();
    await deliverAll(server);

    const events = bodies();
    expect(events.map((e) => e.type).sort()).toEqual(
      [
        "policy.updated",
        "token.created",
        "token.created",
        "token.created",
        // The ADMIN's personal token for the policy: its owner is a member here.
        "token.created",
        "token.revoked",
        "token.revoked",
        "token.rotated",
        "token.use_refused",
      ].sort(),
    );
    const revoked = events.filter((e) => e.type === "token.revoked");
    expect(revoked.map((e) => e.data.reason).sort()).toEqual(["rotation", "user"]);
    const first = events.find((e) => e.type === "token.created")!;
    expect(first.data.token).toEqual({
      id: created.token.id,
      name: created.token.name,
      kind: "TEAM",
      scopes: ["audit:read", "tokens:introspect", "tokens:read", "tokens:write"],
      expiresAt: created.token.expiresAt,
      organization: org.name,
      team,
      owner: null,
      hint: created.token.hint,
    });
    expect(first.timestamp).toBe(server.clock.now().toISOString());
    expect(events.find((e) => e.type === "policy.updated")!.data).toEqual({
      organization: org.name,
      maxTokenLifetimeDays: { from: null, to: 365 },
    });
    for (const received of receiver.received) {
      expect(received.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      for (const secret of [created.secret, rotated.secret, rotation.data!.rotateToken.secret]) {
        expect(received.body).not.toContain(secret);
      }
      expect(received.body).not.toContain(hook.secret);
    }
    // A receiver with another secret, or a body changed on the way, is refused by the library.
    expect(() =>
      verify("whsec_" + Buffer.alloc(32, 1).toString("base64"), receiver.received[0]!),
    ).toThrow(/signature/);
    expect(() =>
      verify(hook.secret, { ...receiver.received[0]!, body: receiver.received[0]!.body + " " }),
    ).toThrow(/signature/);
    const log = await deliveriesOf(server, capped, hook.id);
    expect(
      log.every((d) => d.status === "DELIVERED" && d.attempts === 1 && d.responseCode === 204),
    ).toBe(true);
  });

  it("says why a token was revoked, in one vocabulary: leaked (told or reported), its holder, or a team deleted", async () => {
    const leaked = await teamToken();
    const revoked = await server.gql(
      `mutation($id: ID!) { revokeToken(id: $id, reason: LEAKED) { status } }`,
      { id: leaked.token.id },
      org.admin.secret,
    );
    expect(revoked.errors).toBeUndefined();
    // A leak report records LEAKED, as revokeToken(reason: LEAKED) does; the webhook says "leaked" for both.
    const reported = await teamToken();
    const report = await fetch(`${server.url}/api/credentials/revoke`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ credentials: [reported.secret] }),
    });
    expect(report.status).toBe(202);
    await server.lapse.services.leaks.settled();
    const held = await teamToken();
    const byHolder = await fetch(`${server.url}/api/oauth/revoke`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: held.secret }),
    });
    expect(byHolder.status).toBe(200);
    const inTeam = await teamToken();
    const deleted = await server.gql(
      `mutation($o: String!, $t: String!) { deleteTeam(organization: $o, team: $t) { name } }`,
      { o: org.name, t: team },
      org.admin.secret,
    );
    expect(deleted.errors).toBeUndefined();
    await deliverAll(server);
    const reasons = Object.fromEntries(
      bodies()
        .filter((e) => e.type === "token.revoked")
        .map((e) => [e.data.token.id, e.data.reason]),
    );
    expect(reasons).toEqual({
      [leaked.token.id]: "leaked",
      [reported.token.id]: "leaked",
      [held.token.id]: "holder",
      [inTeam.token.id]: "team deleted",
    });
    const recorded = await server.dataSource.query(
      `SELECT token_id, payload FROM audit_events WHERE type = 'TOKEN_REVOKED' AND token_id IN (?, ?, ?, ?)`,
      [leaked.token.id, reported.token.id, held.token.id, inTeam.token.id],
    );
    expect(
      Object.fromEntries(
        recorded.map((r: { token_id: string; payload: string | object }) => [
          r.token_id,
          (typeof r.payload === "string" ? JSON.parse(r.payload) : r.payload).reason,
        ]),
      ),
    ).toEqual({
      [leaked.token.id]: "LEAKED",
      [reported.token.id]: "LEAKED",
      [held.token.id]: "HOLDER",
      [inTeam.token.id]: "TEAM_DELETED",
    });
  });

  it("retries about 1 min, 5 min, 30 min, 2 h, 5 h, 10 h and 24 h apart with jitter, then gives up", async () => {
    receiver.answer = () => 500;
    await teamToken();
    await deliverAll(server);
    const start = server.clock.now().getTime();
    const gaps: number[] = [];
    let last = start;
    for (let attempt = 1; attempt <= RETRY_DELAYS_MS.length; attempt++) {
      const [delivery] = await deliveriesOf(server, org.admin.secret, hook.id);
      expect(delivery!.status).toBe("RETRYING");
      expect(delivery!.attempts).toBe(attempt);
      const next = new Date(delivery!.nextAttemptAt!).getTime();
      gaps.push(next - last);
      // Nothing is sent a millisecond early.
      server.clock.set(new Date(next - 1));
      await deliverAll(server);
      expect(receiver.received).toHaveLength(attempt);
      server.clock.set(new Date(next));
      await deliverAll(server);
      last = next;
    }
    RETRY_DELAYS_MS.forEach((delay, i) => {
      expect(gaps[i]).toBeGreaterThanOrEqual(delay * 0.9);
      expect(gaps[i]).toBeLessThanOrEqual(delay * 1.1);
    });
    const [dead] = await deliveriesOf(server, org.admin.secret, hook.id);
    expect(dead).toMatchObject({
      status: "DEAD",
      attempts: 8,
      nextAttemptAt: null,
      responseCode: 500,
    });
    expect(new Set(receiver.received.map((r) => r.headers["webhook-id"])).size).toBe(1);
    bodies();
  });

  it("gets everything to a receiver that was down for two hours, once it is back", async () => {
    receiver.answer = () => 503;
    const made: string[] = [];
    for (let i = 0; i < 6; i++) {
      made.push((await teamToken()).token.id);
      await tickFor(server, 20 * MINUTE);
    }
    expect(receiver.received.length).toBeGreaterThan(6);
    receiver.answer = () => 204;
    await tickFor(server, 6 * 3_600_000, 5 * MINUTE);
    const delivered = await deliveriesOf(server, org.admin.secret, hook.id, ["DELIVERED"]);
    expect(delivered).toHaveLength(6);
    const ok = receiver.received.slice(-6).map((r) => verify(hook.secret, r));
    expect(ok.map((e) => e.data.token.id).sort()).toEqual([...made].sort());
  });

  it("still delivers each event to a receiver that answers 500 to every fifth request", async () => {
    receiver.answer = (n) => (n % 5 === 0 ? 500 : 200);
    const made: string[] = [];
    for (let i = 0; i < 12; i++) made.push((await teamToken()).token.id);
    await deliverAll(server);
    await tickFor(server, 30 * MINUTE);
    const delivered = await deliveriesOf(server, org.admin.secret, hook.id, ["DELIVERED"]);
    expect(delivered).toHaveLength(12);
    const answeredOk = receiver.received.filter((_r, i) => (i + 1) % 5 !== 0);
    const seen = answeredOk.map((r) => verify(hook.secret, r).data.token.id);
    expect(new Set(seen)).toEqual(new Set(made));
  });

  it("never makes the API wait for a receiver that does not answer", async () => {
    receiver.answer = () => "hang";
    await teamToken();
    const sending = deliverAll(server);
    await receiver.waitFor(1);
    const started = performance.now();
    for (let i = 0; i < 5; i++) await teamToken();
    expect(performance.now() - started).toBeLessThan(2_000);
    // What is being sent cannot be sent again meanwhile.
    const [inFlight] = await deliveriesOf(server, org.admin.secret, hook.id, ["PENDING"]);
    const refused = await server.gql(
      `mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { id } }`,
      { id: receiver.received[0]!.headers["webhook-id"] },
      org.admin.secret,
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe("CONFLICT");
    expect(inFlight).toBeDefined();
    await receiver.stop();
    await sending;
  });

  it("counts a receiver that has not answered within 10 seconds as failed, and retries", async () => {
    receiver.answer = () => "hang";
    await teamToken();
    const started = performance.now();
    await deliverAll(server);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(9_900);
    expect(waited).toBeLessThan(14_000);
    const [delivery] = await deliveriesOf(server, org.admin.secret, hook.id);
    expect(delivery).toMatchObject({ status: "RETRYING", attempts: 1, responseCode: null });
    expect(delivery!.lastError).toMatch(/no answer within 10000 ms/);
  }, 30_000);

  it("signs with the old secret beside the new one for 24 hours after a rotation", async () => {
    const rotated = await server.gql<{ rotateWebhookSecret: { secret: string } }>(
      `mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret } }`,
      { id: hook.id },
      org.admin.secret,
    );
    const fresh = rotated.data!.rotateWebhookSecret.secret;
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(hook.secret);
    await teamToken();
    await deliverAll(server);
    const during = receiver.received.at(-1)!;
    expect(String(during.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    verify(hook.secret, during);
    verify(fresh, during);

    server.clock.advance(DAY_MS);
    await teamToken();
    await deliverAll(server);
    const after = receiver.received.at(-1)!;
    verify(fresh, after);
    expect(() => verify(hook.secret, after)).toThrow(/signature/);
  });

  it("disables an endpoint after three days of failures, and audits it", async () => {
    receiver.answer = () => 500;
    for (let day = 0; day < 4; day++) {
      await teamToken(90);
      await tickFor(server, DAY_MS, 3_600_000);
    }
    const hooks = await server.gql<{
      webhooks: { id: string; enabled: boolean; disabledReason: string }[];
    }>(
      `query($o: String!) { webhooks(organization: $o) { id enabled disabledReason } }`,
      { o: org.name },
      org.admin.secret,
    );
    expect(hooks.data!.webhooks[0]).toMatchObject({ enabled: false });
    expect(hooks.data!.webhooks[0]!.disabledReason).toMatch(/Every delivery failed from/);
    expect(
      await server.count(
        "audit_events",
        "organization_id = (SELECT id FROM organizations WHERE name = ?) AND type = 'WEBHOOK_DISABLED'",
        [org.name],
      ),
    ).toBe(1);
    const sent = receiver.received.length;
    await teamToken();
    await tickFor(server, 3_600_000, 10 * MINUTE);
    expect(receiver.received).toHaveLength(sent);
  });

  it("sends a test event and redelivers a delivery with the same webhook-id", async () => {
    const test = await server.gql<{ sendTestWebhook: { id: string; status: string } }>(
      `mutation($id: ID!) { sendTestWebhook(id: $id) { id status } }`,
      { id: hook.id },
      org.admin.secret,
    );
    expect(test.data!.sendTestWebhook.status).toBe("PENDING");
    await deliverAll(server);
    expect(bodies()[0]!.type).toBe("webhook.test");
    const again = await server.gql<{ redeliverWebhook: { status: string } }>(
      `mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { status } }`,
      { id: test.data!.sendTestWebhook.id },
      org.admin.secret,
    );
    expect(again.data!.redeliverWebhook.status).toBe("PENDING");
    await deliverAll(server);
    expect(receiver.received.map((r) => r.headers["webhook-id"])).toEqual([
      test.data!.sendTestWebhook.id,
      test.data!.sendTestWebhook.id,
    ]);
  });

  /** A Lapse instance's background work on the same database and clock: as a restart makes one. */
  const instance = () => {
    const services = createServices(server.dataSource, server.logger, {
      webhookKey: "test-webhook-key-0123456789abcdef0123456789",
      webhookAllowPrivate: true,
    });
    return { services, ctx: backgroundContext(server, services) };
  };
  const expiringOf = (tokenId: string) =>
    bodies().filter((e) => e.type === "token.expiring" && e.data.token.id === tokenId);

  it("warns once per threshold (30, 7, 1 days) with several instances sweeping and restarting", async () => {
    const token = await teamToken(40);
    let instances = [instance(), instance(), instance()];
    for (let step = 1; step * 12 * 3_600_000 <= 41 * DAY_MS; step++) {
      server.clock.advance(12 * 3_600_000);
      // Each instance ticks, and each also sweeps outside the lease, as two would if one's lease
      // lapsed mid-sweep: the (token, threshold) key still lets one warning through.
      await Promise.all(instances.map((i) => runPeriodicJobs(i.services, i.ctx)));
      await Promise.all(instances.map((i) => i.services.expiryWarnings.warn(i.ctx)));
      if (step % 10 === 0) instances = [instance(), ...instances.slice(1)];
      await deliverAll(server);
    }
    const warnings = expiringOf(token.token.id);
    expect(warnings.map((e) => e.data.thresholdDays)).toEqual([30, 7, 1]);
    expect(
      await server.count("audit_events", "token_id = ? AND type = 'TOKEN_EXPIRING'", [
        token.token.id,
      ]),
    ).toBe(3);
    // Each within the sweep's half-day step of its threshold.
    const expiresAt = new Date(token.token.expiresAt!).getTime();
    for (const warning of warnings) {
      const ahead = expiresAt - new Date(warning.timestamp).getTime();
      expect(ahead).toBeLessThanOrEqual(warning.data.thresholdDays * DAY_MS);
      expect(ahead).toBeGreaterThan(warning.data.thresholdDays * DAY_MS - 12 * 3_600_000);
    }
    expect(
      bodies().filter((e) => e.type === "token.expired" && e.data.token.id === token.token.id),
    ).toHaveLength(1);
  });

  it("sends each event once when several instances deliver from one outbox", async () => {
    for (let i = 0; i < 15; i++) await teamToken();
    const instances = [instance(), instance(), instance()];
    await Promise.all(instances.map((i) => i.services.webhookDelivery.deliverDue(i.ctx)));
    const ids = receiver.received.map((r) => r.headers["webhook-id"]);
    expect(ids).toHaveLength(15);
    expect(new Set(ids).size).toBe(15);
    bodies();
  });

  it("gives no warning to a token revoked before its 7-day warning", async () => {
    const revoked = await teamToken(10);
    const kept = await teamToken(10);
    const sweeper = instance();
    const sweepFor = async (ms: number) => {
      for (let passed = 0; passed < ms; passed += 12 * 3_600_000) {
        server.clock.advance(12 * 3_600_000);
        await sweeper.services.expiryWarnings.warn(sweeper.ctx);
      }
    };
    await sweepFor(2 * DAY_MS);
    expect(
      (await server.gql(REVOKE_TOKEN, { id: revoked.token.id }, org.admin.secret)).errors,
    ).toBeUndefined();
    await sweepFor(7.5 * DAY_MS);
    await deliverAll(server);
    expect(expiringOf(revoked.token.id)).toHaveLength(0);
    // The same sweep warned the token that was not revoked, at 7 days and at 1 (it was made
    // inside 30 days, so that one is not news).
    expect(expiringOf(kept.token.id).map((e) => e.data.thresholdDays)).toEqual([7, 1]);
  });
});

describeEachFreshStore(
  "webhook deliveries without LAPSE_WEBHOOK_ALLOW_PRIVATE",
  (server) => {
    it("checks the address after DNS at every delivery, and never connects to a private one", async () => {
      const receiver = await new WebhookReceiver(server.clock).start();
      try {
        const org = await seedOrg(server);
        const port = new URL(receiver.url).port;
        // The name does not resolve when registered (let through: every delivery checks again);
        // at delivery it resolves to loopback, where a receiver listens.
        const { id } = await createWebhook(
          server,
          org.admin.secret,
          org.name,
          `https://hooks.test:${port}/hook`,
        );
        await server.gql(
          `mutation($id: ID!) { sendTestWebhook(id: $id) { id } }`,
          { id },
          org.admin.secret,
        );
        await deliverAll(server);
        const [delivery] = await deliveriesOf(server, org.admin.secret, id);
        expect(delivery).toMatchObject({ status: "RETRYING", attempts: 1, responseCode: null });
        expect(delivery!.lastError).toMatch(/non-public address 127\.0\.0\.1/);
        expect(receiver.received).toHaveLength(0);
      } finally {
        await receiver.stop();
      }
    });
  },
  {
    webhookAllowPrivate: false,
    webhookDelivery: {
      // hooks.test resolves to loopback, where a receiver listens.
      resolve: async (hostname) => {
        if (hostname !== "hooks.test") throw new Error(`${hostname} is not known here`);
        return [{ address: "127.0.0.1", family: 4 }];
      },
    },
  },
);
