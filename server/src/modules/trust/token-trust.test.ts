import { expect, it } from "vitest";
import { describeEachStore, type TestServer } from "../../../test/harness";
import {
  CREATE_ORGANIZATION_TOKEN,
  CREATE_PERSONAL_TOKEN_WITH_SCOPES,
  CREATE_TEAM_TOKEN,
  REVOKE_TOKEN,
  VIEWER,
  auditTrail,
  mustCreate,
} from "../../../test/operations";
import { seedOrg, uniqueName } from "../../../test/seed";

const HOUR = 3_600_000;

async function post(
  server: TestServer,
  path: string,
  body: Record<string, string>,
  options: { secret?: string; json?: boolean } = {},
): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: {
      "content-type": options.json ? "application/json" : "application/x-www-form-urlencoded",
      ...(options.secret ? { authorization: `Bearer ${options.secret}` } : {}),
    },
    body: options.json ? JSON.stringify(body) : new URLSearchParams(body).toString(),
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

async function verify(
  server: TestServer,
  query: string,
  secret?: string,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${server.url}/api/auth/verify${query}`, {
    headers: { ...(secret ? { authorization: `Bearer ${secret}` } : {}), ...headers },
  });
  await response.text();
  return response;
}

describeEachStore("tokens other services can trust", (server) => {
  const at = (ms: number) => new Date(server.clock.now().getTime() + ms).toISOString();
  const seconds = (ms: number) => Math.floor((server.clock.now().getTime() + ms) / 1000);

  /** An organization with a team, a member, and an introspecting organization token. */
  async function scene() {
    const org = await seedOrg(server);
    const team = await org.team();
    const member = await org.member();
    const introspector = await mustCreate(
      server,
      `mutation($o: String!) { createOrganizationToken(organization: $o, name: "gateway", scopes: ["tokens:introspect"]) { secret token { id } } }`,
      { o: org.name },
      org.admin.secret,
    );
    const teamToken = await mustCreate(
      server,
      `mutation($o: String!, $t: String!, $e: DateTime) { createTeamToken(organization: $o, team: $t, name: "deploy", expiresAt: $e, scopes: ["deploy:prod", "tokens:read"]) { secret token { id } } }`,
      { o: org.name, t: team, e: at(HOUR) },
      org.admin.secret,
    );
    return { org, team, member, introspector: introspector.secret, teamToken };
  }

  it("introspects a token of its own organization with RFC 7662's fields, by form or JSON", async () => {
    const { org, team, member, introspector, teamToken } = await scene();
    const answer = await post(
      server,
      "/api/oauth/introspect",
      { token: teamToken.secret },
      {
        secret: introspector,
      },
    );
    expect(answer.status).toBe(200);
    expect(answer.headers.get("cache-control")).toBe("no-store");
    expect(JSON.parse(answer.text)).toEqual({
      active: true,
      scope: "deploy:prod tokens:read",
      token_type: "team",
      exp: seconds(HOUR),
      iat: seconds(0),
      sub: `team:${org.name}/${team}`,
      org: org.name,
      team,
      jti: teamToken.token.id,
      iss: "urn:lapse",
    });
    const personal = await post(
      server,
      "/api/oauth/introspect",
      { token: member.secret },
      { secret: introspector, json: true },
    );
    expect(JSON.parse(personal.text)).toMatchObject({
      active: true,
      token_type: "personal",
      sub: `user:${member.login}`,
      username: member.login,
    });
    expect(JSON.parse(personal.text)).not.toHaveProperty("exp");
  });

  it('answers exactly {"active": false} for every token it may not speak of, byte for byte', async () => {
    const { org, team, introspector } = await scene();
    const other = await seedOrg(server);
    const otherToken = await mustCreate(
      server,
      CREATE_ORGANIZATION_TOKEN,
      { organization: other.name, name: "theirs" },
      other.admin.secret,
    );
    const expiring = await mustCreate(
      server,
      CREATE_TEAM_TOKEN,
      { organization: org.name, team, name: "soon", expiresAt: at(1000) },
      org.admin.secret,
    );
    const revoked = await mustCreate(
      server,
      CREATE_TEAM_TOKEN,
      { organization: org.name, team, name: "gone" },
      org.admin.secret,
    );
    await server.gql(REVOKE_TOKEN, { id: revoked.token.id }, org.admin.secret);
    // One second later the expiring token is expired, to the millisecond.
    server.clock.advance(1000);
    const answers = [];
    for (const token of [
      otherToken.secret,
      other.admin.secret,
      expiring.secret,
      revoked.secret,
      `lapse_oat_${"A".repeat(38)}`,
      "not-a-token",
    ]) {
      const answer = await post(
        server,
        "/api/oauth/introspect",
        { token },
        { secret: introspector },
      );
      expect(answer.status).toBe(200);
      answers.push(answer.text);
    }
    expect(new Set(answers)).toEqual(new Set(['{"active":false}']));
  });

  it("introspects only for a caller holding tokens:introspect, and asks for the token", async () => {
    const { org, teamToken, introspector } = await scene();
    const anonymous = await post(server, "/api/oauth/introspect", { token: teamToken.secret });
    expect(anonymous.status).toBe(401);
    const unscoped = await post(
      server,
      "/api/oauth/introspect",
      { token: teamToken.secret },
      { secret: teamToken.secret },
    );
    expect(unscoped.status).toBe(403);
    expect(unscoped.text).toMatch(/tokens:introspect/);
    const missing = await post(server, "/api/oauth/introspect", {}, { secret: introspector });
    expect(missing.status).toBe(400);
    // A person's token (holding every Lapse scope) introspects for the organizations they are in.
    const byPerson = await post(
      server,
      "/api/oauth/introspect",
      { token: teamToken.secret },
      { secret: org.admin.secret },
    );
    expect(JSON.parse(byPerson.text)).toMatchObject({ active: true });
  });

  it("verifies for a gateway: 204 with who it is, 401 for a bad token, 403 for a missing scope or organization", async () => {
    const { org, team, teamToken } = await scene();
    const ok = await verify(server, `?org=${org.name}&scope=deploy:prod`, teamToken.secret);
    expect(ok.status).toBe(204);
    expect(
      Object.fromEntries([...ok.headers].filter(([name]) => name.startsWith("lapse-"))),
    ).toEqual({
      "lapse-token-id": teamToken.token.id,
      "lapse-subject": `team:${org.name}/${team}`,
      "lapse-scopes": "deploy:prod tokens:read",
      "lapse-token-expiration": at(HOUR),
    });
    const noScope = await verify(server, `?org=${org.name}&scope=deploy:staging`, teamToken.secret);
    expect(noScope.status).toBe(403);
    expect(noScope.headers.get("www-authenticate")).toMatch(
      /^Bearer realm="lapse", error="insufficient_scope", .*scope="deploy:staging"$/,
    );
    const other = await seedOrg(server);
    const elsewhere = await verify(server, `?org=${other.name}`, teamToken.secret);
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.headers.get("www-authenticate")).toMatch(/insufficient_scope/);
    const none = await verify(server, "");
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toBe('Bearer realm="lapse"');
    const bad = await verify(server, "", `lapse_tat_${"A".repeat(38)}`);
    expect(bad.status).toBe(401);
    expect(bad.headers.get("www-authenticate")).toMatch(/error="invalid_token"/);
    // The person's org check reads its membership.
    expect((await verify(server, `?org=${org.name}`, org.admin.secret)).status).toBe(204);
    expect((await verify(server, `?org=${other.name}`, org.admin.secret)).status).toBe(403);
  });

  it("refuses at the gateway a token the moment it expires or is revoked", async () => {
    const { org, teamToken } = await scene();
    server.clock.advance(HOUR - 1);
    expect((await verify(server, "", teamToken.secret)).status).toBe(204);
    server.clock.advance(1);
    expect((await verify(server, "", teamToken.secret)).status).toBe(401);
    server.clock.reset();
    const fresh = await mustCreate(
      server,
      CREATE_PERSONAL_TOKEN_WITH_SCOPES,
      { name: uniqueName("v") },
      org.admin.secret,
    );
    expect((await verify(server, "", fresh.secret)).status).toBe(204);
    await server.gql(REVOKE_TOKEN, { id: fresh.token.id }, org.admin.secret);
    expect((await verify(server, "", fresh.secret)).status).toBe(401);
  });

  it("refuses at the gateway a token used from outside its networks with 403", async () => {
    const org = await seedOrg(server);
    const bound = await mustCreate(
      server,
      CREATE_PERSONAL_TOKEN_WITH_SCOPES,
      { name: "bound", allowedCidrs: ["10.0.0.0/8"] },
      org.admin.secret,
    );
    const inside = await verify(server, "", bound.secret, { "x-forwarded-for": "10.2.3.4" });
    expect(inside.status).toBe(204);
    const outside = await verify(server, "", bound.secret, { "x-forwarded-for": "192.0.2.1" });
    expect(outside.status).toBe(403);
  });

  it("revokes by RFC 7009: the holder ends its own token, a manager one it may manage, and the answer is 200 whatever", async () => {
    const { org, member, teamToken } = await scene();
    const custom = await mustCreate(
      server,
      CREATE_PERSONAL_TOKEN_WITH_SCOPES,
      { name: "custom", scopes: ["deploy:prod"] },
      org.admin.secret,
    );
    // The holder of a token with no Lapse scope at all still ends it, with no other credential.
    const own = await post(server, "/api/oauth/revoke", { token: custom.secret });
    expect(own.status).toBe(200);
    expect((await server.gql(VIEWER, {}, custom.secret)).status).toBe(401);
    const [event] = await auditTrail(server, org.admin.secret, {
      types: ["TOKEN_REVOKED"],
      tokenId: custom.token.id,
    });
    expect(event).toMatchObject({ actorTokenId: custom.token.id, payload: { reason: "HOLDER" } });

    // A member may not revoke the team's token: 200 all the same, and the token still works.
    const refused = await post(
      server,
      "/api/oauth/revoke",
      { token: teamToken.secret },
      { secret: member.secret },
    );
    expect(refused.status).toBe(200);
    expect((await server.gql(VIEWER, {}, teamToken.secret)).status).toBe(200);
    const unknown = await post(
      server,
      "/api/oauth/revoke",
      { token: `lapse_pat_${"B".repeat(38)}` },
      { secret: member.secret },
    );
    expect(unknown.status).toBe(200);
    expect(unknown.text).toBe(refused.text);
    const byAdmin = await post(
      server,
      "/api/oauth/revoke",
      { token: teamToken.secret },
      { secret: org.admin.secret, json: true },
    );
    expect(byAdmin.status).toBe(200);
    expect((await server.gql(VIEWER, {}, teamToken.secret)).status).toBe(401);
  });
});
