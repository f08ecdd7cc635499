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
import { OidcIssuer } from "./oidc-issuer.entity";
import { OidcPolicy } from "./oidc-policy";
import {
  ExchangeOidcTokenArgs,
  OidcIssuerIdArgs,
  RegisterOidcIssuerArgs,
  SetOidcIssuerPoliciesArgs,
  SimulateOidcExchangeArgs,
  UpdateOidcIssuerArgs,
} from "./oidc.inputs";
import { ExchangedToken } from "./oidc.objects";
import { OidcSimulation } from "./oidc-simulation.objects";

@Resolver(() => OidcIssuer)
export class OidcResolver {
  @Authorized(Action.ReadOidcIssuers)
  @Query(() => [OidcIssuer], { description: "ADMINs and AUDITORs." })
  oidcIssuers(@Ctx() ctx: RequestContext, @Arg("organization", () => String) organization: string) {
    return ctx.services.oidcIssuers.list(ctx, organization);
  }

  @Authorized(Action.ReadOidcIssuers)
  @Query(() => OidcIssuer, { nullable: true })
  oidcIssuer(@Ctx() ctx: RequestContext, @Args(() => OidcIssuerIdArgs) { id }: OidcIssuerIdArgs) {
    return ctx.services.oidcIssuers.get(ctx, id);
  }

  @Authorized(Action.SimulateOidcExchange)
  @Query(() => OidcSimulation, {
    description:
      "What exchanging this JWT with the issuer would give, judged as the exchange judges it, with the stored policies or unsaved ones; mints nothing, records nothing. ADMINs signed in with a personal token.",
  })
  simulateOidcExchange(
    @Ctx() ctx: RequestContext,
    @Args(() => SimulateOidcExchangeArgs) args: SimulateOidcExchangeArgs,
  ) {
    return ctx.services.oidcSimulation.simulate(ctx, args);
  }

  @Authorized(Action.ManageOidcIssuers)
  @Mutation(() => OidcIssuer, { description: "ADMINs signed in with a personal token." })
  registerOidcIssuer(
    @Ctx() ctx: RequestContext,
    @Args(() => RegisterOidcIssuerArgs) args: RegisterOidcIssuerArgs,
  ) {
    return ctx.services.oidcIssuers.register(ctx, args);
  }

  @Authorized(Action.ManageOidcIssuers)
  @Mutation(() => OidcIssuer, { description: "ADMINs signed in with a personal token." })
  updateOidcIssuer(
    @Ctx() ctx: RequestContext,
    @Args(() => UpdateOidcIssuerArgs) args: UpdateOidcIssuerArgs,
  ) {
    return ctx.services.oidcIssuers.update(ctx, args);
  }

  @Authorized(Action.ManageOidcIssuers)
  @Mutation(() => OidcIssuer, {
    description: "ADMINs signed in with a personal token. Returns the removed issuer.",
  })
  deleteOidcIssuer(
    @Ctx() ctx: RequestContext,
    @Args(() => OidcIssuerIdArgs) { id }: OidcIssuerIdArgs,
  ) {
    return ctx.services.oidcIssuers.delete(ctx, id);
  }

  @Authorized(Action.ManageOidcIssuers)
  @Mutation(() => OidcIssuer, { description: "Replaces the issuer's policies. Deny by default." })
  setOidcIssuerPolicies(
    @Ctx() ctx: RequestContext,
    @Args(() => SetOidcIssuerPoliciesArgs) args: SetOidcIssuerPoliciesArgs,
  ) {
    return ctx.services.oidcIssuers.setPolicies(ctx, args);
  }

  @Authorized(Action.ExchangeOidcToken)
  @Mutation(() => ExchangedToken, {
    description:
      "Trades an OIDC JWT for a short-lived Lapse token; the same exchange as POST /api/oauth/token.",
  })
  exchangeOidcToken(
    @Ctx() ctx: RequestContext,
    @Args(() => ExchangeOidcTokenArgs) args: ExchangeOidcTokenArgs,
  ) {
    return ctx.services.oidcExchange.exchange(ctx, {
      audience: args.audience,
      subjectToken: args.subjectToken,
      subjectTokenType: args.subjectTokenType ?? undefined,
      requestedTokenType: args.requestedTokenType,
      scope: args.scope ?? undefined,
      expiration: args.expiration ?? undefined,
    });
  }

  @FieldResolver(() => [OidcPolicy])
  policies(@Root() issuer: OidcIssuer, @Ctx() ctx: RequestContext) {
    return ctx.services.oidcIssuers.policiesOf(issuer);
  }

  @FieldResolver(() => Boolean, {
    description: "Whether the issuer was registered with a static JWKS.",
  })
  hasStaticJwks(@Root() issuer: OidcIssuer) {
    return issuer.jwks !== null;
  }
}
