import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachStore } from "../../test/harness";
import { TestOidcIssuer } from "../../test/oidc-issuer";
import { exchange, tokenType, trustIssuer } from "../../test/oidc-setup";
import {
  CREATE_ORGANIZATION_TOKEN,
  CREATE_PERSONAL_TOKEN,
  CREATE_TEAM_TOKEN,
  REVOKE_TOKEN,
  ROTATE_TOKEN,
  VIEWER,
  mustCreate,
} from "../../test/operations";
import { rest } from "../../test/rest-client";
import { seedOrg } from "../../test/seed";

const INVITE = `mutation($o: String!, $l: String!) {
  inviteMember(organization: $o, login: $l, role: MEMBER) { code }
}`;
const REDEEM = `mutation($c: String!) { redeemInvitation(code: $c, tokenName: "laptop") { secret } }`;

/**
 * Every path a secret travels, with the server logging at debug level: creation (GraphQL and REST,
 * every kind), use (valid, mistyped, revoked, expired), rotation, revocation, invitations, console
 * sessions and the OIDC exchange (whose incoming JWT is a credential too). Then the log and every
 * table are searched for each secret and for any long run of one.
 */
describeEachStore("secrets never reach the log or the database", (server) => {
  const issuer = new TestOidcIssuer();
  beforeAll(() => issuer.start());
  afterAll(() => issuer.stop());

  it("drives every token path at debug level and finds no secret afterwards", async () => {
    expect(server.logger.level).toBe("debug");
    const secrets: string[] = [];
    const keep = (secret: string) => {
      expect(secret.length).toBeGreaterThan(30);
      secrets.push(secret);
      return secret;
    };
    const org = await seedOrg(server);
    keep(org.admin.secret);
    const team = await org.team();
    const admin = org.admin.secret;

    const personal = await mustCreate(server, CREATE_PERSONAL_TOKEN, { name: "p" }, admin);
    const teamToken = await mustCreate(
      server,
      CREATE_TEAM_TOKEN,
      { organization: org.name, team, name: "t" },
      admin,
    );
    const orgToken = await mustCreate(
      server,
      CREATE_ORGANIZATION_TOKEN,
      { organization: org.name, name: "o", expiresAt: "2027-01-01T00:00:00Z" },
      admin,
    );
    for (const created of [personal, teamToken, orgToken]) keep(created.secret);
    for (const [path, params] of [
      ["/api/user/tokens", {}],
      ["/api/orgs/{org}/tokens", { org: org.name }],
      ["/api/orgs/{org}/teams/{team}/tokens", { org: org.name, team }],
    ] as const) {
      const made = await rest(server, "post", path, params, {
        secret: admin,
        body: { name: `rest-${secrets.length}`, description: "via REST" },
      });
      expect(made.status).toBe(200);
      keep(made.body!.tokenValue as string);
    }

    // Use: right, mistyped, unknown scheme, revoked, expired.
    expect((await server.gql(VIEWER, {}, personal.secret)).status).toBe(200);
    const typo = personal.secret.slice(0, -2) + (personal.secret.endsWith("xy") ? "yx" : "xy");
    expect((await server.gql(VIEWER, {}, typo)).status).toBe(401);
    await server.gql(VIEWER, {}, undefined, { authorization: `Basic ${teamToken.secret}` });
    const rotated = await server.gql<{ rotateToken: { secret: string } }>(
      ROTATE_TOKEN,
      { id: teamToken.token.id },
      admin,
    );
    keep(rotated.data!.rotateToken.secret);
    expect((await server.gql(VIEWER, {}, teamToken.secret)).status).toBe(401);
    await server.gql(REVOKE_TOKEN, { id: personal.token.id }, admin);
    expect((await server.gql(VIEWER, {}, personal.secret)).status).toBe(401);
    server.clock.advance(5 * 366 * 86_400_000);
    expect((await server.gql(VIEWER, {}, orgToken.secret)).status).toBe(401);
    server.clock.reset();

    // Invitations: the code, then the token it turns into.
    const invited = await server.gql<{ inviteMember: { code: string } }>(
      INVITE,
      { o: org.name, l: `inv${Date.now() % 100000}` },
      admin,
    );
    const code = keep(invited.data!.inviteMember.code);
    const redeemed = await server.gql<{ redeemInvitation: { secret: string } }>(REDEEM, {
      c: code,
    });
    keep(redeemed.data!.redeemInvitation.secret);
    await server.gql(REDEEM, { c: code }); // a second, refused redemption

    // Console session: sign in, use the cookie, sign out, use it again.
    const signIn = await fetch(`${server.url}/api/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: admin }),
    });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.get("set-cookie")!.split(";")[0]!;
    keep(cookie.split("=")[1]!);
    const withCookie = { cookie, "content-type": "application/json" };
    const graphql = (headers: Record<string, string>) =>
      fetch(`${server.url}/graphql`, {
        method: "POST",
        headers,
        body: JSON.stringify({ query: VIEWER }),
      });
    expect((await graphql(withCookie)).status).toBe(200);
    await fetch(`${server.url}/api/session`, { method: "DELETE", headers: { cookie } });
    expect((await graphql(withCookie)).status).toBe(401);

    // OIDC: the JWT in, the short-lived token out; then a replay of the same JWT.
    await trustIssuer(server, admin, org.name, issuer, [
      {
        decision: "ALLOW",
        tokenType: "ORGANIZATION",
        rules: [{ claim: "sub", pattern: "repo:acme/infra:*" }],
      },
    ]);
    const audience = `urn:lapse:org:${org.name}`;
    const jwt = keep(await issuer.sign(issuer.githubClaims(audience, server.clock.now())));
    const request = {
      audience,
      subject_token: jwt,
      requested_token_type: tokenType("organization"),
    };
    const exchanged = await exchange(server, request);
    expect(exchanged.status).toBe(200);
    keep(exchanged.body.access_token as string);
    expect((await exchange(server, request)).status).toBe(400);

    const log = server.logs.join("");
    expect(log).toContain('"level":20'); // debug lines were written, so debug was really on
    const tables = [...server.dataSource.entityMetadatas.map((m) => m.tableName), "migrations"];
    let dump = "";
    for (const table of tables) {
      dump += JSON.stringify(await server.dataSource.query(`SELECT * FROM ${table}`));
    }
    for (const secret of [...secrets, typo]) {
      // The whole secret, and any 16-character run of it (a prefix is public, so skip the first 10).
      for (let start = 10; start + 16 <= secret.length; start += 8) {
        const run = secret.slice(start, start + 16);
        expect.soft(log.includes(run), `log holds part of ${secret.slice(0, 10)}…`).toBe(false);
        expect.soft(dump.includes(run), `dump holds part of ${secret.slice(0, 10)}…`).toBe(false);
      }
    }
  });
});
