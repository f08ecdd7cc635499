import { Field, ID, Int, ObjectType } from "type-graphql";
import { Column, Entity } from "typeorm";
import { CreatedAtColumn, IdColumn, RefColumn, TimeColumn } from "../../db/columns";
import { WebhookDeliveryStatus } from "./webhook.types";

/**
 * One event for one endpoint: the outbox row, written in the transaction of the change it reports,
 * and then its delivery's state. Its id is the `webhook-id` header, the same on every attempt.
 */
@ObjectType({ description: "One event sent (or to be sent) to one webhook." })
@Entity({ name: "webhook_deliveries" })
export class WebhookDelivery {
  @Field(() => ID, { description: "The webhook-id header: the same on every attempt." })
  @IdColumn()
  id: string;

  @Field(() => ID)
  @RefColumn("webhook_id")
  webhookId: string;

  @RefColumn("organization_id")
  organizationId: string;

  @Field(() => String, { description: "token.expiring, token.created, … or webhook.test." })
  @Column({ name: "event_type", type: "varchar", length: 32 })
  eventType: string;

  @Field(() => String, { description: "The JSON body sent, exactly as signed." })
  @Column({ type: "text" })
  payload: string;

  @Field(() => Date)
  @CreatedAtColumn()
  createdAt: Date;

  @Field(() => WebhookDeliveryStatus)
  @Column({ type: "varchar", length: 16 })
  status: WebhookDeliveryStatus;

  @Field(() => Int)
  @Column({ type: "int", default: 0 })
  attempts: number;

  /** When it is due; null once delivered or dead, so the due index holds only live rows' times. */
  @Field(() => Date, { nullable: true })
  @TimeColumn("next_attempt_at", { nullable: true })
  nextAttemptAt: Date | null;

  /** The instance sending it now, and until when (a crashed sender's lease lapses). */
  @Column({ name: "lease_holder", type: "varchar", length: 64, nullable: true })
  leaseHolder: string | null;

  @TimeColumn("lease_until", { nullable: true })
  leaseUntil: Date | null;

  @Field(() => Date, { nullable: true })
  @TimeColumn("last_attempt_at", { nullable: true })
  lastAttemptAt: Date | null;

  @Field(() => Int, { nullable: true, description: "The HTTP status of the last attempt." })
  @Column({ name: "response_code", type: "int", nullable: true })
  responseCode: number | null;

  @Field(() => Int, { nullable: true, description: "How long the last attempt took, in ms." })
  @Column({ name: "response_ms", type: "int", nullable: true })
  responseMs: number | null;

  @Field(() => String, {
    nullable: true,
    description: "Why the last attempt failed, when it got no HTTP answer.",
  })
  @Column({ name: "last_error", type: "varchar", length: 255, nullable: true })
  lastError: string | null;

  @Field(() => Date, { nullable: true })
  @TimeColumn("delivered_at", { nullable: true })
  deliveredAt: Date | null;
}
