import type { DataSource } from "typeorm";
import type { RequestContext } from "../../context";
import { Action, authorize } from "../../auth/authorization";
import { requirePrincipal } from "../../auth/principal";
import { LapseError } from "../../errors/lapse-error";
import { assertValid } from "../../errors/validation";
import type { AuditService } from "../audit/audit.service";
import { AuditEventType } from "../audit/audit.types";
import type { TokenListService } from "../token/token-list.service";
import { TokenFilter } from "../token/token.inputs";
import type { TokenExpiryPolicyPreview } from "../token/token.objects";
import { Organization } from "./organization.entity";
import { TokenExpiryPolicyArgs } from "./organization.inputs";
import type { OrganizationService } from "./organization.service";
import { breaksPolicy } from "./token-policy";

const PREVIEW_LIMIT = 100;

/** An organization's cap on token lifetime: setting it, and seeing what it would refuse. */
export class ExpiryPolicyService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly organizations: OrganizationService,
    private readonly tokenList: TokenListService,
  ) {}

  /**
   * Sets or clears the cap. ADMINs who are people only: no machine token may loosen the policy that
   * governs machine tokens. A cap the caller's own token breaks is refused rather than locking them
   * out. Throws NOT_FOUND, FORBIDDEN, BAD_USER_INPUT, POLICY_VIOLATION.
   */
  async set(ctx: RequestContext, input: TokenExpiryPolicyArgs): Promise<Organization> {
    const args = await assertValid(TokenExpiryPolicyArgs, input);
    return this.dataSource.transaction(async (manager) => {
      const access = await this.organizations.access(ctx, args.organization, manager);
      authorize(ctx, Action.SetExpiryPolicy, {
        access,
        names: { organization: args.organization },
      });
      const organization = access.organization;
      const proposed = Object.assign(new Organization(), organization, {
        maxTokenLifetimeDays: args.maxTokenLifetimeDays ?? null,
      });
      const caller = requirePrincipal(ctx).token;
      if (caller && breaksPolicy(caller, proposed, ctx.clock.now())) {
        throw new LapseError(
          "POLICY_VIOLATION",
          `The token you are using does not expire within ${args.maxTokenLifetimeDays} days, so this cap would lock it out of ${organization.name}; ` +
            `sign in with a token that expires within ${args.maxTokenLifetimeDays} days and set the policy again.`,
        );
      }
      const previous = organization.maxTokenLifetimeDays;
      organization.maxTokenLifetimeDays = args.maxTokenLifetimeDays ?? null;
      await manager.update(Organization, organization.id, {
        maxTokenLifetimeDays: organization.maxTokenLifetimeDays,
      });
      await this.audit.record(ctx, manager, {
        type: AuditEventType.POLICY_UPDATED,
        organizationId: organization.id,
        payload: {
          maxTokenLifetimeDays: { from: previous, to: organization.maxTokenLifetimeDays },
        },
      });
      return organization;
    });
  }

  /** The active tokens a proposed cap would refuse. ADMINs and AUDITORs. Throws NOT_FOUND, FORBIDDEN. */
  async preview(
    ctx: RequestContext,
    input: TokenExpiryPolicyArgs,
  ): Promise<TokenExpiryPolicyPreview> {
    const args = await assertValid(TokenExpiryPolicyArgs, input);
    const access = await this.organizations.access(ctx, args.organization);
    authorize(ctx, Action.PreviewExpiryPolicy, {
      access,
      names: { organization: args.organization },
    });
    const days = args.maxTokenLifetimeDays ?? null;
    const filter = Object.assign(new TokenFilter(), {
      organization: args.organization,
      violatesPolicy: true,
    });
    const blocked = await this.tokenList.filtered(ctx, filter, days);
    const [blockedTokens, blockedCount] = await blocked
      .orderBy("t.expires_at", "ASC")
      .addOrderBy("t.id", "ASC")
      .take(PREVIEW_LIMIT)
      .getManyAndCount();
    return { maxTokenLifetimeDays: days, blockedCount, blockedTokens };
  }
}
