import { expect, it } from "vitest";
import { describeEachStore } from "../../../test/harness";
import { auditTrail, errorCode } from "../../../test/operations";
import { seedOrg } from "../../../test/seed";
import { TeamRole } from "./team.types";

const CHANGE = `mutation($o: String!, $t: String!, $l: String!, $r: TeamRole!) {
  changeTeamRole(organization: $o, team: $t, login: $l, role: $r) { name members { role user { login } } }
}`;
const ADD = `mutation($o: String!, $t: String!, $l: String!) {
  addTeamMember(organization: $o, team: $t, login: $l, role: MEMBER) { login }
}`;

describeEachStore("team roles", (server) => {
  it("makes a team member MAINTAINER and back in place, each change audited", async () => {
    const org = await seedOrg(server);
    const team = await org.team();
    const person = await org.member();
    const newcomer = await org.member();
    await org.addToTeam(team, person);
    const vars = { o: org.name, t: team, l: person.login };

    const promoted = await server.gql<{ changeTeamRole: { members: unknown[] } }>(
      CHANGE,
      { ...vars, r: "MAINTAINER" },
      org.admin.secret,
    );
    expect(promoted.errors).toBeUndefined();
    expect(promoted.data!.changeTeamRole.members).toEqual([
      { role: "MAINTAINER", user: { login: person.login } },
    ]);
    // Now a MAINTAINER, they manage the team's members themselves.
    const added = await server.gql(ADD, { o: org.name, t: team, l: newcomer.login }, person.secret);
    expect(added.errors).toBeUndefined();

    const demoted = await server.gql(CHANGE, { ...vars, r: "MEMBER" }, org.admin.secret);
    expect(demoted.errors).toBeUndefined();
    const refused = await server.gql(
      CHANGE,
      { o: org.name, t: team, l: newcomer.login, r: "MAINTAINER" },
      person.secret,
    );
    expect(errorCode(refused)).toBe("FORBIDDEN");
    expect(refused.errors![0]!.message).toMatch(/MAINTAINERs of .* can manage its members\./);

    const trail = await auditTrail(server, org.admin.secret, {
      organization: org.name,
      types: ["TEAM_ROLE_CHANGED"],
    });
    expect(trail.map((e) => [e.actorLogin, e.payload])).toEqual([
      [org.admin.login, { login: person.login, from: "MAINTAINER", to: "MEMBER" }],
      [org.admin.login, { login: person.login, from: "MEMBER", to: "MAINTAINER" }],
    ]);
  });

  it("says who is not in the team, and changes nothing for a role they already hold", async () => {
    const org = await seedOrg(server);
    const team = await org.team();
    const outside = await org.member();
    const missing = await server.gql(
      CHANGE,
      { o: org.name, t: team, l: outside.login, r: "MAINTAINER" },
      org.admin.secret,
    );
    expect(errorCode(missing)).toBe("NOT_FOUND");
    expect(missing.errors![0]!.message).toBe(`${outside.login} is not a member of ${team}.`);

    await org.addToTeam(team, outside, TeamRole.MAINTAINER);
    const before = await server.tenantRows(org.name);
    const same = await server.gql(
      CHANGE,
      { o: org.name, t: team, l: outside.login, r: "MAINTAINER" },
      org.admin.secret,
    );
    expect(same.errors).toBeUndefined();
    expect(await server.tenantRows(org.name)).toEqual(before);
  });
});
