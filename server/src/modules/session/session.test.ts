import { expect, it } from "vitest";
import { describeEachStore } from "../../../test/harness";
import {
  CREATE_PERSONAL_TOKEN,
  CREATE_TEAM_TOKEN,
  REVOKE_TOKEN,
  VIEWER,
  mustCreate,
  type ViewerResult,
} from "../../../test/operations";
import { seedOrg } from "../../../test/seed";

describeEachStore("console sessions", (server) => {
  const signIn = async (token: string, cookie?: string) => {
    const response = await fetch(`${server.url}/api/session`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) },
      body: JSON.stringify({ token }),
    });
    const setCookie = response.headers.get("set-cookie") ?? "";
    return {
      status: response.status,
      body: (await response.json()) as Record<string, unknown>,
      setCookie,
      cookie: setCookie.split(";")[0]!,
    };
  };
  const viewerWith = (cookie: string) =>
    server.gql<ViewerResult>(VIEWER, {}, undefined, { cookie });

  it("trades a personal token for an HttpOnly, SameSite=Strict cookie that authenticates GraphQL", async () => {
    const org = await seedOrg(server);
    const signedIn = await signIn(org.admin.secret);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toEqual({
      login: org.admin.login,
      expiresAt: new Date(server.clock.now().getTime() + 12 * 3_600_000).toISOString(),
      tokenExpiresAt: null,
    });
    expect(signedIn.setCookie).toMatch(
      /^lapse_session=[A-Za-z0-9_-]{43}; Max-Age=43200; Path=\/; Expires=.*; HttpOnly; SameSite=Strict$/,
    );
    expect(signedIn.setCookie).not.toContain(org.admin.secret.slice(10));
    const viewer = await viewerWith(signedIn.cookie);
    expect(viewer.data!.viewer).toMatchObject({
      kind: "PERSONAL",
      user: { login: org.admin.login },
    });
    // The database keeps the cookie's digest only.
    const dump = JSON.stringify(await server.dataSource.query("SELECT * FROM sessions"));
    expect(dump).not.toContain(signedIn.cookie.split("=")[1]);
  });

  it("ends no later than its token, and lands on sign-in with the reason", async () => {
    const org = await seedOrg(server);
    const expiresAt = new Date(server.clock.now().getTime() + 3_600_000);
    const short = await mustCreate(
      server,
      CREATE_PERSONAL_TOKEN,
      { name: "hour", expiresAt: expiresAt.toISOString() },
      org.admin.secret,
    );
    const signedIn = await signIn(short.secret);
    expect(signedIn.body.expiresAt).toBe(expiresAt.toISOString());
    expect(signedIn.body.tokenExpiresAt).toBe(expiresAt.toISOString());
    server.clock.set(new Date(expiresAt.getTime() - 1));
    expect((await viewerWith(signedIn.cookie)).status).toBe(200);
    server.clock.set(expiresAt);
    const refused = await viewerWith(signedIn.cookie);
    expect(refused.status).toBe(401);
    expect(refused.errors![0]!.message).toMatch(/session has expired|token has expired/);
    expect(refused.headers.get("set-cookie")).toMatch(/^lapse_session=;/);
  });

  it("stops working when its token is revoked, and after twelve hours at most", async () => {
    const org = await seedOrg(server);
    const token = await mustCreate(
      server,
      CREATE_PERSONAL_TOKEN,
      { name: "laptop" },
      org.admin.secret,
    );
    const signedIn = await signIn(token.secret);
    await server.gql(REVOKE_TOKEN, { id: token.token.id }, org.admin.secret);
    const revoked = await viewerWith(signedIn.cookie);
    expect(revoked.status).toBe(401);
    expect(revoked.errors![0]!.message).toMatch(/revoked/);

    const other = await signIn(org.admin.secret);
    server.clock.advance(12 * 3_600_000);
    const expired = await viewerWith(other.cookie);
    expect(expired.status).toBe(401);
    expect(expired.errors![0]!.message).toBe("Your session has expired; sign in again.");
  });

  it("signs out on the server: the same cookie is refused afterwards, and a stale cookie never blocks signing in", async () => {
    const org = await seedOrg(server);
    const signedIn = await signIn(org.admin.secret);
    const out = await fetch(`${server.url}/api/session`, {
      method: "DELETE",
      headers: { cookie: signedIn.cookie },
    });
    expect(out.status).toBe(204);
    expect(out.headers.get("set-cookie")).toMatch(/^lapse_session=;/);
    const after = await viewerWith(signedIn.cookie);
    expect(after.status).toBe(401);
    expect(after.errors![0]!.message).toBe("You signed out; sign in again.");
    expect((await signIn(org.admin.secret, signedIn.cookie)).status).toBe(200);
  });

  it("refuses team tokens, unknown tokens and malformed requests", async () => {
    const org = await seedOrg(server);
    const team = await org.team();
    const teamToken = await mustCreate(
      server,
      CREATE_TEAM_TOKEN,
      { organization: org.name, team, name: "t" },
      org.admin.secret,
    );
    expect(await signIn(teamToken.secret)).toMatchObject({
      status: 403,
      body: { error: "FORBIDDEN" },
    });
    expect(await signIn("lapse_pat_nonsense")).toMatchObject({
      status: 401,
      body: { error: "UNAUTHENTICATED" },
    });
    expect((await signIn("")).status).toBe(400);
    const forged = await viewerWith("lapse_session=not-a-session");
    expect(forged.status).toBe(401);
  });
});
