import { expect, it } from "vitest";
import { describeEachStore } from "../../../test/harness";
import { CREATE_TEAM_TOKEN, errorCode, mustCreate } from "../../../test/operations";
import { seedOrg, uniqueName } from "../../../test/seed";
import { OrganizationRole } from "../organization/organization.types";
import { ALL_EVENTS, CREATE_WEBHOOK, createWebhook, deliveriesOf } from "../../../test/webhooks";

const WEBHOOKS = `query($o: String!) { webhooks(organization: $o) { id url events enabled description } }`;
/** Nothing listens on the discard port of loopback: deliveries there fail at once. */
const NOWHERE = "http://127.0.0.1:9/hook";

describeEachStore("webhooks", (server) => {
  it("returns the signing secret once, keeps it only encrypted, and audits every change", async () => {
    const org = await seedOrg(server);
    const { id, secret } = await createWebhook(server, org.admin.secret, org.name, NOWHERE, [
      "TOKEN_CREATED",
      "TOKEN_EXPIRING",
    ]);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const rows: Record<string, unknown>[] = await server.dataSource.query(
      "SELECT * FROM webhooks WHERE id = ?",
      [id],
    );
    expect(JSON.stringify(rows)).not.toContain(secret.slice(6));
    const listed = await server.gql<{ webhooks: { id: string; events: string[] }[] }>(
      WEBHOOKS,
      { o: org.name },
      org.admin.secret,
    );
    expect(listed.data!.webhooks).toEqual([
      expect.objectContaining({ id, events: ["TOKEN_EXPIRING", "TOKEN_CREATED"] }),
    ]);
    expect(JSON.stringify(listed)).not.toContain(secret);

    const updated = await server.gql(
      `mutation($id: ID!) { updateWebhook(id: $id, events: [TOKEN_REVOKED], description: "ops", enabled: false) { events enabled description } }`,
      { id },
      org.admin.secret,
    );
    expect(updated.data).toEqual({
      updateWebhook: { events: ["TOKEN_REVOKED"], enabled: false, description: "ops" },
    });
    const deleted = await server.gql(
      `mutation($id: ID!) { deleteWebhook(id: $id) { id } }`,
      { id },
      org.admin.secret,
    );
    expect(deleted.errors).toBeUndefined();
    const types: { type: string }[] = await server.dataSource.query(
      "SELECT type FROM audit_events WHERE organization_id = (SELECT id FROM organizations WHERE name = ?) AND type LIKE 'WEBHOOK%' ORDER BY id",
      [org.name],
    );
    expect(types.map((t) => t.type)).toEqual([
      "WEBHOOK_CREATED",
      "WEBHOOK_UPDATED",
      "WEBHOOK_DELETED",
    ]);
  });

  it("sends nothing to a disabled endpoint or for events it did not choose", async () => {
    const org = await seedOrg(server);
    const team = await org.team();
    const { id } = await createWebhook(server, org.admin.secret, org.name, NOWHERE, [
      "TOKEN_REVOKED",
    ]);
    const make = () =>
      mustCreate(
        server,
        CREATE_TEAM_TOKEN,
        { organization: org.name, team, name: uniqueName("t") },
        org.admin.secret,
      );
    await make();
    expect(await deliveriesOf(server, org.admin.secret, id)).toHaveLength(0);
    await server.gql(
      `mutation($id: ID!) { updateWebhook(id: $id, events: [TOKEN_CREATED], enabled: false) { id } }`,
      { id },
      org.admin.secret,
    );
    await make();
    expect(await deliveriesOf(server, org.admin.secret, id)).toHaveLength(0);
  });

  it("lets AUDITORs read deliveries but not manage webhooks", async () => {
    const org = await seedOrg(server);
    const auditor = await org.member(OrganizationRole.AUDITOR);
    const { id } = await createWebhook(server, org.admin.secret, org.name, NOWHERE);
    await server.gql(
      `mutation($id: ID!) { sendTestWebhook(id: $id) { id } }`,
      { id },
      org.admin.secret,
    );
    expect(await deliveriesOf(server, auditor.secret, id)).toHaveLength(1);
    const refused = await server.gql(
      `mutation($id: ID!) { sendTestWebhook(id: $id) { id } }`,
      { id },
      auditor.secret,
    );
    expect(errorCode(refused)).toBe("FORBIDDEN");
    expect(await deliveriesOf(server, auditor.secret, id)).toHaveLength(1);
  });

  it("refuses bad input with a sentence and changes nothing", async () => {
    const org = await seedOrg(server);
    const attempt = (variables: Record<string, unknown>) =>
      server.gql(
        CREATE_WEBHOOK,
        { organization: org.name, events: ALL_EVENTS, ...variables },
        org.admin.secret,
      );
    for (const [variables, message] of [
      [{ url: "not a url" }, /absolute URL/],
      [{ url: "ftp://hooks.example.com/x" }, /https/],
      [{ url: "https://user:pw@hooks.example.com/x" }, /without credentials/],
      [{ url: NOWHERE, events: [] }, /at least one event/],
      [{ url: `https://${"a".repeat(2050)}.com` }, /at most 2048/],
    ] as const) {
      const refused = await attempt(variables);
      expect(errorCode(refused), JSON.stringify(variables).slice(0, 80)).toBe("BAD_USER_INPUT");
      expect(refused.errors![0]!.message).toMatch(message);
    }
    for (const days of [[0], [400], [1, 2, 3, 4, 5, 6], [1.5]]) {
      const refused = await server.gql(
        `mutation($o: String!, $d: [Int!]!) { setExpiryNotificationThresholds(organization: $o, days: $d) { expiryNotificationThresholds } }`,
        { o: org.name, d: days },
        org.admin.secret,
      );
      expect(errorCode(refused), JSON.stringify(days)).toBe("BAD_USER_INPUT");
    }
    const listed = await server.gql<{ webhooks: unknown[] }>(
      WEBHOOKS,
      { o: org.name },
      org.admin.secret,
    );
    expect(listed.data!.webhooks).toHaveLength(0);
    const set = await server.gql(
      `mutation($o: String!) { setExpiryNotificationThresholds(organization: $o, days: [14, 60, 3]) { expiryNotificationThresholds } }`,
      { o: org.name },
      org.admin.secret,
    );
    expect(set.data).toEqual({
      setExpiryNotificationThresholds: { expiryNotificationThresholds: [60, 14, 3] },
    });
  });
});

