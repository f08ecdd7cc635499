import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity } from "typeorm";
import { CreatedAtColumn, IdColumn, RefColumn, TimeColumn } from "../../db/columns";

/**
 * An organization's endpoint for signed event deliveries. Its signing secret is kept encrypted
 * (webhook-secret.ts): it must be read back to sign, so a one-way digest cannot serve.
 */
@ObjectType({ description: "An endpoint that receives signed events (Standard Webhooks)." })
@Entity({ name: "webhooks" })
export class Webhook {
  @Field(() => ID)
  @IdColumn()
  id: string;

  @RefColumn("organization_id")
  organizationId: string;

  @Field(() => String)
  @Column({ type: "varchar", length: 2048 })
  url: string;

  @Field(() => String, { nullable: true })
  @Column({ type: "varchar", length: 1024, nullable: true })
  description: string | null;

  /** The subscribed WebhookEventTypes, as a JSON array (read through the `events` field). */
  @Column({ name: "event_types", type: "text" })
  eventTypes: string;

  /** The signing secret, encrypted. Never exposed. */
  @Column({ name: "secret_cipher", type: "text" })
  secretCipher: string;

  /** The secret before the last rotation, which still signs alongside until previousSecretUntil. */
  @Column({ name: "previous_secret_cipher", type: "text", nullable: true })
  previousSecretCipher: string | null;

  @Field(() => Date, {
    nullable: true,
    description: "Until then deliveries carry a second signature, by the secret before rotation.",
  })
  @TimeColumn("previous_secret_until", { nullable: true })
  previousSecretUntil: Date | null;

  @Field(() => Boolean)
  @Column({ type: "boolean", default: true })
  enabled: boolean;

  @Field(() => Date, { nullable: true })
  @TimeColumn("disabled_at", { nullable: true })
  disabledAt: Date | null;

  @Field(() => String, { nullable: true })
  @Column({ name: "disabled_reason", type: "varchar", length: 255, nullable: true })
  disabledReason: string | null;

  @Field(() => Date, {
    nullable: true,
    description: "Since when every attempt has failed; after 3 days the endpoint is disabled.",
  })
  @TimeColumn("failing_since", { nullable: true })
  failingSince: Date | null;

  @Field(() => Date)
  @CreatedAtColumn()
  createdAt: Date;

  @Field(() => Date)
  @TimeColumn("updated_at")
  updatedAt: Date;
}
