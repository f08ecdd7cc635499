import { v7 as uuidv7 } from "uuid";
import { Action, authorize } from "../../auth/authorization";
import { organizationAccess } from "../../auth/organization-access";
import { DAY_MS } from "../../clock";
import { IsNull, MoreThan, type DataSource, type EntityManager } from "typeorm";
import {
  INVITATION_PREFIX,
  digestSecret,
  generateCode,
  isWellFormed,
} from "../../auth/token-secret";
import type { RequestContext } from "../../context";
import { badUserInput, conflict, forbidden, notFound } from "../../errors/lapse-error";
import { assertValid } from "../../errors/validation";
import type { AuditService } from "../audit/audit.service";
import { AuditEventType } from "../audit/audit.types";
import { Membership } from "../organization/membership.entity";
import { Organization } from "../organization/organization.entity";
import type { OrganizationService } from "../organization/organization.service";
import { policyDeadline } from "../organization/token-policy";
import type { CreatedToken } from "../token/token.objects";
import type { TokenService } from "../token/token.service";
import { TokenKind, TokenSource } from "../token/token.types";
import { User } from "../user/user.entity";
import type { UserService } from "../user/user.service";
import { Invitation } from "./invitation.entity";
import {
  CancelInvitationArgs,
  InvitationsArgs,
  InviteMemberArgs,
  RedeemInvitationArgs,
} from "./invitation.inputs";
import type { CreatedInvitation } from "./invitation.objects";

const DEFAULT_DAYS = 7;
const unknownCode = () =>
  notFound(
    "This invitation code is not valid; check that it was copied whole, or ask an ADMIN for a new one if it was cancelled.",
  );
const MAX_DAYS = 30;

