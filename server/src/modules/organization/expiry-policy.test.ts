import { expect, it } from "vitest";
import { describeEachStore } from "../../../test/harness";
import {
  CREATE_ORGANIZATION_TOKEN,
  CREATE_PERSONAL_TOKEN,
  CREATE_TEAM_TOKEN,
  REVOKE_TOKEN,
  SET_POLICY,
  VIEWER,
  auditTrail,
  errorCode,
  mustCreate,
} from "../../../test/operations";
import { seedOrg } from "../../../test/seed";
import { OrganizationRole } from "./organization.types";

const DAY = 86_400_000;

describeEachStore("token expiry policy", (server) => {
  const at = (ms: number) => new Date(server.clock.now().getTime() + ms).toISOString();

  it("is set by person ADMINs only, within 1 to 3650 days, and audited", async () => {
    const org = await seedOrg(server);
    const admin = await org.adminTokenFor(7);
    const member = await org.member();
    const machineAdmin = await mustCreate(
      server,
      CREATE_ORGANIZATION_TOKEN,
      { organization: org.name, name: "machine", admin: true },
      org.admin.secret,
    );
    for (const secret of [member.secret, machineAdmin.secret]) {
      expect(
        errorCode(await server.gql(SET_POLICY, { organization: org.name, days: 14 }, secret)),
      ).toBe("FORBIDDEN");
    }
    for (const days of [0, 3651, -1]) {
      const response = await server.gql(SET_POLICY, { organization: org.name, days }, admin);
      expect.soft(errorCode(response), String(days)).toBe("BAD_USER_INPUT");
      expect.soft(response.errors?.[0]?.message).toMatch(/from 1 to 3650/);
    }
    const set = await server.gql(SET_POLICY, { organization: org.name, days: 14 }, admin);
    expect(set.data).toEqual({
      setTokenExpiryPolicy: { name: org.name, maxTokenLifetimeDays: 14 },
    });
    await server.gql(SET_POLICY, { organization: org.name, days: null }, admin);
    const events = await auditTrail(server, admin, {
      organization: org.name,
      types: ["POLICY_UPDATED"],
    });
    expect(events.map((e) => e.payload)).toEqual([
      { maxTokenLifetimeDays: { from: 14, to: null } },
      { maxTokenLifetimeDays: { from: null, to: 14 } },
    ]);
    expect(events[0]!.actorLogin).toBe(org.admin.login);
  });

  it("refuses team and organization tokens at creation that never expire or outlive the cap", async () => {
    const org = await seedOrg(server);
    const admin = await org.adminTokenFor(14);
    const team = await org.team();
    await server.gql(SET_POLICY, { organization: org.name, days: 14 }, admin);
    const before = await server.tenantRows(org.name);
    for (const expiresAt of [null, at(14 * DAY + 1), at(30 * DAY)]) {
      for (const [document, vars] of [
        [CREATE_TEAM_TOKEN, { organization: org.name, team, name: "t" }],
        [CREATE_ORGANIZATION_TOKEN, { organization: org.name, name: "o" }],
      ] as const) {
        const response = await server.gql(document, { ...vars, expiresAt }, admin);
        expect.soft(errorCode(response), `${expiresAt}`).toBe("POLICY_VIOLATION");
        expect
          .soft(response.errors?.[0]?.message)
          .toBe(
            `The ${org.name} organization enforces a maximum token lifetime of 14 days: set expiresAt no later than ${at(14 * DAY)}.`,
          );
      }
    }
    expect(await server.tenantRows(org.name)).toEqual(before);
    await mustCreate(
      server,
      CREATE_TEAM_TOKEN,
      { organization: org.name, team, name: "ok", expiresAt: at(14 * DAY) },
      admin,
    );
    // Personal tokens belong to no organization: only their use there is judged.
    await mustCreate(server, CREATE_PERSONAL_TOKEN, { name: "forever" }, org.admin.secret);
  });

  it("refuses a long-lived team token at use with 403, until its remaining lifetime falls under the cap", async () => {
    const org = await seedOrg(server);
    const admin = await org.adminTokenFor(7);
    const team = await org.team();
    const expiresAt = server.clock.now().getTime() + 20 * DAY;
    const longLived = await mustCreate(
      server,
      CREATE_TEAM_TOKEN,
      { organization: org.name, team, name: "long", expiresAt: new Date(expiresAt).toISOString() },
      org.admin.secret,
    );
    const forever = await mustCreate(
      server,
      CREATE_TEAM_TOKEN,
      { organization: org.name, team, name: "forever" },
      org.admin.secret,
    );
    expect((await server.gql(VIEWER, {}, longLived.secret)).status).toBe(200);

    await server.gql(SET_POLICY, { organization: org.name, days: 14 }, admin);
    for (const secret of [longLived.secret, forever.secret]) {
      const refused = await server.gql(VIEWER, {}, secret);
      expect(refused.status).toBe(403);
      expect(errorCode(refused)).toBe("POLICY_VIOLATION");
      expect(refused.errors![0]!.message).toBe(
        `The ${org.name} organization enforces a maximum token lifetime of 14 days that this token does not meet; create a token that expires within 14 days.`,
      );
    }
    // One millisecond before its remaining lifetime is 14 days it is still refused; from then on it works.
    server.clock.set(new Date(expiresAt - 14 * DAY - 1));
    expect((await server.gql(VIEWER, {}, longLived.secret)).status).toBe(403);
    server.clock.set(new Date(expiresAt - 14 * DAY));
    expect((await server.gql(VIEWER, {}, longLived.secret)).status).toBe(200);
    expect((await server.gql(VIEWER, {}, forever.secret)).status).toBe(403);

    await server.gql(SET_POLICY, { organization: org.name, days: null }, admin);
    expect((await server.gql(VIEWER, {}, forever.secret)).status).toBe(200);
  });

  it("refuses a personal token that breaks the cap when it acts on the organization, not elsewhere", async () => {
    const org = await seedOrg(server);
    const admin = await org.adminTokenFor(7);
    const member = await org.member(OrganizationRole.MEMBER);
    await server.gql(SET_POLICY, { organization: org.name, days: 7 }, admin);
    // The member's seed token never expires.
    const viewer = await server.gql(VIEWER, {}, member.secret);
    expect(viewer.status).toBe(200);
    const orgQuery = `query($n: String!) { organization(name: $n) { name } }`;
    const refused = await server.gql(orgQuery, { n: org.name }, member.secret);
    expect(refused.status).toBe(403);
    expect(errorCode(refused)).toBe("POLICY_VIOLATION");
    expect(refused.errors![0]!.message).toMatch(/maximum token lifetime of 7 days/);

    const compliant = await mustCreate(
      server,
      CREATE_PERSONAL_TOKEN,
      { name: "week", expiresAt: at(7 * DAY) },
      member.secret,
    );
    expect((await server.gql(orgQuery, { n: org.name }, compliant.secret)).data).toEqual({
      organization: { name: org.name },
    });
  });

  it("audits refused uses at most once a minute per token", async () => {
    const org = await seedOrg(server);
    const admin = await org.adminTokenFor(7);
    const team = await org.team();
    const { secret, token } = await mustCreate(
      server,
      CREATE_TEAM_TOKEN,
      { organization: org.name, team, name: "noisy" },
      org.admin.secret,
    );
    await server.gql(SET_POLICY, { organization: org.name, days: 7 }, admin);
    for (let i = 0; i < 10; i++) {
      await server.gql(VIEWER, {}, secret);
      server.clock.advance(5_000); // 10 refusals over 50 seconds
    }
    const refusals = () =>
      auditTrail(server, admin, {
        organization: org.name,
        types: ["TOKEN_USE_REFUSED"],
        tokenId: token.id,
      });
    expect(await refusals()).toHaveLength(1);
    expect((await refusals())[0]).toMatchObject({
      payload: { reason: "policy" },
      actorTokenId: token.id,
    });
    server.clock.advance(10_000); // a minute after the first
    await server.gql(VIEWER, {}, secret);
    expect(await refusals()).toHaveLength(2);

    await server.gql(REVOKE_TOKEN, { id: token.id }, admin);
    server.clock.advance(60_000);
    await server.gql(VIEWER, {}, secret);
    expect((await refusals())[0]!.payload).toEqual({ reason: "revoked" });
  });

  it("refuses a cap that the caller's own token breaks, rather than locking them out", async () => {
    const org = await seedOrg(server);
    const response = await server.gql(
      SET_POLICY,
      { organization: org.name, days: 14 },
      org.admin.secret,
    );
    expect(errorCode(response)).toBe("POLICY_VIOLATION");
    expect(response.errors![0]!.message).toMatch(
      /sign in with a token that expires within 14 days/,
    );
    const org2 = await server.gql(
      `query($n: String!) { organization(name: $n) { maxTokenLifetimeDays } }`,
      { n: org.name },
      org.admin.secret,
    );
    expect(org2.data).toEqual({ organization: { maxTokenLifetimeDays: null } });
  });

  it("previews what a proposed cap would refuse, for ADMINs and AUDITORs", async () => {
    const org = await seedOrg(server);
    const admin = await org.adminTokenFor(7);
    const team = await org.team();
    const auditor = await org.member(OrganizationRole.AUDITOR);
    const member = await org.member();
    await mustCreate(
      server,
      CREATE_TEAM_TOKEN,
      { organization: org.name, team, name: "never" },
      org.admin.secret,
    );
    await mustCreate(
      server,
      CREATE_TEAM_TOKEN,
      { organization: org.name, team, name: "month", expiresAt: at(30 * DAY) },
      org.admin.secret,
    );
    await mustCreate(
      server,
      CREATE_ORGANIZATION_TOKEN,
      { organization: org.name, name: "week", expiresAt: at(7 * DAY) },
      org.admin.secret,
    );
    const revoked = await mustCreate(
      server,
      CREATE_TEAM_TOKEN,
      { organization: org.name, team, name: "gone" },
      org.admin.secret,
    );
    await server.gql(REVOKE_TOKEN, { id: revoked.token.id }, admin);
    const preview = `query($o: String!, $d: Int) { previewTokenExpiryPolicy(organization: $o, maxTokenLifetimeDays: $d) {
      maxTokenLifetimeDays blockedCount blockedTokens { name }
    } }`;
    for (const secret of [admin, auditor.secret]) {
      const result = await server.gql<{
        previewTokenExpiryPolicy: { blockedCount: number; blockedTokens: { name: string }[] };
      }>(preview, { o: org.name, d: 14 }, secret);
      const names = result.data!.previewTokenExpiryPolicy.blockedTokens.map((t) => t.name);
      // The month-long and never-expiring team tokens, and every member's never-expiring seed token.
      expect(names.filter((n) => n !== "seed").sort()).toEqual(["month", "never"]);
      expect(names.filter((n) => n === "seed")).toHaveLength(3);
      expect(result.data!.previewTokenExpiryPolicy.blockedCount).toBe(5);
    }
    const wider = await server.gql<{ previewTokenExpiryPolicy: { blockedCount: number } }>(
      preview,
      { o: org.name, d: 60 },
      admin,
    );
    expect(wider.data!.previewTokenExpiryPolicy.blockedCount).toBe(4);
    expect(errorCode(await server.gql(preview, { o: org.name, d: 14 }, member.secret))).toBe(
      "FORBIDDEN",
    );
    // A preview changes nothing.
    const org2 = await server.gql(
      `query($n: String!) { organization(name: $n) { maxTokenLifetimeDays } }`,
      { n: org.name },
      admin,
    );
    expect(org2.data).toEqual({ organization: { maxTokenLifetimeDays: null } });
  });
});
