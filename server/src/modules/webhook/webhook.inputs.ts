import { IsOptional, MaxLength } from "class-validator";
import { ArgsType, Field, ID, InputType, Int } from "type-graphql";
import { WebhookDeliveryStatus, WebhookEventType } from "./webhook.types";

@ArgsType()
export class WebhookFieldsArgs {
  @Field(() => String, {
    nullable: true,
    description: "https (http and private addresses only with LAPSE_WEBHOOK_ALLOW_PRIVATE=true).",
  })
  @IsOptional()
  @MaxLength(2048, { message: "url must be at most 2048 characters long" })
  url?: string | null;

  @Field(() => [WebhookEventType], { nullable: true })
  @IsOptional()
  events?: WebhookEventType[] | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(1024, { message: "description must be at most 1024 characters long" })
  description?: string | null;
}

@ArgsType()
export class CreateWebhookArgs extends WebhookFieldsArgs {
  @Field(() => String)
  organization: string;
}

@ArgsType()
export class UpdateWebhookArgs extends WebhookFieldsArgs {
  @Field(() => ID)
  id: string;

  @Field(() => Boolean, {
    nullable: true,
    description: "false pauses deliveries; true re-enables an endpoint disabled after failures.",
  })
  @IsOptional()
  enabled?: boolean | null;
}

@ArgsType()
export class WebhookIdArgs {
  @Field(() => ID)
  id: string;
}

@InputType()
export class WebhookDeliveryFilter {
  @Field(() => [WebhookDeliveryStatus], { nullable: true })
  statuses?: WebhookDeliveryStatus[] | null;
}

@ArgsType()
export class WebhookDeliveriesArgs {
  @Field(() => ID)
  webhookId: string;

  @Field(() => WebhookDeliveryFilter, { nullable: true })
  filter?: WebhookDeliveryFilter | null;

  @Field(() => Int, { nullable: true, description: "Default 50, at most 500." })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;
}

@ArgsType()
export class ExpiryThresholdsArgs {
  @Field(() => String)
  organization: string;

  @Field(() => [Int], {
    description:
      "Days before expiry to warn at: up to 5 distinct values from 1 to 365; [] for none.",
  })
  days: number[];
}
