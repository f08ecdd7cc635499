import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { digestSecret } from "../../auth/token-secret";
import { describeEachStore, type TestServer } from "../../../test/harness";
import {
  CREATE_ORGANIZATION_TOKEN,
  CREATE_PERSONAL_TOKEN,
  SET_POLICY,
  VIEWER,
  mustCreate,
  type ViewerResult,
} from "../../../test/operations";
import { expectDocumented } from "../../../test/rest-client";
import { seedOrg, uniqueName } from "../../../test/seed";
import { CookieJar, TestIdentityProvider, signInAtProvider } from "../../../test/sso-provider";
import { User } from "../user/user.entity";
import { Session, SessionMethod } from "./session.entity";
import type { SignInSettings } from "./sso-settings";

const idp = new TestIdentityProvider();

/**
 * Filled in once Lapse and the provider listen (each learns the other's address then); Lapse reads
 * its single sign-on settings at the first sign-in, not when it starts.
 */
function lateSettings(tokenSignIn: boolean): SignInSettings {
  return {
    tokenSignIn,
    sso: {
      issuer: "",
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      loginClaim: "preferred_username",
      publicUrl: "",
    },
  };
}

function provideFor(server: TestServer, settings: SignInSettings) {
  beforeAll(async () => {
    await idp.start(`${server.url}/api/sso/callback`);
    settings.sso!.publicUrl = server.url;
    settings.sso!.issuer = idp.issuer;
  });
  afterAll(() => idp.stop());
}

/** Lapse's callback, as the browser that holds `jar` would call it (it keeps the cookies set). */
async function callback(url: URL, jar: CookieJar) {
  const response = await fetch(url, { redirect: "manual", headers: { cookie: jar.header() } });
  jar.take(response);
  const text = await response.text();
  // A redirect's own text ("Found. Redirecting to /") is no documented body.
  const body = response.headers.get("content-type")?.includes("json")
    ? (JSON.parse(text) as { error: string; message: string })
    : null;
  expectDocumented("get", "/api/sso/callback", response.status, "application/json", body);
  return {
    status: response.status,
    location: response.headers.get("location"),
    body: body ?? { error: "", message: "" },
  };
}

const settings = lateSettings(true);

