import { v7 as uuidv7 } from "uuid";
import type { DataSource, EntityManager } from "typeorm";
import { Action, authorize } from "../../auth/authorization";
import type { OrganizationAccess } from "../../auth/organization-access";
import type { RequestContext } from "../../context";
import { isUniqueViolation } from "../../db/errors";
import { badUserInput, conflict, notFound } from "../../errors/lapse-error";
import { assertValid } from "../../errors/validation";
import type { AuditService } from "../audit/audit.service";
import { AuditEventType } from "../audit/audit.types";
import { Membership } from "../organization/membership.entity";
import type { Organization } from "../organization/organization.entity";
import {
  AddTeamMemberArgs,
  ChangeTeamRoleArgs,
  CreateTeamArgs,
  DeleteTeamArgs,
  RemoveTeamMemberArgs,
} from "../organization/organization.inputs";
import { AccessToken } from "../token/access-token.entity";
import { REVOCATION_REASONS } from "../token/token.types";
import type { OrganizationService } from "../organization/organization.service";
import { User } from "../user/user.entity";
import { TeamMembership } from "./team-membership.entity";
import { Team } from "./team.entity";
import type { TeamMember } from "./team.objects";

export class TeamService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly organizations: OrganizationService,
  ) {}

  /** The team `name` of the organization, or NOT_FOUND. */
  async find(manager: EntityManager, access: OrganizationAccess, name: string): Promise<Team> {
    const team = await manager.findOneBy(Team, {
      organizationId: access.organization.id,
      activeName: name,
    });
    if (!team) throw notFound(`No team named "${name}" exists in ${access.organization.name}.`);
    return team;
  }

  /** The team `name` of an organization the caller is a member of. Throws NOT_FOUND. */
  async get(ctx: RequestContext, organization: string, name: string): Promise<Team> {
    const access = await this.organizations.access(ctx, organization);
    return this.find(this.dataSource.manager, access, name);
  }

  /** Creates a team. Organization ADMINs only. Throws NOT_FOUND, FORBIDDEN, CONFLICT. */
  async create(ctx: RequestContext, input: CreateTeamArgs): Promise<Team> {
    const args = await assertValid(CreateTeamArgs, input);
    const clash = () =>
      conflict(`A team named "${args.name}" already exists in ${args.organization}.`);
    try {
      return await this.dataSource.transaction(async (manager) => {
        const access = await this.organizations.access(ctx, args.organization, manager);
        authorize(ctx, Action.CreateTeam, { access, names: { organization: args.organization } });
        if (
          await manager.existsBy(Team, {
            organizationId: access.organization.id,
            activeName: args.name,
          })
        ) {
          throw clash();
        }
        const team = await manager.save(
          manager.create(Team, {
            id: uuidv7(),
            organizationId: access.organization.id,
            name: args.name,
            activeName: args.name,
            createdAt: ctx.clock.now(),
            deletedAt: null,
          }),
        );
        await this.audit.record(ctx, manager, {
          type: AuditEventType.TEAM_CREATED,
          organizationId: access.organization.id,
          teamId: team.id,
          payload: { name: team.name },
        });
        return team;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw clash();
      throw error;
    }
  }

  /**
   * Adds an organization member to a team. Organization ADMINs and the team's MAINTAINERs only.
   * Throws NOT_FOUND, FORBIDDEN, BAD_USER_INPUT (not an organization member), CONFLICT.
   */
  async addMember(ctx: RequestContext, input: AddTeamMemberArgs): Promise<User> {
    const args = await assertValid(AddTeamMemberArgs, input);
    return this.dataSource.transaction(async (manager) => {
      const { access, team } = await this.teamToManage(ctx, manager, args);
      const user = await manager.findOneBy(User, { login: args.login });
      const member =
        user &&
        (await manager.existsBy(Membership, {
          organizationId: access.organization.id,
          userId: user.id,
        }));
      if (!user || !member) {
        throw badUserInput(
          `${args.login} is not a member of ${args.organization}; add them to it first.`,
        );
      }
      if (await manager.existsBy(TeamMembership, { teamId: team.id, userId: user.id })) {
        throw conflict(`${args.login} is already a member of ${args.team}.`);
      }
      await manager.save(
        manager.create(TeamMembership, {
          id: uuidv7(),
          teamId: team.id,
          userId: user.id,
          role: args.role,
          createdAt: ctx.clock.now(),
        }),
      );
      await this.audit.record(ctx, manager, {
        type: AuditEventType.TEAM_MEMBER_ADDED,
        organizationId: access.organization.id,
        teamId: team.id,
        payload: { login: user.login, role: args.role },
      });
      return user;
    });
  }

  /**
   * Removes a person from a team. Organization ADMINs and the team's MAINTAINERs only.
   * Throws NOT_FOUND (organization, team, or not a team member), FORBIDDEN.
   */
  async removeMember(ctx: RequestContext, input: RemoveTeamMemberArgs): Promise<Team> {
    const args = await assertValid(RemoveTeamMemberArgs, input);
    return this.dataSource.transaction(async (manager) => {
      const { access, team, user, membership } = await this.teamMemberToManage(ctx, manager, args);
      await manager.delete(TeamMembership, { id: membership.id });
      await this.audit.record(ctx, manager, {
        type: AuditEventType.TEAM_MEMBER_REMOVED,
        organizationId: access.organization.id,
        teamId: team.id,
        payload: { login: user.login, role: membership.role },
      });
      return team;
    });
  }

  /**
   * Makes a team member MAINTAINER or MEMBER in place, so they never drop out of the team between a
   * removal and an addition. Organization ADMINs and the team's MAINTAINERs only.
   * Throws NOT_FOUND (organization, team, or not a team member), FORBIDDEN.
   */
  async changeRole(ctx: RequestContext, input: ChangeTeamRoleArgs): Promise<Team> {
    const args = await assertValid(ChangeTeamRoleArgs, input);
    return this.dataSource.transaction(async (manager) => {
      const { access, team, user, membership } = await this.teamMemberToManage(ctx, manager, args);
      if (membership.role === args.role) return team;
      await manager.update(TeamMembership, { id: membership.id }, { role: args.role });
      await this.audit.record(ctx, manager, {
        type: AuditEventType.TEAM_ROLE_CHANGED,
        organizationId: access.organization.id,
        teamId: team.id,
        payload: { login: user.login, from: membership.role, to: args.role },
      });
      return team;
    });
  }

  /** The team named by `args`, once the caller may manage its members. */
  private async teamToManage(
    ctx: RequestContext,
    manager: EntityManager,
    args: { organization: string; team: string },
  ) {
    const access = await this.organizations.access(ctx, args.organization, manager);
    const team = await this.find(manager, access, args.team);
    authorize(ctx, Action.ManageTeamMembers, {
      access,
      teamId: team.id,
      names: { organization: args.organization, team: args.team },
    });
    return { access, team };
  }

  /** The team membership named by `args`, once the caller may manage the team's members. */
  private async teamMemberToManage(
    ctx: RequestContext,
    manager: EntityManager,
    args: RemoveTeamMemberArgs,
  ) {
    const { access, team } = await this.teamToManage(ctx, manager, args);
    const user = await manager.findOneBy(User, { login: args.login });
    const membership =
      user && (await manager.findOneBy(TeamMembership, { teamId: team.id, userId: user.id }));
    if (!user || !membership) throw notFound(`${args.login} is not a member of ${args.team}.`);
    return { access, team, user, membership };
  }

  /**
   * Deletes a team: its memberships go, its tokens are revoked (each with a TOKEN_REVOKED event), and
   * its name is free again; the row stays so the audit trail can still name it. ADMINs only.
   * Throws NOT_FOUND, FORBIDDEN.
   */
  async delete(ctx: RequestContext, input: DeleteTeamArgs): Promise<Team> {
    const args = await assertValid(DeleteTeamArgs, input);
    return this.dataSource.transaction(async (manager) => {
      const access = await this.organizations.access(ctx, args.organization, manager);
      const team = await this.find(manager, access, args.team);
      authorize(ctx, Action.DeleteTeam, { access, names: { organization: args.organization } });
      const now = ctx.clock.now();
      const live = await manager
        .createQueryBuilder(AccessToken, "t")
        .where("t.team_id = :teamId AND (t.revoked_at IS NULL OR t.revoked_at > :now)", {
          teamId: team.id,
          now,
        })
        .getMany();
      if (live.length > 0) {
        await manager
          .createQueryBuilder()
          .update(AccessToken)
          .set({ revokedAt: now })
          .where("id IN (:...ids)", { ids: live.map((t) => t.id) })
          .execute();
      }
      for (const token of live) {
        await this.audit.record(ctx, manager, {
          type: AuditEventType.TOKEN_REVOKED,
          organizationId: access.organization.id,
          tokenId: token.id,
          tokenName: token.name,
          teamId: team.id,
          payload: { kind: token.kind, reason: REVOCATION_REASONS.TEAM_DELETED },
        });
      }
      await manager.delete(TeamMembership, { teamId: team.id });
      team.deletedAt = now;
      team.activeName = null;
      await manager.save(team);
      await this.audit.record(ctx, manager, {
        type: AuditEventType.TEAM_DELETED,
        organizationId: access.organization.id,
        teamId: team.id,
        payload: { name: team.name, revokedTokenIds: live.map((t) => t.id) },
      });
      return team;
    });
  }

  /** The organization's teams by name, batched per request. Any member may list them. */
  list(ctx: RequestContext, organization: Organization): Promise<Team[]> {
    return ctx.loaders.teams.load(organization.id);
  }

  /** The team's members with their roles, by login, batched per request. Any member may read them. */
  members(ctx: RequestContext, team: Team): Promise<TeamMember[]> {
    return ctx.loaders.teamMembers.load(team.id);
  }

  /** The team's organization, batched per request. */
  async organizationOf(ctx: RequestContext, team: Team): Promise<Organization> {
    return (await ctx.loaders.organization.load(team.organizationId))!;
  }
}
