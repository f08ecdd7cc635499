import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import { systemContext } from "../src/context";
import { createLoaders } from "../src/loaders";
import { Edition, OrganizationRole } from "../src/modules/organization/organization.types";
import { TeamRole } from "../src/modules/team/team.types";
import type { TestServer } from "./harness";

export interface Person {
  login: string;
  /** A personal token's secret for this person. */
  secret: string;
}

/** A name no other test uses, so test files share one database without cleanup. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString("hex")}`;
}

/** An organization of its own for one test, with an ADMIN and helpers to add people and teams. */
export class SeededOrg {
  constructor(
    private readonly server: TestServer,
    readonly name: string,
    readonly admin: Person,
  ) {}

  /** A new member with `role` and a personal token: invited by the ADMIN, joined by redeeming. */
  async member(
    role: OrganizationRole = OrganizationRole.MEMBER,
    login = uniqueName("user"),
  ): Promise<Person> {
    const invited = await this.server.gql<{ inviteMember: { code: string } }>(
      `mutation($organization: String!, $login: String!, $role: OrganizationRole!) {
        inviteMember(organization: $organization, login: $login, role: $role) { code }
      }`,
      { organization: this.name, login, role },
      this.admin.secret,
    );
    expect(invited.errors).toBeUndefined();
    const redeemed = await this.server.gql<{ redeemInvitation: { secret: string } }>(
      `mutation($code: String!) { redeemInvitation(code: $code, tokenName: "seed") { secret } }`,
      { code: invited.data!.inviteMember.code },
    );
    expect(redeemed.errors).toBeUndefined();
    return { login, secret: redeemed.data!.redeemInvitation.secret };
  }

  async team(name = uniqueName("team")): Promise<string> {
    const created = await this.server.gql(
      `mutation($organization: String!, $name: String!) { createTeam(organization: $organization, name: $name) { name } }`,
      { organization: this.name, name },
      this.admin.secret,
    );
    expect(created.errors).toBeUndefined();
    return name;
  }

  /** A second token for the ADMIN that expires in `days`, for organizations with a lifetime cap. */
  async adminTokenFor(days: number): Promise<string> {
    const expiresAt = new Date(this.server.clock.now().getTime() + days * 86_400_000);
    return personalToken(this.server, this.admin.login, uniqueName("capped"), expiresAt);
  }

  async addToTeam(team: string, person: Person, role: TeamRole = TeamRole.MEMBER): Promise<void> {
    const added = await this.server.gql(
      `mutation($organization: String!, $team: String!, $login: String!, $role: TeamRole!) {
        addTeamMember(organization: $organization, team: $team, login: $login, role: $role) { login }
      }`,
      { organization: this.name, team, login: person.login, role },
      this.admin.secret,
    );
    expect(added.errors).toBeUndefined();
  }
}

export function operatorContext(server: TestServer) {
  return systemContext(
    {
      clock: server.clock,
      logger: server.logger,
      services: server.lapse.services,
      loaders: createLoaders(server.dataSource),
    },
    "test-seed",
  );
}

/** The context of an instance's background work (sweep, deliveries) on the test clock. */
export function backgroundContext(server: TestServer, services = server.lapse.services) {
  return systemContext(
    {
      clock: server.clock,
      logger: server.logger,
      services,
      loaders: createLoaders(server.dataSource),
    },
    "lapse-expiry-sweep",
  );
}

/** A new personal token for an existing user, minted as the CLI does. */
export async function personalToken(
  server: TestServer,
  login: string,
  name = "seed",
  expiresAt: Date | null = null,
): Promise<string> {
  const created = await server.lapse.services.bootstrap.userToken(operatorContext(server), {
    login,
    name,
    expiresAt,
  });
  return created.secret;
}

/** A fresh organization whose ADMIN is not a site admin (unless asked). */
export async function seedOrg(
  server: TestServer,
  options: { edition?: Edition; siteAdmin?: boolean } = {},
): Promise<SeededOrg> {
  const name = uniqueName("org");
  const admin = uniqueName("admin");
  const created = await server.lapse.services.bootstrap.bootstrap(operatorContext(server), {
    organization: name,
    admin,
    edition: options.edition ?? Edition.ENTERPRISE,
    siteAdmin: options.siteAdmin ?? false,
    tokenName: "seed",
  });
  return new SeededOrg(server, name, { login: admin, secret: created.secret });
}
