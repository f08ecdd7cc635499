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
import type { AccessToken } from "../modules/token/access-token.entity";
import { OidcIssuer } from "../modules/oidc/oidc-issuer.entity";
import { isMinted } from "./authorization";
import { requirePrincipal } from "./principal";

/**
 * The caller's standing in one organization, for the rules of `authorization.ts`: a personal token
 * carries its user's membership; a team token acts as a member of the organization and of its team;
 * an organization token acts as a MEMBER, or as an ADMIN with `admin: true`.
 */
export class OrganizationAccess {
  constructor(
    readonly organization: Organization,
    readonly role: OrganizationRole | null,
    readonly teamRoles: ReadonlyMap<string, TeamRole>,
  ) {}

  get isMember(): boolean {
    return this.role !== null;
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
  if (token && principal.kind !== TokenKind.PERSONAL) {
    if (token.organizationId !== organization.id) {
      return new OrganizationAccess(organization, null, new Map());
    }
    if (principal.kind === TokenKind.TEAM && token.teamId) {
      return new OrganizationAccess(
        organization,
        OrganizationRole.MEMBER,
        new Map([[token.teamId, TeamRole.MEMBER]]),
      );
    }
    const role = token.admin ? OrganizationRole.ADMIN : OrganizationRole.MEMBER;
    return new OrganizationAccess(organization, role, new Map());
  }
  const userId = principal.userId!;
  // A personal token minted by an organization's OIDC issuer acts in that organization only.
  if (
    token &&
    isMinted(token) &&
    (await mintingOrganizationId(manager, token)) !== organization.id
  ) {
    return new OrganizationAccess(organization, null, new Map());
  }
  const membership = await manager.findOneBy(Membership, {
    organizationId: organization.id,
    userId,
  });
  if (!membership) return new OrganizationAccess(organization, null, new Map());
  // A personal token acting on this organization's resources must meet its lifetime policy (a
  // single sign-on session has no token to break it).
  if (token && breaksPolicy(token, organization, ctx.clock.now()))
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
    new Map(teamMemberships.map((tm) => [tm.teamId, tm.role])),
  );
}

/**
 * The organization whose OIDC issuer minted `token`, or null when its issuer is gone (the token then
 * acts nowhere). Machine tokens carry their organization; a minted personal token names its issuer.
 */
export async function mintingOrganizationId(
  manager: EntityManager,
  token: AccessToken,
): Promise<string | null> {
  if (token.organizationId) return token.organizationId;
  if (!token.oidcIssuerId) return null;
  const issuer = await manager.findOneBy(OidcIssuer, { id: token.oidcIssuerId });
  return issuer?.organizationId ?? null;
}
