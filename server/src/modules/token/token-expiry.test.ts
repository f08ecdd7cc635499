import { expect, it } from "vitest";
import { describeEachStore } from "../../../test/harness";
import {
  CREATE_ORGANIZATION_TOKEN,
  CREATE_PERSONAL_TOKEN,
  CREATE_TEAM_TOKEN,
  VIEWER,
  errorCode,
  mustCreate,
  type ViewerResult,
} from "../../../test/operations";
import { seedOrg } from "../../../test/seed";

describeEachStore("token expiry", (server) => {
  it("authenticates a team token until its expiresAt and refuses it from that millisecond on", async () => {
    const org = await seedOrg(server);
    const team = await org.team();
    const expiresAt = new Date(server.clock.now().getTime() + 5000);
    const { secret, token } = await mustCreate(
      server,
      CREATE_TEAM_TOKEN,
      { organization: org.name, team, name: "deploy", expiresAt: expiresAt.toISOString() },
      org.admin.secret,
    );

    const fresh = await server.gql<ViewerResult>(VIEWER, {}, secret);
    expect(fresh.status).toBe(200);
    expect(fresh.data!.viewer).toMatchObject({ kind: "TEAM", team: { name: team } });
    expect(fresh.headers.get("lapse-token-expiration")).toBe(expiresAt.toISOString());

    server.clock.set(new Date(expiresAt.getTime() - 1));
    expect((await server.gql(VIEWER, {}, secret)).status).toBe(200);

    server.clock.set(expiresAt);
    const refused = await server.gql(VIEWER, {}, secret);
    expect(refused.status).toBe(401);
    expect(errorCode(refused)).toBe("UNAUTHENTICATED");
    expect(refused.errors![0]!.message).toMatch(/expired/);
    expect(refused.data).toBeUndefined();
    expect(server.logs.join("")).toContain(`"reason":"expired","tokenId":"${token.id}"`);

    server.clock.advance(86_400_000);
    expect((await server.gql(VIEWER, {}, secret)).status).toBe(401);
  });

  it("refuses personal and organization tokens exactly at expiresAt, whatever no job has done", async () => {
    const org = await seedOrg(server);
    const expiresAt = new Date(server.clock.now().getTime() + 60_000);
    const personal = await mustCreate(
      server,
      CREATE_PERSONAL_TOKEN,
      { name: "laptop", expiresAt: expiresAt.toISOString() },
      org.admin.secret,
    );
    const organization = await mustCreate(
      server,
      CREATE_ORGANIZATION_TOKEN,
      { organization: org.name, name: "ci", expiresAt: expiresAt.toISOString() },
      org.admin.secret,
    );
    for (const { secret } of [personal, organization]) {
      server.clock.set(new Date(expiresAt.getTime() - 1));
      expect((await server.gql(VIEWER, {}, secret)).status).toBe(200);
      server.clock.set(expiresAt);
      expect((await server.gql(VIEWER, {}, secret)).status).toBe(401);
      server.clock.set(new Date(expiresAt.getTime() - 60_000));
    }
  });

  it("reports status EXPIRED once expiresAt has passed, without any write", async () => {
    const org = await seedOrg(server);
    const expiresAt = new Date(server.clock.now().getTime() + 1000);
    const { token } = await mustCreate(
      server,
      CREATE_PERSONAL_TOKEN,
      { name: "short", expiresAt: expiresAt.toISOString() },
      org.admin.secret,
    );
    const query = `query($id: ID!) { token(id: $id) { status } }`;
    expect((await server.gql(query, { id: token.id }, org.admin.secret)).data).toEqual({
      token: { status: "ACTIVE" },
    });
    server.clock.set(expiresAt);
    expect((await server.gql(query, { id: token.id }, org.admin.secret)).data).toEqual({
      token: { status: "EXPIRED" },
    });
    server.clock.set(new Date(expiresAt.getTime() - 1000));
  });

  it("stores expiresAt to the millisecond and reads it back identical", async () => {
    const org = await seedOrg(server);
    const expiresAt = "2027-03-04T05:06:07.089Z";
    const { token } = await mustCreate(
      server,
      CREATE_PERSONAL_TOKEN,
      { name: "precise", expiresAt: "2027-03-04T07:06:07.089+02:00" },
      org.admin.secret,
    );
    expect(token.expiresAt).toBe(expiresAt);
    const read = await server.gql<{ token: { expiresAt: string; createdAt: string } }>(
      `query($id: ID!) { token(id: $id) { expiresAt createdAt } }`,
      { id: token.id },
      org.admin.secret,
    );
    expect(read.data!.token.expiresAt).toBe(expiresAt);
    expect(read.data!.token.createdAt).toBe(server.clock.now().toISOString());
  });

  it("refuses an expiresAt that is past, now, beyond two years, or malformed, writing nothing", async () => {
    const org = await seedOrg(server);
    const team = await org.team();
    const now = server.clock.now();
    const twoYears = new Date(now);
    twoYears.setUTCFullYear(twoYears.getUTCFullYear() + 2);
    const before = await server.tenantRows(org.name);
    const cases: [string, RegExp][] = [
      [new Date(now.getTime() - 1000).toISOString(), /must lie after now .* no later than/],
      [now.toISOString(), /must lie after now/],
      [new Date(twoYears.getTime() + 1).toISOString(), new RegExp(twoYears.toISOString())],
      ["2027-02-30T00:00:00Z", /RFC 3339/],
      ["tomorrow", /RFC 3339/],
      ["2027-01-01 10:00:00", /RFC 3339/],
      ["2027-01-01T10:00:00", /RFC 3339/],
      ["99999-01-01T00:00:00Z", /RFC 3339/],
    ];
    for (const [expiresAt, message] of cases) {
      const response = await server.gql(
        CREATE_TEAM_TOKEN,
        { organization: org.name, team, name: "x", expiresAt },
        org.admin.secret,
      );
      expect.soft(errorCode(response), expiresAt).toBe("BAD_USER_INPUT");
      expect.soft(response.errors?.[0]?.message, expiresAt).toMatch(message);
      expect.soft(response.status, expiresAt).toBeLessThan(500);
    }
    const personal = await server.gql(
      CREATE_PERSONAL_TOKEN,
      { name: "x", expiresAt: 12345 },
      org.admin.secret,
    );
    expect(errorCode(personal)).toBe("BAD_USER_INPUT");
    const literal = await server.gql(
      `mutation { createPersonalToken(name: "x", expiresAt: "soon") { secret } }`,
      {},
      org.admin.secret,
    );
    expect(errorCode(literal)).toBe("BAD_USER_INPUT");
    expect(literal.errors![0]!.message).toMatch(/RFC 3339/);

    const exactlyTwoYears = await mustCreate(
      server,
      CREATE_PERSONAL_TOKEN,
      { name: "longest", expiresAt: twoYears.toISOString() },
      org.admin.secret,
    );
    expect(exactlyTwoYears.token.expiresAt).toBe(twoYears.toISOString());
    expect(await server.tenantRows(org.name)).toEqual({
      tokens: before.tokens + 1,
      events: before.events + 1,
    });
  });
});
