import { Field, Int, ObjectType } from "type-graphql";
import { PageInfo } from "../token/token.objects";
import { AuditEvent } from "./audit-event.entity";

@ObjectType()
export class AuditEventEdge {
  @Field(() => String)
  cursor: string;

  @Field(() => AuditEvent)
  node: AuditEvent;
}

@ObjectType({ description: "Audit events, newest first." })
export class AuditEventConnection {
  @Field(() => [AuditEventEdge])
  edges: AuditEventEdge[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;

  /** Counted only when a client asks for totalCount. */
  countTotal: () => Promise<number>;

  @Field(() => Int)
  totalCount(): Promise<number> {
    return this.countTotal();
  }
}
