import { v7 as uuidv7 } from "uuid";
import type { DataSource, EntityManager } from "typeorm";
import { Action, authorize, isAllowed } from "../../auth/authorization";
import type { OrganizationAccess } from "../../auth/organization-access";
import type { RequestContext } from "../../context";
import { DAY_MS } from "../../clock";
import { encodeCursor, pageSize, readCursor } from "../../db/pagination";
import { badUserInput, conflict, notFound, serviceUnavailable } from "../../errors/lapse-error";
import { assertValid } from "../../errors/validation";
import type { AuditService } from "../audit/audit.service";
import { AuditEventType } from "../audit/audit.types";
import { NonPublicAddress, resolvePublic } from "../oidc/oidc-fetch";
import { Organization } from "../organization/organization.entity";
import type { OrganizationService } from "../organization/organization.service";
import { thresholdsOf } from "./expiry-thresholds";
import { newDelivery } from "./webhook-outbox";
import { eventBody } from "./webhook-payload";
import { WebhookDelivery } from "./webhook-delivery.entity";
import { Webhook } from "./webhook.entity";
import { generateSigningSecret, type SecretBox } from "./webhook-secret";
import {
  CreateWebhookArgs,
  ExpiryThresholdsArgs,
  UpdateWebhookArgs,
  WebhookDeliveriesArgs,
  WebhookFieldsArgs,
} from "./webhook.inputs";
import type { WebhookDeliveryConnection, WebhookWithSecret } from "./webhook.objects";
import {
  MAX_THRESHOLD_DAYS,
  MAX_THRESHOLDS,
  TEST_EVENT,
  WebhookDeliveryStatus,
  WebhookEventType,
} from "./webhook.types";

/** After a rotation the old secret signs alongside the new one this long. */
export const SECRET_OVERLAP_MS = DAY_MS;
export const MAX_WEBHOOKS_PER_ORGANIZATION = 20;