/** How a person gets a first token: a one-time code an ADMIN hands them. */
export class InvitationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly organizations: OrganizationService,
    private readonly users: UserService,
    private readonly tokens: TokenService,
    private readonly options: { newLoginsBySsoOnly: boolean } = { newLoginsBySsoOnly: false },
  ) {}

  /**
   * Invites `login` with `role`; returns the code, shown once (only its digest is kept). ADMINs only.
   * Throws NOT_FOUND, FORBIDDEN, BAD_USER_INPUT (expiry), CONFLICT (already a member).
   */
  async invite(ctx: RequestContext, input: InviteMemberArgs): Promise<CreatedInvitation> {
    const args = await assertValid(InviteMemberArgs, input);
    return this.dataSource.transaction(async (manager) => {
      const access = await this.organizations.access(ctx, args.organization, manager);
      authorize(ctx, Action.InviteMember, {
        access,
        names: { organization: args.organization },
      });
      const now = ctx.clock.now();
      const latest = new Date(now.getTime() + MAX_DAYS * DAY_MS);
      const expiresAt = args.expiresAt ?? new Date(now.getTime() + DEFAULT_DAYS * DAY_MS);
      if (expiresAt.getTime() <= now.getTime() || expiresAt.getTime() > latest.getTime()) {
        throw badUserInput(
          `An invitation's expiresAt must lie after now and no later than ${latest.toISOString()} (30 days ahead).`,
        );
      }
      const user = await manager.findOneBy(User, { login: args.login });
      if (
        user &&
        (await manager.existsBy(Membership, {
          organizationId: access.organization.id,
          userId: user.id,
        }))
      ) {
        throw conflict(`${args.login} is already a member of ${args.organization}.`);
      }
      const code = generateCode(INVITATION_PREFIX);
      const invitation = manager.create(Invitation, {
        id: uuidv7(),
        organizationId: access.organization.id,
        login: args.login,
        role: args.role,
        codeDigest: digestSecret(code),
        createdById: ctx.principal?.userId ?? null,
        createdAt: now,
        expiresAt,
        redeemedAt: null,
        redeemedById: null,
      });
      await manager.insert(Invitation, invitation);
      await this.audit.record(ctx, manager, {
        type: AuditEventType.MEMBER_INVITED,
        organizationId: access.organization.id,
        payload: {
          invitationId: invitation.id,
          login: args.login,
          role: args.role,
          expiresAt: expiresAt.toISOString(),
        },
      });
      return { invitation, code };
    });
  }

  /**
   * The organization's pending invitations: neither redeemed nor expired, soonest to expire first.
   * The entity carries no code and exposes no digest. ADMINs (people) only. Throws NOT_FOUND, FORBIDDEN.
   */
  async pending(ctx: RequestContext, input: InvitationsArgs): Promise<Invitation[]> {
    const args = await assertValid(InvitationsArgs, input);
    const access = await this.organizations.access(ctx, args.organization);
    authorize(ctx, Action.ListInvitations, {
      access,
      names: { organization: args.organization },
    });
    return this.dataSource.manager.find(Invitation, {
      where: {
        organizationId: access.organization.id,
        redeemedAt: IsNull(),
        expiresAt: MoreThan(ctx.clock.now()),
      },
      order: { expiresAt: "ASC", id: "ASC" },
    });
  }

  /**
   * Cancels an invitation that has not been redeemed: the row goes, so its code no longer works,
   * and an INVITATION_CANCELLED event keeps its history. ADMINs (people) only.
   * Throws NOT_FOUND (unknown, or in an organization the caller is not in), FORBIDDEN, CONFLICT (used).
   */
  async cancel(ctx: RequestContext, input: CancelInvitationArgs): Promise<Invitation> {
    const args = await assertValid(CancelInvitationArgs, input);
    const unknown = () =>
      notFound(`No invitation with id ${args.id} exists in an organization you are a member of.`);
    return this.dataSource.transaction(async (manager) => {
      const invitation = await manager.findOneBy(Invitation, { id: args.id });
      if (!invitation) throw unknown();
      const organization = await manager.findOneByOrFail(Organization, {
        id: invitation.organizationId,
      });
      const access = await organizationAccess(ctx, manager, organization);
      // Outsiders learn nothing of another organization's invitations, not even that one exists.
      if (!access.isMember) throw unknown();
      authorize(ctx, Action.CancelInvitation, {
        access,
        names: { organization: organization.name },
      });
      const used = () =>
        conflict(
          `${invitation.login} already redeemed this invitation; remove them from ${organization.name} instead.`,
        );
      if (invitation.redeemedAt) throw used();
      // Conditional, so that a code redeemed at this very moment is either used or cancelled, not both.
      const deleted = await manager
        .createQueryBuilder()
        .delete()
        .from(Invitation)
        .where("id = :id AND redeemed_at IS NULL", { id: invitation.id })
        .execute();
      if (!deleted.affected) throw used();
      await this.audit.record(ctx, manager, {
        type: AuditEventType.INVITATION_CANCELLED,
        organizationId: organization.id,
        payload: { invitationId: invitation.id, login: invitation.login, role: invitation.role },
      });
      return invitation;
    });
  }

  /** Who made the invitation, batched per request; null when made by a machine or by first run. */
  async creator(ctx: RequestContext, invitation: Invitation): Promise<User | null> {
    return invitation.createdById ? ctx.loaders.user.load(invitation.createdById) : null;
  }

  /**
   * Redeems a code: joins its organization and returns a personal token for the invited login. A new
   * login needs no authentication; an existing one must be signed in as that user. A malformed code
   * is refused without a database query; refused redemptions change nothing. Throws NOT_FOUND
   * (unknown or cancelled code), FORBIDDEN (existing account, not signed in as it), CONFLICT (used,
   * or already a member), BAD_USER_INPUT (expired, token name or expiry), POLICY_VIOLATION.
   */
  async redeem(ctx: RequestContext, input: RedeemInvitationArgs): Promise<CreatedToken> {
    const args = await assertValid(RedeemInvitationArgs, input);
    if (!isWellFormed(args.code, INVITATION_PREFIX)) throw unknownCode();
    return this.dataSource.transaction(async (manager) => {
      const { user, organization, existing } = await this.join(
        ctx,
        manager,
        args.code,
        (_, found) => {
          // An invitation never hands out an existing account: whoever holds the code must already be
          // that user, or an organization ADMIN could take over a login that acts in other organizations.
          if (found && ctx.principal?.userId !== found.id) {
            throw forbidden(
              `${found.login} already has a Lapse account; redeem this invitation signed in with one of their personal tokens.`,
            );
          }
          // With single sign-on, a code alone must not make a login: whoever held it (an ADMIN of
          // any organization, say) would keep a token for an account its real owner later signs in
          // to, and share every organization they join. The provider vouches for new logins.
          if (!found && this.options.newLoginsBySsoOnly) {
            throw forbidden(
              "Single sign-on is set up: join with this invitation through the sign-in page's Join with SSO, so that your identity provider vouches for your login.",
            );
          }
        },
      );
      // The first token must work in the organization it joins, so its policy bounds it.
      const now = ctx.clock.now();
      const deadline = policyDeadline(organization, now);
      return this.tokens.issue(ctx, manager, {
        kind: TokenKind.PERSONAL,
        name: args.tokenName,
        expiresAt: args.expiresAt ?? deadline,
        ownerId: user.id,
        createdById: user.id,
        source: TokenSource.API,
        policyOrganization: deadline ? organization : undefined,
        actorUserId: user.id,
        // The code, not the request's token, is the credential for a new login; an existing login
        // redeems signed in as itself, and that token bounds the new one.
        boundedByCaller: existing !== null,
      });
    });
  }

  /**
   * Redeems a code at single sign-on, inside `manager`'s transaction, for `login`, whom the identity
   * provider has just vouched for: the invitation must be for that login (new or existing). Throws
   * as `redeem` does, and FORBIDDEN when the invitation is for another login.
   */
  async redeemAs(
    ctx: RequestContext,
    manager: EntityManager,
    code: string,
    login: string,
  ): Promise<User> {
    const { user } = await this.join(ctx, manager, code, (invitation) => {
      const claimed = login.slice(0, 64);
      if (invitation.login !== login) {
        throw forbidden(
          `This invitation is for ${invitation.login}, but the identity provider signed you in as ${claimed}; sign in there as ${invitation.login}, or ask for an invitation for ${claimed}.`,
        );
      }
    });
    return user;
  }

  /**
   * Claims the invitation behind `code` and makes its login a member, with MEMBER_JOINED; `admit`
   * refuses a holder who may not be the invited login (given the account, if it exists).
   */
  private async join(
    ctx: RequestContext,
    manager: EntityManager,
    code: string,
    admit: (invitation: Invitation, existing: User | null) => void,
  ): Promise<{ user: User; organization: Organization; existing: User | null }> {
    if (!isWellFormed(code, INVITATION_PREFIX)) throw unknownCode();
    const invitation = await manager.findOneBy(Invitation, { codeDigest: digestSecret(code) });
    if (!invitation) throw unknownCode();
    const organization = await manager.findOneByOrFail(Organization, {
      id: invitation.organizationId,
    });
    const now = ctx.clock.now();
    if (invitation.redeemedAt) throw conflict("This invitation has already been used.");
    if (invitation.expiresAt.getTime() <= now.getTime()) {
      throw badUserInput(
        `This invitation expired at ${invitation.expiresAt.toISOString()}; ask an ADMIN of ${organization.name} for a new one.`,
      );
    }
    // Conditional, so that a code redeemed twice at once joins once.
    const claimed = await manager
      .createQueryBuilder()
      .update(Invitation)
      .set({ redeemedAt: now })
      .where("id = :id AND redeemed_at IS NULL", { id: invitation.id })
      .execute();
    if (!claimed.affected) throw conflict("This invitation has already been used.");

    const existing = await manager.findOneBy(User, { login: invitation.login });
    admit(invitation, existing);
    const user = existing ?? (await this.users.findOrCreate(ctx, manager, invitation.login));
    if (await manager.existsBy(Membership, { organizationId: organization.id, userId: user.id })) {
      throw conflict(`${user.login} is already a member of ${organization.name}.`);
    }
    await manager.insert(Membership, {
      id: uuidv7(),
      organizationId: organization.id,
      userId: user.id,
      role: invitation.role,
      createdAt: now,
    });
    await manager.update(Invitation, invitation.id, { redeemedById: user.id });
    await this.audit.record(ctx, manager, {
      type: AuditEventType.MEMBER_JOINED,
      organizationId: organization.id,
      actorUserId: user.id,
      payload: { invitationId: invitation.id, login: user.login, role: invitation.role },
    });
    return { user, organization, existing };
  }
}
