import { v7 as uuidv7 } from "uuid";
import type { EntityManager } from "typeorm";
import type { RequestContext } from "../../context";
import { User } from "../user/user.entity";
import { AuditEvent } from "./audit-event.entity";
import type { AuditEventType } from "./audit.types";

export interface AuditRecord {
  type: AuditEventType;
  organizationId?: string | null;
  tokenId?: string | null;
  tokenName?: string | null;
  teamId?: string | null;
  payload?: Record<string, unknown>;
  /** The acting user when no token authenticated the request (e.g. redeeming an invitation). */
  actorUserId?: string;
  /**
   * The person whose personal token the event is about (its owner), so that they and the ADMINs
   * and AUDITORs of their organizations can read an event that belongs to no organization.
   */
  subjectUserId?: string | null;
}

/** What an audit event needs to know of the request; a RequestContext has it all. */
export type AuditContext = Pick<
  RequestContext,
  "clock" | "principal" | "ip" | "userAgent" | "requestId" | "clientRequestId"
>;

/** Work that must commit with every audit event (the webhook outbox), run in its transaction. */
export type AuditListener = (
  manager: EntityManager,
  event: AuditEvent,
  record: AuditRecord,
) => Promise<void>;

export class AuditService {
  private readonly listeners: AuditListener[] = [];

  /** Runs `listener` for every event, through the recording transaction's manager. */
  onRecord(listener: AuditListener): void {
    this.listeners.push(listener);
  }

  /**
   * Appends an event through `manager`, which must be the transaction of the change it records, so
   * that the change and its event commit or fail together.
   */
  async record(
    ctx: AuditContext,
    manager: EntityManager,
    record: AuditRecord,
  ): Promise<AuditEvent> {
    const actor = ctx.principal;
    const actorUserId = actor?.userId ?? record.actorUserId ?? null;
    // With no principal (first-run bootstrap, the CLI) the user agent names the operator tool.
    // Read through the transaction's own connection: a second connection from the pool here could
    // wait forever behind transactions that wait on this one's locks.
    const actorLogin = actorUserId
      ? ((await manager.findOneBy(User, { id: actorUserId }))?.login ?? null)
      : null;
    const event = manager.create(AuditEvent, {
      id: uuidv7(),
      type: record.type,
      createdAt: ctx.clock.now(),
      organizationId: record.organizationId ?? null,
      actorUserId,
      actorLogin,
      actorTokenId: actor?.token?.id ?? null,
      actorTokenName: actor?.token?.name ?? null,
      actorTokenKind: actor?.token ? actor.kind : null,
      tokenId: record.tokenId ?? null,
      tokenName: record.tokenName ?? null,
      teamId: record.teamId ?? null,
      ip: ctx.ip?.slice(0, 64) ?? null,
      userAgent: ctx.userAgent?.slice(0, 512) ?? null,
      requestId: ctx.requestId,
      clientRequestId: ctx.clientRequestId ?? null,
      subjectUserId: record.subjectUserId ?? null,
      payload: record.payload ? JSON.stringify(record.payload) : null,
    });
    const saved = await manager.save(event);
    for (const listener of this.listeners) await listener(manager, saved, record);
    return saved;
  }
}
