import { SignJWT, exportSPKI, importJWK, type CryptoKey } from "jose";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachStore } from "../../../test/harness";
import { TestOidcIssuer } from "../../../test/oidc-issuer";
import { exchange, tokenType, trustIssuer } from "../../../test/oidc-setup";
import {
  TOKENS,
  VIEWER,
  auditTrail,
  type TokensResult,
  type ViewerResult,
} from "../../../test/operations";
import { seedOrg, type Person, type SeededOrg } from "../../../test/seed";

const MAIN = "repo:acme/infra:ref:refs/heads/main";

describeEachStore("OIDC token exchange", (server) => {
  const issuer = new TestOidcIssuer();
  let org: SeededOrg;
  let team: string;
  let member: Person;
  let issuerId: string;
  const audience = () => `urn:lapse:org:${org.name}`;
  const claims = (overrides: Record<string, unknown> = {}) => ({
    ...issuer.githubClaims(audience(), server.clock.now()),
    ...overrides,
  });
  const jwt = (overrides: Record<string, unknown> = {}) => issuer.sign(claims(overrides));
  const teamRequest = async (overrides: Record<string, unknown> = {}) => ({
    audience: audience(),
    subject_token: await jwt(overrides),
    requested_token_type: tokenType("team"),
    scope: `team:${team}`,
  });

  beforeAll(async () => {
    await issuer.start();
    org = await seedOrg(server);
    team = await org.team();
    member = await org.member();
    issuerId = await trustIssuer(server, org.admin.secret, org.name, issuer, [
      {
        decision: "ALLOW",
        tokenType: "ORGANIZATION",
        admin: true,
        rules: [{ claim: "sub", pattern: MAIN }],
      },
      {
        decision: "ALLOW",
        tokenType: "ORGANIZATION",
        admin: false,
        rules: [{ claim: "sub", pattern: "repo:acme/infra:ref:refs/heads/dev" }],
      },
      {
        decision: "ALLOW",
        tokenType: "TEAM",
        team,
        rules: [
          { claim: "repository_owner_id", pattern: "7890" },
          { claim: "repository", pattern: "acme/*" },
        ],
      },
      {
        decision: "ALLOW",
        tokenType: "PERSONAL",
        login: member.login,
        rules: [{ claim: "sub", pattern: "repo:acme/infra:*" }],
      },
      {
        decision: "DENY",
        tokenType: "TEAM",
        rules: [{ claim: "ref", pattern: "refs/heads/evil*" }],
      },
    ]);
  });
  afterAll(() => issuer.stop());

  it("mints a short-lived team token from a GitHub Actions JWT that works at once", async () => {
    const answer = await exchange(server, await teamRequest());
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      access_token: expect.stringMatching(/^lapse_tat_/),
      issued_token_type: tokenType("team"),
      token_type: "token",
      expires_in: 7200,
    });
    const secret = answer.body.access_token as string;
    const viewer = await server.gql<ViewerResult>(VIEWER, {}, secret);
    expect(viewer.data!.viewer).toMatchObject({ kind: "TEAM", team: { name: team } });

    const listed = await server.gql<TokensResult>(
      TOKENS.replace("lastUsedAt", "lastUsedAt oidcSubject"),
      { filter: { organization: org.name, source: "OIDC", team } },
      org.admin.secret,
    );
    const node = listed
      .data!.tokens.edges.map((e) => e.node)
      .find((n) => n.id === viewer.data!.viewer.token.id)!;
    expect(node).toMatchObject({
      source: "OIDC",
      kind: "TEAM",
      expiresAt: new Date(server.clock.now().getTime() + 7_200_000).toISOString(),
    });
    expect((node as unknown as { oidcSubject: string }).oidcSubject).toBe(MAIN);

    const trail = await auditTrail(server, org.admin.secret, {
      organization: org.name,
      types: ["TOKEN_EXCHANGED"],
      tokenId: node.id,
    });
    expect(trail[0]!.payload).toMatchObject({
      issuer: "github",
      issuerUrl: issuer.url,
      subject: MAIN,
      kind: "TEAM",
    });
  });

  it("mints organization (admin) and personal tokens, as JSON or a form, clamping expiration to the issuer's maximum", async () => {
    const admin = await exchange(
      server,
      {
        audience: audience(),
        subject_token: await jwt(),
        requested_token_type: tokenType("organization"),
        scope: "admin",
        expiration: 600,
      },
      true,
    );
    expect(admin).toMatchObject({
      status: 200,
      body: { issued_token_type: tokenType("organization"), expires_in: 600 },
    });
    const adminViewer = await server.gql<{ viewer: { token: { id: string } } }>(
      `{ viewer { token { id } } }`,
      {},
      admin.body.access_token as string,
    );
    const read = await server.gql<{ token: { admin: boolean; kind: string } }>(
      `query($id: ID!) { token(id: $id) { admin kind } }`,
      { id: adminViewer.data!.viewer.token.id },
      org.admin.secret,
    );
    expect(read.data!.token).toEqual({ admin: true, kind: "ORGANIZATION" });

    const personal = await exchange(server, {
      audience: audience(),
      subject_token: await jwt(),
      requested_token_type: tokenType("personal"),
      scope: `user:${member.login}`,
      expiration: 99_999,
    });
    expect(personal).toMatchObject({ status: 200, body: { expires_in: 7200 } });
    const viewer = await server.gql<ViewerResult>(VIEWER, {}, personal.body.access_token as string);
    expect(viewer.data!.viewer).toMatchObject({ kind: "PERSONAL", user: { login: member.login } });
  });

  it("ignores an Authorization header a CI client sends along: the JWT alone authenticates", async () => {
    const response = await fetch(`${server.url}/api/oauth/token`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: "Bearer some-ci-provider-token",
      },
      body: JSON.stringify({
        grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
        subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
        ...(await teamRequest()),
      }),
    });
    expect(response.status).toBe(200);
  });

  it("is also a GraphQL mutation for GraphQL-only clients", async () => {
    const response = await server.gql<{
      exchangeOidcToken: { accessToken: string; expiresIn: number; tokenType: string };
    }>(
      `mutation($a: String!, $t: String!) { exchangeOidcToken(audience: $a, subjectToken: $t, requestedTokenType: "${tokenType("team")}", scope: "team:${team}", expiration: 300) { accessToken issuedTokenType tokenType expiresIn } }`,
      { a: audience(), t: await jwt() },
    );
    expect(response.data!.exchangeOidcToken).toMatchObject({ tokenType: "token", expiresIn: 300 });
    const refused = await server.gql(
      `mutation($a: String!, $t: String!) { exchangeOidcToken(audience: $a, subjectToken: $t, requestedTokenType: "${tokenType("team")}", scope: "team:${team}") { accessToken } }`,
      { a: audience(), t: await jwt({ repository_owner_id: "1" }) },
    );
    expect(refused.errors![0]!.extensions!.code).toBe("FORBIDDEN");
  });

  it("refuses every bad JWT or request with the RFC 6749 error, writing nothing", async () => {
    const other = await TestOidcIssuer.newKey(issuer.currentKey.kid);
    const stranger = await TestOidcIssuer.newKey("unknown-kid");
    const now = Math.floor(server.clock.now().getTime() / 1000);
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
    // The classic confusion attack: an HMAC "signed" with the issuer's public key as the secret.
    const publicPem = await exportSPKI(
      (await importJWK(issuer.currentKey.publicJwk, "RS256")) as CryptoKey,
    );
    const hs256 = await new SignJWT(claims())
      .setProtectedHeader({ alg: "HS256", kid: issuer.currentKey.kid })
      .sign(new TextEncoder().encode(publicPem));
    const replayed = await teamRequest();
    expect((await exchange(server, replayed)).status).toBe(200);

    const cases: [string, Record<string, string | number | undefined>, string][] = [
      [
        "bad signature",
        { ...(await teamRequest()), subject_token: await issuer.sign(claims(), { key: other }) },
        "invalid_grant",
      ],
      [
        "alg none",
        {
          ...(await teamRequest()),
          subject_token: `${b64({ alg: "none", typ: "JWT" })}.${b64(claims())}.`,
        },
        "invalid_grant",
      ],
      [
        "HS256 signed with the public key",
        { ...(await teamRequest()), subject_token: hs256 },
        "invalid_grant",
      ],
      [
        "unknown kid",
        { ...(await teamRequest()), subject_token: await issuer.sign(claims(), { key: stranger }) },
        "invalid_grant",
      ],
      ["wrong iss", await teamRequest({ iss: "https://token.example.com" }), "invalid_grant"],
      ["wrong aud", await teamRequest({ aud: "urn:lapse:org:someone-else" }), "invalid_grant"],
      [
        "multiple aud",
        await teamRequest({ aud: [audience(), "urn:lapse:org:other"] }),
        "invalid_grant",
      ],
      [
        "expired",
        await teamRequest({ iat: now - 600, nbf: now - 600, exp: now - 31 }),
        "invalid_grant",
      ],
      ["not yet valid", await teamRequest({ nbf: now + 60 }), "invalid_grant"],
      [
        "too old",
        await teamRequest({ iat: now - 7200, nbf: now - 7200, exp: now + 300 }),
        "invalid_grant",
      ],
      ["no jti", await teamRequest({ jti: undefined }), "invalid_grant"],
      ["replayed jti", replayed, "invalid_grant"],
      [
        "no matching ALLOW",
        await teamRequest({ repository_owner_id: "666" }),
        "unauthorized_client",
      ],
      [
        "matching DENY",
        await teamRequest({ ref: "refs/heads/evil-branch" }),
        "unauthorized_client",
      ],
      [
        "admin not allowed",
        {
          audience: audience(),
          subject_token: await jwt({ sub: "repo:acme/infra:ref:refs/heads/dev" }),
          requested_token_type: tokenType("organization"),
          scope: "admin",
        },
        "unauthorized_client",
      ],
      [
        "personal token for someone else",
        {
          audience: audience(),
          subject_token: await jwt(),
          requested_token_type: tokenType("personal"),
          scope: `user:${org.admin.login}`,
        },
        "unauthorized_client",
      ],
      [
        "a team that does not exist",
        { ...(await teamRequest()), scope: "team:ghosts" },
        "unauthorized_client",
      ],
      [
        "an organization that does not exist",
        { ...(await teamRequest()), audience: "urn:lapse:org:no-such-org" },
        "invalid_target",
      ],
      ["not a JWT", { ...(await teamRequest()), subject_token: "not-a-jwt" }, "invalid_grant"],
      ["wrong grant_type", { ...(await teamRequest()), grant_type: "password" }, "invalid_request"],
      [
        "wrong subject_token_type",
        {
          ...(await teamRequest()),
          subject_token_type: "urn:ietf:params:oauth:token-type:access_token",
        },
        "invalid_request",
      ],
      [
        "wrong requested_token_type",
        {
          ...(await teamRequest()),
          requested_token_type: "urn:lapse:token-type:access_token:root",
        },
        "invalid_request",
      ],
      [
        "team token without a team scope",
        { ...(await teamRequest()), scope: "admin" },
        "invalid_request",
      ],
      ["bad expiration", { ...(await teamRequest()), expiration: "soon" }, "invalid_request"],
    ];
    const before = await server.tenantRows(org.name);
    const jtis = await server.count("oidc_jtis", "issuer_id = ?", [issuerId]);
    for (const [label, request, error] of cases) {
      const answer = await exchange(server, request);
      expect.soft(answer.status, label).toBe(400);
      expect.soft(answer.body.error, label).toBe(error);
      expect
        .soft(String(answer.body.error_description), label)
        .not.toContain(String(request.subject_token).slice(0, 40));
    }
    expect(await server.tenantRows(org.name)).toEqual(before);
    expect(await server.count("oidc_jtis", "issuer_id = ?", [issuerId])).toBe(jtis);
    expect(server.logs.join("")).not.toContain(replayed.subject_token!.toString().slice(-40));
  });

  it("refuses claims of the wrong JSON type as invalid_grant, on REST and GraphQL, writing nothing", async () => {
    const wrong: [string, Record<string, unknown>][] = [];
    for (const value of [5, { a: 1 }, ["x"], null, ""]) {
      wrong.push([`sub ${JSON.stringify(value)}`, { sub: value }]);
      wrong.push([`jti ${JSON.stringify(value)}`, { jti: value }]);
    }
    for (const value of [5, { a: 1 }, null, [5], []]) {
      wrong.push([`aud ${JSON.stringify(value)}`, { aud: value }]);
    }
    for (const claim of ["exp", "iat", "nbf"]) {
      for (const value of ["soon", { a: 1 }, [1], null]) {
        wrong.push([`${claim} ${JSON.stringify(value)}`, { [claim]: value }]);
      }
    }
    // Claims a policy reads: an ALLOW cannot match an object, and a DENY must not fail open on one.
    for (const value of [{ id: "7890" }, ["7890"], null]) {
      wrong.push([`repository_owner_id ${JSON.stringify(value)}`, { repository_owner_id: value }]);
    }
    wrong.push(["ref read by a DENY, as an array", { ref: ["refs/heads/evil"] }]);
    const before = await server.tenantRows(org.name);
    const jtis = await server.count("oidc_jtis", "issuer_id = ?", [issuerId]);
    for (const [label, overrides] of wrong) {
      const request = await teamRequest(overrides);
      const answer = await exchange(server, request);
      expect.soft(answer.status, label).toBe(400);
      expect.soft(answer.body.error, label).toBe("invalid_grant");
      expect.soft(String(answer.body.error_description), label).toMatch(/^The JWT was refused: /);
      const graphql = await server.gql(
        `mutation($a: String!, $t: String!, $s: String) { exchangeOidcToken(audience: $a, subjectToken: $t, requestedTokenType: "${tokenType("team")}", scope: $s) { accessToken } }`,
        { a: audience(), t: request.subject_token, s: request.scope },
      );
      expect.soft(graphql.errors?.[0]?.extensions?.code, label).toBe("UNAUTHENTICATED");
    }
    expect(await server.tenantRows(org.name)).toEqual(before);
    expect(await server.count("oidc_jtis", "issuer_id = ?", [issuerId])).toBe(jtis);
  });

  it("gives a JWT from another owner's repository nothing, whatever it asks for", async () => {
    const attacker = {
      sub: "repo:attacker/infra:ref:refs/heads/main",
      repository: "attacker/infra",
      repository_owner: "attacker",
      repository_owner_id: "666",
      repository_id: "666001",
    };
    const before = await server.tenantRows(org.name);
    const asks = [
      await teamRequest(attacker),
      {
        audience: audience(),
        subject_token: await jwt(attacker),
        requested_token_type: tokenType("organization"),
        scope: "admin",
      },
      {
        audience: audience(),
        subject_token: await jwt(attacker),
        requested_token_type: tokenType("personal"),
        scope: `user:${member.login}`,
      },
    ];
    for (const request of asks) {
      const answer = await exchange(server, request);
      expect.soft(answer).toMatchObject({ status: 400, body: { error: "unauthorized_client" } });
      expect.soft(answer.body.access_token).toBeUndefined();
    }
    expect(await server.tenantRows(org.name)).toEqual(before);
  });

  it("fetches keys once, and a flood of unknown kids costs at most one more fetch per cool-down", async () => {
    const before = issuer.jwksFetches;
    for (let i = 0; i < 3; i++)
      expect((await exchange(server, await teamRequest())).status).toBe(200);
    expect(issuer.jwksFetches - before).toBeLessThanOrEqual(1);
    const flood = issuer.jwksFetches;
    for (let i = 0; i < 15; i++) {
      const stranger = await TestOidcIssuer.newKey(`flood-${i}`);
      const answer = await exchange(server, {
        ...(await teamRequest()),
        subject_token: await issuer.sign(claims(), { key: stranger }),
      });
      expect(answer.body.error).toBe("invalid_grant");
    }
    expect(issuer.jwksFetches - flood).toBeLessThanOrEqual(1);
  });
});