/** An organization's webhooks: ADMINs (people) manage them, ADMINs and AUDITORs read them. */
export class WebhookService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly organizations: OrganizationService,
    private readonly box: SecretBox | null,
    private readonly options: { allowPrivate: boolean },
  ) {}

  /** The organization's webhooks, oldest first. Throws NOT_FOUND, FORBIDDEN. */
  async list(ctx: RequestContext, organization: string): Promise<Webhook[]> {
    const access = await this.organizations.access(ctx, organization);
    authorize(ctx, Action.ReadWebhooks, { access, names: { organization } });
    return this.dataSource.manager.find(Webhook, {
      where: { organizationId: access.organization.id },
      order: { createdAt: "ASC", id: "ASC" },
    });
  }

  /**
   * Registers an endpoint and returns its signing secret, once. Throws NOT_FOUND, FORBIDDEN,
   * BAD_USER_INPUT (also past 20 webhooks), SERVICE_UNAVAILABLE (no LAPSE_WEBHOOK_KEY).
   */
  async create(ctx: RequestContext, input: CreateWebhookArgs): Promise<WebhookWithSecret> {
    const args = await assertValid(CreateWebhookArgs, input);
    const box = this.requireBox();
    // Who may, before the URL's name is looked up: a caller who may not learns nothing from DNS.
    this.assertManager(ctx, await this.organizations.access(ctx, args.organization));
    if (!args.url) throw badUserInput("url is required.");
    if (!args.events?.length) throw badUserInput("Choose at least one event in events.");
    await this.assertUrl(args.url);
    return this.dataSource.transaction(async (manager) => {
      const access = await this.organizations.access(ctx, args.organization, manager);
      this.assertManager(ctx, access);
      const count = await manager.countBy(Webhook, { organizationId: access.organization.id });
      if (count >= MAX_WEBHOOKS_PER_ORGANIZATION) {
        throw badUserInput(
          `An organization has at most ${MAX_WEBHOOKS_PER_ORGANIZATION} webhooks; delete one first.`,
        );
      }
      const now = ctx.clock.now();
      const secret = generateSigningSecret();
      const id = uuidv7();
      const webhook = manager.create(Webhook, {
        id,
        organizationId: access.organization.id,
        url: args.url!,
        description: args.description ?? null,
        eventTypes: JSON.stringify(uniqueEvents(args.events!)),
        secretCipher: box.seal(secret, id),
        previousSecretCipher: null,
        previousSecretUntil: null,
        enabled: true,
        disabledAt: null,
        disabledReason: null,
        failingSince: null,
        createdAt: now,
        updatedAt: now,
      });
      await manager.insert(Webhook, webhook);
      await this.audit.record(ctx, manager, {
        type: AuditEventType.WEBHOOK_CREATED,
        organizationId: access.organization.id,
        payload: { webhookId: id, url: webhook.url, events: JSON.parse(webhook.eventTypes) },
      });
      return { webhook, secret };
    });
  }

  /** Changes an endpoint's url, events, description or enabled. Throws NOT_FOUND, FORBIDDEN, BAD_USER_INPUT. */
  async update(ctx: RequestContext, input: UpdateWebhookArgs): Promise<Webhook> {
    const args = await assertValid(UpdateWebhookArgs, input);
    if (args.url != null) {
      await this.writable(ctx, this.dataSource.manager, args.id);
      await this.assertUrl(args.url);
    }
    return this.dataSource.transaction(async (manager) => {
      const { webhook, access } = await this.writable(ctx, manager, args.id);
      const before = summary(webhook);
      this.apply(webhook, args);
      if (args.enabled === true && !webhook.enabled) {
        webhook.disabledAt = null;
        webhook.disabledReason = null;
        webhook.failingSince = null;
      } else if (args.enabled === false && webhook.enabled) {
        webhook.disabledAt = ctx.clock.now();
        webhook.disabledReason = "Disabled by an ADMIN.";
      }
      if (args.enabled != null) webhook.enabled = args.enabled;
      webhook.updatedAt = ctx.clock.now();
      await manager.save(webhook);
      await this.audit.record(ctx, manager, {
        type: AuditEventType.WEBHOOK_UPDATED,
        organizationId: access.organization.id,
        payload: { webhookId: webhook.id, from: before, to: summary(webhook) },
      });
      return webhook;
    });
  }

  /** Removes an endpoint and its delivery log. Throws NOT_FOUND, FORBIDDEN. */
  async delete(ctx: RequestContext, id: string): Promise<Webhook> {
    return this.dataSource.transaction(async (manager) => {
      const { webhook, access } = await this.writable(ctx, manager, id);
      await manager.delete(WebhookDelivery, { webhookId: webhook.id });
      await manager.delete(Webhook, { id: webhook.id });
      await this.audit.record(ctx, manager, {
        type: AuditEventType.WEBHOOK_DELETED,
        organizationId: access.organization.id,
        payload: { webhookId: webhook.id, url: webhook.url },
      });
      return webhook;
    });
  }

  /**
   * A new signing secret, returned once; the old one keeps signing alongside for 24 hours so
   * receivers can switch without dropping events. Throws NOT_FOUND, FORBIDDEN, SERVICE_UNAVAILABLE.
   */
  async rotateSecret(ctx: RequestContext, id: string): Promise<WebhookWithSecret> {
    const box = this.requireBox();
    return this.dataSource.transaction(async (manager) => {
      const { webhook, access } = await this.writable(ctx, manager, id);
      const now = ctx.clock.now();
      const secret = generateSigningSecret();
      webhook.previousSecretCipher = webhook.secretCipher;
      webhook.previousSecretUntil = new Date(now.getTime() + SECRET_OVERLAP_MS);
      webhook.secretCipher = box.seal(secret, webhook.id);
      webhook.updatedAt = now;
      await manager.save(webhook);
      await this.audit.record(ctx, manager, {
        type: AuditEventType.WEBHOOK_SECRET_ROTATED,
        organizationId: access.organization.id,
        payload: {
          webhookId: webhook.id,
          previousSecretUntil: webhook.previousSecretUntil.toISOString(),
        },
      });
      return { webhook, secret };
    });
  }

  /** Queues a `webhook.test` event for the endpoint, delivered like any other. Throws NOT_FOUND, FORBIDDEN. */
  async sendTest(ctx: RequestContext, id: string): Promise<WebhookDelivery> {
    this.requireBox();
    return this.dataSource.transaction(async (manager) => {
      const { webhook, access } = await this.writable(ctx, manager, id);
      const now = ctx.clock.now();
      const delivery = newDelivery(
        webhook,
        TEST_EVENT,
        eventBody(TEST_EVENT, now, {
          webhook: { id: webhook.id, url: webhook.url },
          organization: access.organization.name,
        }),
        now,
      );
      await manager.insert(WebhookDelivery, delivery);
      await this.audit.record(ctx, manager, {
        type: AuditEventType.WEBHOOK_TESTED,
        organizationId: access.organization.id,
        payload: { webhookId: webhook.id, deliveryId: delivery.id },
      });
      return delivery;
    });
  }

  /**
   * Sends a delivery again from its first attempt, with the same webhook-id (receivers that
   * deduplicate see one event). Throws NOT_FOUND, FORBIDDEN, CONFLICT (still being sent).
   */
  async redeliver(ctx: RequestContext, deliveryId: string): Promise<WebhookDelivery> {
    return this.dataSource.transaction(async (manager) => {
      const delivery = await manager.findOneBy(WebhookDelivery, { id: deliveryId });
      const found = delivery && (await this.writable(ctx, manager, delivery.webhookId, deliveryId));
      if (!delivery || !found) throw this.noDelivery(deliveryId);
      const now = ctx.clock.now();
      if (delivery.leaseUntil && delivery.leaseUntil > now) {
        throw conflict(
          "This delivery is being sent right now; look at its status again in a few seconds.",
        );
      }
      Object.assign(delivery, {
        status: WebhookDeliveryStatus.PENDING,
        attempts: 0,
        nextAttemptAt: now,
        deliveredAt: null,
      });
      await manager.update(
        WebhookDelivery,
        { id: delivery.id },
        { status: delivery.status, attempts: 0, nextAttemptAt: now, deliveredAt: null },
      );
      await this.audit.record(ctx, manager, {
        type: AuditEventType.WEBHOOK_REDELIVERED,
        organizationId: found.access.organization.id,
        payload: { webhookId: delivery.webhookId, deliveryId: delivery.id },
      });
      return delivery;
    });
  }

  /** A webhook's deliveries, newest first, by status. ADMINs and AUDITORs. Throws NOT_FOUND, BAD_USER_INPUT. */
  async deliveries(
    ctx: RequestContext,
    args: WebhookDeliveriesArgs,
  ): Promise<WebhookDeliveryConnection> {
    const size = pageSize(args.first);
    const webhook = await this.readable(ctx, args.webhookId);
    let after: [string, string] | null = null;
    if (args.after != null) {
      const key = readCursor(args.after);
      if (!Array.isArray(key) || key.length !== 2 || !key.every((k) => typeof k === "string")) {
        throw badUserInput("after is not a cursor from this connection.");
      }
      after = key as [string, string];
    }
    const statuses = args.filter?.statuses ?? null;
    const base = () => {
      const query = this.dataSource.manager
        .createQueryBuilder(WebhookDelivery, "d")
        .where("d.webhook_id = :id", { id: webhook.id });
      if (statuses?.length) query.andWhere("d.status IN (:...statuses)", { statuses });
      return query;
    };
    const page = base();
    if (after) {
      page.andWhere("(d.created_at < :at OR (d.created_at = :at AND d.id < :afterId))", {
        at: new Date(after[0]),
        afterId: after[1],
      });
    }
    const rows = await page
      .orderBy("d.created_at", "DESC")
      .addOrderBy("d.id", "DESC")
      .take(size + 1)
      .getMany();
    const edges = rows.slice(0, size).map((node) => ({
      cursor: encodeCursor([node.createdAt.toISOString(), node.id]),
      node,
    }));
    return {
      edges,
      pageInfo: { hasNextPage: rows.length > size, endCursor: edges.at(-1)?.cursor ?? null },
      countTotal: () => base().getCount(),
    } as WebhookDeliveryConnection;
  }

  /** Sets the days before expiry that warnings go out. Person ADMINs. Throws NOT_FOUND, FORBIDDEN, BAD_USER_INPUT. */
  async setThresholds(ctx: RequestContext, args: ExpiryThresholdsArgs): Promise<Organization> {
    const days = [...new Set(args.days)].sort((a, b) => b - a);
    if (
      days.length > MAX_THRESHOLDS ||
      days.some((d) => !Number.isInteger(d) || d < 1 || d > MAX_THRESHOLD_DAYS)
    ) {
      throw badUserInput(
        `days takes up to ${MAX_THRESHOLDS} whole numbers from 1 to ${MAX_THRESHOLD_DAYS}, such as [30, 7, 1].`,
      );
    }
    return this.dataSource.transaction(async (manager) => {
      const access = await this.organizations.access(ctx, args.organization, manager);
      authorize(ctx, Action.SetExpiryNotifications, {
        access,
        names: { organization: args.organization },
      });
      const organization = access.organization;
      const previous = thresholdsOf(organization);
      organization.expiryThresholds = days.join(",");
      await manager.update(Organization, organization.id, {
        expiryThresholds: organization.expiryThresholds,
      });
      await this.audit.record(ctx, manager, {
        type: AuditEventType.EXPIRY_THRESHOLDS_UPDATED,
        organizationId: organization.id,
        payload: { days: { from: previous, to: days } },
      });
      return organization;
    });
  }

  /** An https URL (http and non-public hosts only when allowed), checked again at every delivery. */
  private async assertUrl(text: string): Promise<void> {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw badUserInput("url must be an absolute URL such as https://hooks.example.com/lapse.");
    }
    if (url.username || url.password || (url.protocol !== "https:" && url.protocol !== "http:")) {
      throw badUserInput("url must be an https URL without credentials.");
    }
    if (this.options.allowPrivate) return;
    if (url.protocol !== "https:") {
      throw badUserInput(
        "url must use https (an operator can allow plain http with LAPSE_WEBHOOK_ALLOW_PRIVATE=true).",
      );
    }
    try {
      await resolvePublic(url, { allowPrivate: false });
    } catch (error) {
      // A name that does not resolve yet is let through: every delivery checks again.
      if (error instanceof NonPublicAddress) {
        throw badUserInput(
          `url must name a public host; ${url.hostname} is a loopback, private, link-local or otherwise non-public address (an operator can allow such targets with LAPSE_WEBHOOK_ALLOW_PRIVATE=true).`,
        );
      }
    }
  }

  private apply(webhook: Webhook, args: WebhookFieldsArgs): void {
    if (args.url != null) webhook.url = args.url;
    if (args.description != null) webhook.description = args.description || null;
    if (args.events != null) {
      if (args.events.length === 0) throw badUserInput("Choose at least one event in events.");
      webhook.eventTypes = JSON.stringify(uniqueEvents(args.events));
    }
  }

  private requireBox(): SecretBox {
    if (!this.box) {
      throw serviceUnavailable(
        "Webhooks are off on this server: an operator must set LAPSE_WEBHOOK_KEY (a random string of 32 or more characters) to encrypt their signing secrets.",
      );
    }
    return this.box;
  }

  private async readable(ctx: RequestContext, id: string): Promise<Webhook> {
    const manager = this.dataSource.manager;
    const webhook = await manager.findOneBy(Webhook, { id });
    const access = webhook ? await this.accessTo(ctx, manager, webhook) : null;
    if (!webhook || !access || !isAllowed(ctx, Action.ReadWebhooks, { access })) {
      throw notFound(`No webhook with id "${id.slice(0, 64)}" exists that you can see.`);
    }
    return webhook;
  }

  private async writable(
    ctx: RequestContext,
    manager: EntityManager,
    id: string,
    deliveryId?: string,
  ): Promise<{ webhook: Webhook; access: OrganizationAccess }> {
    const webhook = await manager.findOneBy(Webhook, { id });
    const access = webhook ? await this.accessTo(ctx, manager, webhook) : null;
    if (!webhook || !access || !isAllowed(ctx, Action.ReadWebhooks, { access })) {
      throw deliveryId
        ? this.noDelivery(deliveryId)
        : notFound(`No webhook with id "${id.slice(0, 64)}" exists that you can see.`);
    }
    this.assertManager(ctx, access);
    return { webhook, access };
  }

  private noDelivery(id: string) {
    return notFound(`No webhook delivery with id "${id.slice(0, 64)}" exists that you can see.`);
  }

  private async accessTo(ctx: RequestContext, manager: EntityManager, webhook: Webhook) {
    const organization = await manager.findOneByOrFail(Organization, {
      id: webhook.organizationId,
    });
    return this.organizations.tryAccess(ctx, organization.name, manager);
  }

  private assertManager(ctx: RequestContext, access: OrganizationAccess): void {
    authorize(ctx, Action.ManageWebhooks, {
      access,
      names: { organization: access.organization.name },
    });
  }
}

function uniqueEvents(events: WebhookEventType[]): WebhookEventType[] {
  return Object.values(WebhookEventType).filter((e) => events.includes(e));
}

function summary(webhook: Webhook) {
  return {
    url: webhook.url,
    description: webhook.description,
    events: JSON.parse(webhook.eventTypes) as string[],
    enabled: webhook.enabled,
  };
}
