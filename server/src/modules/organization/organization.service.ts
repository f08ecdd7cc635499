import { v7 as uuidv7 } from "uuid";
import type { DataSource, EntityManager } from "typeorm";
import { organizationAccess, type OrganizationAccess } from "../../auth/organization-access";
import { Action, authorize, decide, factsFor } from "../../auth/authorization";
import { requirePrincipal } from "../../auth/principal";
import type { RequestContext } from "../../context";
import { isUniqueViolation } from "../../db/errors";
import { conflict, notFound } from "../../errors/lapse-error";
import { assertValid } from "../../errors/validation";
import type { AuditService } from "../audit/audit.service";
import { AuditEventType } from "../audit/audit.types";
import { User } from "../user/user.entity";
import type { UserService } from "../user/user.service";
import { Membership } from "./membership.entity";
import { Organization } from "./organization.entity";
import { TeamMembership } from "../team/team-membership.entity";
import { Team } from "../team/team.entity";
import {
  AddOrganizationMemberArgs,
  ChangeOrganizationRoleArgs,
  CreateOrganizationArgs,
  OrganizationMemberArgs,
  SetOrganizationEditionArgs,
} from "./organization.inputs";
import { OrganizationRole } from "./organization.types";

export interface OrganizationMember {
  user: User;
  role: OrganizationRole;
}

