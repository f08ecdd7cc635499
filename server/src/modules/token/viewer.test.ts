import { expect, it } from "vitest";
import { describeEachStore } from "../../../test/harness";
import { CREATE_ORGANIZATION_TOKEN, CREATE_TEAM_TOKEN, mustCreate } from "../../../test/operations";
import { seedOrg } from "../../../test/seed";
import { OrganizationRole } from "../organization/organization.types";

const ORGS = `{ viewer { organizations { role organization { name } } } }`;
type Orgs = { viewer: { organizations: { role: string; organization: { name: string } }[] } };

describeEachStore("the viewer's organizations", (server) => {
  it("lists where a person is a member with their role, and a machine token's own organization", async () => {
    const first = await seedOrg(server);
    const second = await seedOrg(server);
    const person = await first.member(OrganizationRole.AUDITOR);
    const invited = await server.gql<{ inviteMember: { code: string } }>(
      `mutation($o: String!, $l: String!) { inviteMember(organization: $o, login: $l, role: ADMIN) { code } }`,
      { o: second.name, l: person.login },
      second.admin.secret,
    );
    const joined = await server.gql(
      `mutation($c: String!) { redeemInvitation(code: $c, tokenName: "second") { secret } }`,
      { c: invited.data!.inviteMember.code },
      person.secret,
    );
    expect(joined.errors).toBeUndefined();
    const mine = await server.gql<Orgs>(ORGS, {}, person.secret);
    expect(mine.data!.viewer.organizations).toEqual(
      [
        { role: "AUDITOR", organization: { name: first.name } },
        { role: "ADMIN", organization: { name: second.name } },
      ].sort((a, b) => (a.organization.name < b.organization.name ? -1 : 1)),
    );
    const team = await first.team();
    const teamToken = await mustCreate(
      server,
      CREATE_TEAM_TOKEN,
      { organization: first.name, team, name: "t" },
      first.admin.secret,
    );
    const adminToken = await mustCreate(
      server,
      CREATE_ORGANIZATION_TOKEN,
      { organization: first.name, name: "o", admin: true },
      first.admin.secret,
    );
    expect((await server.gql<Orgs>(ORGS, {}, teamToken.secret)).data!.viewer.organizations).toEqual(
      [{ role: "MEMBER", organization: { name: first.name } }],
    );
    expect(
      (await server.gql<Orgs>(ORGS, {}, adminToken.secret)).data!.viewer.organizations,
    ).toEqual([{ role: "ADMIN", organization: { name: first.name } }]);
  });
});
