import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from "type-graphql";
import { Action } from "../../auth/authorization";
import type { RequestContext } from "../../context";
import { Viewer } from "../token/token.objects";

@Resolver(() => Viewer)
export class NotificationEmailResolver {
  @Authorized(Action.SetNotificationEmail)
  @Mutation(() => String, {
    nullable: true,
    description:
      "People: where Lapse sends your expiry digests (your personal tokens, and team tokens of teams you maintain); null stops them.",
  })
  setNotificationEmail(
    @Ctx() ctx: RequestContext,
    @Arg("email", () => String, { nullable: true }) email: string | null,
  ) {
    return ctx.services.notificationEmail.set(ctx, email);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "Your address for expiry digests (people only).",
  })
  notificationEmail(@Root() viewer: Viewer, @Ctx() ctx: RequestContext) {
    return ctx.services.notificationEmail.get(ctx, viewer);
  }
}
