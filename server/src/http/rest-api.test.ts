import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachStore } from "../../test/harness";
import { TestOidcIssuer } from "../../test/oidc-issuer";
import { exchange, tokenType, trustIssuer } from "../../test/oidc-setup";
import { VIEWER, auditTrail, type ViewerResult } from "../../test/operations";
import {
  documentedOperations,
  exercisedOperations,
  expectDocumented,
  rest,
} from "../../test/rest-client";
import { seedOrg, type Person, type SeededOrg } from "../../test/seed";
import { generateSecret } from "../auth/token-secret";
import { TokenKind } from "../modules/token/token.types";
import { OPENAPI_DOCUMENT } from "./openapi";

describeEachStore("the Pulumi-shaped REST API", (server) => {
  let org: SeededOrg;
  let team: string;
  let member: Person;
  const issuer = new TestOidcIssuer();
  const unix = (offsetSeconds: number) =>
    Math.floor(server.clock.now().getTime() / 1000) + offsetSeconds;

  beforeAll(async () => {
    await issuer.start();
    org = await seedOrg(server);
    team = await org.team();
    member = await org.member();
  });
  afterAll(() => issuer.stop());

  it("runs the curl request from Pulumi's announcement of short-lived tokens", async () => {
    const created = await rest(
      server,
      "post",
      "/api/orgs/{org}/teams/{team}/tokens",
      { org: org.name, team },
      {
        secret: org.admin.secret,
        headers: { Accept: "application/vnd.pulumi+8" },
        body: '{"description": "deploys", "name": "unique_name", "expires": 0}',
      },
    );
    expect(created.status).toBe(200);
    const viewer = await server.gql<ViewerResult>(VIEWER, {}, created.body!.tokenValue as string);
    expect(viewer.data!.viewer).toMatchObject({ kind: "TEAM", team: { name: team } });
    const listed = await rest(
      server,
      "get",
      "/api/orgs/{org}/teams/{team}/tokens",
      { org: org.name, team },
      { secret: org.admin.secret },
    );
    expect(listed.body!.tokens).toContainEqual({
      id: created.body!.id,
      name: "unique_name",
      description: "deploys",
      created: server.clock.now().toISOString(),
      lastUsed: unix(0),
      expires: 0,
      admin: false,
      createdBy: org.admin.login,
      scopes: ["audit:read", "tokens:introspect", "tokens:read", "tokens:write"],
      allowedCidrs: [],
    });
    const trail = await auditTrail(server, org.admin.secret, {
      organization: org.name,
      tokenId: created.body!.id,
    });
    expect(trail.map((e) => e.type)).toEqual(["TOKEN_CREATED"]);
    const deleted = await rest(
      server,
      "delete",
      "/api/orgs/{org}/teams/{team}/tokens/{id}",
      { org: org.name, team, id: created.body!.id as string },
      { secret: org.admin.secret },
    );
    expect(deleted.status).toBe(204);
    expect((await server.gql(VIEWER, {}, created.body!.tokenValue as string)).status).toBe(401);
  });

  it("creates, lists and deletes personal tokens with expiry in Unix seconds, hiding expired ones unless asked", async () => {
    const expires = unix(3600);
    const created = await rest(
      server,
      "post",
      "/api/user/tokens",
      {},
      { secret: member.secret, body: { name: "laptop", description: "mine", expires } },
    );
    expect(created.status).toBe(200);
    const list = (query?: string) =>
      rest(server, "get", "/api/user/tokens", {}, { secret: member.secret, query });
    expect((await list()).body!.tokens).toContainEqual(
      expect.objectContaining({ name: "laptop", expires, admin: false }),
    );
    server.clock.advance(3600 * 1000);
    expect(((await list()).body!.tokens as { name: string }[]).map((t) => t.name)).not.toContain(
      "laptop",
    );
    expect(
      ((await list("show_expired=true")).body!.tokens as { name: string }[]).map((t) => t.name),
    ).toContain("laptop");
    const removed = await rest(
      server,
      "delete",
      "/api/user/tokens/{id}",
      { id: created.body!.id as string },
      { secret: member.secret },
    );
    expect(removed.status).toBe(204);
    expect(
      ((await list("show_expired=true")).body!.tokens as { name: string }[]).map((t) => t.name),
    ).not.toContain("laptop");
  });

  it("creates admin organization tokens for ADMINs only, and keeps each route to its own tokens", async () => {
    const created = await rest(
      server,
      "post",
      "/api/orgs/{org}/tokens",
      { org: org.name },
      { secret: org.admin.secret, body: { name: "ci", admin: true, expires: unix(86400) } },
    );
    expect(created.status).toBe(200);
    const listed = await rest(
      server,
      "get",
      "/api/orgs/{org}/tokens",
      { org: org.name },
      { secret: org.admin.secret },
    );
    expect(listed.body!.tokens).toContainEqual(
      expect.objectContaining({ name: "ci", admin: true, expires: unix(86400) }),
    );
    // An organization token is not a personal token: the user route does not reach it.
    const wrongRoute = await rest(
      server,
      "delete",
      "/api/user/tokens/{id}",
      { id: created.body!.id as string },
      { secret: org.admin.secret },
    );
    expect(wrongRoute.status).toBe(404);
    const still = await server.gql<{ token: { status: string } }>(
      `query($id: ID!) { token(id: $id) { status } }`,
      { id: created.body!.id },
      org.admin.secret,
    );
    expect(still.data!.token.status).toBe("ACTIVE");
    const byMember = await rest(
      server,
      "post",
      "/api/orgs/{org}/tokens",
      { org: org.name },
      { secret: member.secret, body: { name: "nope" } },
    );
    expect(byMember).toMatchObject({ status: 403, body: { code: 403, error: "FORBIDDEN" } });
    const deleted = await rest(
      server,
      "delete",
      "/api/orgs/{org}/tokens/{id}",
      { org: org.name, id: created.body!.id as string },
      { secret: org.admin.secret },
    );
    expect(deleted.status).toBe(204);
  });

  it("answers bad input with 400, no token with 401, a clash with 409 and strangers with 404, changing nothing", async () => {
    const before = await server.tenantRows(org.name);
    const cases: [Parameters<typeof rest>, number][] = [
      [
        [
          server,
          "post",
          "/api/user/tokens",
          {},
          { secret: member.secret, body: { name: "x", expires: "tomorrow" } },
        ],
        400,
      ],
      [
        [
          server,
          "post",
          "/api/user/tokens",
          {},
          { secret: member.secret, body: { name: "x", expires: 1.5 } },
        ],
        400,
      ],
      [
        [
          server,
          "post",
          "/api/user/tokens",
          {},
          { secret: member.secret, body: { name: "x", expires: unix(-10) } },
        ],
        400,
      ],
      [
        [
          server,
          "post",
          "/api/user/tokens",
          {},
          { secret: member.secret, body: { name: "x", expires: 1e15 } },
        ],
        400,
      ],
      [
        [
          server,
          "post",
          "/api/user/tokens",
          {},
          { secret: member.secret, body: { description: "no name" } },
        ],
        400,
      ],
      [
        [server, "post", "/api/user/tokens", {}, { secret: member.secret, body: "{ not json" }],
        400,
      ],
      [[server, "get", "/api/user/tokens", {}, {}], 401],
      [[server, "get", "/api/user/tokens", {}, { secret: "lapse_pat_nonsense" }], 401],
      [
        [
          server,
          "post",
          "/api/orgs/{org}/teams/{team}/tokens",
          { org: org.name, team },
          { secret: member.secret, body: { name: "x" } },
        ],
        403,
      ],
      [
        [
          server,
          "get",
          "/api/orgs/{org}/tokens",
          { org: "no-such-org" },
          { secret: org.admin.secret },
        ],
        404,
      ],
      [
        [
          server,
          "get",
          "/api/orgs/{org}/teams/{team}/tokens",
          { org: org.name, team: "ghosts" },
          { secret: org.admin.secret },
        ],
        404,
      ],
      [
        [
          server,
          "delete",
          "/api/orgs/{org}/tokens/{id}",
          { org: org.name, id: "no-such-id" },
          { secret: org.admin.secret },
        ],
        404,
      ],
      [
        [
          server,
          "post",
          "/api/orgs/{org}/teams/{team}/tokens",
          { org: org.name, team },
          { secret: org.admin.secret, body: { name: "unique_name" } },
        ],
        409,
      ],
    ];
    for (const [args, status] of cases) {
      const answer = await rest(...args);
      expect
        .soft(answer.status, `${args[1]} ${args[2]} ${JSON.stringify(args[4]?.body ?? "")}`)
        .toBe(status);
      expect.soft(answer.body!.code).toBe(status);
    }
    expect(await server.tenantRows(org.name)).toEqual(before);
  });

  it("manages OIDC issuers and exchanges tokens on the documented routes", async () => {
    const created = await rest(
      server,
      "post",
      "/api/orgs/{org}/oidc/issuers",
      { org: org.name },
      {
        secret: org.admin.secret,
        body: { name: "github", url: issuer.url, maxExpirationSeconds: 900 },
      },
    );
    expect(created.status).toBe(201);
    const id = created.body!.id as string;
    expect(
      (
        await rest(
          server,
          "get",
          "/api/orgs/{org}/oidc/issuers",
          { org: org.name },
          { secret: org.admin.secret },
        )
      ).body!.oidcIssuers,
    ).toHaveLength(1);
    expect(
      (
        await rest(
          server,
          "get",
          "/api/orgs/{org}/oidc/issuers/{id}",
          { org: org.name, id },
          { secret: org.admin.secret },
        )
      ).body,
    ).toMatchObject({ name: "github", maxExpirationSeconds: 900 });
    const patched = await rest(
      server,
      "patch",
      "/api/orgs/{org}/oidc/issuers/{id}",
      { org: org.name, id },
      { secret: org.admin.secret, body: { maxExpirationSeconds: 600 } },
    );
    expect(patched.body).toMatchObject({ maxExpirationSeconds: 600 });
    const second = await rest(
      server,
      "post",
      "/api/orgs/{org}/oidc/issuers",
      { org: org.name },
      {
        secret: org.admin.secret,
        body: {
          name: "second",
          url: "https://second.example",
          jwks: JSON.stringify(issuer.jwks()),
        },
      },
    );
    const clash = await rest(
      server,
      "patch",
      "/api/orgs/{org}/oidc/issuers/{id}",
      { org: org.name, id: second.body!.id as string },
      { secret: org.admin.secret, body: { name: "github" } },
    );
    expect(clash.status).toBe(409);
    const elsewhere = await seedOrg(server);
    const foreign = await rest(
      server,
      "get",
      "/api/orgs/{org}/oidc/issuers/{id}",
      { org: elsewhere.name, id },
      { secret: elsewhere.admin.secret },
    );
    expect(foreign.status).toBe(404);

    await rest(
      server,
      "delete",
      "/api/orgs/{org}/oidc/issuers/{id}",
      { org: org.name, id },
      { secret: org.admin.secret },
    );
    await trustIssuer(server, org.admin.secret, org.name, issuer, [
      {
        decision: "ALLOW",
        tokenType: "TEAM",
        team,
        rules: [{ claim: "sub", pattern: "repo:acme/infra:*" }],
      },
    ]);
    const request = {
      grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
      subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
      audience: `urn:lapse:org:${org.name}`,
      requested_token_type: tokenType("team"),
      scope: `team:${team}`,
    };
    const jwt = () =>
      issuer.sign(issuer.githubClaims(`urn:lapse:org:${org.name}`, server.clock.now()));
    const ok = await rest(
      server,
      "post",
      "/api/oauth/token",
      {},
      { body: { ...request, subject_token: await jwt() } },
    );
    expect(ok.status).toBe(200);
    const refused = await rest(
      server,
      "post",
      "/api/oauth/token",
      {},
      { body: { ...request, scope: "team:other", subject_token: await jwt() } },
    );
    expect(refused).toMatchObject({ status: 400, body: { error: "unauthorized_client" } });
    const malformed = await rest(server, "post", "/api/oauth/token", {}, { body: "{ nope" });
    expect(malformed).toMatchObject({ status: 400, body: { error: "invalid_request" } });
    expect((await exchange(server, { ...request, subject_token: await jwt() })).status).toBe(200);
  });

  it("introspects, verifies and revokes for the services behind Lapse, as documented", async () => {
    const org = await seedOrg(server);
    const team = await org.team();
    const service = await rest(
      server,
      "post",
      "/api/orgs/{org}/tokens",
      { org: org.name },
      { secret: org.admin.secret, body: { name: "gateway", scopes: ["tokens:introspect"] } },
    );
    const client = await rest(
      server,
      "post",
      "/api/orgs/{org}/teams/{team}/tokens",
      { org: org.name, team },
      { secret: org.admin.secret, body: { name: "client", scopes: ["deploy:prod"] } },
    );
    const serviceSecret = service.body!.tokenValue as string;
    const clientSecret = client.body!.tokenValue as string;
    const introspect = (token: string, secret: string) =>
      rest(server, "post", "/api/oauth/introspect", {}, { secret, body: { token } });
    expect((await introspect(clientSecret, serviceSecret)).body).toMatchObject({
      active: true,
      scope: "deploy:prod",
    });
    expect((await introspect("nope", serviceSecret)).body).toEqual({ active: false });
    expect((await introspect(serviceSecret, clientSecret)).status).toBe(403);
    const verify = (query: string, secret?: string) =>
      rest(server, "get", "/api/auth/verify", {}, { secret, query });
    expect((await verify(`org=${org.name}&scope=deploy:prod`, clientSecret)).status).toBe(204);
    expect((await verify("scope=deploy:staging", clientSecret)).status).toBe(403);
    expect((await verify("")).status).toBe(401);
    expect(
      (await rest(server, "post", "/api/oauth/revoke", {}, { body: { token: clientSecret } }))
        .status,
    ).toBe(200);
    expect((await verify("", clientSecret)).status).toBe(401);
  });

  it("documents the CSV exports and the console's session routes, and answers them as documented", async () => {
    const csv = await rest(
      server,
      "get",
      "/api/orgs/{org}/tokens.csv",
      { org: org.name },
      {
        secret: org.admin.secret,
      },
    );
    expect(csv.status).toBe(200);
    const trail = await rest(
      server,
      "get",
      "/api/orgs/{org}/auditlog.csv",
      { org: org.name },
      {
        secret: org.admin.secret,
        query: "types=TOKEN_CREATED",
      },
    );
    expect(trail.status).toBe(200);
    const signedIn = await rest(
      server,
      "post",
      "/api/session",
      {},
      {
        body: { token: member.secret },
      },
    );
    expect(signedIn.body).toMatchObject({ login: member.login });
    expect((await rest(server, "delete", "/api/session", {})).status).toBe(204);
    expect(
      (await rest(server, "post", "/api/session", {}, { body: { token: "nope" } })).status,
    ).toBe(401);
    // Single sign-on is not set up here; modules/session/sso.test.ts checks its 302s and refusals.
    expect((await rest(server, "get", "/api/session/methods", {})).body).toEqual({
      sso: false,
      tokenSignIn: true,
    });
    expect((await rest(server, "get", "/api/sso/start", {})).status).toBe(404);
    const callback = await rest(
      server,
      "get",
      "/api/sso/callback",
      {},
      { query: "code=c&state=s" },
    );
    expect(callback.status).toBe(404);
  });

  it("answers body and path mistakes with the documented 400, 413 and 415, saying which", async () => {
    const send = async (
      template: string,
      path: string,
      init: { method: string; headers?: Record<string, string>; body?: string },
    ) => {
      const response = await fetch(`${server.url}${path}`, {
        method: init.method,
        headers: { authorization: `token ${org.admin.secret}`, ...init.headers },
        body: init.body,
      });
      const body = (await response.json()) as Record<string, unknown>;
      expectDocumented(init.method, template, response.status, "application/json", body);
      return { status: response.status, message: body.message };
    };
    const create = (headers: Record<string, string>, body: string) =>
      send("/api/user/tokens", "/api/user/tokens", { method: "POST", headers, body });
    expect(await create({ "content-type": "application/json" }, "{nope")).toEqual({
      status: 400,
      message: "The request body is not valid JSON.",
    });
    expect(
      await create(
        { "content-type": "application/json" },
        JSON.stringify({ name: "x".repeat(2_000_000) }),
      ),
    ).toEqual({ status: 413, message: "The request body is larger than the limit." });
    expect(
      await create({ "content-type": "application/json; charset=latin1" }, '{"name":"x"}'),
    ).toMatchObject({ status: 415, message: expect.stringMatching(/charset/) });
    expect(
      await create({ "content-type": "application/json", "content-encoding": "compress" }, "{}"),
    ).toMatchObject({ status: 415, message: expect.stringMatching(/Content-Encoding/) });
    expect(
      await send("/api/user/tokens/{id}", "/api/user/tokens/%E0%A4%A", { method: "DELETE" }),
    ).toEqual({
      status: 400,
      message: "The path holds a malformed percent-encoding (%XX); encode it again.",
    });
  });

  it("documents every route it answers", () => {
    type Layer = {
      route?: { path: string; methods: Record<string, boolean> };
      handle: { stack?: Layer[] };
    };
    const answered: string[] = [];
    const walk = (stack: Layer[]) => {
      for (const layer of stack) {
        if (layer.route?.path.startsWith("/api")) {
          const template = layer.route.path.replace(/:(\w+)/g, "{$1}");
          for (const method of Object.keys(layer.route.methods))
            answered.push(`${method.toUpperCase()} ${template}`);
        } else if (layer.handle.stack) walk(layer.handle.stack);
      }
    };
    walk((server.lapse.app as unknown as { router: { stack: Layer[] } }).router.stack);
    for (const route of server.lapse.nodeRoutes) {
      if (route.path.startsWith("/api")) answered.push(`${route.method} ${route.path}`);
    }
    const documented = new Set(documentedOperations());
    expect(answered.filter((op) => !documented.has(op) && op !== "GET /api/openapi.json")).toEqual(
      [],
    );
  });

  // Their behaviour is tested in modules/leak/; here they answer as documented.
  it("takes reports of leaked credentials, and refuses secret-scanning alerts without a signature", async () => {
    const reported = await rest(
      server,
      "post",
      "/api/credentials/revoke",
      {},
      { body: { credentials: [generateSecret(TokenKind.TEAM)] } },
    );
    expect(reported.status).toBe(202);
    const alert = await rest(
      server,
      "post",
      "/api/credentials/github-secret-scanning",
      {},
      { body: [] },
    );
    expect(alert).toMatchObject({ status: 401, body: { error: "UNAUTHENTICATED" } });
  });

  it("serves its OpenAPI document, and every documented route was exercised above", async () => {
    const response = await fetch(`${server.url}/api/openapi.json`);
    expect(await response.json()).toEqual(JSON.parse(JSON.stringify(OPENAPI_DOCUMENT)));
    const missing = documentedOperations().filter((op) => !exercisedOperations().has(op));
    expect(missing).toEqual([]);
    expect((await fetch(`${server.url}/api/nowhere`)).status).toBe(404);
  });
});