describeEachStore(
  "OIDC key rotation at the issuer",
  (server) => {
    const issuer = new TestOidcIssuer();
    let org: SeededOrg;
    beforeAll(() => issuer.start());
    afterAll(() => issuer.stop());

    it("picks up a new kid once the cool-down has passed", async () => {
      org = await seedOrg(server);
      const team = await org.team();
      await trustIssuer(server, org.admin.secret, org.name, issuer, [
        { decision: "ALLOW", tokenType: "TEAM", team, rules: [{ claim: "sub", pattern: MAIN }] },
      ]);
      const request = async () => ({
        audience: `urn:lapse:org:${org.name}`,
        subject_token: await issuer.sign(
          issuer.githubClaims(`urn:lapse:org:${org.name}`, server.clock.now()),
        ),
        requested_token_type: tokenType("team"),
        scope: `team:${team}`,
      });
      expect((await exchange(server, await request())).status).toBe(200);
      await issuer.rotateKey();
      expect((await exchange(server, await request())).status).toBe(200);
      expect(issuer.jwksFetches).toBe(2);
    });

    it("trusts an issuer registered with static keys without fetching anything", async () => {
      const offline = new TestOidcIssuer();
      await offline.start();
      const staticOrg = await seedOrg(server);
      const team = await staticOrg.team();
      await trustIssuer(
        server,
        staticOrg.admin.secret,
        staticOrg.name,
        offline,
        [
          {
            decision: "ALLOW",
            tokenType: "TEAM",
            team,
            rules: [{ claim: "repository_id", pattern: "123456" }],
          },
        ],
        { j: JSON.stringify(offline.jwks()) },
      );
      const answer = await exchange(server, {
        audience: `urn:lapse:org:${staticOrg.name}`,
        subject_token: await offline.sign(
          offline.githubClaims(`urn:lapse:org:${staticOrg.name}`, server.clock.now()),
        ),
        requested_token_type: tokenType("team"),
        scope: `team:${team}`,
      });
      expect(answer.status).toBe(200);
      expect(offline.discoveryFetches + offline.jwksFetches).toBe(0);
      await offline.stop();
    });
  },
  // No cool-down here, so the new kid is fetched at once without waiting 30 real seconds.
  { oidcKeyCooldownMs: 0 },
);
