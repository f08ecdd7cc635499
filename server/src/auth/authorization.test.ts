import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { LapseApp } from "../app";
import { getMetadataStorage } from "type-graphql";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachStore, type TestServer } from "../../test/harness";
import { mintToken, tokenType, trustIssuer } from "../../test/oidc-setup";
import { TestOidcIssuer } from "../../test/oidc-issuer";
import {
  CREATE_PERSONAL_TOKEN_WITH_SCOPES,
  CREATE_ORGANIZATION_TOKEN,
  CREATE_PERSONAL_TOKEN,
  CREATE_TEAM_TOKEN,
  errorCode,
  mustCreate,
} from "../../test/operations";
import { personalToken, seedOrg, uniqueName, type SeededOrg } from "../../test/seed";
import { OrganizationRole } from "../modules/organization/organization.types";
import { TeamRole } from "../modules/team/team.types";
import { buildLapseSchema } from "../schema/build-schema";
import { SESSION_COOKIE } from "../http/session-cookie";
import { Session, SessionMethod } from "../modules/session/session.entity";
import { SESSION_MAX_MS } from "../modules/session/session.service";
import { User } from "../modules/user/user.entity";
import { Action, RULES, rulesTable } from "./authorization";
import { digestSecret } from "./token-secret";

/**
 * Who may do what, proved by running every GraphQL operation and every REST route as every kind of
 * principal and comparing the outcome with the table below, written by hand from the README's rules.
 * An operation or route without a row here, or without a declared action, fails the suite.
 */

const ACTORS = [
  "anonymous",
  "admin",
  "auditor",
  "member",
  "maintainer",
  "teamMember",
  "teamToken",
  "orgToken",
  "orgAdminToken",
  "mintedPersonal",
  "mintedTeam",
  "mintedOrgAdmin",
  "outsider",
  "siteAdmin",
  // The ADMIN's personal tokens with fewer scopes: only tokens:read, and only a custom scope.
  "readOnly",
  "customOnly",
  // People signed in to the console by single sign-on: no token, a session cookie instead of an
  // Authorization header. An ADMIN here (not the seeded ADMIN, so owning is tested apart from
  // administering) and a MEMBER in no team.
  "ssoAdmin",
  "ssoMember",
] as const;
type Actor = (typeof ACTORS)[number];

type Outcome = "ok" | "null" | "UNAUTHENTICATED" | "FORBIDDEN" | "NOT_FOUND" | "BAD_USER_INPUT";

type Attempt = (
  | { graphql: string; variables: Record<string, unknown> }
  | { method: string; path: string; body?: unknown; noAuthorization?: boolean }
) & {
  /** Sends this secret instead of the actor's own (a fresh token of the actor's kind). */
  secret?: string;
  /** Sends this session cookie instead of the actor's own (a fresh session of the same person). */
  cookie?: string;
};

/** What an actor authenticates with: a token's secret, or a console session's cookie. */
interface Credential {
  secret?: string;
  cookie?: string;
}

interface Row {
  /** "query token", "mutation createTeam" or "GET /api/…" as the declarations name them. */
  operation: string;
  /** What this row exercises, when an operation has several rows. */
  subject?: string;
  prepare(actor: Actor): Promise<Attempt>;
  expected: Partial<Record<Actor, Outcome>>;
  otherwise: Outcome;
}

/** Actors by what they are in the organization under test. */
const READERS: Actor[] = [
  "admin",
  "auditor",
  "orgAdminToken",
  "mintedPersonal",
  "mintedOrgAdmin",
  "ssoAdmin",
];
const NON_READING_MEMBERS: Actor[] = [
  "member",
  "maintainer",
  "teamMember",
  "teamToken",
  "orgToken",
  "mintedTeam",
  "ssoMember",
];
const STRANGERS: Actor[] = ["outsider", "siteAdmin"];
const MACHINES: Actor[] = [
  "teamToken",
  "orgToken",
  "orgAdminToken",
  "mintedTeam",
  "mintedOrgAdmin",
];
const MINTED: Actor[] = ["mintedPersonal", "mintedTeam", "mintedOrgAdmin"];
/** Console sessions made by single sign-on: people who hold no token. */
const SSO: Actor[] = ["ssoAdmin", "ssoMember"];

/** The scopes each of the scope-limited actors holds. */
const SCOPED: Partial<Record<Actor, string[]>> = {
  readOnly: ["tokens:read"],
  customOnly: ["deploy:prod"],
};

/**
 * The Lapse scopes each operation and route needs, written out by hand from the README's table
 * (not read from the rules): a scope-limited token is refused unless it holds them all.
 */
const NEEDS: Record<string, string[]> = {
  "query viewer": [],
  "query organization": ["tokens:read"],
  "query token": ["tokens:read"],
  "query tokens": ["tokens:read"],
  "query tokenStats": ["tokens:read"],
  "query auditEvents": ["audit:read"],
  "query previewTokenExpiryPolicy": ["tokens:read"],
  "query oidcIssuers": ["audit:read"],
  "query oidcIssuer": ["audit:read"],
  "query simulateOidcExchange": ["org:admin"],
  "mutation createPersonalToken": ["tokens:write"],
  "mutation createTeamToken": ["tokens:write"],
  "mutation createOrganizationToken": ["tokens:write", "org:admin"],
  "mutation createOrganization": ["org:admin"],
  "mutation setOrganizationEdition": ["org:admin"],
  "mutation addOrganizationMember": ["org:admin"],
  "mutation inviteMember": ["org:admin"],
  "query invitations": ["org:admin"],
  "mutation cancelInvitation": ["org:admin"],
  "mutation changeOrganizationRole": ["org:admin"],
  "mutation removeOrganizationMember": ["org:admin"],
  "mutation createTeam": ["tokens:write"],
  "mutation deleteTeam": ["tokens:write"],
  "mutation addTeamMember": ["tokens:write"],
  "mutation removeTeamMember": ["tokens:write"],
  "mutation changeTeamRole": ["tokens:write"],
  "mutation setTokenExpiryPolicy": ["org:admin"],
  "mutation registerOidcIssuer": ["org:admin"],
  "mutation updateOidcIssuer": ["org:admin"],
  "mutation deleteOidcIssuer": ["org:admin"],
  "mutation setOidcIssuerPolicies": ["org:admin"],
  "mutation exchangeOidcToken": [],
  "mutation redeemInvitation": [],
  "mutation revokeToken": ["tokens:write"],
  "mutation rotateToken": ["tokens:write"],
  "GET /api/user/tokens": ["tokens:read"],
  "POST /api/user/tokens": ["tokens:write"],
  "DELETE /api/user/tokens/:id": ["tokens:write"],
  "GET /api/orgs/:org/tokens": ["tokens:read"],
  "POST /api/orgs/:org/tokens": ["tokens:write", "org:admin"],
  "DELETE /api/orgs/:org/tokens/:id": ["tokens:write"],
  "GET /api/orgs/:org/teams/:team/tokens": ["tokens:read"],
  "POST /api/orgs/:org/teams/:team/tokens": ["tokens:write"],
  "DELETE /api/orgs/:org/teams/:team/tokens/:id": ["tokens:write"],
  "GET /api/orgs/:org/tokens.csv": ["tokens:read"],
  "GET /api/orgs/:org/auditlog.csv": ["audit:read"],
  "GET /api/orgs/:org/oidc/issuers": ["audit:read"],
  "POST /api/orgs/:org/oidc/issuers": ["org:admin"],
  "GET /api/orgs/:org/oidc/issuers/:id": ["audit:read"],
  "PATCH /api/orgs/:org/oidc/issuers/:id": ["org:admin"],
  "DELETE /api/orgs/:org/oidc/issuers/:id": ["org:admin"],
  "POST /api/oauth/token": [],
  "POST /api/session": [],
  "DELETE /api/session": [],
  "GET /api/session/methods": [],
  "GET /api/sso/start": [],
  "GET /api/sso/callback": [],
  "GET /api/openapi.json": [],
  "POST /api/oauth/introspect": ["tokens:introspect"],
  "POST /api/oauth/revoke": [],
  "GET /api/auth/verify": [],
  "POST /api/credentials/revoke": [],
  "query webhooks": ["audit:read"],
  "query webhookDeliveries": ["audit:read"],
  "mutation createWebhook": ["org:admin"],
  "mutation updateWebhook": ["org:admin"],
  "mutation rotateWebhookSecret": ["org:admin"],
  "mutation sendTestWebhook": ["org:admin"],
  "mutation deleteWebhook": ["org:admin"],
  "mutation redeliverWebhook": ["org:admin"],
  "mutation setExpiryNotificationThresholds": ["org:admin"],
  "mutation setNotificationEmail": ["tokens:write"],
  "POST /api/credentials/github-secret-scanning": [],
};

