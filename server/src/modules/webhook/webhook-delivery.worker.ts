import { randomUUID } from "node:crypto";
import type { LookupAddress, LookupAllOptions } from "node:dns";
import { performance } from "node:perf_hooks";
import type { DataSource } from "typeorm";
import { DAY_MS } from "../../clock";
import type { Logger } from "../../logger";
import type { AuditContext, AuditService } from "../audit/audit.service";
import { AuditEventType } from "../audit/audit.types";
import { fetchChecked } from "../oidc/oidc-fetch";
import { WebhookDelivery } from "./webhook-delivery.entity";
import { Webhook } from "./webhook.entity";
import type { SecretBox } from "./webhook-secret";
import { signatureHeader } from "./webhook-secret";
import { WebhookDeliveryStatus } from "./webhook.types";

/** After the n-th failed attempt the next waits about this long (±10 %); past the last, dead. */
export const RETRY_DELAYS_MS = [
  60_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  24 * 3_600_000,
];
/** A 2xx within this long is delivered; anything slower is a failure. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** A sender that died mid-attempt holds its delivery this long; then another instance sends it. */
export const DELIVERY_LEASE_MS = DELIVERY_TIMEOUT_MS + 5_000;
/** An endpoint whose every attempt has failed for this long is disabled. */
export const DISABLE_AFTER_MS = 3 * DAY_MS;
const JITTER = 0.1;

export type DeliveryOutcome = "delivered" | "failed" | "dead";

export interface DeliveryOptions {
  /** Whether http and private, loopback or link-local targets are allowed (LAPSE_WEBHOOK_ALLOW_PRIVATE). */
  allowPrivate: boolean;
  /** At most this many deliveries in flight per instance (default 16). */
  concurrency?: number;
  /** Tests hand their own resolver and randomness. */
  resolve?: (hostname: string, options: LookupAllOptions) => Promise<LookupAddress[]>;
  random?: () => number;
  /** Told of each attempt's outcome (the /metrics counters). */
  onOutcome?: (outcome: DeliveryOutcome) => void;
}

/**
 * Sends what the outbox holds. Each delivery is claimed by a conditional UPDATE that takes its
 * lease, so instances polling the same table never send one event twice while the sender lives;
 * a sender that dies mid-attempt lets its lease lapse and another sends again with the same
 * webhook-id (at least once). Requests run on their own promises, never on an API request's.
 */
