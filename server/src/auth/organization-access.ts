import type { EntityManager } from "typeorm";
import type { RequestContext } from "../context";
import { Membership } from "../modules/organization/membership.entity";
import type { Organization } from "../modules/organization/organization.entity";
import { OrganizationRole } from "../modules/organization/organization.types";
import { TeamMembership } from "../modules/team/team-membership.entity";
import { Team } from "../modules/team/team.entity";
import { TeamRole } from "../modules/team/team.types";
import { TokenKind } from "../modules/token/token.types";
import { PolicyRefusal, breaksPolicy } from "../modules/organization/token-policy";
import { requirePrincipal } from "./principal";

/**
 * What the caller may do in one organization. A personal token carries its user's membership; a team
 * token acts as a member of the organization and of its team; an organization token acts as a member,
 * or as an admin with `admin: true` (still without the right to manage organization tokens, which is
 * kept for people).
 */
export class OrganizationAccess {
  constructor(
    readonly organization: Organization,
    readonly role: OrganizationRole | null,
    /** True only for a person who is an ADMIN: the one right machine tokens never get. */
    readonly isPersonAdmin: boolean,
    readonly teamRoles: ReadonlyMap<string, TeamRole>,
  ) {}

  get isMember(): boolean {
    return this.role !== null;
  }

  get canReadAllTokens(): boolean {
    return this.role === OrganizationRole.ADMIN || this.role === OrganizationRole.AUDITOR;
  }

  get canAdminister(): boolean {
    return this.role === OrganizationRole.ADMIN;
  }

  get canManageOrganizationTokens(): boolean {
    return this.isPersonAdmin;
  }

  canManageTeam(teamId: string): boolean {
    return this.canAdminister || this.teamRoles.get(teamId) === TeamRole.MAINTAINER;
  }

  canSeeTeam(teamId: string): boolean {
    return this.canReadAllTokens || this.teamRoles.has(teamId);
  }
}

/** Works out the caller's rights in `organization` (two indexed reads for a person, none for a machine token). */
export async function organizationAccess(
  ctx: RequestContext,
  manager: EntityManager,
  organization: Organization,
): Promise<OrganizationAccess> {
  const principal = requirePrincipal(ctx);
  const token = principal.token;
  if (principal.kind !== TokenKind.PERSONAL) {
    if (token.organizationId !== organization.id) {
      return new OrganizationAccess(organization, null, false, new Map());
    }
    if (principal.kind === TokenKind.TEAM && token.teamId) {
      return new OrganizationAccess(
        organization,
        OrganizationRole.MEMBER,
        false,
        new Map([[token.teamId, TeamRole.MEMBER]]),
      );
    }
    const role = token.admin ? OrganizationRole.ADMIN : OrganizationRole.MEMBER;
    return new OrganizationAccess(organization, role, false, new Map());
  }
  const userId = principal.userId!;
  const membership = await manager.findOneBy(Membership, {
    organizationId: organization.id,
    userId,
  });
  if (!membership) return new OrganizationAccess(organization, null, false, new Map());
  // A personal token acting on this organization's resources must meet its lifetime policy.
  if (breaksPolicy(token, organization, ctx.clock.now()))
    throw new PolicyRefusal(organization, token);
  const teamMemberships = await manager
    .createQueryBuilder(TeamMembership, "tm")
    .innerJoin(Team, "t", "t.id = tm.team_id")
    .where("tm.user_id = :userId AND t.organization_id = :orgId", {
      userId,
      orgId: organization.id,
    })
    .getMany();
  return new OrganizationAccess(
    organization,
    membership.role,
    membership.role === OrganizationRole.ADMIN,
    new Map(teamMemberships.map((tm) => [tm.teamId, tm.role])),
  );
}
