import { expect, it } from "vitest";
import { describeEachStore } from "../../test/harness";
import {
  AUDIT_EVENTS,
  CREATE_ORGANIZATION_TOKEN,
  CREATE_PERSONAL_TOKEN_WITH_SCOPES,
  CREATE_TEAM_TOKEN,
  ROTATE_TOKEN,
  VIEWER,
  errorCode,
  mustCreate,
  type AuditEventsResult,
} from "../../test/operations";
import { seedOrg, uniqueName } from "../../test/seed";

const ALL_PERSONAL = [
  "audit:read",
  "org:admin",
  "tokens:introspect",
  "tokens:read",
  "tokens:write",
];
const ALL_MACHINE = ["audit:read", "tokens:introspect", "tokens:read", "tokens:write"];

const TOKEN_SCOPES = `query($id: ID!) { token(id: $id) { scopes allowedCidrs } }`;
const ROTATE_WITH_SCOPES = `mutation($id: ID!, $scopes: [String!]) { rotateToken(id: $id, scopes: $scopes) { secret token { id scopes allowedCidrs } } }`;

interface Created {
  secret: string;
  token: { id: string; scopes: string[]; allowedCidrs: string[] };
}

describeEachStore("scopes and networks", (server) => {
  const create = (secret: string, variables: Record<string, unknown>, headers = {}) =>
    server.gql<{ createPersonalToken: Created }>(
      CREATE_PERSONAL_TOKEN_WITH_SCOPES,
      { name: uniqueName("s"), ...variables },
      secret,
      headers,
    );
  const from = (ip: string) => ({ "x-forwarded-for": ip });

  it("gives a token every Lapse scope of its kind when none are asked for, sorted and each once", async () => {
    const org = await seedOrg(server);
    const team = await org.team();
    const personal = await create(org.admin.secret, {});
    expect(personal.data!.createPersonalToken.token.scopes).toEqual(ALL_PERSONAL);
    const teamToken = await mustCreate(
      server,
      CREATE_TEAM_TOKEN,
      { organization: org.name, team, name: "t" },
      org.admin.secret,
    );
    const read = await server.gql<{ token: { scopes: string[] } }>(
      TOKEN_SCOPES,
      { id: teamToken.token.id },
      org.admin.secret,
    );
    expect(read.data!.token.scopes).toEqual(ALL_MACHINE);
    const mixed = await create(org.admin.secret, {
      scopes: ["tokens:read", "deploy:prod", "tokens:read", "registry.push:images.*"],
    });
    expect(mixed.data!.createPersonalToken.token.scopes).toEqual([
      "deploy:prod",
      "registry.push:images.*",
      "tokens:read",
    ]);
  });

  it("refuses malformed scopes, too many, and org:admin on a machine token, creating nothing", async () => {
    const org = await seedOrg(server);
    const before = await server.tenantRows(org.name);
    for (const scopes of [
      ["Tokens:read"],
      ["deploy prod"],
      ["deploy::prod"],
      [`a:${"x".repeat(63)}`],
      Array.from({ length: 51 }, (_, i) => `custom:s${i}`),
    ]) {
      const refused = await create(org.admin.secret, { scopes });
      expect.soft(errorCode(refused), scopes[0]).toBe("BAD_USER_INPUT");
    }
    const machine = await server.gql(
      `mutation($o: String!) { createOrganizationToken(organization: $o, name: "m", scopes: ["org:admin"]) { secret } }`,
      { o: org.name },
      org.admin.secret,
    );
    expect(errorCode(machine)).toBe("BAD_USER_INPUT");
    expect(machine.errors![0]!.message).toMatch(/personal tokens only/);
    expect(await server.tenantRows(org.name)).toEqual(before);
  });

  it("refuses a token what its scopes do not cover, before reading anything", async () => {
    const org = await seedOrg(server);
    const readOnly = (await create(org.admin.secret, { scopes: ["tokens:read"] })).data!
      .createPersonalToken.secret;
    const tokens = await server.gql(
      `query($o: String!) { tokens(filter: { organization: $o }) { totalCount } }`,
      { o: org.name },
      readOnly,
    );
    expect(tokens.errors).toBeUndefined();
    const audit = await server.gql<AuditEventsResult>(
      AUDIT_EVENTS,
      { filter: { organization: org.name } },
      readOnly,
    );
    expect(errorCode(audit)).toBe("FORBIDDEN");
    expect(audit.errors![0]!.message).toMatch(/audit:read scope/);
    // Even where the organization does not exist: the scope is judged before anything is read.
    const elsewhere = await server.gql(
      AUDIT_EVENTS,
      { filter: { organization: uniqueName("nowhere") } },
      readOnly,
    );
    expect(errorCode(elsewhere)).toBe("FORBIDDEN");
    expect((await server.gql(VIEWER, {}, readOnly)).errors).toBeUndefined();
  });

  it("never lets a token grant a Lapse scope it does not hold; without scopes asked, gives what it holds", async () => {
    const org = await seedOrg(server);
    const maker = (
      await create(org.admin.secret, { scopes: ["tokens:read", "tokens:write", "deploy:prod"] })
    ).data!.createPersonalToken.secret;
    const wider = await create(maker, { scopes: ["tokens:read", "audit:read"] });
    expect(errorCode(wider)).toBe("FORBIDDEN");
    expect(wider.errors![0]!.message).toMatch(/does not hold audit:read/);
    const defaulted = await create(maker, {});
    expect(defaulted.data!.createPersonalToken.token.scopes).toEqual([
      "tokens:read",
      "tokens:write",
    ]);
    // The organization's own scopes are passed through, whoever asks.
    const custom = await create(maker, { scopes: ["tokens:read", "registry:push"] });
    expect(custom.data!.createPersonalToken.token.scopes).toEqual(["registry:push", "tokens:read"]);
    const team = await org.team();
    const teamToken = await server.gql(
      `mutation($o: String!, $t: String!) { createTeamToken(organization: $o, team: $t, name: "t", scopes: ["audit:read"]) { secret } }`,
      { o: org.name, t: team },
      maker,
    );
    expect(errorCode(teamToken)).toBe("FORBIDDEN");
  });

  it("narrows scopes on rotation only, and keeps them when none are asked for", async () => {
    const org = await seedOrg(server);
    const made = (
      await create(org.admin.secret, { scopes: ["tokens:read", "tokens:write", "x:y"] })
    ).data!.createPersonalToken;
    const wider = await server.gql(
      ROTATE_WITH_SCOPES,
      { id: made.token.id, scopes: ["tokens:read", "audit:read"] },
      made.secret,
    );
    expect(errorCode(wider)).toBe("BAD_USER_INPUT");
    const same = await server.gql<{ rotateToken: Created }>(
      ROTATE_WITH_SCOPES,
      { id: made.token.id },
      made.secret,
    );
    expect(same.data!.rotateToken.token.scopes).toEqual(["tokens:read", "tokens:write", "x:y"]);
    const narrower = await server.gql<{ rotateToken: Created }>(
      ROTATE_WITH_SCOPES,
      { id: same.data!.rotateToken.token.id, scopes: ["tokens:write", "x:y"] },
      same.data!.rotateToken.secret,
    );
    expect(narrower.data!.rotateToken.token.scopes).toEqual(["tokens:write", "x:y"]);
  });

  it("refuses another's rotation that would hand the caller a Lapse scope it lacks", async () => {
    const org = await seedOrg(server);
    const team = await org.team();
    const teamToken = await mustCreate(
      server,
      CREATE_TEAM_TOKEN,
      { organization: org.name, team, name: "full" },
      org.admin.secret,
    );
    const writer = (await create(org.admin.secret, { scopes: ["tokens:read", "tokens:write"] }))
      .data!.createPersonalToken.secret;
    const rotated = await server.gql(ROTATE_TOKEN, { id: teamToken.token.id }, writer);
    expect(errorCode(rotated)).toBe("FORBIDDEN");
    const narrowed = await server.gql<{ rotateToken: Created }>(
      ROTATE_WITH_SCOPES,
      { id: teamToken.token.id, scopes: ["tokens:read"] },
      writer,
    );
    expect(narrowed.data!.rotateToken.token.scopes).toEqual(["tokens:read"]);
  });

  it("refuses a token used from outside its networks with 403 naming the address, and audits it", async () => {
    const org = await seedOrg(server);
    const bound = (
      await create(org.admin.secret, { allowedCidrs: ["203.0.113.0/24", "2001:db8::/32"] })
    ).data!.createPersonalToken;
    expect(bound.token.allowedCidrs).toEqual(["203.0.113.0/24", "2001:db8::/32"]);
    for (const inside of ["203.0.113.77", "2001:db8:1::5", "::ffff:203.0.113.9"]) {
      const used = await server.gql(VIEWER, {}, bound.secret, from(inside));
      expect.soft(used.status, inside).toBe(200);
    }
    const outside = await server.gql(VIEWER, {}, bound.secret, from("198.51.100.4"));
    expect(outside.status).toBe(403);
    expect(errorCode(outside)).toBe("FORBIDDEN");
    expect(outside.errors![0]!.message).toContain("198.51.100.4");
    const refusals = await server.gql<AuditEventsResult>(
      AUDIT_EVENTS,
      { filter: { types: ["TOKEN_USE_REFUSED"], tokenId: bound.token.id } },
      org.admin.secret,
    );
    expect(refusals.data!.auditEvents.edges[0]!.node.payload).toEqual({ reason: "address" });
    // REST is bound alike.
    const rest = await fetch(`${server.url}/api/user/tokens`, {
      headers: { authorization: `token ${bound.secret}`, ...from("198.51.100.4") },
    });
    expect(rest.status).toBe(403);
  });

  it("keeps a token made by a bound token within its networks", async () => {
    const org = await seedOrg(server);
    const bound = (await create(org.admin.secret, { allowedCidrs: ["10.0.0.0/8"] })).data!
      .createPersonalToken.secret;
    const inherited = await create(bound, {}, from("10.1.2.3"));
    expect(inherited.data!.createPersonalToken.token.allowedCidrs).toEqual(["10.0.0.0/8"]);
    const narrower = await create(bound, { allowedCidrs: ["10.9.0.0/16"] }, from("10.1.2.3"));
    expect(narrower.data!.createPersonalToken.token.allowedCidrs).toEqual(["10.9.0.0/16"]);
    for (const allowedCidrs of [["0.0.0.0/0"], ["10.0.0.0/7"], []]) {
      const wider = await create(bound, { allowedCidrs }, from("10.1.2.3"));
      expect.soft(errorCode(wider), allowedCidrs.join()).toBe("BAD_USER_INPUT");
    }
    const team = await org.team();
    const machine = await mustCreate(
      server,
      CREATE_ORGANIZATION_TOKEN,
      { organization: org.name, name: "bound-bot", admin: true },
      org.admin.secret,
    );
    expect(machine.token.id).toBeDefined();
    const teamToken = await server.gql<{ createTeamToken: Created }>(
      `mutation($o: String!, $t: String!) { createTeamToken(organization: $o, team: $t, name: "t") { secret token { id allowedCidrs } } }`,
      { o: org.name, t: team },
      bound,
      from("10.1.2.3"),
    );
    expect(teamToken.data!.createTeamToken.token.allowedCidrs).toEqual(["10.0.0.0/8"]);
  });

  it("refuses networks that are not networks, and more than 20", async () => {
    const org = await seedOrg(server);
    for (const allowedCidrs of [
      ["10.0.0.0/33"],
      ["example.com"],
      ["10.0.0.0/8; DROP TABLE"],
      Array.from({ length: 21 }, (_, i) => `10.0.${i}.0/24`),
    ]) {
      const refused = await create(org.admin.secret, { allowedCidrs });
      expect.soft(errorCode(refused), allowedCidrs[0]).toBe("BAD_USER_INPUT");
    }
    const normalised = await create(org.admin.secret, {
      allowedCidrs: ["10.1.2.3/8", "192.0.2.7", "2001:DB8:0:0::1/48"],
    });
    expect(normalised.data!.createPersonalToken.token.allowedCidrs).toEqual([
      "10.0.0.0/8",
      "192.0.2.7/32",
      "2001:db8::/48",
    ]);
  });

  it("counts a use from outside a token's networks against that address, not the token", async () => {
    const org = await seedOrg(server);
    const bound = (await create(org.admin.secret, { allowedCidrs: ["10.0.0.0/8"] })).data!
      .createPersonalToken.secret;
    const outsider = `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
    const limited = server.lapse.services.authThrottle.options.maxFailures;
    expect(limited).toBeGreaterThan(100); // the harness keeps the limit out of reach by default
    await server.gql(VIEWER, {}, bound, from(outsider));
    const rows = await server.dataSource.query(
      "SELECT throttle_key FROM auth_throttle WHERE throttle_key LIKE ?",
      [`%${outsider}%`],
    );
    expect(rows.length).toBe(1);
    const tokenRows = await server.dataSource.query(
      "SELECT throttle_key FROM auth_throttle WHERE throttle_key LIKE 'token:%' AND throttle_key = ?",
      [
        `token:${(await server.gql<{ viewer: { token: { id: string } } }>(`{ viewer { token { id } } }`, {}, bound, from("10.0.0.1"))).data!.viewer.token.id}`,
      ],
    );
    expect(tokenRows).toEqual([]);
  });
});
