import { beforeAll, expect, it } from "vitest";
import { describeEachStore } from "../../test/harness";
import {
  CREATE_ORGANIZATION_TOKEN,
  CREATE_PERSONAL_TOKEN,
  CREATE_TEAM_TOKEN,
  REVOKE_TOKEN,
  errorCode,
  mustCreate,
} from "../../test/operations";
import { seedOrg, uniqueName, type SeededOrg } from "../../test/seed";
import { OrganizationRole } from "../modules/organization/organization.types";
import { TeamRole } from "../modules/team/team.types";

type Actor =
  | "admin"
  | "auditor"
  | "member"
  | "maintainer"
  | "teamMember"
  | "teamToken"
  | "orgToken"
  | "orgAdminToken"
  | "outsider"
  | "siteAdmin";

const ACTORS: Actor[] = [
  "admin",
  "auditor",
  "member",
  "maintainer",
  "teamMember",
  "teamToken",
  "orgToken",
  "orgAdminToken",
  "outsider",
  "siteAdmin",
];

type Outcome = "ok" | "FORBIDDEN" | "NOT_FOUND";

interface Action {
  name: string;
  /** Returns the document and variables for one attempt; may create fixtures with the admin. */
  prepare(): Promise<{ document: string; variables: Record<string, unknown> }>;
  expected: Partial<Record<Actor, Outcome>>;
  /** The outcome for actors the table leaves out. */
  otherwise: Outcome;
}

