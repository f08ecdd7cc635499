import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity } from "typeorm";
import { CreatedAtColumn, IdColumn, RefColumn } from "../../db/columns";
import { AuditEventType } from "./audit.types";

/** One append-only line of the audit trail, written in the same transaction as the change it records. */
@ObjectType({ description: "One line of the append-only audit trail." })
@Entity({ name: "audit_events" })
export class AuditEvent {
  @Field(() => ID)
  @IdColumn()
  id: string;

  @Field(() => AuditEventType)
  @Column({ type: "varchar", length: 40 })
  type: AuditEventType;

  @Field(() => Date)
  @CreatedAtColumn()
  createdAt: Date;

  @RefColumn("organization_id", { nullable: true })
  organizationId: string | null;

  @RefColumn("actor_user_id", { nullable: true })
  actorUserId: string | null;

  @Field(() => String, { nullable: true, description: "The acting person's login." })
  @Column({ name: "actor_login", type: "varchar", length: 40, nullable: true })
  actorLogin: string | null;

  @Field(() => ID, { nullable: true, description: "The token that made the request." })
  @RefColumn("actor_token_id", { nullable: true })
  actorTokenId: string | null;

  @Field(() => String, { nullable: true })
  @Column({ name: "actor_token_name", type: "varchar", length: 40, nullable: true })
  actorTokenName: string | null;

  @Field(() => String, { nullable: true })
  @Column({ name: "actor_token_kind", type: "varchar", length: 16, nullable: true })
  actorTokenKind: string | null;

  @Field(() => ID, { nullable: true, description: "The token the event is about." })
  @RefColumn("token_id", { nullable: true })
  tokenId: string | null;

  @Field(() => String, { nullable: true })
  @Column({ name: "token_name", type: "varchar", length: 40, nullable: true })
  tokenName: string | null;

  @RefColumn("team_id", { nullable: true })
  teamId: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: "varchar", length: 64, nullable: true })
  ip: string | null;

  @Field(() => String, { nullable: true })
  @Column({ name: "user_agent", type: "varchar", length: 512, nullable: true })
  userAgent: string | null;

  @Field(() => String, { nullable: true, description: "Lapse's own id of the request." })
  @Column({ name: "request_id", type: "varchar", length: 64, nullable: true })
  requestId: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "The X-Request-Id the client sent, if any; kept beside Lapse's own, never instead.",
  })
  @Column({ name: "client_request_id", type: "varchar", length: 64, nullable: true })
  clientRequestId: string | null;

  /** The owner of the personal token the event is about; see AuditRecord.subjectUserId. */
  @RefColumn("subject_user_id", { nullable: true })
  subjectUserId: string | null;

  /** A small JSON document, e.g. the token's expiresAt. */
  @Column({ type: "text", nullable: true })
  payload: string | null;
}
