import { expect, it } from "vitest";
import { describeEachStore } from "../../../test/harness";
import { SeededOrg, operatorContext, seedOrg, uniqueName } from "../../../test/seed";
import { TeamRole } from "../team/team.types";
import { Edition, OrganizationRole } from "./organization.types";

const VIEWER_LISTS = `{ viewer { organizations { organization {
  name members { role user { login } } teams { name }
} } } }`;

interface ViewerLists {
  viewer: {
    organizations: {
      organization: {
        name: string;
        members: { role: string; user: { login: string } }[];
        teams: { name: string }[];
      };
    }[];
  };
}

describeEachStore("organization members and teams", (server) => {
  it("reads the members and teams of every organization on a page in one query each", async () => {
    const first = await seedOrg(server);
    // The same ADMIN in two more organizations, as the operator would set them up.
    const orgs = [first];
    for (let i = 0; i < 2; i++) {
      const name = uniqueName("org");
      await server.lapse.services.organizations.createWithAdmin(
        operatorContext(server),
        { name, edition: Edition.ENTERPRISE },
        first.admin.login,
      );
      orgs.push(new SeededOrg(server, name, first.admin));
    }
    const teams = new Map<string, string[]>();
    const members = new Map<string, string[]>();
    for (const org of orgs) {
      const names = [await org.team(), await org.team()].sort();
      teams.set(org.name, names);
      const member = await org.member(OrganizationRole.AUDITOR);
      members.set(org.name, [first.admin.login, member.login].sort());
    }

    let response: Awaited<ReturnType<typeof server.gql<ViewerLists>>> | undefined;
    const statements = await server.queriesDuring(async () => {
      response = await server.gql<ViewerLists>(VIEWER_LISTS, {}, first.admin.secret);
    });
    expect(response!.errors).toBeUndefined();
    const seen = response!.data!.viewer.organizations.map(({ organization }) => organization);
    expect(seen.map((o) => o.name).sort()).toEqual(orgs.map((o) => o.name).sort());
    for (const organization of seen) {
      expect(organization.teams.map((t) => t.name)).toEqual(teams.get(organization.name));
      expect(organization.members.map((m) => m.user.login)).toEqual(members.get(organization.name));
    }
    // One read of the viewer's memberships, one of every organization's members, one of the teams.
    expect(statements.filter((sql) => /\bmemberships\b/.test(sql))).toHaveLength(2);
    expect(statements.filter((sql) => /\bFROM [`"]?teams\b/.test(sql))).toHaveLength(1);
  });

  it("lists a team created earlier in the same request", async () => {
    const org = await seedOrg(server);
    const name = uniqueName("team");
    type Teams = { organization: { teams: { name: string }[] } };
    const response = await server.gql<Record<"a" | "b", Teams>>(
      `mutation($organization: String!, $name: String!, $other: String!) {
        a: createTeam(organization: $organization, name: $other) { organization { teams { name } } }
        b: createTeam(organization: $organization, name: $name) { organization { teams { name } } }
      }`,
      { organization: org.name, name, other: uniqueName("team") },
      org.admin.secret,
    );
    expect(response.errors).toBeUndefined();
    const data = response.data!;
    expect(data.a.organization.teams).toHaveLength(1);
    expect(data.b.organization.teams.map((t) => t.name)).toContain(name);
    expect(data.b.organization.teams).toHaveLength(2);
  });

  it("lists each team's members with their roles, one query for every team on the page", async () => {
    const org = await seedOrg(server);
    const [platform, web] = [await org.team(), await org.team()];
    const maintainer = await org.member();
    const member = await org.member();
    await org.addToTeam(platform, maintainer, TeamRole.MAINTAINER);
    await org.addToTeam(platform, member);
    await org.addToTeam(web, member, TeamRole.MAINTAINER);
    type Teams = {
      organization: {
        teams: { name: string; members: { role: string; user: { login: string } }[] }[];
      };
    };
    let response: Awaited<ReturnType<typeof server.gql<Teams>>> | undefined;
    const statements = await server.queriesDuring(async () => {
      response = await server.gql<Teams>(
        `query($o: String!) { organization(name: $o) { teams { name members { role user { login } } } } }`,
        { o: org.name },
        member.secret,
      );
    });
    expect(response!.errors).toBeUndefined();
    const byName = new Map(response!.data!.organization.teams.map((t) => [t.name, t.members]));
    expect(byName.get(platform)).toEqual(
      [
        { role: "MAINTAINER", user: { login: maintainer.login } },
        { role: "MEMBER", user: { login: member.login } },
      ].sort((a, b) => (a.user.login < b.user.login ? -1 : 1)),
    );
    expect(byName.get(web)).toEqual([{ role: "MAINTAINER", user: { login: member.login } }]);
    expect(statements.filter((sql) => /\bFROM [`"]?team_memberships\b/.test(sql))).toHaveLength(2);
  });
});
