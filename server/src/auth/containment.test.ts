import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachStore } from "../../test/harness";
import { mintToken, trustIssuer, SET_POLICIES } from "../../test/oidc-setup";
import { TestOidcIssuer } from "../../test/oidc-issuer";
import {
  CREATE_PERSONAL_TOKEN,
  CREATE_TEAM_TOKEN,
  REVOKE_TOKEN,
  ROTATE_TOKEN,
  SET_POLICY,
  TOKEN,
  TOKENS,
  errorCode,
  mustCreate,
} from "../../test/operations";
import { personalToken, seedOrg, uniqueName } from "../../test/seed";

/**
 * The attacks of issue 11, each as an attacker tried it against the code before the fix: a leaked
 * credential stays bounded by its expiry, its kind and its organization.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MAIN = "repo:acme/infra:ref:refs/heads/main";

const ADD_MEMBER = `mutation($o: String!, $l: String!, $r: OrganizationRole!) {
  addOrganizationMember(organization: $o, login: $l, role: $r) { login siteAdmin }
}`;

interface Rotated {
  rotateToken: { secret: string; token: { id: string; expiresAt: string | null } };
}

describeEachStore("containment", (server) => {
  let issuer: TestOidcIssuer;
  beforeAll(async () => {
    issuer = new TestOidcIssuer();
    await issuer.start();
  });
  afterAll(() => issuer.stop());

  const at = (ms: number) => new Date(server.clock.now().getTime() + ms).toISOString();

  it("refuses a tenant ADMIN who adds another tenant's site admin, and reveals nothing of them", async () => {
    const acme = await seedOrg(server, { siteAdmin: true });
    const acmeTokenId = (
      await mustCreate(server, CREATE_PERSONAL_TOKEN, { name: "deploy" }, acme.admin.secret)
    ).token.id;
    const beta = await seedOrg(server);
    const before = await server.tenantRows(beta.name);

    const existing = await server.gql(
      ADD_MEMBER,
      { o: beta.name, l: acme.admin.login, r: "MEMBER" },
      beta.admin.secret,
    );
    const unknown = await server.gql(
      ADD_MEMBER,
      { o: beta.name, l: uniqueName("nobody"), r: "MEMBER" },
      beta.admin.secret,
    );
    expect(errorCode(existing)).toBe("FORBIDDEN");
    // "No such user" and "not yours" answer alike.
    expect(existing.errors).toEqual(
      unknown.errors!.map((e) => ({
        ...e,
        extensions: { ...e.extensions, requestId: existing.errors![0]!.extensions!.requestId },
      })),
    );
    expect(JSON.stringify(existing)).not.toContain("siteAdmin");
    expect(await server.tenantRows(beta.name)).toEqual(before);

    // Nor can beta's ADMIN read the site admin's personal tokens made for acme.
    const read = await server.gql<{ token: unknown }>(
      TOKEN,
      { id: acmeTokenId },
      beta.admin.secret,
    );
    expect(read.data?.token).toBeNull();
  });

  it("refuses a personal OIDC policy for a login of another tenant, as it refuses an unknown login", async () => {
    const acme = await seedOrg(server, { siteAdmin: true });
    const beta = await seedOrg(server);
    const issuerId = await trustIssuer(server, beta.admin.secret, beta.name, issuer, [], {
      j: JSON.stringify(issuer.jwks()),
    });
    const policy = (login: string) => [
      { decision: "ALLOW", tokenType: "PERSONAL", login, rules: [{ claim: "sub", pattern: MAIN }] },
    ];
    const elsewhere = await server.gql(
      SET_POLICIES,
      { id: issuerId, p: policy(acme.admin.login) },
      beta.admin.secret,
    );
    const unknown = await server.gql(
      SET_POLICIES,
      { id: issuerId, p: policy(uniqueName("nobody")) },
      beta.admin.secret,
    );
    expect(errorCode(elsewhere)).toBe(errorCode(unknown));
    expect(errorCode(elsewhere)).not.toBeUndefined();
    expect(elsewhere.errors![0]!.message.replace(acme.admin.login, "X")).toBe(
      unknown.errors![0]!.message.replace(/nobody-\w+/, "X"),
    );
  });

  it("bounds a minted personal token of a site admin to the organization whose issuer minted it", async () => {
    const home = await seedOrg(server, { siteAdmin: true });
    const homeTokens = await mustCreate(
      server,
      CREATE_PERSONAL_TOKEN,
      { name: "home" },
      home.admin.secret,
    );
    const ci = await seedOrg(server);
    // The site admin joins ci by redeeming an invitation, signed in as itself.
    const invited = await server.gql<{ inviteMember: { code: string } }>(
      `mutation($o: String!, $l: String!) { inviteMember(organization: $o, login: $l, role: ADMIN) { code } }`,
      { o: ci.name, l: home.admin.login },
      ci.admin.secret,
    );
    const joined = await server.gql(
      `mutation($c: String!) { redeemInvitation(code: $c, tokenName: "ci") { secret } }`,
      { c: invited.data!.inviteMember.code },
      home.admin.secret,
    );
    expect(joined.errors).toBeUndefined();
    await trustIssuer(server, ci.admin.secret, ci.name, issuer, [
      {
        decision: "ALLOW",
        tokenType: "PERSONAL",
        login: home.admin.login,
        rules: [{ claim: "sub", pattern: MAIN }],
      },
    ]);
    const secret = await mintToken(server, issuer, ci.name, "personal", `user:${home.admin.login}`);

    // Inside ci it acts as the ADMIN it is there.
    const inCi = await server.gql(TOKENS, { filter: { organization: ci.name } }, secret);
    expect(inCi.errors).toBeUndefined();
    // Outside ci it is nobody: not in home, not the owner of home's tokens, not a site admin.
    const inHome = await server.gql(TOKENS, { filter: { organization: home.name } }, secret);
    expect(errorCode(inHome)).toBe("NOT_FOUND");
    // Its owner's other tokens are not its own: ci's ADMINs may read them (their owner is a ci
    // member), but only the owner, as a person, revokes them.
    const revoke = await server.gql(REVOKE_TOKEN, { id: homeTokens.token.id }, secret);
    expect(errorCode(revoke)).toBe("FORBIDDEN");
    const mine = await server.gql<{ tokens: { edges: { node: { id: string } }[] } }>(
      TOKENS,
      {},
      secret,
    );
    expect(mine.data!.tokens.edges.map((e) => e.node.id)).not.toContain(homeTokens.token.id);
    const viewer = await server.gql<{
      viewer: { organizations: { organization: { name: string } }[] };
    }>(`{ viewer { organizations { organization { name } } } }`, {}, secret);
    expect(viewer.data!.viewer.organizations.map((o) => o.organization.name)).toEqual([ci.name]);
    // It makes no tokens and no organizations.
    const personal = await server.gql(CREATE_PERSONAL_TOKEN, { name: "forever" }, secret);
    expect(errorCode(personal)).toBe("FORBIDDEN");
    const organization = await server.gql(
      `mutation($n: String!) { createOrganization(name: $n, edition: TEAM) { name } }`,
      { n: uniqueName("org") },
      secret,
    );
    expect(errorCode(organization)).toBe("FORBIDDEN");
  });

  it("refuses an admin organization token every way of making a person an ADMIN", async () => {
    const org = await seedOrg(server);
    const machine = (
      await mustCreate(
        server,
        `mutation($o: String!, $n: String!) { createOrganizationToken(organization: $o, name: $n, admin: true) { secret token { id } } }`,
        { o: org.name, n: "machine" },
        org.admin.secret,
      )
    ).secret;
    const member = await org.member();
    const before = await server.tenantRows(org.name);
    const invite = await server.gql(
      `mutation($o: String!) { inviteMember(organization: $o, login: "mallory", role: ADMIN) { code } }`,
      { o: org.name },
      machine,
    );
    const promote = await server.gql(
      `mutation($o: String!, $l: String!) { changeOrganizationRole(organization: $o, login: $l, role: ADMIN) { login } }`,
      { o: org.name, l: member.login },
      machine,
    );
    const policy = await server.gql(SET_POLICY, { organization: org.name, days: null }, machine);
    for (const refused of [invite, promote, policy]) expect(errorCode(refused)).toBe("FORBIDDEN");
    expect(await server.tenantRows(org.name)).toEqual(before);
  });

  it("refuses a rotation of a minted team token, which would outlive its two hours", async () => {
    const org = await seedOrg(server);
    const team = await org.team();
    await trustIssuer(server, org.admin.secret, org.name, issuer, [
      { decision: "ALLOW", tokenType: "TEAM", team, rules: [{ claim: "sub", pattern: MAIN }] },
    ]);
    const secret = await mintToken(server, issuer, org.name, "team", `team:${team}`);
    const viewer = await server.gql<{ viewer: { token: { id: string } } }>(
      `{ viewer { token { id } } }`,
      {},
      secret,
    );
    const id = viewer.data!.viewer.token.id;
    const before = await server.tenantRows(org.name);
    const itself = await server.gql(ROTATE_TOKEN, { id, expiresAt: at(700 * DAY) }, secret);
    expect(errorCode(itself)).toBe("FORBIDDEN");
    expect(itself.errors![0]!.message).toMatch(/exchange/);
    const byAdmin = await server.gql(ROTATE_TOKEN, { id }, org.admin.secret);
    expect(errorCode(byAdmin)).toBe("FORBIDDEN");
    expect(await server.tenantRows(org.name)).toEqual(before);
  });

  it("keeps a rotated personal token's lifetime, to the second", async () => {
    const org = await seedOrg(server);
    const hourly = await mustCreate(
      server,
      CREATE_PERSONAL_TOKEN,
      { name: "hourly", expiresAt: at(HOUR) },
      org.admin.secret,
    );
    server.clock.advance(30 * 60_000);
    const tooLong = await server.gql(
      ROTATE_TOKEN,
      { id: hourly.token.id, expiresAt: at(HOUR + 1000) },
      hourly.secret,
    );
    expect(errorCode(tooLong)).toBe("BAD_USER_INPUT");
    expect(tooLong.errors![0]!.message).toContain(at(HOUR));
    const twoYears = await server.gql(
      ROTATE_TOKEN,
      { id: hourly.token.id, expiresAt: at(700 * DAY) },
      hourly.secret,
    );
    expect(errorCode(twoYears)).toBe("BAD_USER_INPUT");
    const rotated = await server.gql<Rotated>(ROTATE_TOKEN, { id: hourly.token.id }, hourly.secret);
    expect(rotated.errors).toBeUndefined();
    expect(rotated.data!.rotateToken.token.expiresAt).toBe(at(HOUR));
    const exactly = await server.gql<Rotated>(
      ROTATE_TOKEN,
      { id: rotated.data!.rotateToken.token.id, expiresAt: at(HOUR) },
      rotated.data!.rotateToken.secret,
    );
    expect(exactly.errors).toBeUndefined();
  });

  it("bounds a rotation of another token by the calling token's own expiry", async () => {
    const org = await seedOrg(server);
    const team = await org.team();
    const forever = await mustCreate(
      server,
      CREATE_TEAM_TOKEN,
      { organization: org.name, team, name: "forever" },
      org.admin.secret,
    );
    const leaked = await personalToken(server, org.admin.login, "leaked", new Date(at(HOUR)));
    const rotated = await server.gql<Rotated>(ROTATE_TOKEN, { id: forever.token.id }, leaked);
    expect(rotated.errors).toBeUndefined();
    expect(rotated.data!.rotateToken.token.expiresAt).toBe(at(HOUR));
  });

  it("refuses a token that would outlive the token creating it, to the second", async () => {
    const org = await seedOrg(server);
    const team = await org.team();
    const hourly = await personalToken(server, org.admin.login, "hourly", new Date(at(HOUR)));
    const before = await server.tenantRows(org.name);
    const never = await server.gql(CREATE_PERSONAL_TOKEN, { name: "never" }, hourly);
    expect(errorCode(never)).toBe("BAD_USER_INPUT");
    expect(never.errors![0]!.message).toContain(at(HOUR));
    const secondLater = await server.gql(
      CREATE_PERSONAL_TOKEN,
      { name: "later", expiresAt: at(HOUR + 1000) },
      hourly,
    );
    expect(errorCode(secondLater)).toBe("BAD_USER_INPUT");
    const teamToken = await server.gql(
      CREATE_TEAM_TOKEN,
      { organization: org.name, team, name: "team-never" },
      hourly,
    );
    expect(errorCode(teamToken)).toBe("BAD_USER_INPUT");
    expect(await server.tenantRows(org.name)).toEqual(before);
    const same = await server.gql(
      CREATE_PERSONAL_TOKEN,
      { name: "same", expiresAt: at(HOUR) },
      hourly,
    );
    expect(same.errors).toBeUndefined();
  });

  it("refuses a personal token that breaks an organization's policy the members' tokens through token(id)", async () => {
    const org = await seedOrg(server);
    const member = await org.member();
    const memberToken = await mustCreate(
      server,
      CREATE_PERSONAL_TOKEN,
      { name: "m", expiresAt: at(DAY) },
      member.secret,
    );
    const capped = await org.adminTokenFor(7);
    expect(
      (await server.gql(SET_POLICY, { organization: org.name, days: 30 }, capped)).errors,
    ).toBeUndefined();
    // The ADMIN's never-expiring token breaks the 30-day cap: it no longer acts in org.
    const read = await server.gql<{ token: unknown }>(
      TOKEN,
      { id: memberToken.token.id },
      org.admin.secret,
    );
    expect(read.data?.token).toBeNull();
    const withinPolicy = await server.gql<{ token: unknown }>(
      TOKEN,
      { id: memberToken.token.id },
      capped,
    );
    expect(withinPolicy.data?.token).not.toBeNull();
  });
});
