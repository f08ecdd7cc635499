import { expect, it, vi } from "vitest";
import { describeEachStore, tenantSnapshot } from "../../../test/harness";
import {
  CREATE_PERSONAL_TOKEN,
  CREATE_TEAM_TOKEN,
  REVOKE_TOKEN,
  VIEWER,
  errorCode,
  mustCreate,
} from "../../../test/operations";
import { seedOrg, uniqueName } from "../../../test/seed";

describeEachStore("audit events and their changes", (server) => {
  it("creates no token when its audit event cannot be written", async () => {
    const org = await seedOrg(server);
    const team = await org.team();
    const before = await server.tenantRows(org.name);
    const spy = vi
      .spyOn(server.lapse.services.audit, "record")
      .mockRejectedValueOnce(new Error("disk full"))
      .mockRejectedValueOnce(new Error("disk full"));
    try {
      const personal = await server.gql(CREATE_PERSONAL_TOKEN, { name: "lost" }, org.admin.secret);
      const teamToken = await server.gql(
        CREATE_TEAM_TOKEN,
        { organization: org.name, team, name: "lost" },
        org.admin.secret,
      );
      for (const response of [personal, teamToken]) {
        expect(errorCode(response)).toBe("INTERNAL_SERVER_ERROR");
        expect(response.errors![0]!.message).not.toContain("disk full");
      }
    } finally {
      spy.mockRestore();
    }
    expect(await server.tenantRows(org.name)).toEqual(before);
    // The names were never taken.
    await mustCreate(server, CREATE_PERSONAL_TOKEN, { name: "lost" }, org.admin.secret);
  });

  it("leaves a token usable when the audit event of its revocation cannot be written", async () => {
    const org = await seedOrg(server);
    const { secret, token } = await mustCreate(
      server,
      CREATE_PERSONAL_TOKEN,
      { name: "kept" },
      org.admin.secret,
    );
    const spy = vi
      .spyOn(server.lapse.services.audit, "record")
      .mockRejectedValueOnce(new Error("disk full"));
    try {
      expect(errorCode(await server.gql(REVOKE_TOKEN, { id: token.id }, org.admin.secret))).toBe(
        "INTERNAL_SERVER_ERROR",
      );
    } finally {
      spy.mockRestore();
    }
    expect((await server.gql(VIEWER, {}, secret)).status).toBe(200);
  });
});

describeEachStore("every audited change", (server) => {
  it("does not happen when its audit event cannot be written", async () => {
    const org = await seedOrg(server);
    const team = await org.team();
    const member = await org.member();
    const teamMate = await org.member();
    await org.addToTeam(team, teamMate);
    const siteAdmin = await seedOrg(server, { siteAdmin: true });
    const newLogin = uniqueName("newuser");
    const invited = await server.gql<{ inviteMember: { code: string } }>(
      `mutation($o: String!, $l: String!) { inviteMember(organization: $o, login: $l, role: MEMBER) { code } }`,
      { o: org.name, l: newLogin },
      org.admin.secret,
    );
    const capped = await org.adminTokenFor(7);
    const newOrg = uniqueName("neworg");
    const mutations: [string, string, Record<string, unknown>, string | undefined][] = [
      [
        "createTeam",
        `mutation($o: String!) { createTeam(organization: $o, name: "t2") { name } }`,
        { o: org.name },
        org.admin.secret,
      ],
      [
        "addTeamMember",
        `mutation($o: String!, $t: String!, $l: String!) { addTeamMember(organization: $o, team: $t, login: $l, role: MEMBER) { login } }`,
        { o: org.name, t: team, l: member.login },
        org.admin.secret,
      ],
      [
        "removeTeamMember",
        `mutation($o: String!, $t: String!, $l: String!) { removeTeamMember(organization: $o, team: $t, login: $l) { name } }`,
        { o: org.name, t: team, l: teamMate.login },
        org.admin.secret,
      ],
      [
        "removeOrganizationMember",
        `mutation($o: String!, $l: String!) { removeOrganizationMember(organization: $o, login: $l) { login } }`,
        { o: org.name, l: member.login },
        org.admin.secret,
      ],
      [
        "changeOrganizationRole",
        `mutation($o: String!, $l: String!) { changeOrganizationRole(organization: $o, login: $l, role: AUDITOR) { login } }`,
        { o: org.name, l: member.login },
        org.admin.secret,
      ],
      [
        "deleteTeam",
        `mutation($o: String!, $t: String!) { deleteTeam(organization: $o, team: $t) { name } }`,
        { o: org.name, t: team },
        org.admin.secret,
      ],
      [
        "setTokenExpiryPolicy",
        `mutation($o: String!) { setTokenExpiryPolicy(organization: $o, maxTokenLifetimeDays: 30) { name } }`,
        { o: org.name },
        capped,
      ],
      [
        "inviteMember",
        `mutation($o: String!) { inviteMember(organization: $o, login: "someone-new", role: MEMBER) { code } }`,
        { o: org.name },
        org.admin.secret,
      ],
      [
        "redeemInvitation",
        `mutation($c: String!) { redeemInvitation(code: $c, tokenName: "first") { secret } }`,
        { c: invited.data!.inviteMember.code },
        undefined,
      ],
      [
        "setOrganizationEdition",
        `mutation($o: String!) { setOrganizationEdition(organization: $o, edition: TEAM) { name } }`,
        { o: org.name },
        siteAdmin.admin.secret,
      ],
      [
        "createOrganization",
        `mutation($n: String!) { createOrganization(name: $n, edition: TEAM) { name } }`,
        { n: newOrg },
        siteAdmin.admin.secret,
      ],
    ];
    for (const [name, document, variables, secret] of mutations) {
      const before = await tenantSnapshot(server, org.name);
      const spy = vi
        .spyOn(server.lapse.services.audit, "record")
        .mockRejectedValue(new Error("disk full"));
      const response = await server.gql(document, variables, secret);
      const attempts = spy.mock.calls.length;
      spy.mockRestore();
      expect.soft(errorCode(response), name).toBe("INTERNAL_SERVER_ERROR");
      expect.soft(attempts, `${name} tried to audit`).toBeGreaterThan(0);
      expect
        .soft((await tenantSnapshot(server, org.name)) === before, `${name} changed nothing`)
        .toBe(true);
    }
    expect(await server.count("organizations", "name = ?", [newOrg])).toBe(0);
    expect(await server.count("users", "login = ?", [newLogin])).toBe(0);
  });
});