describeEachStore(
  "webhooks without a key",
  (server) => {
    it("are refused with SERVICE_UNAVAILABLE naming LAPSE_WEBHOOK_KEY", async () => {
      const org = await seedOrg(server);
      const refused = await server.gql(
        CREATE_WEBHOOK,
        { organization: org.name, url: NOWHERE, events: ["TOKEN_CREATED"] },
        org.admin.secret,
      );
      expect(errorCode(refused)).toBe("SERVICE_UNAVAILABLE");
      expect(refused.errors![0]!.message).toMatch(/LAPSE_WEBHOOK_KEY/);
    });
  },
  { webhookKey: null },
);

describeEachStore(
  "webhook targets without LAPSE_WEBHOOK_ALLOW_PRIVATE",
  (server) => {
    it("refuses http and loopback, private and link-local targets when they are registered", async () => {
      const org = await seedOrg(server);
      for (const url of [
        "http://hooks.example.com/x",
        "https://127.0.0.1/x",
        "https://10.1.2.3/x",
        "https://169.254.169.254/latest",
        "https://[::1]/x",
        "https://[fd00::1]/x",
      ]) {
        const refused = await server.gql(
          CREATE_WEBHOOK,
          { organization: org.name, url, events: ["TOKEN_CREATED"] },
          org.admin.secret,
        );
        expect(errorCode(refused), url).toBe("BAD_USER_INPUT");
        expect(refused.errors![0]!.message).toMatch(/LAPSE_WEBHOOK_ALLOW_PRIVATE=true/);
      }
    });
  },
  { webhookAllowPrivate: false },
);
