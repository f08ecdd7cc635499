import { Args, Authorized, Ctx, Mutation, Resolver } from "type-graphql";
import { Action } from "../../auth/authorization";
import type { RequestContext } from "../../context";
import { CreatedToken } from "../token/token.objects";
import { Invitation } from "./invitation.entity";
import { InviteMemberArgs, RedeemInvitationArgs } from "./invitation.inputs";
import { CreatedInvitation } from "./invitation.objects";

@Resolver(() => Invitation)
export class InvitationResolver {
  @Authorized(Action.InviteMember)
  @Mutation(() => CreatedInvitation, {
    description: "Organization ADMINs only. The code is shown once.",
  })
  inviteMember(@Ctx() ctx: RequestContext, @Args(() => InviteMemberArgs) args: InviteMemberArgs) {
    return ctx.services.invitations.invite(ctx, args);
  }

  @Authorized(Action.RedeemInvitation)
  @Mutation(() => CreatedToken, {
    description:
      "Needs no authentication for a new login; an existing user must be signed in as themselves. Returns a personal token.",
  })
  redeemInvitation(
    @Ctx() ctx: RequestContext,
    @Args(() => RedeemInvitationArgs) args: RedeemInvitationArgs,
  ) {
    return ctx.services.invitations.redeem(ctx, args);
  }
}