describeEachStore(
  "single sign-on",
  (server) => {
    provideFor(server, settings);
    const start = (query = "") => `${server.url}/api/sso/start${query}`;
    const sessions = async (login: string) =>
      server.count("sessions", "user_id IN (SELECT id FROM users WHERE login = ?)", [login]);
    /** An invitation of `login` as a MEMBER of `org`, by its ADMIN. */
    const invite = (org: Awaited<ReturnType<typeof seedOrg>>, login: string) =>
      server.gql<{ inviteMember: { code: string } }>(
        `mutation($organization: String!, $login: String!) {
          inviteMember(organization: $organization, login: $login, role: MEMBER) { code }
        }`,
        { organization: org.name, login },
        org.admin.secret,
      );
    const viewerWith = (jar: CookieJar) =>
      server.gql<ViewerResult & { viewer: { notificationEmail: string | null } }>(
        VIEWER,
        {},
        undefined,
        { cookie: jar.header() },
      );

    it("signs an existing login in through the provider's form: a person's session with no token, audited", async () => {
      const org = await seedOrg(server);
      const jar = new CookieJar();
      const started = await fetch(start(), { redirect: "manual" });
      expectDocumented("get", "/api/sso/start", started.status, "application/json", null);
      expect(started.headers.get("location")).toMatch(
        new RegExp(`^${idp.issuer}/auth\\?.*code_challenge_method=S256`),
      );
      const back = await signInAtProvider(start(), org.admin.login, jar);
      expect(back.pathname).toBe("/api/sso/callback");
      const done = await callback(back, jar);
      expect(done).toMatchObject({ status: 302, location: "/" });
      expect(jar.get("lapse_session")).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(jar.get("lapse_sso")).toBeUndefined();
      const viewer = await viewerWith(jar);
      expect(viewer.data!.viewer).toMatchObject({
        kind: "PERSONAL",
        user: { login: org.admin.login },
        token: null,
      });
      const [row] = await server.dataSource.query(
        "SELECT method, token_id AS tokenId, email, expires_at AS expiresAt FROM sessions WHERE user_id = (SELECT id FROM users WHERE login = ?)",
        [org.admin.login],
      );
      expect(row).toMatchObject({
        method: "sso",
        tokenId: null,
        email: `${org.admin.login}@idp.example`,
      });
      const shown = await server.gql<{ viewer: { ssoEmail: string | null } }>(
        `query { viewer { ssoEmail } }`,
        {},
        undefined,
        { cookie: jar.header() },
      );
      expect(shown.data!.viewer.ssoEmail).toBe(`${org.admin.login}@idp.example`);
      const audited =
        "type = 'SIGNED_IN' AND actor_user_id = (SELECT id FROM users WHERE login = ?)";
      expect(await server.count("audit_events", audited, [org.admin.login])).toBe(1);
    });

    it("refuses a callback whose state is not the one this browser started with, and opens no session", async () => {
      const org = await seedOrg(server);
      const jar = new CookieJar();
      const back = await signInAtProvider(start(), org.admin.login, jar);
      back.searchParams.set("state", "forged-state-0123456789abcdefghijklmnopq");
      const refused = await callback(back, jar);
      expect(refused.status).toBe(401);
      expect(refused.body.message).toMatch(/state does not match/);
      expect(await sessions(org.admin.login)).toBe(0);
    });

    it("refuses a callback from a browser that did not start the sign-in", async () => {
      const org = await seedOrg(server);
      const back = await signInAtProvider(start(), org.admin.login, new CookieJar());
      const refused = await callback(back, new CookieJar());
      expect(refused.status).toBe(401);
      expect(refused.body.message).toMatch(/not started in this browser/);
      expect(await sessions(org.admin.login)).toBe(0);
    });

    it("refuses a replayed code: the second callback with the same code and cookie opens nothing", async () => {
      const org = await seedOrg(server);
      const jar = new CookieJar();
      const back = await signInAtProvider(start(), org.admin.login, jar);
      const attempt = jar.get("lapse_sso")!;
      expect((await callback(back, jar)).status).toBe(302);
      const replay = new CookieJar();
      replay.set("lapse_sso", attempt);
      const refused = await callback(back, replay);
      expect(refused.status).toBe(401);
      expect(refused.body.message).toMatch(/already used or has expired/);
      expect(replay.get("lapse_session")).toBeUndefined();
      expect(await sessions(org.admin.login)).toBe(1);
    });

    it("refuses an id_token whose nonce is not the one this browser's sign-in sent", async () => {
      const org = await seedOrg(server);
      const jar = new CookieJar();
      const back = await signInAtProvider(start(), org.admin.login, jar);
      const attempt = JSON.parse(Buffer.from(jar.get("lapse_sso")!, "base64url").toString()) as {
        nonce: string;
      };
      attempt.nonce = "another-nonce-0123456789abcdefghijklmnopqrs";
      jar.set("lapse_sso", Buffer.from(JSON.stringify(attempt)).toString("base64url"));
      const refused = await callback(back, jar);
      expect(refused.status).toBe(401);
      expect(refused.body.message).toMatch(/nonce mismatch/);
      expect(await sessions(org.admin.login)).toBe(0);
    });

    it("refuses a login Lapse does not know, with a page that says what to do, creating no user", async () => {
      const stranger = uniqueName("stranger");
      const jar = new CookieJar();
      const back = await signInAtProvider(start(), stranger, jar);
      const response = await fetch(back, {
        redirect: "manual",
        headers: { cookie: jar.header(), accept: "text/html" },
      });
      expect(response.status).toBe(403);
      expect(response.headers.get("set-cookie")).not.toMatch(/lapse_session=[^;]/);
      const page = await response.text();
      expect(page).toContain(`No Lapse account has the login &#34;${stranger}&#34;`);
      expect(page).toContain('href="/sign-in"');
      expect(await server.count("users", "login = ?", [stranger])).toBe(0);
    });

    it("never trusts the provider's email: a stranger with an ADMIN's email is still a stranger", async () => {
      const org = await seedOrg(server);
      const stranger = uniqueName("stranger");
      idp.accounts.set(stranger, { email: `${org.admin.login}@idp.example` });
      const jar = new CookieJar();
      const refused = await callback(await signInAtProvider(start(), stranger, jar), jar);
      expect(refused.status).toBe(403);
      expect(await sessions(org.admin.login)).toBe(0);
    });

    it("lets a new person create their login through an invitation carried through the flow", async () => {
      const org = await seedOrg(server);
      const login = uniqueName("newbie");
      const invited = await invite(org, login);
      const code = invited.data!.inviteMember.code;
      // Signed in at the provider as someone else, the code is not theirs: nothing changes.
      const other = new CookieJar();
      const wrong = await callback(
        await signInAtProvider(start(`?invitation=${code}`), uniqueName("other"), other),
        other,
      );
      expect(wrong.status).toBe(403);
      expect(wrong.body.message).toMatch(new RegExp(`This invitation is for ${login}`));

      const jar = new CookieJar();
      const done = await callback(
        await signInAtProvider(start(`?invitation=${code}`), login, jar),
        jar,
      );
      expect(done.status).toBe(302);
      const viewer = await server.gql<{
        viewer: { user: { login: string }; organizations: { organization: { name: string } }[] };
      }>(
        `query { viewer { user { login } organizations { organization { name } } } }`,
        {},
        undefined,
        {
          cookie: jar.header(),
        },
      );
      expect(viewer.data!.viewer).toEqual({
        user: { login },
        organizations: [{ organization: { name: org.name } }],
      });
    });

    it("makes no login from a code alone where single sign-on is set up: the provider must vouch for it", async () => {
      const org = await seedOrg(server);
      const login = uniqueName("early");
      const invited = await invite(org, login);
      // Whoever holds the code (its inviter, say) would keep a token for the account its owner
      // later signs in to by SSO, and act as them in every organization they join.
      const redeemed = await server.gql(
        `mutation($code: String!) { redeemInvitation(code: $code, tokenName: "mine") { secret } }`,
        { code: invited.data!.inviteMember.code },
      );
      expect(redeemed.errors![0]!.extensions!.code).toBe("FORBIDDEN");
      expect(redeemed.errors![0]!.message).toMatch(/Join with SSO/);
      expect(await server.count("users", "login = ?", [login])).toBe(0);
      // The code is not spent: the person joins with it through the provider.
      const jar = new CookieJar();
      const done = await callback(
        await signInAtProvider(start(`?invitation=${invited.data!.inviteMember.code}`), login, jar),
        jar,
      );
      expect(done.status).toBe(302);
      expect(await server.count("users", "login = ?", [login])).toBe(1);
    });

    it("accepts an invitation only in a sign-in started from Lapse's own page, not from another site", async () => {
      const org = await seedOrg(server);
      const invited = await invite(org, uniqueName("someone"));
      const code = invited.data!.inviteMember.code;
      for (const site of ["cross-site", "same-site"]) {
        const forged = await fetch(start(`?invitation=${code}`), {
          redirect: "manual",
          headers: { "sec-fetch-site": site },
        });
        expect(forged.status).toBe(403);
        expect(forged.headers.getSetCookie().join()).not.toMatch(/lapse_sso/);
        expectDocumented("get", "/api/sso/start", 403, "application/json", await forged.json());
      }
      const here = await fetch(start(`?invitation=${code}`), {
        redirect: "manual",
        headers: { "sec-fetch-site": "same-origin" },
      });
      expect(here.status).toBe(302);
      // Without an invitation a sign-in may start anywhere (a bookmark, the provider's portal).
      const plain = await fetch(start(), {
        redirect: "manual",
        headers: { "sec-fetch-site": "cross-site" },
      });
      expect(plain.status).toBe(302);
    });

    it("keeps the attempt in a __Host- cookie over HTTPS, which no other host can plant", async () => {
      const started = await fetch(start(), {
        redirect: "manual",
        headers: { "x-forwarded-proto": "https" },
      });
      expect(started.status).toBe(302);
      const [cookie] = started.headers.getSetCookie();
      expect(cookie).toMatch(
        /^__Host-lapse_sso=[A-Za-z0-9_-]+; Max-Age=600; Path=\/; Expires=.*; HttpOnly; Secure; SameSite=Lax$/,
      );
    });

    it('signs in as no one a provider login that is not a Lapse login ("admin " is not admin)', async () => {
      const org = await seedOrg(server);
      const sub = uniqueName("spaced");
      idp.accounts.set(sub, { preferred_username: `${org.admin.login} ` });
      const jar = new CookieJar();
      const refused = await callback(await signInAtProvider(start(), sub, jar), jar);
      expect(refused.status).toBe(403);
      expect(jar.get("lapse_session")).toBeUndefined();
      expect(await sessions(org.admin.login)).toBe(0);
    });

    it("refuses a token session whose token is gone, rather than making it a person's", async () => {
      const org = await seedOrg(server);
      const cookie = randomBytes(32).toString("base64url");
      const now = server.clock.now();
      await server.dataSource.getRepository(Session).insert({
        id: randomUUID(),
        digest: digestSecret(cookie),
        method: SessionMethod.TOKEN,
        tokenId: randomUUID(),
        userId: (
          await server.dataSource.getRepository(User).findOneByOrFail({ login: org.admin.login })
        ).id,
        email: null,
        createdAt: now,
        expiresAt: new Date(now.getTime() + 3_600_000),
        endedAt: null,
      });
      const viewer = await server.gql(VIEWER, {}, undefined, { cookie: `lapse_session=${cookie}` });
      expect(viewer.errors![0]!.extensions!.code).toBe("UNAUTHENTICATED");
    });

    it("lets the person read their own SSO sign-ins in their audit trail", async () => {
      const org = await seedOrg(server);
      const jar = new CookieJar();
      await callback(await signInAtProvider(start(), org.admin.login, jar), jar);
      const trail = await server.gql<{ auditEvents: { edges: { node: { type: string } }[] } }>(
        `query { auditEvents(filter: { types: [SIGNED_IN] }) { edges { node { type } } } }`,
        {},
        undefined,
        { cookie: jar.header() },
      );
      expect(trail.errors).toBeUndefined();
      expect(trail.data!.auditEvents.edges.map((e) => e.node.type)).toEqual(["SIGNED_IN"]);
    });

    it("refuses an id_token that has expired by Lapse's clock, and ends a session no later than it", async () => {
      const org = await seedOrg(server);
      const jar = new CookieJar();
      const back = await signInAtProvider(start(), org.admin.login, jar);
      // oidc-provider's id_tokens live an hour; Lapse's clock two hours on, it has expired.
      server.clock.set(new Date(Date.now() + 2 * 3_600_000));
      const attempt = JSON.parse(Buffer.from(jar.get("lapse_sso")!, "base64url").toString()) as {
        expiresAt: number;
      };
      attempt.expiresAt = server.clock.now().getTime() + 60_000;
      jar.set("lapse_sso", Buffer.from(JSON.stringify(attempt)).toString("base64url"));
      const refused = await callback(back, jar);
      expect(refused.status).toBe(401);
      expect(refused.body.message).toMatch(/sign-in at the identity provider has expired/);
      expect(await sessions(org.admin.login)).toBe(0);

      // Signed in at the right time, the session ends when the id_token does (within 12 hours).
      server.clock.set(new Date());
      const fresh = new CookieJar();
      expect(
        (await callback(await signInAtProvider(start(), org.admin.login, fresh), fresh)).status,
      ).toBe(302);
      const user = await server.dataSource.manager.findOneByOrFail(User, {
        login: org.admin.login,
      });
      const { expiresAt } = await server.dataSource.manager.findOneByOrFail(Session, {
        userId: user.id,
      });
      expect(expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 3_600_000 + 5_000);
      server.clock.set(new Date(Date.now() + 3_600_000 + 10_000));
      const after = await viewerWith(fresh);
      expect(after.status).toBe(401);
      expect(after.errors![0]!.message).toBe("Your session has expired; sign in again.");
    });

    it("signs out: the SSO session's cookie is refused afterwards", async () => {
      const org = await seedOrg(server);
      const jar = new CookieJar();
      await callback(await signInAtProvider(start(), org.admin.login, jar), jar);
      const out = await fetch(`${server.url}/api/session`, {
        method: "DELETE",
        headers: { cookie: jar.header() },
      });
      expect(out.status).toBe(204);
      const after = await viewerWith(jar);
      expect(after.status).toBe(401);
      expect(after.errors![0]!.message).toBe("You signed out; sign in again.");
    });

    it("creates tokens bounded by the organization's policy only, past what a token-made session could", async () => {
      const org = await seedOrg(server);
      const hour = new Date(server.clock.now().getTime() + 3_600_000);
      const short = await mustCreate(
        server,
        CREATE_PERSONAL_TOKEN,
        { name: "hour", expiresAt: hour.toISOString() },
        org.admin.secret,
      );
      const byToken = await fetch(`${server.url}/api/session`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ token: short.secret }),
      });
      const tokenCookie = byToken.headers.get("set-cookie")!.split(";")[0]!;
      const monthLater = new Date(server.clock.now().getTime() + 30 * 86_400_000).toISOString();
      const create = (cookie: string, name: string) =>
        server.gql<{ createPersonalToken: { token: { expiresAt: string } } }>(
          CREATE_PERSONAL_TOKEN,
          { name, expiresAt: monthLater },
          undefined,
          { cookie },
        );
      const bounded = await create(tokenCookie, "month");
      expect(bounded.errors![0]!.extensions!.code).toBe("BAD_USER_INPUT");
      expect(bounded.errors![0]!.message).toMatch(/cannot outlive the token that makes it/);

      const jar = new CookieJar();
      await callback(await signInAtProvider(start(), org.admin.login, jar), jar);
      const made = await create(jar.header(), "month-sso");
      expect(made.errors).toBeUndefined();
      expect(made.data!.createPersonalToken.token.expiresAt).toBe(monthLater);

      const team = await org.team();
      // The organization's policy still bounds team tokens made from an SSO session (which, having
      // no token to break it, may set one that the ADMIN's never-expiring token could not).
      const policy = await server.gql(SET_POLICY, { organization: org.name, days: 7 }, undefined, {
        cookie: jar.header(),
      });
      expect(policy.errors).toBeUndefined();
      const teamToken = await server.gql(
        `mutation($organization: String!, $team: String!, $expiresAt: DateTime) {
          createTeamToken(organization: $organization, team: $team, name: "t", expiresAt: $expiresAt) { secret }
        }`,
        { organization: org.name, team, expiresAt: monthLater },
        undefined,
        { cookie: jar.header() },
      );
      expect(teamToken.errors![0]!.extensions!.code).toBe("POLICY_VIOLATION");
    });

    it("refuses a sign-in the person cancelled at the provider, opening no session", async () => {
      const jar = new CookieJar();
      const started = await fetch(start(), { redirect: "manual" });
      jar.take(started);
      const state = new URL(started.headers.get("location")!).searchParams.get("state")!;
      const back = new URL(`${server.url}/api/sso/callback`);
      back.search = new URLSearchParams({
        error: "access_denied",
        state,
        iss: idp.issuer,
      }).toString();
      const refused = await callback(back, jar);
      expect(refused.status).toBe(401);
      expect(refused.body.message).toMatch(/did not sign you in/);
      expect(jar.get("lapse_session")).toBeUndefined();
    });

    it("acts as the person it signed in: people-only work, site admin as the user is, but no token for a gateway", async () => {
      const org = await seedOrg(server, { siteAdmin: true });
      const jar = new CookieJar();
      await callback(await signInAtProvider(start(), org.admin.login, jar), jar);
      const asSession = { cookie: jar.header() };
      const orgToken = await server.gql(
        CREATE_ORGANIZATION_TOKEN,
        { organization: org.name, name: "deploys", admin: true },
        undefined,
        asSession,
      );
      expect(orgToken.errors).toBeUndefined();
      const created = await server.gql(
        `mutation($n: String!) { createOrganization(name: $n, edition: TEAM) { name } }`,
        { n: uniqueName("org") },
        undefined,
        asSession,
      );
      expect(created.errors).toBeUndefined();
      // A gateway verifies tokens; a console session is not one it can pass on.
      const verify = await fetch(`${server.url}/api/auth/verify`, { headers: asSession });
      expect(verify.status).toBe(401);
    });

    it("tells the sign-in page that single sign-on is set up and tokens may sign in", async () => {
      const methods = await fetch(`${server.url}/api/session/methods`);
      expect(await methods.json()).toEqual({ sso: true, tokenSignIn: true });
    });
  },
  { signIn: settings },
);

