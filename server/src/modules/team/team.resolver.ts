import { Args, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from "type-graphql";
import { Action } from "../../auth/authorization";
import type { RequestContext } from "../../context";
import {
  AddTeamMemberArgs,
  ChangeTeamRoleArgs,
  CreateTeamArgs,
  DeleteTeamArgs,
  RemoveTeamMemberArgs,
} from "../organization/organization.inputs";
import { Organization } from "../organization/organization.entity";
import { User } from "../user/user.entity";
import { Team } from "./team.entity";
import { TeamMember } from "./team.objects";

@Resolver(() => Team)
export class TeamResolver {
  @Authorized(Action.CreateTeam)
  @Mutation(() => Team, { description: "Organization ADMINs only." })
  createTeam(@Ctx() ctx: RequestContext, @Args(() => CreateTeamArgs) args: CreateTeamArgs) {
    return ctx.services.teams.create(ctx, args);
  }

  @Authorized(Action.ManageTeamMembers)
  @Mutation(() => User, { description: "Organization ADMINs and the team's MAINTAINERs only." })
  addTeamMember(
    @Ctx() ctx: RequestContext,
    @Args(() => AddTeamMemberArgs) args: AddTeamMemberArgs,
  ) {
    return ctx.services.teams.addMember(ctx, args);
  }

  @Authorized(Action.ManageTeamMembers)
  @Mutation(() => Team, { description: "Organization ADMINs and the team's MAINTAINERs only." })
  removeTeamMember(
    @Ctx() ctx: RequestContext,
    @Args(() => RemoveTeamMemberArgs) args: RemoveTeamMemberArgs,
  ) {
    return ctx.services.teams.removeMember(ctx, args);
  }

  @Authorized(Action.ManageTeamMembers)
  @Mutation(() => Team, {
    description:
      "Makes a team member MAINTAINER or MEMBER. Organization ADMINs and the team's MAINTAINERs only.",
  })
  changeTeamRole(
    @Ctx() ctx: RequestContext,
    @Args(() => ChangeTeamRoleArgs) args: ChangeTeamRoleArgs,
  ) {
    return ctx.services.teams.changeRole(ctx, args);
  }

  @Authorized(Action.DeleteTeam)
  @Mutation(() => Team, { description: "Organization ADMINs only. Revokes the team's tokens." })
  deleteTeam(@Ctx() ctx: RequestContext, @Args(() => DeleteTeamArgs) args: DeleteTeamArgs) {
    return ctx.services.teams.delete(ctx, args);
  }

  @FieldResolver(() => [TeamMember], {
    description: "Its members by login; a deleted team has none.",
  })
  members(@Root() team: Team, @Ctx() ctx: RequestContext) {
    return ctx.services.teams.members(ctx, team);
  }

  @FieldResolver(() => Organization)
  organization(@Root() team: Team, @Ctx() ctx: RequestContext) {
    return ctx.services.teams.organizationOf(ctx, team);
  }
}
