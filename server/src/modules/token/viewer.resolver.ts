import { Authorized, Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import { Action } from "../../auth/authorization";
import type { RequestContext } from "../../context";
import { Organization } from "../organization/organization.entity";
import { ViewerOrganization } from "../organization/organization.objects";
import { Team } from "../team/team.entity";
import { User } from "../user/user.entity";
import { Viewer } from "./token.objects";

@Resolver(() => Viewer)
export class ViewerResolver {
  @Authorized(Action.ReadViewer)
  @Query(() => Viewer, { description: "Who the request's token acts as." })
  viewer(@Ctx() ctx: RequestContext): Viewer {
    return ctx.services.viewer.viewer(ctx);
  }

  @FieldResolver(() => [ViewerOrganization], {
    description: "Where the caller acts, with its role.",
  })
  organizations(@Root() viewer: Viewer, @Ctx() ctx: RequestContext) {
    return ctx.services.viewer.organizations(ctx, viewer);
  }

  @FieldResolver(() => User, {
    nullable: true,
    description: "The acting user, for a personal token.",
  })
  user(@Root() viewer: Viewer, @Ctx() ctx: RequestContext) {
    return ctx.services.viewer.user(ctx, viewer);
  }

  @FieldResolver(() => Team, { nullable: true, description: "The team, for a team token." })
  team(@Root() viewer: Viewer, @Ctx() ctx: RequestContext) {
    return ctx.services.viewer.team(ctx, viewer);
  }

  @FieldResolver(() => Organization, {
    nullable: true,
    description: "The organization of a team or organization token.",
  })
  organization(@Root() viewer: Viewer, @Ctx() ctx: RequestContext) {
    return ctx.services.viewer.organization(ctx, viewer);
  }
}
