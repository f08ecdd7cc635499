import { expect, it } from "vitest";
import { describeEachStore } from "../../../test/harness";
import {
  CREATE_ORGANIZATION_TOKEN,
  CREATE_PERSONAL_TOKEN,
  CREATE_TEAM_TOKEN,
  REVOKE_TOKEN,
  TOKENS,
  errorCode,
  mustCreate,
} from "../../../test/operations";
import { seedOrg, uniqueName } from "../../../test/seed";
import { OrganizationRole } from "../organization/organization.types";

describeEachStore("token names", (server) => {
  it("accepts 1 to 40 characters, emoji included, and refuses empty, longer or control-character names", async () => {
    const org = await seedOrg(server);
    for (const name of ["a", "x".repeat(40), "deploy 🚀 prod", "naïve — ünïcode"]) {
      const response = await server.gql(CREATE_PERSONAL_TOKEN, { name }, org.admin.secret);
      expect.soft(response.errors, name).toBeUndefined();
    }
    const before = await server.tenantRows(org.name);
    for (const [name, message] of [
      ["", /1 to 40 characters/],
      ["x".repeat(41), /1 to 40 characters/],
      ["tab\there", /control characters/],
      ["nul\u0000", /control characters/],
      [" padded", /white space/],
      ["padded ", /white space/],
      ["bidi\u202Eoverride", /control characters/],
    ] as const) {
      const response = await server.gql(CREATE_PERSONAL_TOKEN, { name }, org.admin.secret);
      expect.soft(errorCode(response), JSON.stringify(name)).toBe("BAD_USER_INPUT");
      expect.soft(response.errors?.[0]?.message, JSON.stringify(name)).toMatch(message);
    }
    const long = await server.gql(
      CREATE_PERSONAL_TOKEN,
      { name: "d", description: "y".repeat(1025) },
      org.admin.secret,
    );
    expect(errorCode(long)).toBe("BAD_USER_INPUT");
    expect(await server.tenantRows(org.name)).toEqual(before);
  });

  it("keeps team and organization token names unique in their organization, revoked ones included", async () => {
    const org = await seedOrg(server);
    const [blue, green] = [await org.team(), await org.team()];
    const first = await mustCreate(
      server,
      CREATE_TEAM_TOKEN,
      { organization: org.name, team: blue, name: "deploy" },
      org.admin.secret,
    );
    const sameTeam = await server.gql(
      CREATE_TEAM_TOKEN,
      { organization: org.name, team: blue, name: "deploy" },
      org.admin.secret,
    );
    expect(errorCode(sameTeam)).toBe("CONFLICT");
    expect(sameTeam.errors![0]!.message).toMatch(/"deploy" already exists .* choose another name/);
    const otherTeam = await server.gql(
      CREATE_TEAM_TOKEN,
      { organization: org.name, team: green, name: "deploy" },
      org.admin.secret,
    );
    expect(errorCode(otherTeam)).toBe("CONFLICT");
    const orgToken = await server.gql(
      CREATE_ORGANIZATION_TOKEN,
      { organization: org.name, name: "deploy" },
      org.admin.secret,
    );
    expect(errorCode(orgToken)).toBe("CONFLICT");

    await server.gql(REVOKE_TOKEN, { id: first.token.id }, org.admin.secret);
    const afterRevoke = await server.gql(
      CREATE_TEAM_TOKEN,
      { organization: org.name, team: blue, name: "deploy" },
      org.admin.secret,
    );
    expect(errorCode(afterRevoke)).toBe("CONFLICT");

    const elsewhere = await seedOrg(server);
    const otherOrgTeam = await elsewhere.team();
    await mustCreate(
      server,
      CREATE_TEAM_TOKEN,
      { organization: elsewhere.name, team: otherOrgTeam, name: "deploy" },
      elsewhere.admin.secret,
    );
    // Names compare byte for byte on both stores.
    await mustCreate(
      server,
      CREATE_TEAM_TOKEN,
      { organization: org.name, team: blue, name: "Deploy" },
      org.admin.secret,
    );
  });

  it("keeps personal token names unique among the owner's active tokens only", async () => {
    const org = await seedOrg(server);
    const other = await org.member();
    const first = await mustCreate(
      server,
      CREATE_PERSONAL_TOKEN,
      { name: "laptop", expiresAt: new Date(server.clock.now().getTime() + 60_000).toISOString() },
      org.admin.secret,
    );
    const clash = await server.gql(CREATE_PERSONAL_TOKEN, { name: "laptop" }, org.admin.secret);
    expect(errorCode(clash)).toBe("CONFLICT");
    expect(clash.errors![0]!.message).toMatch(
      /already have an active personal token named "laptop"/,
    );
    await mustCreate(server, CREATE_PERSONAL_TOKEN, { name: "laptop" }, other.secret);

    // Once the first has expired, its name is free again.
    server.clock.advance(60_000);
    const second = await mustCreate(
      server,
      CREATE_PERSONAL_TOKEN,
      { name: "laptop" },
      org.admin.secret,
    );
    expect(second.token.id).not.toBe(first.token.id);
    // And once revoked.
    await server.gql(REVOKE_TOKEN, { id: second.token.id }, org.admin.secret);
    await mustCreate(server, CREATE_PERSONAL_TOKEN, { name: "laptop" }, org.admin.secret);
  });

  it("gives exactly one token to 100 parallel creates of one name", async () => {
    const org = await seedOrg(server);
    const team = await org.team();
    const responses = await Promise.all(
      Array.from({ length: 100 }, () =>
        server.gql(
          CREATE_TEAM_TOKEN,
          { organization: org.name, team, name: "race" },
          org.admin.secret,
        ),
      ),
    );
    expect(responses.filter((r) => !r.errors)).toHaveLength(1);
    expect(new Set(responses.filter((r) => r.errors).map(errorCode))).toEqual(
      new Set(["CONFLICT"]),
    );
    expect(
      await server.count(
        "access_tokens",
        "name = 'race' AND organization_id = (SELECT id FROM organizations WHERE name = ?)",
        [org.name],
      ),
    ).toBe(1);
  });

  it("gives one person's 30 parallel creates of different names a token each, and of one name one", async () => {
    const org = await seedOrg(server);
    const distinct = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        server.gql(CREATE_PERSONAL_TOKEN, { name: `laptop-${i}` }, org.admin.secret),
      ),
    );
    // On MySQL these deadlocked (and answered 500) while each creation held a gap lock on the
    // owner's names from releasing expired ones.
    expect(distinct.map((r) => r.errors ?? "ok")).toEqual(distinct.map(() => "ok"));
    const same = await Promise.all(
      Array.from({ length: 30 }, () =>
        server.gql(CREATE_PERSONAL_TOKEN, { name: "desktop" }, org.admin.secret),
      ),
    );
    expect(same.filter((r) => !r.errors)).toHaveLength(1);
    expect(new Set(same.filter((r) => r.errors).map(errorCode))).toEqual(new Set(["CONFLICT"]));
    const owned = (name: string) =>
      server.count(
        "access_tokens",
        "name LIKE ? AND owner_id = (SELECT id FROM users WHERE login = ?)",
        [name, org.admin.login],
      );
    expect(await owned("laptop-%")).toBe(30);
    expect(await owned("desktop")).toBe(1);
  });

  // Binary collation on MySQL whatever the database's default, case_sensitive_like on SQLite.
  it("tells upper from lower case in logins, token names and the name search", async () => {
    const org = await seedOrg(server);
    const suffix = uniqueName("").slice(1);
    const upper = await org.member(OrganizationRole.MEMBER, `Case${suffix}`);
    const lower = await org.member(OrganizationRole.MEMBER, `case${suffix}`);
    expect(upper.secret).not.toBe(lower.secret);
    for (const name of ["Deploy", "deploy"]) {
      const created = await server.gql(CREATE_PERSONAL_TOKEN, { name }, upper.secret);
      expect.soft(created.errors, name).toBeUndefined();
    }
    const search = async (prefix: string) => {
      const listed = await server.gql<{ tokens: { edges: { node: { name: string } }[] } }>(
        TOKENS,
        { filter: { organization: org.name, owner: upper.login, search: prefix } },
        org.admin.secret,
      );
      expect(listed.errors).toBeUndefined();
      return listed.data!.tokens.edges.map((edge) => edge.node.name);
    };
    expect(await search("dep")).toEqual(["deploy"]);
    expect(await search("Dep")).toEqual(["Deploy"]);
    const owners = await server.gql<{ organization: { members: { user: { login: string } }[] } }>(
      `query($name: String!) { organization(name: $name) { members { user { login } } } }`,
      { name: org.name },
      org.admin.secret,
    );
    expect(owners.data!.organization.members.map((m) => m.user.login)).toEqual(
      expect.arrayContaining([upper.login, lower.login]),
    );
  });
});
