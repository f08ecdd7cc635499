import { Field, Int, ObjectType } from "type-graphql";
import { PageInfo } from "../token/token.objects";
import { WebhookDelivery } from "./webhook-delivery.entity";
import { Webhook } from "./webhook.entity";

@ObjectType({ description: "A webhook and its signing secret, shown this once." })
export class WebhookWithSecret {
  @Field(() => Webhook)
  webhook: Webhook;

  @Field(() => String, { description: "whsec_…: verify signatures with it; never shown again." })
  secret: string;
}

@ObjectType()
export class WebhookDeliveryEdge {
  @Field(() => String)
  cursor: string;

  @Field(() => WebhookDelivery)
  node: WebhookDelivery;
}

@ObjectType({ description: "A webhook's deliveries, newest first." })
export class WebhookDeliveryConnection {
  @Field(() => [WebhookDeliveryEdge])
  edges: WebhookDeliveryEdge[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;

  /** Counted only when a client asks for totalCount. */
  countTotal: () => Promise<number>;

  @Field(() => Int)
  totalCount(): Promise<number> {
    return this.countTotal();
  }
}
