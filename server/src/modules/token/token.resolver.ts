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
import { Organization } from "../organization/organization.entity";
import { Team } from "../team/team.entity";
import { User } from "../user/user.entity";
import { AccessToken } from "./access-token.entity";
import {
  CreateOrganizationTokenArgs,
  CreatePersonalTokenArgs,
  CreateTeamTokenArgs,
  RotateTokenArgs,
  TokenIdArgs,
  TokensArgs,
} from "./token.inputs";
import { CreatedToken, TokenConnection, TokenStats } from "./token.objects";
import { RevocationReason, TokenStatus } from "./token.types";

@Resolver(() => AccessToken)
export class TokenResolver {
  @Authorized(Action.ListTokens)
  @Query(() => TokenConnection, { description: "Tokens you may see, soonest to expire first." })
  tokens(
    @Ctx() ctx: RequestContext,
    @Args(() => TokensArgs) args: TokensArgs,
  ): Promise<TokenConnection> {
    return ctx.services.tokenList.list(ctx, args);
  }

  @Authorized(Action.ReadToken)
  @Query(() => AccessToken, {
    nullable: true,
    description: "Null when no such token is visible to you.",
  })
  token(
    @Ctx() ctx: RequestContext,
    @Args(() => TokenIdArgs) { id }: TokenIdArgs,
  ): Promise<AccessToken | null> {
    return ctx.services.tokens.get(ctx, id);
  }

  @Authorized(Action.CreatePersonalToken)
  @Mutation(() => CreatedToken)
  createPersonalToken(
    @Ctx() ctx: RequestContext,
    @Args(() => CreatePersonalTokenArgs) args: CreatePersonalTokenArgs,
  ): Promise<CreatedToken> {
    return ctx.services.tokens.createPersonal(ctx, args);
  }

  @Authorized(Action.CreateTeamToken)
  @Mutation(() => CreatedToken, { description: "ENTERPRISE and BUSINESS_CRITICAL editions only." })
  createTeamToken(
    @Ctx() ctx: RequestContext,
    @Args(() => CreateTeamTokenArgs) args: CreateTeamTokenArgs,
  ): Promise<CreatedToken> {
    return ctx.services.tokens.createTeam(ctx, args);
  }

  @Authorized(Action.CreateOrganizationToken)
  @Mutation(() => CreatedToken, { description: "ENTERPRISE and BUSINESS_CRITICAL editions only." })
  createOrganizationToken(
    @Ctx() ctx: RequestContext,
    @Args(() => CreateOrganizationTokenArgs) args: CreateOrganizationTokenArgs,
  ): Promise<CreatedToken> {
    return ctx.services.tokens.createOrganization(ctx, args);
  }

  @Authorized(Action.RevokePersonalToken, Action.RevokeTeamToken, Action.RevokeOrganizationToken)
  @Mutation(() => AccessToken, {
    description: "Refused from the next request on. Revoking twice changes nothing.",
  })
  revokeToken(
    @Ctx() ctx: RequestContext,
    @Args(() => TokenIdArgs) { id }: TokenIdArgs,
    @Arg("reason", () => RevocationReason, {
      nullable: true,
      description: "Recorded in the audit trail and sent with token.revoked; USER by default.",
    })
    reason: RevocationReason | null,
  ): Promise<AccessToken> {
    return ctx.services.tokens.revoke(ctx, id, undefined, reason ?? RevocationReason.USER);
  }

  @Authorized(Action.RotatePersonalToken, Action.RotateTeamToken, Action.RotateOrganizationToken)
  @Mutation(() => CreatedToken, {
    description:
      "A new secret for the same token; the old one is revoked now or after gracePeriodSeconds. A token may rotate itself.",
  })
  rotateToken(@Ctx() ctx: RequestContext, @Args(() => RotateTokenArgs) args: RotateTokenArgs) {
    return ctx.services.rotation.rotate(ctx, args);
  }

  @Authorized(Action.ReadTokenStats)
  @Query(() => TokenStats, { description: "Counts over the organization's tokens you may see." })
  tokenStats(@Ctx() ctx: RequestContext, @Arg("organization", () => String) organization: string) {
    return ctx.services.tokenList.stats(ctx, organization);
  }

  @FieldResolver(() => [String], {
    description:
      "What the token may do: Lapse's own scopes (tokens:read, tokens:write, audit:read, org:admin, tokens:introspect) and the organization's own, passed through to whoever verifies it.",
  })
  scopes(@Root() token: AccessToken): string[] {
    return token.grantedScopes;
  }

  @FieldResolver(() => AccessToken, {
    nullable: true,
    description: "The token this one replaced by rotation, if you may see it.",
  })
  rotatedFrom(@Root() token: AccessToken, @Ctx() ctx: RequestContext) {
    return ctx.services.rotation.rotatedFrom(ctx, token);
  }

  @FieldResolver(() => AccessToken, {
    nullable: true,
    description: "The token that replaced this one by rotation, if you may see it.",
  })
  replacedBy(@Root() token: AccessToken, @Ctx() ctx: RequestContext) {
    return ctx.services.rotation.replacedBy(ctx, token);
  }

  @FieldResolver(() => TokenStatus)
  status(@Root() token: AccessToken, @Ctx() ctx: RequestContext): TokenStatus {
    return token.statusAt(ctx.clock.now());
  }

  @FieldResolver(() => User, {
    nullable: true,
    description: "The person who created it, if a person did.",
  })
  createdBy(@Root() token: AccessToken, @Ctx() ctx: RequestContext): Promise<User | null> | null {
    return token.createdById ? ctx.loaders.user.load(token.createdById) : null;
  }

  @FieldResolver(() => User, {
    nullable: true,
    description: "The person a personal token acts as.",
  })
  owner(@Root() token: AccessToken, @Ctx() ctx: RequestContext): Promise<User | null> | null {
    return token.ownerId ? ctx.loaders.user.load(token.ownerId) : null;
  }

  @FieldResolver(() => Team, { nullable: true })
  team(@Root() token: AccessToken, @Ctx() ctx: RequestContext): Promise<Team | null> | null {
    return token.teamId ? ctx.loaders.team.load(token.teamId) : null;
  }

  @FieldResolver(() => Organization, { nullable: true })
  organization(
    @Root() token: AccessToken,
    @Ctx() ctx: RequestContext,
  ): Promise<Organization | null> | null {
    return token.organizationId ? ctx.loaders.organization.load(token.organizationId) : null;
  }
}