describeEachStore("who may do what", (server) => {
  let org: SeededOrg;
  let team: string;
  const secrets = {} as Record<Actor, string>;

  beforeAll(async () => {
    org = await seedOrg(server);
    team = await org.team();
    secrets.admin = org.admin.secret;
    secrets.auditor = (await org.member(OrganizationRole.AUDITOR)).secret;
    secrets.member = (await org.member()).secret;
    const maintainer = await org.member();
    await org.addToTeam(team, maintainer, TeamRole.MAINTAINER);
    secrets.maintainer = maintainer.secret;
    const teamMember = await org.member();
    await org.addToTeam(team, teamMember, TeamRole.MEMBER);
    secrets.teamMember = teamMember.secret;
    const create = (document: string, variables: Record<string, unknown>) =>
      mustCreate(server, document, variables, org.admin.secret);
    secrets.teamToken = (
      await create(CREATE_TEAM_TOKEN, { organization: org.name, team, name: "actor-team" })
    ).secret;
    secrets.orgToken = (
      await create(CREATE_ORGANIZATION_TOKEN, { organization: org.name, name: "actor-org" })
    ).secret;
    secrets.orgAdminToken = (
      await create(CREATE_ORGANIZATION_TOKEN, {
        organization: org.name,
        name: "actor-org-admin",
        admin: true,
      })
    ).secret;
    secrets.outsider = (await seedOrg(server)).admin.secret;
    secrets.siteAdmin = (await seedOrg(server, { siteAdmin: true })).admin.secret;
  });

  const adminCreates = async (document: string, variables: Record<string, unknown>) =>
    (await mustCreate(server, document, variables, org.admin.secret)).token.id;

  const actions: Action[] = [
    {
      name: "createPersonalToken",
      prepare: async () => ({
        document: CREATE_PERSONAL_TOKEN,
        variables: { name: uniqueName("p") },
      }),
      expected: { teamToken: "FORBIDDEN", orgToken: "FORBIDDEN", orgAdminToken: "FORBIDDEN" },
      otherwise: "ok",
    },
    {
      name: "createTeamToken",
      prepare: async () => ({
        document: CREATE_TEAM_TOKEN,
        variables: { organization: org.name, team, name: uniqueName("t") },
      }),
      expected: {
        admin: "ok",
        maintainer: "ok",
        orgAdminToken: "ok",
        outsider: "NOT_FOUND",
        siteAdmin: "NOT_FOUND",
      },
      otherwise: "FORBIDDEN",
    },
    {
      name: "createOrganizationToken",
      prepare: async () => ({
        document: CREATE_ORGANIZATION_TOKEN,
        variables: { organization: org.name, name: uniqueName("o") },
      }),
      expected: { admin: "ok", outsider: "NOT_FOUND", siteAdmin: "NOT_FOUND" },
      otherwise: "FORBIDDEN",
    },
    {
      name: "revokeToken (a team token)",
      prepare: async () => ({
        document: REVOKE_TOKEN,
        variables: {
          id: await adminCreates(CREATE_TEAM_TOKEN, {
            organization: org.name,
            team,
            name: uniqueName("r"),
          }),
        },
      }),
      expected: {
        admin: "ok",
        maintainer: "ok",
        orgAdminToken: "ok",
        auditor: "FORBIDDEN",
        teamMember: "FORBIDDEN",
        teamToken: "FORBIDDEN",
      },
      otherwise: "NOT_FOUND",
    },
    {
      name: "revokeToken (an organization token)",
      prepare: async () => ({
        document: REVOKE_TOKEN,
        variables: {
          id: await adminCreates(CREATE_ORGANIZATION_TOKEN, {
            organization: org.name,
            name: uniqueName("r"),
          }),
        },
      }),
      expected: { admin: "ok", auditor: "FORBIDDEN", orgAdminToken: "FORBIDDEN" },
      otherwise: "NOT_FOUND",
    },
    {
      name: "revokeToken (the admin's personal token)",
      prepare: async () => ({
        document: REVOKE_TOKEN,
        variables: { id: await adminCreates(CREATE_PERSONAL_TOKEN, { name: uniqueName("r") }) },
      }),
      expected: { admin: "ok", auditor: "FORBIDDEN", orgAdminToken: "FORBIDDEN" },
      otherwise: "NOT_FOUND",
    },
    {
      name: "createOrganization",
      prepare: async () => ({
        document: `mutation($name: String!) { createOrganization(name: $name, edition: TEAM) { name } }`,
        variables: { name: uniqueName("neworg") },
      }),
      expected: { siteAdmin: "ok" },
      otherwise: "FORBIDDEN",
    },
    {
      name: "setOrganizationEdition",
      prepare: async () => ({
        document: `mutation($o: String!) { setOrganizationEdition(organization: $o, edition: ENTERPRISE) { edition } }`,
        variables: { o: org.name },
      }),
      expected: { siteAdmin: "ok" },
      otherwise: "FORBIDDEN",
    },
    {
      name: "addOrganizationMember",
      prepare: async () => ({
        document: `mutation($o: String!, $l: String!) { addOrganizationMember(organization: $o, login: $l, role: MEMBER) { login } }`,
        variables: { o: org.name, l: uniqueName("new") },
      }),
      expected: { admin: "ok", orgAdminToken: "ok", outsider: "NOT_FOUND", siteAdmin: "NOT_FOUND" },
      otherwise: "FORBIDDEN",
    },
    {
      name: "createTeam",
      prepare: async () => ({
        document: `mutation($o: String!, $n: String!) { createTeam(organization: $o, name: $n) { name } }`,
        variables: { o: org.name, n: uniqueName("team") },
      }),
      expected: { admin: "ok", orgAdminToken: "ok", outsider: "NOT_FOUND", siteAdmin: "NOT_FOUND" },
      otherwise: "FORBIDDEN",
    },
    {
      name: "addTeamMember",
      prepare: async () => ({
        document: `mutation($o: String!, $t: String!, $l: String!) { addTeamMember(organization: $o, team: $t, login: $l, role: MEMBER) { login } }`,
        variables: { o: org.name, t: team, l: (await org.member()).login },
      }),
      expected: {
        admin: "ok",
        maintainer: "ok",
        orgAdminToken: "ok",
        outsider: "NOT_FOUND",
        siteAdmin: "NOT_FOUND",
      },
      otherwise: "FORBIDDEN",
    },
  ];

  for (const action of actions) {
    it(`${action.name}: ${ACTORS.map((a) => `${a} ${action.expected[a] ?? action.otherwise}`).join(", ")}`, async () => {
      for (const actor of ACTORS) {
        const expected = action.expected[actor] ?? action.otherwise;
        const { document, variables } = await action.prepare();
        const before = await server.tenantRows(org.name);
        const response = await server.gql(document, variables, secrets[actor]);
        const outcome = response.errors ? errorCode(response) : "ok";
        expect
          .soft(outcome, `${actor} ${action.name}: ${response.errors?.[0]?.message ?? ""}`)
          .toBe(expected);
        if (expected !== "ok") {
          expect.soft(response.errors?.[0]?.message, actor).toMatch(/\w+ .*\./);
          expect
            .soft(await server.tenantRows(org.name), `${actor} changed nothing`)
            .toEqual(before);
        }
      }
    });
  }
});
