import {
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
import { CreatedToken } from "../token/token.objects";
import { Invitation } from "./invitation.entity";
import { User } from "../user/user.entity";
import {
  CancelInvitationArgs,
  InvitationsArgs,
  InviteMemberArgs,
  RedeemInvitationArgs,
} from "./invitation.inputs";
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

  @Authorized(Action.ListInvitations)
  @Query(() => [Invitation], {
    description:
      "Pending invitations (neither redeemed nor expired), soonest to expire first; never their codes. Organization ADMINs only.",
  })
  invitations(@Ctx() ctx: RequestContext, @Args(() => InvitationsArgs) args: InvitationsArgs) {
    return ctx.services.invitations.pending(ctx, args);
  }

  @Authorized(Action.CancelInvitation)
  @Mutation(() => Invitation, {
    description: "Organization ADMINs only. The code stops working at once.",
  })
  cancelInvitation(
    @Ctx() ctx: RequestContext,
    @Args(() => CancelInvitationArgs) args: CancelInvitationArgs,
  ) {
    return ctx.services.invitations.cancel(ctx, args);
  }

  @FieldResolver(() => User, { nullable: true, description: "The ADMIN who invited." })
  createdBy(@Root() invitation: Invitation, @Ctx() ctx: RequestContext) {
    return ctx.services.invitations.creator(ctx, invitation);
  }
}
