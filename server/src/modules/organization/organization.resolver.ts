import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  Mutation,
  Query,
  Resolver,
  Root,
} from "type-graphql";
import { Action } from "../../auth/authorization";
import type { RequestContext } from "../../context";
import { Team } from "../team/team.entity";
import { User } from "../user/user.entity";
import { Organization } from "./organization.entity";
import { TokenExpiryPolicyPreview } from "../token/token.objects";
import {
  AddOrganizationMemberArgs,
  ChangeOrganizationRoleArgs,
  CreateOrganizationArgs,
  OrganizationMemberArgs,
  SetOrganizationEditionArgs,
  TokenExpiryPolicyArgs,
} from "./organization.inputs";
import { OrganizationMember } from "./organization.objects";

@Resolver(() => Organization)
export class OrganizationResolver {
  @Authorized(Action.ReadOrganization)
  @Query(() => Organization, { nullable: true, description: "Null unless you are a member." })
  organization(@Ctx() ctx: RequestContext, @Arg("name", () => String) name: string) {
    return ctx.services.organizations.findVisible(ctx, name);
  }

  @Authorized(Action.CreateOrganization)
  @Mutation(() => Organization, { description: "Site admins only; the caller becomes its ADMIN." })
  createOrganization(
    @Ctx() ctx: RequestContext,
    @Args(() => CreateOrganizationArgs) args: CreateOrganizationArgs,
  ) {
    return ctx.services.organizations.create(ctx, args);
  }

  @Authorized(Action.SetEdition)
  @Mutation(() => Organization, { description: "Site admins only." })
  setOrganizationEdition(
    @Ctx() ctx: RequestContext,
    @Args(() => SetOrganizationEditionArgs) args: SetOrganizationEditionArgs,
  ) {
    return ctx.services.organizations.setEdition(ctx, args);
  }

  @Authorized(Action.AddMember)
  @Mutation(() => User, {
    description: "Always refused: people join an organization by redeeming an invitation.",
    deprecationReason: "Use inviteMember; the person joins by redeeming the code.",
  })
  addOrganizationMember(
    @Ctx() ctx: RequestContext,
    @Args(() => AddOrganizationMemberArgs) args: AddOrganizationMemberArgs,
  ) {
    return ctx.services.organizations.addMember(ctx, args);
  }

  @Authorized(Action.RemoveMember)
  @Mutation(() => User, { description: "Organization ADMINs only; the last ADMIN stays." })
  removeOrganizationMember(
    @Ctx() ctx: RequestContext,
    @Args(() => OrganizationMemberArgs) args: OrganizationMemberArgs,
  ) {
    return ctx.services.organizations.removeMember(ctx, args);
  }

  @Authorized(Action.ChangeRole)
  @Mutation(() => User, { description: "Organization ADMINs only; the last ADMIN stays." })
  changeOrganizationRole(
    @Ctx() ctx: RequestContext,
    @Args(() => ChangeOrganizationRoleArgs) args: ChangeOrganizationRoleArgs,
  ) {
    return ctx.services.organizations.changeRole(ctx, args);
  }

  @Authorized(Action.SetExpiryPolicy)
  @Mutation(() => Organization, {
    description: "Organization ADMINs signed in with a personal token. Null removes the cap.",
  })
  setTokenExpiryPolicy(
    @Ctx() ctx: RequestContext,
    @Args(() => TokenExpiryPolicyArgs) args: TokenExpiryPolicyArgs,
  ) {
    return ctx.services.expiryPolicy.set(ctx, args);
  }

  @Authorized(Action.PreviewExpiryPolicy)
  @Query(() => TokenExpiryPolicyPreview, {
    description: "The active tokens a proposed cap would refuse. ADMINs and AUDITORs.",
  })
  previewTokenExpiryPolicy(
    @Ctx() ctx: RequestContext,
    @Args(() => TokenExpiryPolicyArgs) args: TokenExpiryPolicyArgs,
  ) {
    return ctx.services.expiryPolicy.preview(ctx, args);
  }

  @FieldResolver(() => [OrganizationMember])
  members(@Root() organization: Organization, @Ctx() ctx: RequestContext) {
    return ctx.services.organizations.members(ctx, organization);
  }

  @FieldResolver(() => [Team])
  teams(@Root() organization: Organization, @Ctx() ctx: RequestContext) {
    return ctx.services.teams.list(ctx, organization);
  }

  @FieldResolver(() => [String], {
    description:
      "The organization's own scopes seen on its tokens, for suggestions (needs tokens:read).",
  })
  tokenScopes(@Root() organization: Organization, @Ctx() ctx: RequestContext) {
    return ctx.services.tokenList.customScopes(ctx, organization);
  }
}