const each = (actors: Actor[], outcome: Outcome) =>
  Object.fromEntries(actors.map((a) => [a, outcome])) as Partial<Record<Actor, Outcome>>;

const ISSUER_POLICY_RULE = { claim: "sub", pattern: "repo:acme/infra:ref:refs/heads/main" };

describe("every operation and route declares its actions", () => {
  let app: LapseApp;
  beforeAll(async () => {
    const { TestServer } = await import("../../test/harness");
    const server = new TestServer({ kind: "sqlite" });
    await server.start();
    app = server.lapse;
    afterAll(() => server.stop());
  });

  it("declares an action on every query and mutation", async () => {
    const schema = await buildLapseSchema();
    const declared = new Map(
      getMetadataStorage().authorizedFields.map((f) => [f.fieldName, f.roles as Action[]]),
    );
    const fields = [
      ...Object.keys(schema.getQueryType()!.getFields()),
      ...Object.keys(schema.getMutationType()!.getFields()),
    ];
    for (const field of fields) {
      const actions = declared.get(field);
      expect(actions, `${field} declares no @Authorized actions`).toBeDefined();
      for (const action of actions!) expect(Object.values(Action)).toContain(action);
    }
  });

  it("declares an action on every REST route", () => {
    const routes = restRoutes(app);
    expect(routes.length).toBeGreaterThan(10);
    for (const route of routes) {
      expect(route.actions, `${route.name} declares no actions`).not.toBeNull();
    }
  });

  it("keeps the README's table of who may do what equal to the rules", () => {
    const readme = fs.readFileSync(path.join(__dirname, "../../../README.md"), "utf8");
    expect(readme).toContain(rulesTable());
  });

  it("gives every action a rule that some operation or route performs", async () => {
    await buildLapseSchema();
    const performed = new Set<string>([
      ...getMetadataStorage().authorizedFields.flatMap((f) => f.roles),
      ...restRoutes(app).flatMap((r) => r.actions ?? []),
    ]);
    for (const action of Object.keys(RULES)) expect(performed, action).toContain(action);
  });
});

/**
 * Every route under /api of the app, with the actions its handler declares: Express's, and those
 * answered ahead of it (the gateway check).
 */
