import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from "type-graphql";
import { Action } from "../../auth/authorization";
import type { RequestContext } from "../../context";
import { Organization } from "../organization/organization.entity";
import { thresholdsOf } from "./expiry-thresholds";
import { WebhookDelivery } from "./webhook-delivery.entity";
import { Webhook } from "./webhook.entity";
import {
  CreateWebhookArgs,
  ExpiryThresholdsArgs,
  UpdateWebhookArgs,
  WebhookDeliveriesArgs,
  WebhookIdArgs,
} from "./webhook.inputs";
import { WebhookDeliveryConnection, WebhookWithSecret } from "./webhook.objects";
import { WebhookEventType } from "./webhook.types";

const PEOPLE_ADMINS = "ADMINs signed in with a personal token.";

@Resolver(() => Webhook)
export class WebhookResolver {
  @Authorized(Action.ReadWebhooks)
  @Query(() => [Webhook], { description: "ADMINs and AUDITORs." })
  webhooks(@Ctx() ctx: RequestContext, @Arg("organization", () => String) organization: string) {
    return ctx.services.webhooks.list(ctx, organization);
  }

  @Authorized(Action.ReadWebhooks)
  @Query(() => WebhookDeliveryConnection, { description: "ADMINs and AUDITORs; newest first." })
  webhookDeliveries(
    @Ctx() ctx: RequestContext,
    @Args(() => WebhookDeliveriesArgs) args: WebhookDeliveriesArgs,
  ) {
    return ctx.services.webhooks.deliveries(ctx, args);
  }

  @Authorized(Action.ManageWebhooks)
  @Mutation(() => WebhookWithSecret, {
    description: `${PEOPLE_ADMINS} Returns the signing secret, once.`,
  })
  createWebhook(
    @Ctx() ctx: RequestContext,
    @Args(() => CreateWebhookArgs) args: CreateWebhookArgs,
  ) {
    return ctx.services.webhooks.create(ctx, args);
  }

  @Authorized(Action.ManageWebhooks)
  @Mutation(() => Webhook, { description: PEOPLE_ADMINS })
  updateWebhook(
    @Ctx() ctx: RequestContext,
    @Args(() => UpdateWebhookArgs) args: UpdateWebhookArgs,
  ) {
    return ctx.services.webhooks.update(ctx, args);
  }

  @Authorized(Action.ManageWebhooks)
  @Mutation(() => Webhook, { description: `${PEOPLE_ADMINS} Returns the removed webhook.` })
  deleteWebhook(@Ctx() ctx: RequestContext, @Args(() => WebhookIdArgs) { id }: WebhookIdArgs) {
    return ctx.services.webhooks.delete(ctx, id);
  }

  @Authorized(Action.ManageWebhooks)
  @Mutation(() => WebhookWithSecret, {
    description: `${PEOPLE_ADMINS} A new secret, once; the old one signs alongside for 24 hours.`,
  })
  rotateWebhookSecret(
    @Ctx() ctx: RequestContext,
    @Args(() => WebhookIdArgs) { id }: WebhookIdArgs,
  ) {
    return ctx.services.webhooks.rotateSecret(ctx, id);
  }

  @Authorized(Action.ManageWebhooks)
  @Mutation(() => WebhookDelivery, {
    description: `${PEOPLE_ADMINS} Queues a webhook.test event; see webhookDeliveries for the result.`,
  })
  sendTestWebhook(@Ctx() ctx: RequestContext, @Args(() => WebhookIdArgs) { id }: WebhookIdArgs) {
    return ctx.services.webhooks.sendTest(ctx, id);
  }

  @Authorized(Action.ManageWebhooks)
  @Mutation(() => WebhookDelivery, {
    description: `${PEOPLE_ADMINS} Sends a delivery again, with the same webhook-id.`,
  })
  redeliverWebhook(@Ctx() ctx: RequestContext, @Arg("deliveryId", () => ID) deliveryId: string) {
    return ctx.services.webhooks.redeliver(ctx, deliveryId);
  }

  @Authorized(Action.SetExpiryNotifications)
  @Mutation(() => Organization, {
    description: `${PEOPLE_ADMINS} The days before expiry that token.expiring and emails go out.`,
  })
  setExpiryNotificationThresholds(
    @Ctx() ctx: RequestContext,
    @Args(() => ExpiryThresholdsArgs) args: ExpiryThresholdsArgs,
  ) {
    return ctx.services.webhooks.setThresholds(ctx, args);
  }

  @FieldResolver(() => [WebhookEventType])
  events(@Root() webhook: Webhook): WebhookEventType[] {
    return JSON.parse(webhook.eventTypes) as WebhookEventType[];
  }
}

@Resolver(() => Organization)
export class ExpiryThresholdsResolver {
  @FieldResolver(() => [Int], {
    description:
      "Days before expiry that warnings go out (token.expiring, email); default 30, 7, 1.",
  })
  expiryNotificationThresholds(@Root() organization: Organization): number[] {
    return thresholdsOf(organization);
  }
}
