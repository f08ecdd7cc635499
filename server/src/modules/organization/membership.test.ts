import { expect, it } from "vitest";
import { describeEachStore } from "../../../test/harness";
import {
  CREATE_TEAM_TOKEN,
  TOKEN,
  VIEWER,
  auditTrail,
  errorCode,
  mustCreate,
  type TokenNode,
} from "../../../test/operations";
import { seedOrg } from "../../../test/seed";
import { TeamRole } from "../team/team.types";
import { OrganizationRole } from "./organization.types";

const REMOVE_MEMBER = `mutation($o: String!, $l: String!) { removeOrganizationMember(organization: $o, login: $l) { login } }`;
const CHANGE_ROLE = `mutation($o: String!, $l: String!, $r: OrganizationRole!) { changeOrganizationRole(organization: $o, login: $l, role: $r) { login } }`;
const REMOVE_TEAM_MEMBER = `mutation($o: String!, $t: String!, $l: String!) { removeTeamMember(organization: $o, team: $t, login: $l) { name } }`;
const DELETE_TEAM = `mutation($o: String!, $t: String!) { deleteTeam(organization: $o, team: $t) { name deletedAt } }`;
const ORG = `query($n: String!) { organization(name: $n) { name teams { name } members { role user { login } } } }`;

describeEachStore("members and teams", (server) => {
  it("removes a member: their tokens no longer reach the organization or its teams", async () => {
    const org = await seedOrg(server);
    const team = await org.team();
    const member = await org.member();
    await org.addToTeam(team, member, TeamRole.MAINTAINER);
    const removed = await server.gql(
      REMOVE_MEMBER,
      { o: org.name, l: member.login },
      org.admin.secret,
    );
    expect(removed.data).toEqual({ removeOrganizationMember: { login: member.login } });
    expect(errorCode(await server.gql(ORG, { n: org.name }, member.secret))).toBeUndefined();
    expect((await server.gql(ORG, { n: org.name }, member.secret)).data).toEqual({
      organization: null,
    });
    const create = await server.gql(
      CREATE_TEAM_TOKEN,
      { organization: org.name, team, name: "x" },
      member.secret,
    );
    expect(errorCode(create)).toBe("NOT_FOUND");
    // Their personal token still authenticates: it simply acts nowhere here.
    expect((await server.gql(VIEWER, {}, member.secret)).status).toBe(200);
    const trail = await auditTrail(server, org.admin.secret, {
      organization: org.name,
      types: ["MEMBER_REMOVED"],
    });
    expect(trail[0]!.payload).toEqual({ login: member.login, role: "MEMBER" });
    expect(
      errorCode(
        await server.gql(REMOVE_MEMBER, { o: org.name, l: member.login }, org.admin.secret),
      ),
    ).toBe("NOT_FOUND");
  });

  it("changes roles, and never leaves an organization without an ADMIN", async () => {
    const org = await seedOrg(server);
    const member = await org.member();
    const lastAdmin = await server.gql(
      CHANGE_ROLE,
      { o: org.name, l: org.admin.login, r: "MEMBER" },
      org.admin.secret,
    );
    expect(errorCode(lastAdmin)).toBe("CONFLICT");
    expect(lastAdmin.errors![0]!.message).toMatch(/last ADMIN/);
    expect(
      errorCode(
        await server.gql(REMOVE_MEMBER, { o: org.name, l: org.admin.login }, org.admin.secret),
      ),
    ).toBe("CONFLICT");
    await server.gql(CHANGE_ROLE, { o: org.name, l: member.login, r: "ADMIN" }, org.admin.secret);
    // Now the first admin may step down, and the new one may act as ADMIN.
    expect(
      (
        await server.gql(
          CHANGE_ROLE,
          { o: org.name, l: org.admin.login, r: "AUDITOR" },
          org.admin.secret,
        )
      ).errors,
    ).toBeUndefined();
    expect(
      errorCode(
        await server.gql(
          CHANGE_ROLE,
          { o: org.name, l: member.login, r: "MEMBER" },
          org.admin.secret,
        ),
      ),
    ).toBe("FORBIDDEN");
    const trail = await auditTrail(server, member.secret, {
      organization: org.name,
      types: ["ROLE_CHANGED"],
    });
    expect(trail.map((e) => e.payload)).toEqual([
      { login: org.admin.login, from: "ADMIN", to: "AUDITOR" },
      { login: member.login, from: "MEMBER", to: "ADMIN" },
    ]);
  });

  it("removes a team member, who then loses the team's tokens", async () => {
    const org = await seedOrg(server);
    const team = await org.team();
    const person = await org.member(OrganizationRole.MEMBER);
    await org.addToTeam(team, person);
    const { token } = await mustCreate(
      server,
      CREATE_TEAM_TOKEN,
      { organization: org.name, team, name: "t" },
      org.admin.secret,
    );
    const read = () =>
      server.gql<{ token: TokenNode | null }>(TOKEN, { id: token.id }, person.secret);
    expect((await read()).data!.token).not.toBeNull();
    const removed = await server.gql(
      REMOVE_TEAM_MEMBER,
      { o: org.name, t: team, l: person.login },
      org.admin.secret,
    );
    expect(removed.errors).toBeUndefined();
    expect((await read()).data!.token).toBeNull();
    const again = await server.gql(
      REMOVE_TEAM_MEMBER,
      { o: org.name, t: team, l: person.login },
      org.admin.secret,
    );
    expect(errorCode(again)).toBe("NOT_FOUND");
  });

  it("deletes a team: its tokens are revoked and audited, its name is free again", async () => {
    const org = await seedOrg(server);
    const team = await org.team();
    const maintainer = await org.member();
    await org.addToTeam(team, maintainer, TeamRole.MAINTAINER);
    const a = await mustCreate(
      server,
      CREATE_TEAM_TOKEN,
      { organization: org.name, team, name: "a" },
      org.admin.secret,
    );
    const b = await mustCreate(
      server,
      CREATE_TEAM_TOKEN,
      { organization: org.name, team, name: "b" },
      org.admin.secret,
    );
    expect(
      errorCode(await server.gql(DELETE_TEAM, { o: org.name, t: team }, maintainer.secret)),
    ).toBe("FORBIDDEN");
    server.clock.advance(1000);
    const deleted = await server.gql(DELETE_TEAM, { o: org.name, t: team }, org.admin.secret);
    expect(deleted.data).toEqual({
      deleteTeam: { name: team, deletedAt: server.clock.now().toISOString() },
    });
    for (const { secret } of [a, b])
      expect((await server.gql(VIEWER, {}, secret)).status).toBe(401);
    const trail = await auditTrail(server, org.admin.secret, {
      organization: org.name,
      types: ["TEAM_DELETED", "TOKEN_REVOKED"],
    });
    expect(trail.map((e) => e.type).sort()).toEqual([
      "TEAM_DELETED",
      "TOKEN_REVOKED",
      "TOKEN_REVOKED",
    ]);
    expect(trail.find((e) => e.type === "TEAM_DELETED")!.team).toEqual({ name: team });
    expect(
      (
        await server.gql<{ organization: { teams: unknown[] } }>(
          ORG,
          { n: org.name },
          org.admin.secret,
        )
      ).data!.organization.teams,
    ).toEqual([]);
    expect(
      errorCode(await server.gql(DELETE_TEAM, { o: org.name, t: team }, org.admin.secret)),
    ).toBe("NOT_FOUND");
    // The name is free for a new team; the old tokens' names stay reserved.
    await org.team(team);
    const reuse = await server.gql(
      CREATE_TEAM_TOKEN,
      { organization: org.name, team, name: "a" },
      org.admin.secret,
    );
    expect(errorCode(reuse)).toBe("CONFLICT");
  });
});
