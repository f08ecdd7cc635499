import type { EntityManager } from "typeorm";
import { Action, decide, factsFor, isMinted, type Subject } from "../../auth/authorization";
import {
  mintingOrganizationId,
  organizationAccess,
  type OrganizationAccess,
} from "../../auth/organization-access";
import { requirePrincipal } from "../../auth/principal";
import type { RequestContext } from "../../context";
import type { LapseError } from "../../errors/lapse-error";
import { Membership } from "../organization/membership.entity";
import { Organization } from "../organization/organization.entity";
import { OrganizationRole } from "../organization/organization.types";
import { breaksPolicy } from "../organization/token-policy";
import type { AccessToken } from "./access-token.entity";
import { TokenKind } from "./token.types";

const REVOKE: Record<TokenKind, Action> = {
  [TokenKind.PERSONAL]: Action.RevokePersonalToken,
  [TokenKind.TEAM]: Action.RevokeTeamToken,
  [TokenKind.ORGANIZATION]: Action.RevokeOrganizationToken,
};

const ROTATE: Record<TokenKind, Action> = {
  [TokenKind.PERSONAL]: Action.RotatePersonalToken,
  [TokenKind.TEAM]: Action.RotateTeamToken,
  [TokenKind.ORGANIZATION]: Action.RotateOrganizationToken,
};

/**
 * What the rules of `authorization.ts` need to know about the caller and one token: the caller's
 * standing in the token's organization (team and organization tokens), or whether the caller
 * oversees an organization the owner is in (personal tokens).
 */
export class TokenAccessPolicy {
  /** Whether the caller may read `token`. */
  async canSee(ctx: RequestContext, manager: EntityManager, token: AccessToken): Promise<boolean> {
    return (
      decide(Action.ReadToken, factsFor(ctx, await this.subject(ctx, manager, token))) === null
    );
  }

  /** Why the caller may not revoke (or rotate) `token`, or null when it may. */
  async refusal(
    ctx: RequestContext,
    manager: EntityManager,
    token: AccessToken,
    what: "revoke" | "rotate",
  ): Promise<LapseError | null> {
    const action = (what === "revoke" ? REVOKE : ROTATE)[token.kind];
    return decide(action, factsFor(ctx, await this.subject(ctx, manager, token)));
  }

  private async subject(
    ctx: RequestContext,
    manager: EntityManager,
    token: AccessToken,
  ): Promise<Subject> {
    const principal = requirePrincipal(ctx);
    if (principal.token?.id === token.id) return { token };
    if (token.kind === TokenKind.PERSONAL) {
      return { token, overseer: await this.oversees(ctx, manager, token.ownerId!) };
    }
    return { token, access: await this.accessTo(ctx, manager, token) };
  }

  private async accessTo(
    ctx: RequestContext,
    manager: EntityManager,
    token: AccessToken,
  ): Promise<OrganizationAccess | null> {
    const organization = await manager.findOneBy(Organization, { id: token.organizationId! });
    return organization ? organizationAccess(ctx, manager, organization) : null;
  }

  /**
   * True when the caller reads all tokens of some organization that `ownerId` is a member of, and
   * acts there: a personal token that breaks that organization's lifetime policy does not, nor does
   * a minted one outside the organization that minted it.
   */
  private async oversees(
    ctx: RequestContext,
    manager: EntityManager,
    ownerId: string,
  ): Promise<boolean> {
    const principal = requirePrincipal(ctx);
    if (principal.kind === TokenKind.ORGANIZATION && principal.token?.admin) {
      return manager.existsBy(Membership, {
        organizationId: principal.token.organizationId!,
        userId: ownerId,
      });
    }
    if (!principal.userId) return false;
    const rows: { orgId: string }[] = await manager
      .createQueryBuilder(Membership, "viewer")
      .select("viewer.organization_id", "orgId")
      .innerJoin(Membership, "member", "member.organization_id = viewer.organization_id")
      .where(
        "viewer.user_id = :viewerId AND viewer.role IN (:...roles) AND member.user_id = :ownerId",
        {
          viewerId: principal.userId,
          roles: [OrganizationRole.ADMIN, OrganizationRole.AUDITOR],
          ownerId,
        },
      )
      .getRawMany();
    if (rows.length === 0) return false;
    const caller = principal.token;
    const bound =
      caller && isMinted(caller) ? await mintingOrganizationId(manager, caller) : undefined;
    const now = ctx.clock.now();
    for (const { orgId } of rows) {
      if (bound !== undefined && bound !== orgId) continue;
      const organization = await manager.findOneBy(Organization, { id: orgId });
      if (organization && !(caller && breaksPolicy(caller, organization, now))) return true;
    }
    return false;
  }
}