const ssoOnly = lateSettings(false);

describeEachStore(
  "single sign-on with token sign-in turned off",
  (server) => {
    provideFor(server, ssoOnly);

    it("refuses POST /api/session with a sentence, changing nothing, and still signs in by SSO", async () => {
      const org = await seedOrg(server);
      const refused = await fetch(`${server.url}/api/session`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ token: org.admin.secret }),
      });
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({
        error: "FORBIDDEN",
        message:
          "Signing in to the console with a token is turned off here; sign in with SSO instead.",
      });
      expect(refused.headers.get("set-cookie")).toBeNull();
      expect(
        await server.count("sessions", "user_id IN (SELECT id FROM users WHERE login = ?)", [
          org.admin.login,
        ]),
      ).toBe(0);
      expect(await (await fetch(`${server.url}/api/session/methods`)).json()).toEqual({
        sso: true,
        tokenSignIn: false,
      });
      const jar = new CookieJar();
      const back = await signInAtProvider(`${server.url}/api/sso/start`, org.admin.login, jar);
      expect((await callback(back, jar)).status).toBe(302);
    });
  },
  { signIn: ssoOnly },
);

describeEachStore(
  "single sign-on with the provider unreachable",
  (server) => {
    it("answers 503 with Retry-After and sets no cookie", async () => {
      const started = await fetch(`${server.url}/api/sso/start`, { redirect: "manual" });
      expect(started.status).toBe(503);
      expect(started.headers.get("retry-after")).toBe("5");
      expect(started.headers.get("set-cookie")).toBeNull();
      const body = (await started.json()) as Record<string, unknown>;
      expectDocumented("get", "/api/sso/start", 503, "application/json", body);
      expect(body.message).toBe(
        "The identity provider could not be reached to sign you in; try again in a minute.",
      );
    });
  },
  {
    signIn: {
      tokenSignIn: true,
      // Port 9 (discard) on loopback refuses at once.
      sso: {
        issuer: "http://127.0.0.1:9",
        clientId: "lapse",
        clientSecret: null,
        loginClaim: "preferred_username",
        publicUrl: "http://127.0.0.1:4000",
      },
    },
  },
);
