import { v7 as uuidv7 } from "uuid";
import type { EntityManager } from "typeorm";
import type { AuditRecord } from "../audit/audit.service";
import type { AuditEvent } from "../audit/audit-event.entity";
import { AuditEventType } from "../audit/audit.types";
import { Organization } from "../organization/organization.entity";
import { WebhookDelivery } from "./webhook-delivery.entity";
import { Webhook } from "./webhook.entity";
import { eventBody, summarizeToken } from "./webhook-payload";
import { revocationWord } from "../token/token.types";
import { thresholdsOf } from "./expiry-thresholds";
import { EVENT_NAMES, WebhookDeliveryStatus, WebhookEventType } from "./webhook.types";

/** The webhook events an audit event stands for (a rotation also revokes the old token). */
const EVENTS_OF: Partial<Record<AuditEventType, WebhookEventType[]>> = {
  [AuditEventType.TOKEN_CREATED]: [WebhookEventType.TOKEN_CREATED],
  [AuditEventType.TOKEN_REVOKED]: [WebhookEventType.TOKEN_REVOKED],
  [AuditEventType.TOKEN_ROTATED]: [WebhookEventType.TOKEN_ROTATED, WebhookEventType.TOKEN_REVOKED],
  [AuditEventType.TOKEN_EXCHANGED]: [WebhookEventType.TOKEN_EXCHANGED],
  [AuditEventType.TOKEN_EXPIRED]: [WebhookEventType.TOKEN_EXPIRED],
  [AuditEventType.TOKEN_EXPIRING]: [WebhookEventType.TOKEN_EXPIRING],
  [AuditEventType.TOKEN_USE_REFUSED]: [WebhookEventType.TOKEN_USE_REFUSED],
  [AuditEventType.POLICY_UPDATED]: [WebhookEventType.POLICY_UPDATED],
};

/**
 * Writes the webhook deliveries an audit event calls for, through the manager of the transaction
 * that records it: the change, its audit event and its deliveries commit together or not at all,
 * so a crash after the commit loses nothing (the worker finds the rows) and one before it sends
 * nothing. Hooked into AuditService.record, so no change can report to the trail and not here.
 */
export class WebhookOutbox {
  /** Called after each write that enqueued deliveries (the worker's nudge); never awaited. */
  onEnqueued: () => void = () => {};

  async enqueue(manager: EntityManager, event: AuditEvent, record: AuditRecord): Promise<void> {
    const types = EVENTS_OF[event.type];
    if (!types) return;
    const webhooks = await this.subscribers(manager, record, types);
    if (webhooks.length === 0) return;
    const payload = (record.payload ?? {}) as Record<string, unknown>;
    const token = event.tokenId ? await summarizeToken(manager, event.tokenId) : null;
    let thresholdOrgs: Set<string> | null = null;
    if (event.type === AuditEventType.TOKEN_EXPIRING) {
      thresholdOrgs = await this.organizationsWarningAt(
        manager,
        webhooks,
        Number(payload.thresholdDays),
      );
    }
    const rows: WebhookDelivery[] = [];
    for (const type of types) {
      const data = await this.dataFor(manager, type, event, payload, token);
      const body = eventBody(EVENT_NAMES[type], event.createdAt, data);
      for (const webhook of webhooks) {
        if (!(JSON.parse(webhook.eventTypes) as string[]).includes(type)) continue;
        if (thresholdOrgs && !thresholdOrgs.has(webhook.organizationId)) continue;
        rows.push(newDelivery(webhook, EVENT_NAMES[type], body, event.createdAt));
      }
    }
    if (rows.length === 0) return;
    await manager.insert(WebhookDelivery, rows);
    this.onEnqueued();
  }

  /**
   * The enabled webhooks that may hear of the event: those of its organization, or, for an event
   * about a personal token that belongs to none, those of every organization its owner is in (whose
   * ADMINs and AUDITORs read the same event in their trail).
   */
  private async subscribers(
    manager: EntityManager,
    record: AuditRecord,
    types: WebhookEventType[],
  ): Promise<Webhook[]> {
    const query = manager.createQueryBuilder(Webhook, "w").where("w.enabled = :on", { on: true });
    if (record.organizationId) {
      query.andWhere("w.organization_id = :org", { org: record.organizationId });
    } else if (record.subjectUserId) {
      query.andWhere(
        "w.organization_id IN (SELECT m.organization_id FROM memberships m WHERE m.user_id = :user)",
        { user: record.subjectUserId },
      );
    } else return [];
    const webhooks = await query.getMany();
    return webhooks.filter((w) =>
      (JSON.parse(w.eventTypes) as string[]).some((t) => types.includes(t as WebhookEventType)),
    );
  }

  /** The organizations among the webhooks' that warn `days` days ahead. */
  private async organizationsWarningAt(
    manager: EntityManager,
    webhooks: Webhook[],
    days: number,
  ): Promise<Set<string>> {
    const ids = [...new Set(webhooks.map((w) => w.organizationId))];
    const organizations = await manager
      .createQueryBuilder(Organization, "o")
      .where("o.id IN (:...ids)", { ids })
      .getMany();
    return new Set(organizations.filter((o) => thresholdsOf(o).includes(days)).map((o) => o.id));
  }

  private async dataFor(
    manager: EntityManager,
    type: WebhookEventType,
    event: AuditEvent,
    payload: Record<string, unknown>,
    token: Awaited<ReturnType<typeof summarizeToken>>,
  ): Promise<Record<string, unknown>> {
    switch (type) {
      case WebhookEventType.TOKEN_REVOKED:
        return event.type === AuditEventType.TOKEN_ROTATED
          ? { token, reason: "rotation", revokedAt: payload.oldTokenRevokedAt ?? null }
          : {
              token,
              reason: revocationWord(payload.reason),
              revokedAt: event.createdAt.toISOString(),
            };
      case WebhookEventType.TOKEN_ROTATED:
        return {
          token,
          newToken: payload.newTokenId
            ? await summarizeToken(manager, String(payload.newTokenId))
            : null,
          gracePeriodSeconds: payload.gracePeriodSeconds ?? 0,
        };
      case WebhookEventType.TOKEN_EXCHANGED:
        return { token, issuer: payload.issuer ?? null, subject: payload.subject ?? null };
      case WebhookEventType.TOKEN_EXPIRING:
        return { token, thresholdDays: payload.thresholdDays };
      case WebhookEventType.TOKEN_USE_REFUSED:
        return { token, reason: payload.reason ?? null };
      case WebhookEventType.POLICY_UPDATED: {
        const organization = event.organizationId
          ? await manager.findOneBy(Organization, { id: event.organizationId })
          : null;
        return {
          organization: organization?.name ?? null,
          maxTokenLifetimeDays: payload.maxTokenLifetimeDays ?? null,
        };
      }
      default:
        return { token };
    }
  }
}

/** A delivery due at once. */
export function newDelivery(
  webhook: Webhook,
  eventType: string,
  body: string,
  now: Date,
): WebhookDelivery {
  return Object.assign(new WebhookDelivery(), {
    id: uuidv7(),
    webhookId: webhook.id,
    organizationId: webhook.organizationId,
    eventType,
    payload: body,
    createdAt: now,
    status: WebhookDeliveryStatus.PENDING,
    attempts: 0,
    nextAttemptAt: now,
    leaseHolder: null,
    leaseUntil: null,
    lastAttemptAt: null,
    responseCode: null,
    responseMs: null,
    lastError: null,
    deliveredAt: null,
  });
}
