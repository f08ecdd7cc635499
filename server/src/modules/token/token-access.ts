import type { EntityManager } from "typeorm";
import { organizationAccess, type OrganizationAccess } from "../../auth/organization-access";
import { requirePrincipal } from "../../auth/principal";
import type { RequestContext } from "../../context";
import { Membership } from "../organization/membership.entity";
import { Organization } from "../organization/organization.entity";
import { OrganizationRole } from "../organization/organization.types";
import type { AccessToken } from "./access-token.entity";
import { TokenKind } from "./token.types";

/**
 * Who may see and revoke a given token. Every token may see and revoke itself. A personal token is
 * its owner's; ADMINs and AUDITORs of an organization the owner belongs to may read it (it acts there)
 * but only the owner revokes it. Team and organization tokens follow the OrganizationAccess rules.
 */
export class TokenAccessPolicy {
  async canSee(ctx: RequestContext, manager: EntityManager, token: AccessToken): Promise<boolean> {
    const principal = requirePrincipal(ctx);
    if (principal.token.id === token.id) return true;
    if (token.kind === TokenKind.PERSONAL) {
      return (
        principal.userId === token.ownerId || this.readsMembersTokens(ctx, manager, token.ownerId!)
      );
    }
    const access = await this.accessTo(ctx, manager, token);
    if (!access) return false;
    return access.canReadAllTokens || (token.teamId !== null && access.canSeeTeam(token.teamId));
  }

  async canRevoke(
    ctx: RequestContext,
    manager: EntityManager,
    token: AccessToken,
  ): Promise<boolean> {
    const principal = requirePrincipal(ctx);
    if (principal.token.id === token.id) return true;
    if (token.kind === TokenKind.PERSONAL) return principal.userId === token.ownerId;
    const access = await this.accessTo(ctx, manager, token);
    if (!access) return false;
    return token.kind === TokenKind.TEAM
      ? access.canManageTeam(token.teamId!)
      : access.canManageOrganizationTokens;
  }

  /** What the caller lacks to revoke `token`, as a sentence. */
  revokeRule(token: AccessToken): string {
    switch (token.kind) {
      case TokenKind.PERSONAL:
        return "Only the owner of a personal token can revoke it.";
      case TokenKind.TEAM:
        return "Only organization ADMINs and the team's MAINTAINERs can revoke a team token.";
      case TokenKind.ORGANIZATION:
        return "Only organization ADMINs, signed in with a personal token, can revoke an organization token.";
    }
  }

  private async accessTo(
    ctx: RequestContext,
    manager: EntityManager,
    token: AccessToken,
  ): Promise<OrganizationAccess | null> {
    const organization = await manager.findOneBy(Organization, { id: token.organizationId! });
    return organization ? organizationAccess(ctx, manager, organization) : null;
  }

  /** True when the caller reads all tokens of some organization that `ownerId` is a member of. */
  private async readsMembersTokens(
    ctx: RequestContext,
    manager: EntityManager,
    ownerId: string,
  ): Promise<boolean> {
    const principal = requirePrincipal(ctx);
    if (principal.kind === TokenKind.ORGANIZATION && principal.token.admin) {
      return manager.existsBy(Membership, {
        organizationId: principal.token.organizationId!,
        userId: ownerId,
      });
    }
    if (!principal.userId) return false;
    const row: unknown = await manager
      .createQueryBuilder(Membership, "viewer")
      .innerJoin(Membership, "member", "member.organization_id = viewer.organization_id")
      .where(
        "viewer.user_id = :viewerId AND viewer.role IN (:...roles) AND member.user_id = :ownerId",
        {
          viewerId: principal.userId,
          roles: [OrganizationRole.ADMIN, OrganizationRole.AUDITOR],
          ownerId,
        },
      )
      .getRawOne();
    return row !== undefined;
  }
}
