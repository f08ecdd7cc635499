import type { DataSource } from "typeorm";
import { requirePrincipal } from "../../auth/principal";
import type { RequestContext } from "../../context";
import { DAY_MS } from "../../clock";
import { badUserInput, conflict, notFound } from "../../errors/lapse-error";
import { assertValid } from "../../errors/validation";
import type { AuditService } from "../audit/audit.service";
import { AuditEventType } from "../audit/audit.types";
import { Organization } from "../organization/organization.entity";
import { policyDeadline } from "../organization/token-policy";
import { AccessToken } from "./access-token.entity";
import type { TokenAccessPolicy } from "./token-access";
import { latestExpiry } from "./token-expiry";
import { RotateTokenArgs } from "./token.inputs";
import type { CreatedToken } from "./token.objects";
import type { TokenService } from "./token.service";
import { TokenKind, TokenSource } from "./token.types";

/** Replaces a token's secret without downtime: a new token, and the old one revoked now or after a grace period. */
export class TokenRotationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly tokens: TokenService,
    private readonly policy: TokenAccessPolicy,
  ) {}

  /**
   * Rotates a token the caller may revoke (any token may rotate itself). The new token keeps the
   * kind, name, description, owner and team, and records which token it replaced.
   * Throws NOT_FOUND, FORBIDDEN, CONFLICT (already revoked or rotated), EDITION_REQUIRED,
   * BAD_USER_INPUT, POLICY_VIOLATION.
   */
  async rotate(ctx: RequestContext, input: RotateTokenArgs): Promise<CreatedToken> {
    const args = await assertValid(RotateTokenArgs, input);
    const principal = requirePrincipal(ctx);
    return this.dataSource.transaction(async (manager) => {
      const old = await manager.findOneBy(AccessToken, { id: args.id });
      if (!old || !(await this.policy.canSee(ctx, manager, old))) {
        throw notFound(`No token with id "${args.id.slice(0, 64)}" exists that you can see.`);
      }
      const refusal = await this.policy.refusal(ctx, manager, old, "rotate");
      if (refusal) throw refusal;
      const alreadyDone = () =>
        conflict(`Token "${old.name}" is already revoked or rotated; rotate its replacement.`);
      if (old.rotatedAt || old.revokedAt) throw alreadyDone();
      const organization = old.organizationId
        ? await manager.findOneByOrFail(Organization, { id: old.organizationId })
        : undefined;
      if (organization) this.tokens.assertMachineTokenEdition(organization, old.kind);

      const now = ctx.clock.now();
      const rotatesItself = principal.token?.id === old.id;
      const expiresAt = this.newExpiry(ctx, old, organization, now, args.expiresAt, rotatesItself);
      const grace = args.gracePeriodSeconds ?? 0;
      const revokedAt = new Date(now.getTime() + grace * 1000);
      // Conditional, so that of concurrent rotations exactly one succeeds.
      const result = await manager
        .createQueryBuilder()
        .update(AccessToken)
        .set({ rotatedAt: now, revokedAt, nameKey: null })
        .where("id = :id AND rotated_at IS NULL AND revoked_at IS NULL", { id: old.id })
        .execute();
      if (!result.affected) throw alreadyDone();

      const created = await this.tokens.issue(ctx, manager, {
        kind: old.kind,
        name: old.name,
        description: old.description,
        expiresAt,
        admin: old.admin,
        organizationId: old.organizationId,
        teamId: old.teamId,
        ownerId: old.ownerId,
        createdById: principal.userId ?? old.createdById,
        source: TokenSource.ROTATION,
        policyOrganization: old.kind === TokenKind.PERSONAL ? undefined : organization,
        replacedTokenId: old.id,
        boundedByCaller: !rotatesItself,
        scopes: args.scopes,
        rotating: old,
      });
      await this.audit.record(ctx, manager, {
        type: AuditEventType.TOKEN_ROTATED,
        organizationId: old.organizationId,
        tokenId: old.id,
        tokenName: old.name,
        teamId: old.teamId,
        subjectUserId: old.ownerId,
        payload: {
          newTokenId: created.token.id,
          previousExpiresAt: old.expiresAt?.toISOString() ?? null,
          expiresAt: created.token.expiresAt?.toISOString() ?? null,
          gracePeriodSeconds: grace,
          oldTokenRevokedAt: revokedAt.toISOString(),
        },
      });
      return created;
    });
  }

  /** The token `token` replaced by rotation, if the caller may see it. */
  async rotatedFrom(ctx: RequestContext, token: AccessToken): Promise<AccessToken | null> {
    if (!token.replacedTokenId) return null;
    return this.visible(ctx, await ctx.loaders.token.load(token.replacedTokenId));
  }

  /** The token that replaced `token` by rotation, if there is one the caller may see. */
  async replacedBy(ctx: RequestContext, token: AccessToken): Promise<AccessToken | null> {
    if (!token.rotatedAt) return null;
    return this.visible(ctx, await ctx.loaders.replacement.load(token.id));
  }

  private async visible(ctx: RequestContext, token: AccessToken | null) {
    return token && (await this.policy.canSee(ctx, this.dataSource.manager, token)) ? token : null;
  }

  /**
   * The new token's expiry: at most the old token's lifetime from now (never, only if it never
   * expired), within the organization's policy, two years, and (rotating another token) the calling
   * token's own expiry. Without `requested`, the latest of those; a later `requested` is refused.
   * Throws BAD_USER_INPUT.
   */
  private newExpiry(
    ctx: RequestContext,
    old: AccessToken,
    organization: Organization | undefined,
    now: Date,
    requested: Date | null | undefined,
    rotatesItself: boolean,
  ): Date | null {
    const lifetime = old.expiresAt ? old.expiresAt.getTime() - old.createdAt.getTime() : null;
    const lifetimeBound = lifetime === null ? null : now.getTime() + lifetime;
    if (requested != null) {
      if (lifetimeBound !== null && requested.getTime() > lifetimeBound) {
        throw badUserInput(
          `A rotation keeps the token's lifetime: "${old.name}" lived ${describeMs(lifetime!)}, so its ` +
            `replacement must expire no later than ${new Date(lifetimeBound).toISOString()}.`,
        );
      }
      return requested;
    }
    const caps = [latestExpiry(now).getTime()];
    if (lifetimeBound !== null) caps.push(lifetimeBound);
    const deadline =
      organization && old.kind !== TokenKind.PERSONAL ? policyDeadline(organization, now) : null;
    if (deadline) caps.push(deadline.getTime());
    const caller = ctx.principal?.token?.expiresAt;
    if (!rotatesItself && caller) caps.push(caller.getTime());
    if (lifetimeBound === null && caps.length === 1) return null;
    return new Date(Math.min(...caps));
  }
}

/** A lifetime in words: whole days, else hours, else seconds. */
function describeMs(ms: number): string {
  if (ms % DAY_MS === 0) return `${ms / DAY_MS} days`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} hours`;
  return `${Math.round(ms / 1000)} seconds`;
}