export class WebhookDeliveryWorker {
  readonly holder = randomUUID();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly box: SecretBox | null,
    private readonly logger: Logger,
    private readonly options: DeliveryOptions,
  ) {}

  /**
   * Claims the deliveries due now (as many as there is room for) and sends them; resolves when
   * those attempts are settled. Returns how many it claimed.
   */
  async deliverDue(ctx: AuditContext): Promise<number> {
    const room = (this.options.concurrency ?? 16) - this.inFlight.size;
    if (room <= 0 || !this.box) return 0;
    const now = ctx.clock.now();
    const due = await this.dataSource.manager
      .createQueryBuilder(WebhookDelivery, "d")
      .where("d.next_attempt_at <= :now AND (d.lease_until IS NULL OR d.lease_until <= :now)", {
        now,
      })
      .orderBy("d.next_attempt_at", "ASC")
      .take(room)
      .getMany();
    const started: Promise<void>[] = [];
    for (const delivery of due) {
      if (!(await this.claim(delivery, now))) continue;
      const attempt = this.attempt(ctx, delivery).catch((error: unknown) =>
        this.logger.warn({ err: error, deliveryId: delivery.id }, "webhook delivery failed"),
      );
      this.inFlight.add(attempt);
      void attempt.finally(() => this.inFlight.delete(attempt));
      started.push(attempt);
    }
    await Promise.all(started);
    return started.length;
  }

  /** Waits for every attempt this instance has under way (shutdown, tests). */
  async settle(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  private async claim(delivery: WebhookDelivery, now: Date): Promise<boolean> {
    const taken = await this.dataSource.manager
      .createQueryBuilder()
      .update(WebhookDelivery)
      .set({ leaseHolder: this.holder, leaseUntil: new Date(now.getTime() + DELIVERY_LEASE_MS) })
      .where(
        "id = :id AND next_attempt_at <= :now AND (lease_until IS NULL OR lease_until <= :now)",
        { id: delivery.id, now },
      )
      .execute();
    return Boolean(taken.affected);
  }

  private async attempt(ctx: AuditContext, delivery: WebhookDelivery): Promise<void> {
    const webhook = await this.dataSource.manager.findOneBy(Webhook, { id: delivery.webhookId });
    const now = ctx.clock.now();
    if (!webhook || !webhook.enabled) {
      await this.finish(delivery, now, { dead: true, error: "the endpoint is disabled" });
      return;
    }
    const secrets = [this.box!.open(webhook.secretCipher, webhook.id)];
    if (webhook.previousSecretCipher && webhook.previousSecretUntil! > now) {
      secrets.push(this.box!.open(webhook.previousSecretCipher, webhook.id));
    }
    const timestamp = Math.floor(now.getTime() / 1000);
    const started = performance.now();
    let status = 0;
    let error: string | null = null;
    try {
      const url = new URL(webhook.url);
      if (url.protocol !== "https:" && !this.options.allowPrivate) {
        throw new Error("plain http is sent only with LAPSE_WEBHOOK_ALLOW_PRIVATE=true");
      }
      ({ status } = await fetchChecked(
        url,
        {
          allowPrivate: this.options.allowPrivate,
          timeoutMs: DELIVERY_TIMEOUT_MS,
          resolve: this.options.resolve,
        },
        undefined,
        {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "user-agent": "lapse-webhooks",
            "webhook-id": delivery.id,
            "webhook-timestamp": String(timestamp),
            "webhook-signature": signatureHeader(secrets, delivery.id, timestamp, delivery.payload),
          },
          body: delivery.payload,
        },
      ));
    } catch (failure) {
      error = (failure as Error).message;
    }
    const ms = Math.round(performance.now() - started);
    const ok = status >= 200 && status < 300;
    if (!ok && !error) error = `answered HTTP ${status}`;
    const attempts = delivery.attempts + 1;
    const dead = !ok && attempts > RETRY_DELAYS_MS.length;
    await this.finish(delivery, now, { ok, dead, status, ms, error, attempts });
    this.options.onOutcome?.(ok ? "delivered" : dead ? "dead" : "failed");
    if (ok) await this.recovered(webhook);
    else await this.failed(ctx, webhook, now);
  }

  private async finish(
    delivery: WebhookDelivery,
    now: Date,
    result: {
      ok?: boolean;
      dead?: boolean;
      status?: number;
      ms?: number;
      error: string | null;
      attempts?: number;
    },
  ): Promise<void> {
    const attempts = result.attempts ?? delivery.attempts;
    const status = result.ok
      ? WebhookDeliveryStatus.DELIVERED
      : result.dead
        ? WebhookDeliveryStatus.DEAD
        : WebhookDeliveryStatus.RETRYING;
    const next =
      status === WebhookDeliveryStatus.RETRYING
        ? new Date(now.getTime() + this.backoff(attempts))
        : null;
    await this.dataSource.manager
      .createQueryBuilder()
      .update(WebhookDelivery)
      .set({
        status,
        attempts,
        nextAttemptAt: next,
        leaseHolder: null,
        leaseUntil: null,
        ...(result.status !== undefined
          ? {
              lastAttemptAt: now,
              responseCode: result.status || null,
              responseMs: result.ms ?? null,
            }
          : {}),
        lastError: result.error?.slice(0, 255) ?? null,
        deliveredAt: result.ok ? now : null,
      })
      .where("id = :id AND lease_holder = :holder", { id: delivery.id, holder: this.holder })
      .execute();
  }

  /** The wait after the `attempts`-th failure: the schedule's step, ±10 % so retries spread out. */
  private backoff(attempts: number): number {
    const base = RETRY_DELAYS_MS[Math.min(attempts, RETRY_DELAYS_MS.length) - 1]!;
    const random = this.options.random ?? Math.random;
    return Math.round(base * (1 - JITTER + 2 * JITTER * random()));
  }

  private async recovered(webhook: Webhook): Promise<void> {
    if (webhook.failingSince === null) return;
    await this.dataSource.manager.update(Webhook, { id: webhook.id }, { failingSince: null });
  }

  /** Notes when failures began; three days of nothing but failures disables the endpoint. */
  private async failed(ctx: AuditContext, webhook: Webhook, now: Date): Promise<void> {
    if (webhook.failingSince === null) {
      await this.dataSource.manager
        .createQueryBuilder()
        .update(Webhook)
        .set({ failingSince: now })
        .where("id = :id AND failing_since IS NULL", { id: webhook.id })
        .execute();
      return;
    }
    if (now.getTime() - webhook.failingSince.getTime() < DISABLE_AFTER_MS) return;
    await this.dataSource.transaction(async (manager) => {
      const reason = `Every delivery failed from ${webhook.failingSince!.toISOString()} to ${now.toISOString()}.`;
      const disabled = await manager
        .createQueryBuilder()
        .update(Webhook)
        .set({ enabled: false, disabledAt: now, disabledReason: reason, updatedAt: now })
        .where("id = :id AND enabled = :on", { id: webhook.id, on: true })
        .execute();
      if (!disabled.affected) return;
      await manager
        .createQueryBuilder()
        .update(WebhookDelivery)
        .set({ status: WebhookDeliveryStatus.DEAD, nextAttemptAt: null })
        .where("webhook_id = :id AND next_attempt_at IS NOT NULL", { id: webhook.id })
        .execute();
      await this.audit.record(ctx, manager, {
        type: AuditEventType.WEBHOOK_DISABLED,
        organizationId: webhook.organizationId,
        payload: { webhookId: webhook.id, url: webhook.url, reason },
      });
    });
    this.logger.warn({ webhookId: webhook.id }, "webhook disabled after 3 days of failures");
  }
}