function restRoutes({ app, nodeRoutes }: LapseApp): {
  name: string;
  actions: readonly string[] | null;
}[] {
  type Layer = {
    route?: { path: string; methods: Record<string, boolean>; stack: Layer[] };
    handle: { stack?: Layer[]; actions?: readonly string[] };
  };
  const found: { name: string; actions: readonly string[] | null }[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        if (!layer.route.path.startsWith("/api")) continue;
        const handler = layer.route.stack.at(-1)!.handle;
        for (const method of Object.keys(layer.route.methods)) {
          found.push({
            name: `${method.toUpperCase()} ${layer.route.path}`,
            actions: handler.actions ?? null,
          });
        }
      } else if (layer.handle.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  for (const route of nodeRoutes) {
    if (route.path.startsWith("/api")) {
      found.push({ name: `${route.method} ${route.path}`, actions: route.actions });
    }
  }
  return found;
}

describeEachStore("who may do what", (server) => {
  let org: SeededOrg;
  let team: string;
  let issuer: TestOidcIssuer;
  let issuerId: string;
  const secrets = {} as Record<Actor, string | undefined>;
  /** The session cookies of the single sign-on actors, who hold no token. */
  const cookies = {} as Record<Actor, string | undefined>;
  const logins = {} as Record<Actor | "siteAdminMember", string>;
  let adminPersonalTokenId: string;

  const adminCreates = async (document: string, variables: Record<string, unknown>) =>
    (await mustCreate(server, document, variables, org.admin.secret)).token.id;
  const gql = (graphql: string, variables: Record<string, unknown> = {}): Attempt => ({
    graphql,
    variables,
  });

  const mint = (kind: "personal" | "team" | "organization", scope?: string) =>
    mintToken(server, issuer, org.name, kind, scope);
  const mintedTeamTokenId = async () => {
    const secret = await mint("team", `team:${team}`);
    const viewer = await server.gql<{ viewer: { token: { id: string } } }>(
      `{ viewer { token { id } } }`,
      {},
      secret,
    );
    return viewer.data!.viewer.token.id;
  };
  /** A new personal token of the ADMIN's with the scopes of a scope-limited actor. */
  const scopedToken = async (actor: "readOnly" | "customOnly") =>
    (
      await mustCreate(
        server,
        CREATE_PERSONAL_TOKEN_WITH_SCOPES,
        { name: uniqueName(actor), scopes: SCOPED[actor] },
        org.admin.secret,
      )
    ).secret;

  /**
   * A console session made by single sign-on for `login`, as the SSO callback opens one: method
   * sso, no token, the cookie's digest stored, ending within the session limit by the test clock.
   */
  const ssoSession = async (login: string) => {
    const manager = server.dataSource.manager;
    const user = await manager.findOneByOrFail(User, { login });
    const cookie = randomBytes(32).toString("base64url");
    const now = server.clock.now();
    await manager.insert(Session, {
      id: uuidv7(),
      digest: digestSecret(cookie),
      method: SessionMethod.SSO,
      tokenId: null,
      userId: user.id,
      email: `${login}@idp.example`,
      createdAt: now,
      expiresAt: new Date(now.getTime() + SESSION_MAX_MS),
      endedAt: null,
    });
    return cookie;
  };

  /**
   * A new token of the actor's own kind, and its id: for acting on the caller's own token. A
   * single sign-on session holds no token: its person's own is a new personal token of theirs,
   * acted on with the session's cookie.
   */
  const ownToken = async (actor: Actor): Promise<{ secret?: string; id: string }> => {
    const viewerId = async (secret: string) =>
      (
        await server.gql<{ viewer: { token: { id: string } } }>(
          `{ viewer { token { id } } }`,
          {},
          secret,
        )
      ).data!.viewer.token.id;
    const fresh = async (): Promise<string | undefined> => {
      switch (actor) {
        case "anonymous":
          return undefined;
        case "teamToken":
          return (
            await mustCreate(
              server,
              CREATE_TEAM_TOKEN,
              { organization: org.name, team, name: uniqueName("self") },
              org.admin.secret,
            )
          ).secret;
        case "orgToken":
        case "orgAdminToken":
          return (
            await mustCreate(
              server,
              CREATE_ORGANIZATION_TOKEN,
              {
                organization: org.name,
                name: uniqueName("self"),
                admin: actor === "orgAdminToken",
              },
              org.admin.secret,
            )
          ).secret;
        case "mintedPersonal":
          return mint("personal", `user:${logins.siteAdminMember}`);
        case "mintedTeam":
          return mint("team", `team:${team}`);
        case "mintedOrgAdmin":
          return mint("organization", "admin");
        case "readOnly":
        case "customOnly":
          return scopedToken(actor);
        case "ssoAdmin":
        case "ssoMember":
          return undefined;
        default:
          return personalToken(server, logins[actor as keyof typeof logins], uniqueName("self"));
      }
    };
    if (SSO.includes(actor)) {
      const owned = await personalToken(server, logins[actor], uniqueName("own"));
      return { id: await viewerId(owned) };
    }
    const secret = await fresh();
    return { secret, id: secret ? await viewerId(secret) : adminPersonalTokenId };
  };
  const invitation = async (login = uniqueName("invited")) => {
    const invited = await server.gql<{ inviteMember: { code: string } }>(
      `mutation($o: String!, $l: String!) { inviteMember(organization: $o, login: $l, role: MEMBER) { code } }`,
      { o: org.name, l: login },
      org.admin.secret,
    );
    expect(invited.errors).toBeUndefined();
    return invited.data!.inviteMember.code;
  };
  const staticIssuer = async () => {
    const registered = await server.gql<{ registerOidcIssuer: { id: string } }>(
      `mutation($o: String!, $n: String!, $u: String!, $j: String!) { registerOidcIssuer(organization: $o, name: $n, url: $u, jwks: $j) { id } }`,
      {
        o: org.name,
        n: uniqueName("issuer"),
        u: `https://${uniqueName("idp")}.example`,
        j: JSON.stringify(issuer.jwks()),
      },
      org.admin.secret,
    );
    expect(registered.errors).toBeUndefined();
    return registered.data!.registerOidcIssuer.id;
  };

  beforeAll(async () => {
    issuer = new TestOidcIssuer();
    await issuer.start();
    org = await seedOrg(server);
    team = await org.team();
    secrets.admin = org.admin.secret;
    logins.admin = org.admin.login;
    const auditor = await org.member(OrganizationRole.AUDITOR);
    secrets.auditor = auditor.secret;
    logins.auditor = auditor.login;
    const member = await org.member();
    secrets.member = member.secret;
    logins.member = member.login;
    const maintainer = await org.member();
    await org.addToTeam(team, maintainer, TeamRole.MAINTAINER);
    secrets.maintainer = maintainer.secret;
    logins.maintainer = maintainer.login;
    const teamMember = await org.member();
    await org.addToTeam(team, teamMember, TeamRole.MEMBER);
    secrets.teamMember = teamMember.secret;
    logins.teamMember = teamMember.login;
    secrets.teamToken = (
      await mustCreate(
        server,
        CREATE_TEAM_TOKEN,
        { organization: org.name, team, name: "actor-team" },
        org.admin.secret,
      )
    ).secret;
    secrets.orgToken = (
      await mustCreate(
        server,
        CREATE_ORGANIZATION_TOKEN,
        { organization: org.name, name: "actor-org" },
        org.admin.secret,
      )
    ).secret;
    secrets.orgAdminToken = (
      await mustCreate(
        server,
        CREATE_ORGANIZATION_TOKEN,
        { organization: org.name, name: "actor-org-admin", admin: true },
        org.admin.secret,
      )
    ).secret;
    const outsider = (await seedOrg(server)).admin;
    secrets.outsider = outsider.secret;
    logins.outsider = outsider.login;
    // A site admin of another organization, and a second one who is also an ADMIN here: the
    // login a minted personal token acts as, to show it never carries the site's rights.
    const siteAdmin = (await seedOrg(server, { siteAdmin: true })).admin;
    secrets.siteAdmin = siteAdmin.secret;
    logins.siteAdmin = siteAdmin.login;
    const siteAdminHere = (await seedOrg(server, { siteAdmin: true })).admin;
    const joined = await server.gql(
      `mutation($c: String!) { redeemInvitation(code: $c, tokenName: "joined") { secret } }`,
      { c: await invitation(siteAdminHere.login) },
      siteAdminHere.secret,
    );
    expect(joined.errors).toBeUndefined();
    const promoted = await server.gql(
      `mutation($o: String!, $l: String!) { changeOrganizationRole(organization: $o, login: $l, role: ADMIN) { login } }`,
      { o: org.name, l: siteAdminHere.login },
      org.admin.secret,
    );
    expect(promoted.errors).toBeUndefined();
    logins.siteAdminMember = siteAdminHere.login;

    issuerId = await trustIssuer(server, org.admin.secret, org.name, issuer, [
      { decision: "ALLOW", tokenType: "TEAM", team, rules: [ISSUER_POLICY_RULE] },
      { decision: "ALLOW", tokenType: "ORGANIZATION", admin: true, rules: [ISSUER_POLICY_RULE] },
      {
        decision: "ALLOW",
        tokenType: "PERSONAL",
        login: siteAdminHere.login,
        rules: [ISSUER_POLICY_RULE],
      },
    ]);
    secrets.mintedPersonal = await mint("personal", `user:${siteAdminHere.login}`);
    secrets.mintedTeam = await mint("team", `team:${team}`);
    secrets.mintedOrgAdmin = await mint("organization", "admin");
    adminPersonalTokenId = await adminCreates(CREATE_PERSONAL_TOKEN, { name: "admin-personal" });
    for (const actor of ["readOnly", "customOnly"] as const)
      secrets[actor] = await scopedToken(actor);
    logins.ssoAdmin = (await org.member(OrganizationRole.ADMIN)).login;
    logins.ssoMember = (await org.member()).login;
    for (const actor of SSO) {
      cookies[actor] = await ssoSession(logins[actor]);
      // The cookie must authenticate as the person with no token, or every row would test nothing.
      const viewer = await server.gql<{ viewer: { ssoEmail: string; token: unknown } }>(
        `{ viewer { ssoEmail token { id } } }`,
        {},
        undefined,
        browserHeaders(server, cookies[actor]!),
      );
      expect(viewer.errors).toBeUndefined();
      expect(viewer.data!.viewer).toEqual({
        ssoEmail: `${logins[actor]}@idp.example`,
        token: null,
      });
    }
  });
  afterAll(() => issuer?.stop());

  const members = each([...READERS, ...NON_READING_MEMBERS], "ok");
  const readersOnly = {
    ...each(READERS, "ok"),
    ...each(NON_READING_MEMBERS, "FORBIDDEN"),
    ...each(STRANGERS, "NOT_FOUND"),
  };
  /** Person-only ADMIN work: invitations, roles, policy, OIDC trust, organization tokens. */
  const peopleAdminsOnly = {
    admin: "ok",
    ssoAdmin: "ok",
    ...each(["auditor", "member", "maintainer", "teamMember"], "FORBIDDEN"),
    ...each([...MACHINES, "mintedPersonal"], "FORBIDDEN"),
    ...each(STRANGERS, "NOT_FOUND"),
  } as const;
  /**
   * Managing a webhook or an OIDC issuer named by id: people ADMINs; other people who cannot read
   * it do not see it.
   */
  const managersById = {
    ...peopleAdminsOnly,
    ...each(
      NON_READING_MEMBERS.filter((a) => !MACHINES.includes(a)),
      "NOT_FOUND",
    ),
  } as const;
  const newWebhook = async () => {
    const created = await server.gql<{ createWebhook: { webhook: { id: string } } }>(
      `mutation($o: String!) { createWebhook(organization: $o, url: "http://127.0.0.1:9/hook", events: [TOKEN_EXPIRING]) { webhook { id } } }`,
      { o: org.name },
      org.admin.secret,
    );
    return created.data!.createWebhook.webhook.id;
  };
  let webhookId: string | undefined;
  const sharedWebhook = async () => (webhookId ??= await newWebhook());
  let deliveryId: string | undefined;
  const sharedDelivery = async () => {
    if (deliveryId) return deliveryId;
    const sent = await server.gql<{ sendTestWebhook: { id: string } }>(
      `mutation($id: ID!) { sendTestWebhook(id: $id) { id } }`,
      { id: await sharedWebhook() },
      org.admin.secret,
    );
    return (deliveryId = sent.data!.sendTestWebhook.id);
  };
  /** ADMIN work any ADMIN may do inside the organization: teams. */
  const orgAdmins = {
    ...each(["admin", "orgAdminToken", "mintedPersonal", "mintedOrgAdmin", "ssoAdmin"], "ok"),
    ...each(["auditor", ...NON_READING_MEMBERS], "FORBIDDEN"),
    ...each(STRANGERS, "NOT_FOUND"),
  };
  const teamManagers = { ...orgAdmins, maintainer: "ok" as const };
  /** Acting on one of the team's tokens: who sees it, and who may change it. */
  const teamTokenManagers = {
    ...each(
      ["admin", "maintainer", "orgAdminToken", "mintedPersonal", "mintedOrgAdmin", "ssoAdmin"],
      "ok",
    ),
    ...each(["auditor", "teamMember", "teamToken", "mintedTeam"], "FORBIDDEN"),
  };
  const orgTokenManagers = {
    ...each(["admin", "mintedPersonal", "ssoAdmin"], "ok"),
    ...each(["auditor", "orgAdminToken", "mintedOrgAdmin"], "FORBIDDEN"),
  };
  const adminPersonalTokenManagers = {
    admin: "ok" as const,
    // Another ADMIN, signed in by single sign-on, oversees the token but does not own it.
    ...each(
      ["auditor", "orgAdminToken", "mintedPersonal", "mintedOrgAdmin", "ssoAdmin"],
      "FORBIDDEN",
    ),
  };

  /** A live team token's secret, for the leaked-credential routes. */
  const leakedSecret = async () =>
    (
      await mustCreate(
        server,
        CREATE_TEAM_TOKEN,
        { organization: org.name, team, name: uniqueName("leaked") },
        org.admin.secret,
      )
    ).secret;

  const rows: Row[] = [
    {
      operation: "query viewer",
      prepare: async () => gql(`{ viewer { kind } }`),
      expected: {},
      otherwise: "ok",
    },
    {
      operation: "query organization",
      prepare: async () =>
        gql(`query($n: String!) { organization(name: $n) { name } }`, { n: org.name }),
      expected: { ...members, ...each(STRANGERS, "null") },
      otherwise: "ok",
    },
    {
      operation: "query token",
      subject: "a team token",
      prepare: async () =>
        gql(`query($id: ID!) { token(id: $id) { id } }`, {
          id: await adminCreates(CREATE_TEAM_TOKEN, {
            organization: org.name,
            team,
            name: uniqueName("t"),
          }),
        }),
      expected: each(["member", "orgToken", "ssoMember", ...STRANGERS], "null"),
      otherwise: "ok",
    },
    {
      operation: "query token",
      subject: "a member's personal token",
      prepare: async () =>
        gql(`query($id: ID!) { token(id: $id) { id } }`, {
          id: (
            await mustCreate(
              server,
              CREATE_PERSONAL_TOKEN,
              { name: uniqueName("p") },
              secrets.member!,
            )
          ).token.id,
        }),
      expected: {
        ...each(["member", ...READERS], "ok"),
        ...each(
          ["maintainer", "teamMember", "teamToken", "orgToken", "mintedTeam", "ssoMember"],
          "null",
        ),
        ...each(STRANGERS, "null"),
      },
      otherwise: "ok",
    },
    {
      operation: "query tokens",
      prepare: async () =>
        gql(`query($o: String!) { tokens(filter: { organization: $o }) { totalCount } }`, {
          o: org.name,
        }),
      expected: { ...members, ...each(STRANGERS, "NOT_FOUND") },
      otherwise: "ok",
    },
    {
      operation: "query tokenStats",
      prepare: async () =>
        gql(`query($o: String!) { tokenStats(organization: $o) { total } }`, { o: org.name }),
      expected: { ...members, ...each(STRANGERS, "NOT_FOUND") },
      otherwise: "ok",
    },
    {
      operation: "query auditEvents",
      prepare: async () =>
        gql(`query($o: String!) { auditEvents(filter: { organization: $o }) { totalCount } }`, {
          o: org.name,
        }),
      expected: readersOnly,
      otherwise: "ok",
    },
    {
      operation: "query auditEvents",
      subject: "no organization: the events of one's own personal tokens",
      prepare: async () => gql(`{ auditEvents(filter: {}) { totalCount } }`),
      expected: each([...MACHINES, "mintedPersonal"], "FORBIDDEN"),
      otherwise: "ok",
    },
    {
      operation: "query previewTokenExpiryPolicy",
      prepare: async () =>
        gql(
          `query($o: String!) { previewTokenExpiryPolicy(organization: $o, maxTokenLifetimeDays: 30) { blockedCount } }`,
          { o: org.name },
        ),
      expected: readersOnly,
      otherwise: "ok",
    },
    {
      operation: "query oidcIssuers",
      prepare: async () =>
        gql(`query($o: String!) { oidcIssuers(organization: $o) { id } }`, { o: org.name }),
      expected: readersOnly,
      otherwise: "ok",
    },
    {
      operation: "query oidcIssuer",
      prepare: async () => gql(`query($id: ID!) { oidcIssuer(id: $id) { id } }`, { id: issuerId }),
      expected: { ...each(READERS, "ok"), ...each([...NON_READING_MEMBERS, ...STRANGERS], "null") },
      otherwise: "ok",
    },
    {
      operation: "mutation createPersonalToken",
      prepare: async () => gql(CREATE_PERSONAL_TOKEN, { name: uniqueName("p") }),
      expected: each([...MACHINES, "mintedPersonal"], "FORBIDDEN"),
      otherwise: "ok",
    },
    {
      operation: "mutation createTeamToken",
      prepare: async () =>
        gql(CREATE_TEAM_TOKEN, { organization: org.name, team, name: uniqueName("t") }),
      expected: {
        ...each(["admin", "maintainer", "orgAdminToken", "ssoAdmin"], "ok"),
        ...each(STRANGERS, "NOT_FOUND"),
      },
      otherwise: "FORBIDDEN",
    },
    {
      operation: "mutation createOrganizationToken",
      prepare: async () =>
        gql(CREATE_ORGANIZATION_TOKEN, { organization: org.name, name: uniqueName("o") }),
      expected: peopleAdminsOnly,
      otherwise: "FORBIDDEN",
    },
    {
      operation: "mutation createOrganization",
      prepare: async () =>
        gql(`mutation($n: String!) { createOrganization(name: $n, edition: TEAM) { name } }`, {
          n: uniqueName("neworg"),
        }),
      expected: { siteAdmin: "ok" },
      otherwise: "FORBIDDEN",
    },
    {
      operation: "mutation setOrganizationEdition",
      prepare: async () =>
        gql(
          `mutation($o: String!) { setOrganizationEdition(organization: $o, edition: ENTERPRISE) { edition } }`,
          {
            o: org.name,
          },
        ),
      expected: { siteAdmin: "ok" },
      otherwise: "FORBIDDEN",
    },
    {
      operation: "mutation addOrganizationMember",
      subject: "a new login (nobody adds members directly any more)",
      prepare: async () =>
        gql(
          `mutation($o: String!, $l: String!) { addOrganizationMember(organization: $o, login: $l, role: MEMBER) { login } }`,
          {
            o: org.name,
            l: uniqueName("new"),
          },
        ),
      expected: {},
      otherwise: "FORBIDDEN",
    },
    {
      operation: "mutation inviteMember",
      prepare: async () =>
        gql(
          `mutation($o: String!, $l: String!) { inviteMember(organization: $o, login: $l, role: MEMBER) { code } }`,
          {
            o: org.name,
            l: uniqueName("inv"),
          },
        ),
      expected: peopleAdminsOnly,
      otherwise: "FORBIDDEN",
    },
    {
      operation: "query invitations",
      prepare: async () =>
        gql(`query($o: String!) { invitations(organization: $o) { id login } }`, { o: org.name }),
      expected: peopleAdminsOnly,
      otherwise: "FORBIDDEN",
    },
    {
      operation: "mutation cancelInvitation",
      prepare: async () => {
        const invited = await server.gql<{ inviteMember: { invitation: { id: string } } }>(
          `mutation($o: String!, $l: String!) { inviteMember(organization: $o, login: $l, role: MEMBER) { invitation { id } } }`,
          { o: org.name, l: uniqueName("cancel") },
          org.admin.secret,
        );
        return gql(`mutation($id: ID!) { cancelInvitation(id: $id) { id } }`, {
          id: invited.data!.inviteMember.invitation.id,
        });
      },
      expected: peopleAdminsOnly,
      otherwise: "FORBIDDEN",
    },
    {
      operation: "mutation changeOrganizationRole",
      prepare: async () =>
        gql(
          `mutation($o: String!, $l: String!) { changeOrganizationRole(organization: $o, login: $l, role: AUDITOR) { login } }`,
          {
            o: org.name,
            l: (await org.member()).login,
          },
        ),
      expected: peopleAdminsOnly,
      otherwise: "FORBIDDEN",
    },
    {
      operation: "mutation removeOrganizationMember",
      prepare: async () =>
        gql(
          `mutation($o: String!, $l: String!) { removeOrganizationMember(organization: $o, login: $l) { login } }`,
          {
            o: org.name,
            l: (await org.member()).login,
          },
        ),
      expected: peopleAdminsOnly,
      otherwise: "FORBIDDEN",
    },
    {
      operation: "mutation createTeam",
      prepare: async () =>
        gql(
          `mutation($o: String!, $n: String!) { createTeam(organization: $o, name: $n) { name } }`,
          {
            o: org.name,
            n: uniqueName("team"),
          },
        ),
      expected: orgAdmins,
      otherwise: "FORBIDDEN",
    },
    {
      operation: "mutation deleteTeam",
      prepare: async () =>
        gql(
          `mutation($o: String!, $t: String!) { deleteTeam(organization: $o, team: $t) { name } }`,
          {
            o: org.name,
            t: await org.team(),
          },
        ),
      expected: orgAdmins,
      otherwise: "FORBIDDEN",
    },
    {
      operation: "mutation addTeamMember",
      prepare: async () =>
        gql(
          `mutation($o: String!, $t: String!, $l: String!) { addTeamMember(organization: $o, team: $t, login: $l, role: MEMBER) { login } }`,
          {
            o: org.name,
            t: team,
            l: (await org.member()).login,
          },
        ),
      expected: teamManagers,
      otherwise: "FORBIDDEN",
    },
    {
      operation: "mutation removeTeamMember",
      prepare: async () => {
        const person = await org.member();
        await org.addToTeam(team, person);
        return gql(
          `mutation($o: String!, $t: String!, $l: String!) { removeTeamMember(organization: $o, team: $t, login: $l) { name } }`,
          {
            o: org.name,
            t: team,
            l: person.login,
          },
        );
      },
      expected: teamManagers,
      otherwise: "FORBIDDEN",
    },
    {
      operation: "mutation changeTeamRole",
      prepare: async () => {
        const person = await org.member();
        await org.addToTeam(team, person);
        return gql(
          `mutation($o: String!, $t: String!, $l: String!) { changeTeamRole(organization: $o, team: $t, login: $l, role: MAINTAINER) { name } }`,
          { o: org.name, t: team, l: person.login },
        );
      },
      expected: teamManagers,
      otherwise: "FORBIDDEN",
    },
    {
      operation: "mutation setTokenExpiryPolicy",
      prepare: async () =>
        gql(
          `mutation($o: String!) { setTokenExpiryPolicy(organization: $o, maxTokenLifetimeDays: null) { name } }`,
          {
            o: org.name,
          },
        ),
      expected: peopleAdminsOnly,
      otherwise: "FORBIDDEN",
    },
    {
      operation: "mutation registerOidcIssuer",
      prepare: async () =>
        gql(
          `mutation($o: String!, $n: String!, $u: String!, $j: String!) { registerOidcIssuer(organization: $o, name: $n, url: $u, jwks: $j) { id } }`,
          {
            o: org.name,
            n: uniqueName("issuer"),
            u: `https://${uniqueName("idp")}.example`,
            j: JSON.stringify(issuer.jwks()),
          },
        ),
      expected: peopleAdminsOnly,
      otherwise: "FORBIDDEN",
    },
    {
      operation: "mutation updateOidcIssuer",
      prepare: async () =>
        gql(`mutation($id: ID!, $n: String!) { updateOidcIssuer(id: $id, name: $n) { id } }`, {
          id: await staticIssuer(),
          n: uniqueName("renamed"),
        }),
      expected: managersById,
      otherwise: "FORBIDDEN",
    },
    {
      operation: "mutation deleteOidcIssuer",
      prepare: async () =>
        gql(`mutation($id: ID!) { deleteOidcIssuer(id: $id) { id } }`, {
          id: await staticIssuer(),
        }),
      expected: managersById,
      otherwise: "FORBIDDEN",
    },
    {
      operation: "mutation setOidcIssuerPolicies",
      prepare: async () =>
        gql(
          `mutation($id: ID!, $p: [OidcPolicyInput!]!) { setOidcIssuerPolicies(issuerId: $id, policies: $p) { id } }`,
          {
            id: await staticIssuer(),
            p: [{ decision: "ALLOW", tokenType: "TEAM", team, rules: [ISSUER_POLICY_RULE] }],
          },
        ),
      expected: managersById,
      otherwise: "FORBIDDEN",
    },
    {
      operation: "query simulateOidcExchange",
      subject: "a JWT the issuer's policies allow (nothing is minted)",
      prepare: async () => {
        const audience = `urn:lapse:org:${org.name}`;
        return gql(
          `query($id: ID!, $t: String!, $s: String) { simulateOidcExchange(issuerId: $id, jwt: $t, tokenType: TEAM, scope: $s) { allowed } }`,
          {
            id: issuerId,
            t: await issuer.sign(issuer.githubClaims(audience, server.clock.now())),
            s: `team:${team}`,
          },
        );
      },
      expected: managersById,
      otherwise: "FORBIDDEN",
    },
    {
      operation: "mutation exchangeOidcToken",
      subject: "a JWT a policy allows (the caller's own credential plays no part)",
      prepare: async () => {
        const audience = `urn:lapse:org:${org.name}`;
        return gql(
          `mutation($a: String!, $t: String!, $r: String!, $s: String) { exchangeOidcToken(audience: $a, subjectToken: $t, requestedTokenType: $r, scope: $s) { tokenType } }`,
          {
            a: audience,
            t: await issuer.sign(issuer.githubClaims(audience, server.clock.now())),
            r: tokenType("team"),
            s: `team:${team}`,
          },
        );
      },
      expected: {},
      otherwise: "ok",
    },
    {
      operation: "mutation redeemInvitation",
      subject: "a code for a new login",
      prepare: async () =>
        gql(`mutation($c: String!) { redeemInvitation(code: $c, tokenName: "first") { secret } }`, {
          c: await invitation(),
        }),
      expected: {},
      otherwise: "ok",
    },
    ...(["revokeToken", "rotateToken"] as const).flatMap((name): Row[] => {
      const document = `mutation($id: ID!) { ${name}(id: $id) { __typename } }`;
      return [
        {
          operation: `mutation ${name}`,
          subject: "a team token",
          prepare: async () =>
            gql(document, {
              id: await adminCreates(CREATE_TEAM_TOKEN, {
                organization: org.name,
                team,
                name: uniqueName("r"),
              }),
            }),
          expected: { ...teamTokenManagers, anonymous: "UNAUTHENTICATED" },
          otherwise: "NOT_FOUND",
        },
        {
          operation: `mutation ${name}`,
          subject: "an organization token",
          prepare: async () =>
            gql(document, {
              id: await adminCreates(CREATE_ORGANIZATION_TOKEN, {
                organization: org.name,
                name: uniqueName("r"),
              }),
            }),
          expected: { ...orgTokenManagers, anonymous: "UNAUTHENTICATED" },
          otherwise: "NOT_FOUND",
        },
        {
          operation: `mutation ${name}`,
          subject: "the ADMIN's personal token",
          prepare: async () =>
            gql(document, {
              id: await adminCreates(CREATE_PERSONAL_TOKEN, { name: uniqueName("r") }),
            }),
          expected: { ...adminPersonalTokenManagers, anonymous: "UNAUTHENTICATED" },
          otherwise: "NOT_FOUND",
        },
      ];
    }),
    ...(["revokeToken", "rotateToken"] as const).map((name): Row => ({
      operation: `mutation ${name}`,
      subject: "the caller's own token",
      prepare: async (actor) => {
        const own = await ownToken(actor);
        return {
          ...gql(`mutation($id: ID!) { ${name}(id: $id) { __typename } }`, { id: own.id }),
          secret: own.secret,
        };
      },
      // Every token revokes itself; minted tokens are never rotated, even by themselves.
      expected: name === "rotateToken" ? each(MINTED, "FORBIDDEN") : {},
      otherwise: "ok",
    })),
    {
      operation: "mutation rotateToken",
      subject: "a team token minted by an OIDC exchange (never rotated)",
      prepare: async () =>
        gql(`mutation($id: ID!) { rotateToken(id: $id) { __typename } }`, {
          id: await mintedTeamTokenId(),
        }),
      expected: {
        ...each(["member", "orgToken", "ssoMember", ...STRANGERS], "NOT_FOUND"),
        anonymous: "UNAUTHENTICATED",
      },
      otherwise: "FORBIDDEN",
    },
    // REST: Pulumi-shaped token routes.
    {
      operation: "GET /api/user/tokens",
      prepare: async () => ({ method: "GET", path: "/api/user/tokens" }),
      expected: {},
      otherwise: "ok",
    },
    {
      operation: "POST /api/user/tokens",
      prepare: async () => ({
        method: "POST",
        path: "/api/user/tokens",
        body: { name: uniqueName("p") },
      }),
      expected: each([...MACHINES, "mintedPersonal"], "FORBIDDEN"),
      otherwise: "ok",
    },
    {
      operation: "DELETE /api/user/tokens/:id",
      subject: "the ADMIN's personal token",
      prepare: async () => ({
        method: "DELETE",
        path: `/api/user/tokens/${await adminCreates(CREATE_PERSONAL_TOKEN, { name: uniqueName("r") })}`,
      }),
      expected: { admin: "ok" },
      otherwise: "NOT_FOUND",
    },
    {
      operation: "GET /api/orgs/:org/tokens",
      prepare: async () => ({ method: "GET", path: `/api/orgs/${org.name}/tokens` }),
      expected: { ...members, ...each(STRANGERS, "NOT_FOUND") },
      otherwise: "ok",
    },
    {
      operation: "POST /api/orgs/:org/tokens",
      prepare: async () => ({
        method: "POST",
        path: `/api/orgs/${org.name}/tokens`,
        body: { name: uniqueName("o") },
      }),
      expected: peopleAdminsOnly,
      otherwise: "FORBIDDEN",
    },
    {
      operation: "DELETE /api/orgs/:org/tokens/:id",
      prepare: async () => ({
        method: "DELETE",
        path: `/api/orgs/${org.name}/tokens/${await adminCreates(CREATE_ORGANIZATION_TOKEN, {
          organization: org.name,
          name: uniqueName("r"),
        })}`,
      }),
      expected: orgTokenManagers,
      otherwise: "NOT_FOUND",
    },
    {
      operation: "GET /api/orgs/:org/teams/:team/tokens",
      prepare: async () => ({ method: "GET", path: `/api/orgs/${org.name}/teams/${team}/tokens` }),
      expected: { ...members, ...each(STRANGERS, "NOT_FOUND") },
      otherwise: "ok",
    },
    {
      operation: "POST /api/orgs/:org/teams/:team/tokens",
      prepare: async () => ({
        method: "POST",
        path: `/api/orgs/${org.name}/teams/${team}/tokens`,
        body: { name: uniqueName("t") },
      }),
      expected: {
        ...each(["admin", "maintainer", "orgAdminToken", "ssoAdmin"], "ok"),
        ...each(STRANGERS, "NOT_FOUND"),
      },
      otherwise: "FORBIDDEN",
    },
    {
      operation: "DELETE /api/orgs/:org/teams/:team/tokens/:id",
      prepare: async () => ({
        method: "DELETE",
        path: `/api/orgs/${org.name}/teams/${team}/tokens/${await adminCreates(CREATE_TEAM_TOKEN, {
          organization: org.name,
          team,
          name: uniqueName("r"),
        })}`,
      }),
      expected: teamTokenManagers,
      otherwise: "NOT_FOUND",
    },
    {
      operation: "GET /api/orgs/:org/tokens.csv",
      prepare: async () => ({ method: "GET", path: `/api/orgs/${org.name}/tokens.csv` }),
      expected: { ...members, ...each(STRANGERS, "NOT_FOUND") },
      otherwise: "ok",
    },
    {
      operation: "GET /api/orgs/:org/auditlog.csv",
      prepare: async () => ({ method: "GET", path: `/api/orgs/${org.name}/auditlog.csv` }),
      expected: readersOnly,
      otherwise: "ok",
    },
    {
      operation: "GET /api/orgs/:org/oidc/issuers",
      prepare: async () => ({ method: "GET", path: `/api/orgs/${org.name}/oidc/issuers` }),
      expected: readersOnly,
      otherwise: "ok",
    },
    {
      operation: "POST /api/orgs/:org/oidc/issuers",
      prepare: async () => ({
        method: "POST",
        path: `/api/orgs/${org.name}/oidc/issuers`,
        body: {
          name: uniqueName("issuer"),
          url: `https://${uniqueName("idp")}.example`,
          jwks: JSON.stringify(issuer.jwks()),
        },
      }),
      expected: peopleAdminsOnly,
      otherwise: "FORBIDDEN",
    },
    {
      operation: "GET /api/orgs/:org/oidc/issuers/:id",
      prepare: async () => ({
        method: "GET",
        path: `/api/orgs/${org.name}/oidc/issuers/${issuerId}`,
      }),
      expected: {
        ...each(READERS, "ok"),
        ...each([...NON_READING_MEMBERS, ...STRANGERS], "NOT_FOUND"),
      },
      otherwise: "ok",
    },
    ...(["PATCH", "DELETE"] as const).map((method): Row => ({
      operation: `${method} /api/orgs/:org/oidc/issuers/:id`,
      prepare: async () => ({
        method,
        path: `/api/orgs/${org.name}/oidc/issuers/${await staticIssuer()}`,
        body: method === "PATCH" ? { name: uniqueName("renamed") } : undefined,
      }),
      // People who cannot read the issuer do not learn it exists; machine and minted tokens are
      // refused before it is read.
      expected: {
        ...peopleAdminsOnly,
        ...each(["member", "maintainer", "teamMember", "ssoMember"], "NOT_FOUND"),
      },
      otherwise: "FORBIDDEN",
    })),
    {
      operation: "POST /api/oauth/token",
      subject: "a JWT a policy allows (the caller's own credential plays no part)",
      prepare: async () => {
        const audience = `urn:lapse:org:${org.name}`;
        return {
          method: "POST",
          path: "/api/oauth/token",
          body: {
            grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
            subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
            audience,
            subject_token: await issuer.sign(issuer.githubClaims(audience, server.clock.now())),
            requested_token_type: tokenType("team"),
            scope: `team:${team}`,
          },
        };
      },
      expected: {},
      otherwise: "ok",
    },
    {
      operation: "POST /api/session",
      subject: "signing in with the actor's own token",
      prepare: async (actor) => ({
        method: "POST",
        path: "/api/session",
        body: { token: secrets[actor] ?? "" },
        noAuthorization: true,
      }),
      // A single sign-on session holds no token to send, and its cookie alone opens no session.
      expected: {
        anonymous: "BAD_USER_INPUT",
        ...each(SSO, "BAD_USER_INPUT"),
        ...each(MACHINES, "FORBIDDEN"),
      },
      otherwise: "ok",
    },
    {
      operation: "DELETE /api/session",
      // Signing out ends the session the cookie names: a fresh one, so the actor's own lives on.
      prepare: async (actor) => ({
        method: "DELETE",
        path: "/api/session",
        cookie: SSO.includes(actor) ? await ssoSession(logins[actor]) : undefined,
      }),
      expected: {},
      otherwise: "ok",
    },
    {
      operation: "GET /api/session/methods",
      prepare: async () => ({ method: "GET", path: "/api/session/methods" }),
      expected: {},
      otherwise: "ok",
    },
    // Single sign-on is not set up in this suite (sso.test.ts signs in through a real provider):
    // every caller, whatever credential it sends, is answered alike.
    {
      operation: "GET /api/sso/start",
      subject: "no single sign-on set up",
      prepare: async () => ({ method: "GET", path: "/api/sso/start" }),
      expected: { anonymous: "NOT_FOUND" },
      otherwise: "NOT_FOUND",
    },
    {
      operation: "GET /api/sso/callback",
      subject: "no single sign-on set up",
      prepare: async () => ({ method: "GET", path: "/api/sso/callback?code=c&state=s" }),
      expected: { anonymous: "NOT_FOUND" },
      otherwise: "NOT_FOUND",
    },
    {
      operation: "POST /api/oauth/introspect",
      subject: "a team token of the organization (another's answer inactive, still 200)",
      prepare: async () => ({
        method: "POST",
        path: "/api/oauth/introspect",
        body: {
          token: (
            await mustCreate(
              server,
              CREATE_TEAM_TOKEN,
              { organization: org.name, team, name: uniqueName("i") },
              org.admin.secret,
            )
          ).secret,
        },
      }),
      // Introspection is for tokens holding tokens:introspect: a single sign-on session holds none.
      expected: each(SSO, "FORBIDDEN"),
      otherwise: "ok",
    },
    {
      operation: "POST /api/oauth/revoke",
      subject: "a team token (200 whatever the caller may do with it)",
      prepare: async () => ({
        method: "POST",
        path: "/api/oauth/revoke",
        body: {
          token: (
            await mustCreate(
              server,
              CREATE_TEAM_TOKEN,
              { organization: org.name, team, name: uniqueName("r") },
              org.admin.secret,
            )
          ).secret,
        },
      }),
      expected: {},
      otherwise: "ok",
    },
    {
      operation: "GET /api/auth/verify",
      subject: "the caller's own token",
      prepare: async () => ({ method: "GET", path: "/api/auth/verify" }),
      // A gateway passes tokens on; a console session signed in by single sign-on is none.
      expected: each(SSO, "UNAUTHENTICATED"),
      otherwise: "ok",
    },
    {
      operation: "GET /api/openapi.json",
      prepare: async () => ({ method: "GET", path: "/api/openapi.json" }),
      expected: {},
      otherwise: "ok",
    },
    {
      operation: "POST /api/credentials/github-secret-scanning",
      subject: "an alert without GitHub's signature (the caller's own credential plays no part)",
      prepare: async () => ({
        method: "POST",
        path: "/api/credentials/github-secret-scanning",
        body: [{ token: await leakedSecret(), type: "lapse_team_token", source: "content" }],
      }),
      expected: {},
      otherwise: "UNAUTHENTICATED",
    },
    {
      operation: "POST /api/credentials/revoke",
      subject: "a live team token's secret (holding it is the right)",
      prepare: async () => {
        // The report before this one is revoked after its answer: let it finish first.
        await server.lapse.services.leaks.settled();
        return {
          method: "POST",
          path: "/api/credentials/revoke",
          body: { credentials: [await leakedSecret()] },
        };
      },
      expected: {},
      otherwise: "ok",
    },
    {
      operation: "query webhooks",
      prepare: async () =>
        gql(`query($o: String!) { webhooks(organization: $o) { id } }`, { o: org.name }),
      expected: readersOnly,
      otherwise: "ok",
    },
    {
      operation: "query webhookDeliveries",
      prepare: async () =>
        gql(`query($id: ID!) { webhookDeliveries(webhookId: $id) { totalCount } }`, {
          id: await sharedWebhook(),
        }),
      expected: {
        ...each(READERS, "ok"),
        ...each([...NON_READING_MEMBERS, ...STRANGERS], "NOT_FOUND"),
      },
      otherwise: "ok",
    },
    {
      operation: "mutation createWebhook",
      prepare: async () =>
        gql(
          `mutation($o: String!) { createWebhook(organization: $o, url: "http://127.0.0.1:9/hook", events: [TOKEN_EXPIRING]) { secret } }`,
          { o: org.name },
        ),
      expected: peopleAdminsOnly,
      otherwise: "FORBIDDEN",
    },
    ...(
      [
        ["updateWebhook", `updateWebhook(id: $id, description: "changed") { id }`],
        ["rotateWebhookSecret", `rotateWebhookSecret(id: $id) { secret }`],
        ["sendTestWebhook", `sendTestWebhook(id: $id) { id }`],
      ] as const
    ).map(([name, field]) => ({
      operation: `mutation ${name}`,
      prepare: async () => gql(`mutation($id: ID!) { ${field} }`, { id: await sharedWebhook() }),
      expected: managersById,
      otherwise: "FORBIDDEN" as const,
    })),
    {
      operation: "mutation deleteWebhook",
      prepare: async () =>
        gql(`mutation($id: ID!) { deleteWebhook(id: $id) { id } }`, { id: await newWebhook() }),
      expected: managersById,
      otherwise: "FORBIDDEN",
    },
    {
      operation: "mutation redeliverWebhook",
      prepare: async () =>
        gql(`mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { id } }`, {
          id: await sharedDelivery(),
        }),
      expected: managersById,
      otherwise: "FORBIDDEN",
    },
    {
      operation: "mutation setNotificationEmail",
      prepare: async () => gql(`mutation { setNotificationEmail(email: "someone@example.com") }`),
      expected: each([...MACHINES, "mintedPersonal"], "FORBIDDEN"),
      otherwise: "ok",
    },
    {
      operation: "mutation setExpiryNotificationThresholds",
      prepare: async () =>
        gql(
          `mutation($o: String!) { setExpiryNotificationThresholds(organization: $o, days: [30, 7, 1]) { name } }`,
          { o: org.name },
        ),
      expected: peopleAdminsOnly,
      otherwise: "FORBIDDEN",
    },
  ];

  it("refuses a session's mutation sent as another site's page could send it (CSRF prevention)", async () => {
    const before = await server.tenantRows(org.name);
    // A form or no-cors fetch from another origin: a simple content type, no preflight.
    const forged = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: {
        ...browserHeaders(server, cookies.ssoAdmin),
        origin: "https://elsewhere.example",
        "content-type": "text/plain;charset=UTF-8",
      },
      body: JSON.stringify({
        query: CREATE_PERSONAL_TOKEN,
        variables: { name: uniqueName("forged") },
      }),
    });
    expect(forged.status).toBe(400);
    expect(await forged.text()).toMatch(/CSRF/);
    expect(await server.tenantRows(org.name)).toEqual(before);
  });

  it("has a row for every query, mutation and REST route", async () => {
    const schema = await buildLapseSchema();
    const operations = [
      ...Object.keys(schema.getQueryType()!.getFields()).map((f) => `query ${f}`),
      ...Object.keys(schema.getMutationType()!.getFields()).map((f) => `mutation ${f}`),
      ...restRoutes(server.lapse).map((r) => r.name),
    ];
    const covered = new Set(rows.map((row) => row.operation));
    for (const operation of operations) expect(covered, operation).toContain(operation);
  });

  for (const row of rows) {
    const label = `${row.operation}${row.subject ? ` (${row.subject})` : ""}`;
    it(label, async () => {
      for (const actor of ACTORS) {
        const expected = expectedOutcome(row, actor);
        const attempt = await row.prepare(actor);
        // A leak report revokes after its answer: let any still running finish before counting.
        await server.lapse.services.leaks.settled();
        const before = await server.tenantRows(org.name);
        const credential: Credential =
          attempt.secret || attempt.cookie
            ? { secret: attempt.secret, cookie: attempt.cookie }
            : { secret: secrets[actor], cookie: cookies[actor] };
        const { outcome, message } = await run(server, attempt, credential);
        expect.soft(outcome, `${actor} ${label}: ${message}`).toBe(expected);
        await server.lapse.services.leaks.settled();
        if (expected !== "ok" && expected !== "null") {
          expect.soft(message, `${actor} ${label} says why`).toMatch(/\w+ .*[.)]/);
          expect
            .soft(await server.tenantRows(org.name), `${actor} ${label} changed nothing`)
            .toEqual(before);
        }
      }
    });
  }
});

