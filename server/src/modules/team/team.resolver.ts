import { Args, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from "type-graphql";
import { Action } from "../../auth/authorization";
import type { RequestContext } from "../../context";
import {
  AddTeamMemberArgs,
  CreateTeamArgs,
  DeleteTeamArgs,
  RemoveTeamMemberArgs,
} from "../organization/organization.inputs";
import { Organization } from "../organization/organization.entity";
import { User } from "../user/user.entity";
import { Team } from "./team.entity";

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

  @Authorized(Action.DeleteTeam)
  @Mutation(() => Team, { description: "Organization ADMINs only. Revokes the team's tokens." })
  deleteTeam(@Ctx() ctx: RequestContext, @Args(() => DeleteTeamArgs) args: DeleteTeamArgs) {
    return ctx.services.teams.delete(ctx, args);
  }

  @FieldResolver(() => Organization)
  organization(@Root() team: Team, @Ctx() ctx: RequestContext) {
    return ctx.services.teams.organizationOf(ctx, team);
  }
}
