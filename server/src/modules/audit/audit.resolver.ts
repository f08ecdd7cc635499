import { GraphQLJSONObject } from "graphql-scalars";
import { Args, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import { Action } from "../../auth/authorization";
import type { RequestContext } from "../../context";
import { Organization } from "../organization/organization.entity";
import { Team } from "../team/team.entity";
import { AuditEvent } from "./audit-event.entity";
import { AuditEventsArgs } from "./audit.inputs";
import { AuditEventConnection } from "./audit.objects";

@Resolver(() => AuditEvent)
export class AuditResolver {
  @Authorized(Action.ReadAuditTrail, Action.ReadOwnAuditTrail)
  @Query(() => AuditEventConnection, {
    description: "The organization's audit trail. ADMINs and AUDITORs.",
  })
  auditEvents(@Ctx() ctx: RequestContext, @Args(() => AuditEventsArgs) args: AuditEventsArgs) {
    return ctx.services.auditQuery.list(ctx, args);
  }

  @FieldResolver(() => Organization, { nullable: true })
  organization(@Root() event: AuditEvent, @Ctx() ctx: RequestContext) {
    return event.organizationId ? ctx.loaders.organization.load(event.organizationId) : null;
  }

  @FieldResolver(() => Team, { nullable: true })
  team(@Root() event: AuditEvent, @Ctx() ctx: RequestContext) {
    return event.teamId ? ctx.loaders.team.load(event.teamId) : null;
  }

  @FieldResolver(() => GraphQLJSONObject, {
    nullable: true,
    description: "Details, e.g. old and new expiresAt.",
  })
  payload(@Root() event: AuditEvent): Record<string, unknown> | null {
    return event.payload ? (JSON.parse(event.payload) as Record<string, unknown>) : null;
  }
}