/**
 * The row's outcome for `actor`. A scope-limited actor is the ADMIN with fewer scopes: refused
 * outright when it lacks a scope the operation needs, else answered as the ADMIN is.
 */
function expectedOutcome(row: Row, actor: Actor): Outcome {
  const held = SCOPED[actor];
  if (held) {
    const needs = NEEDS[row.operation];
    if (!needs) throw new Error(`${row.operation} has no entry in NEEDS`);
    if (!needs.every((scope) => held.includes(scope))) return "FORBIDDEN";
    if (row.subject === "the caller's own token") return row.expected.admin ?? row.otherwise;
    return expectedOutcome(row, "admin");
  }
  return row.expected[actor] ?? (actor === "anonymous" ? anonymousDefault(row) : row.otherwise);
}

/** Anonymous callers are UNAUTHENTICATED unless the row says otherwise (public operations). */
function anonymousDefault(row: Row): Outcome {
  return row.otherwise === "ok" && Object.keys(row.expected).length === 0 && isPublic(row)
    ? "ok"
    : "UNAUTHENTICATED";
}

const PUBLIC = new Set([
  "POST /api/oauth/revoke",
  "mutation exchangeOidcToken",
  "mutation redeemInvitation",
  "POST /api/oauth/token",
  "DELETE /api/session",
  "GET /api/session/methods",
  "GET /api/openapi.json",
  "POST /api/credentials/revoke",
  "POST /api/credentials/github-secret-scanning",
]);
function isPublic(row: Row): boolean {
  return PUBLIC.has(row.operation);
}