export class OrganizationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly users: UserService,
  ) {}

  /**
   * The organization named `name` with the caller's rights in it.
   * Throws NOT_FOUND when it does not exist or the caller is not a member (existence does not leak).
   */
  async access(
    ctx: RequestContext,
    name: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<OrganizationAccess> {
    const access = await this.tryAccess(ctx, name, manager);
    if (!access) throw notFound(`No organization named "${name}" exists that you are a member of.`);
    return access;
  }

  /** The caller's rights in the organization named `name`, or null if it is not visible to them. */
  async tryAccess(
    ctx: RequestContext,
    name: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<OrganizationAccess | null> {
    const organization = await manager.findOneBy(Organization, { name });
    if (!organization) return null;
    const access = await organizationAccess(ctx, manager, organization);
    return access.isMember ? access : null;
  }

  /** The organization if the caller is a member, else null. Throws UNAUTHENTICATED. */
  async findVisible(ctx: RequestContext, name: string): Promise<Organization | null> {
    requirePrincipal(ctx);
    return (await this.tryAccess(ctx, name))?.organization ?? null;
  }

  /** Creates an organization with the caller as its ADMIN. Site admins only. Throws FORBIDDEN, CONFLICT. */
  async create(ctx: RequestContext, input: CreateOrganizationArgs): Promise<Organization> {
    const args = await assertValid(CreateOrganizationArgs, input);
    const caller = await this.callingUser(ctx);
    authorize(ctx, Action.CreateOrganization, { siteAdmin: caller?.siteAdmin });
    return this.createWithAdmin(ctx, args, caller!.login);
  }

  /**
   * Creates an organization and makes `adminLogin` (created if new) its ADMIN, with the audit event,
   * in one transaction. Used by `create` and by first-run bootstrap.
   */
  async createWithAdmin(
    ctx: RequestContext,
    input: CreateOrganizationArgs,
    adminLogin: string,
    options: { siteAdmin?: boolean; manager?: EntityManager } = {},
  ): Promise<Organization> {
    const args = await assertValid(CreateOrganizationArgs, input);
    const run = async (manager: EntityManager) => {
      if (await manager.existsBy(Organization, { name: args.name })) {
        throw conflict(`An organization named "${args.name}" already exists.`);
      }
      const now = ctx.clock.now();
      const organization = await manager.save(
        manager.create(Organization, {
          id: uuidv7(),
          name: args.name,
          edition: args.edition,
          createdAt: now,
        }),
      );
      const admin = await this.users.findOrCreate(ctx, manager, adminLogin);
      if (options.siteAdmin && !admin.siteAdmin) {
        admin.siteAdmin = true;
        await manager.save(admin);
      }
      await this.saveMembership(ctx, manager, organization.id, admin.id, OrganizationRole.ADMIN);
      await this.audit.record(ctx, manager, {
        type: AuditEventType.ORGANIZATION_CREATED,
        organizationId: organization.id,
        payload: { name: organization.name, edition: organization.edition, admin: admin.login },
      });
      return organization;
    };
    try {
      return options.manager ? await run(options.manager) : await this.dataSource.transaction(run);
    } catch (error) {
      if (isUniqueViolation(error))
        throw conflict(`An organization named "${args.name}" already exists.`);
      throw error;
    }
  }

  /** Changes an organization's edition. Site admins only. Throws FORBIDDEN, NOT_FOUND. */
  async setEdition(ctx: RequestContext, input: SetOrganizationEditionArgs): Promise<Organization> {
    const args = await assertValid(SetOrganizationEditionArgs, input);
    authorize(ctx, Action.SetEdition, { siteAdmin: (await this.callingUser(ctx))?.siteAdmin });
    return this.dataSource.transaction(async (manager) => {
      const organization = await manager.findOneBy(Organization, { name: args.organization });
      if (!organization) throw notFound(`No organization named "${args.organization}" exists.`);
      const previous = organization.edition;
      organization.edition = args.edition;
      await manager.save(organization);
      await this.audit.record(ctx, manager, {
        type: AuditEventType.EDITION_CHANGED,
        organizationId: organization.id,
        payload: { from: previous, to: args.edition },
      });
      return organization;
    });
  }

  /**
   * Kept for old clients; nobody may add a member directly any more. People join by invitation, so
   * that an existing login joins another organization only with its own consent, and the answer is
   * the same whatever `login` is (it never tells whether a login exists elsewhere).
   * Throws NOT_FOUND (not a member of the organization), FORBIDDEN.
   */
  async addMember(ctx: RequestContext, input: AddOrganizationMemberArgs): Promise<User> {
    const args = await assertValid(AddOrganizationMemberArgs, input);
    const access = await this.access(ctx, args.organization);
    const names = { organization: args.organization };
    // No condition enables AddMember, so this is always the rule's own refusal.
    throw decide(Action.AddMember, factsFor(ctx, { access, names }), names)!;
  }

  /**
   * Removes a member and their team memberships. Their personal tokens stop acting here (they act only
   * where the user is a member). ADMINs only; the last ADMIN cannot be removed.
   * Throws NOT_FOUND, FORBIDDEN, CONFLICT (last ADMIN).
   */
  async removeMember(ctx: RequestContext, input: OrganizationMemberArgs): Promise<User> {
    const args = await assertValid(OrganizationMemberArgs, input);
    return this.dataSource.transaction(async (manager) => {
      const { access, user, membership } = await this.memberToManage(
        ctx,
        manager,
        args,
        Action.RemoveMember,
      );
      await this.assertNotLastAdmin(manager, access.organization, membership, "remove them");
      await manager.delete(Membership, { id: membership.id });
      const teamIds = manager
        .createQueryBuilder()
        .subQuery()
        .select("team.id")
        .from(Team, "team")
        .where("team.organization_id = :orgId")
        .getQuery();
      await manager
        .createQueryBuilder()
        .delete()
        .from(TeamMembership)
        .where(`user_id = :userId AND team_id IN ${teamIds}`, {
          userId: user.id,
          orgId: access.organization.id,
        })
        .execute();
      await this.audit.record(ctx, manager, {
        type: AuditEventType.MEMBER_REMOVED,
        organizationId: access.organization.id,
        payload: { login: user.login, role: membership.role },
      });
      return user;
    });
  }

  /** Changes a member's role. ADMINs only; the last ADMIN keeps the role. Throws NOT_FOUND, FORBIDDEN, CONFLICT. */
  async changeRole(ctx: RequestContext, input: ChangeOrganizationRoleArgs): Promise<User> {
    const args = await assertValid(ChangeOrganizationRoleArgs, input);
    return this.dataSource.transaction(async (manager) => {
      const { access, user, membership } = await this.memberToManage(
        ctx,
        manager,
        args,
        Action.ChangeRole,
      );
      if (membership.role === args.role) return user;
      if (args.role !== OrganizationRole.ADMIN) {
        await this.assertNotLastAdmin(
          manager,
          access.organization,
          membership,
          "change their role",
        );
      }
      const previous = membership.role;
      membership.role = args.role;
      await manager.save(membership);
      await this.audit.record(ctx, manager, {
        type: AuditEventType.ROLE_CHANGED,
        organizationId: access.organization.id,
        payload: { login: user.login, from: previous, to: args.role },
      });
      return user;
    });
  }

  /** Members with their roles, by login, batched per request. Any member may read them. */
  members(ctx: RequestContext, organization: Organization): Promise<OrganizationMember[]> {
    return ctx.loaders.members.load(organization.id);
  }

  private async saveMembership(
    ctx: RequestContext,
    manager: EntityManager,
    organizationId: string,
    userId: string,
    role: OrganizationRole,
  ): Promise<Membership> {
    return manager.save(
      manager.create(Membership, {
        id: uuidv7(),
        organizationId,
        userId,
        role,
        createdAt: ctx.clock.now(),
      }),
    );
  }

  private async memberToManage(
    ctx: RequestContext,
    manager: EntityManager,
    args: OrganizationMemberArgs,
    action: Action,
  ): Promise<{ access: OrganizationAccess; user: User; membership: Membership }> {
    const access = await this.access(ctx, args.organization, manager);
    authorize(ctx, action, { access, names: { organization: args.organization } });
    const user = await manager.findOneBy(User, { login: args.login });
    const membership =
      user &&
      (await manager.findOneBy(Membership, {
        organizationId: access.organization.id,
        userId: user.id,
      }));
    if (!user || !membership)
      throw notFound(`${args.login} is not a member of ${args.organization}.`);
    return { access, user, membership };
  }

  /** Refuses to leave an organization without an ADMIN; locks the ADMIN rows so two removals cannot race. */
  private async assertNotLastAdmin(
    manager: EntityManager,
    organization: Organization,
    membership: Membership,
    action: string,
  ): Promise<void> {
    if (membership.role !== OrganizationRole.ADMIN) return;
    const query = manager
      .createQueryBuilder(Membership, "m")
      .where("m.organization_id = :orgId AND m.role = :admin", {
        orgId: organization.id,
        admin: OrganizationRole.ADMIN,
      });
    // SQLite serialises writers already; MySQL needs the rows locked.
    if (manager.connection.options.type === "mysql") query.setLock("pessimistic_write");
    const admins = await query.getMany();
    if (admins.length <= 1) {
      throw conflict(
        `This is the last ADMIN of ${organization.name}; make another member ADMIN before you ${action}.`,
      );
    }
  }

  private async callingUser(ctx: RequestContext): Promise<User | null> {
    const { userId } = requirePrincipal(ctx);
    return userId ? ctx.loaders.user.load(userId) : null;
  }
}