/**
 * What the console's browser adds to a request with a session cookie: the cookie, and the Origin
 * of a same-origin fetch (GraphQL goes as application/json, which CSRF prevention lets through).
 */
function browserHeaders(server: TestServer, cookie: string | undefined): Record<string, string> {
  return cookie ? { cookie: `${SESSION_COOKIE}=${cookie}`, origin: server.url } : {};
}

async function run(
  server: TestServer,
  attempt: Attempt,
  { secret, cookie }: Credential,
): Promise<{ outcome: Outcome; message: string }> {
  if ("graphql" in attempt) {
    const response = await server.gql<Record<string, unknown>>(
      attempt.graphql,
      attempt.variables,
      secret,
      browserHeaders(server, cookie),
    );
    if (response.errors) {
      return {
        outcome: errorCode(response) as Outcome,
        message: response.errors[0]?.message ?? "",
      };
    }
    const value = Object.values(response.data ?? {})[0];
    return { outcome: value === null ? "null" : "ok", message: "" };
  }
  const response = await fetch(`${server.url}${attempt.path}`, {
    method: attempt.method,
    headers: {
      ...(attempt.body !== undefined ? { "content-type": "application/json" } : {}),
      ...(secret && !attempt.noAuthorization ? { authorization: `token ${secret}` } : {}),
      ...browserHeaders(server, cookie),
    },
    body: attempt.body === undefined ? undefined : JSON.stringify(attempt.body),
  });
  const text = await response.text();
  if (response.ok) return { outcome: "ok", message: "" };
  const body = JSON.parse(text) as { error?: string; message?: string; error_description?: string };
  const byStatus: Record<number, Outcome> = {
    400: "BAD_USER_INPUT",
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
  };
  return {
    outcome: byStatus[response.status] ?? (String(response.status) as Outcome),
    message: body.message ?? body.error_description ?? text,
  };
}
