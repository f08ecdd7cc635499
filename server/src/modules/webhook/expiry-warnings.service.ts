import type { DataSource, EntityManager } from "typeorm";
import { DAY_MS } from "../../clock";
import { isUniqueViolation } from "../../db/errors";
import type { AuditContext, AuditService } from "../audit/audit.service";
import { AuditEventType } from "../audit/audit.types";
import { Membership } from "../organization/membership.entity";
import { Organization } from "../organization/organization.entity";
import { AccessToken } from "../token/access-token.entity";
import { ExpiryNotice } from "./expiry-notice.entity";
import { thresholdsOf } from "./expiry-thresholds";
import { DEFAULT_THRESHOLD_DAYS } from "./webhook.types";

const BATCH = 500;
/**
 * How far back a sweep looks for tokens that crossed a threshold: tokens cross it as time passes,
 * so each sweep reads only the band just crossed (not every token inside the threshold), and this
 * much of it, so that sweeps missed for up to two days (an outage) still warn.
 */
export const CATCH_UP_MS = 2 * DAY_MS;

/** Told of each warning, in its transaction (the email digests queue theirs here). */
export type WarningListener = (
  manager: EntityManager,
  token: AccessToken,
  thresholdDays: number,
  now: Date,
) => Promise<void>;

/**
 * Warns once per token per threshold that it expires soon: a TOKEN_EXPIRING audit event, which the
 * webhook outbox turns into token.expiring deliveries in the same transaction. Run by the periodic
 * sweep under its lease; the (token, threshold) primary key of expiry_notices makes the warning
 * once even if two sweeps overlap or a restart repeats one. A token revoked or rotated before it
 * reaches a threshold is never warned. A threshold the token was made inside of (created with 5 days
 * to live: 30 and 7) passes silently, and when the sweep finds a token past several at once (it
 * did not run for a while), only the tightest warns. A threshold crossed while no sweep ran for
 * more than two days (CATCH_UP_MS) is not warned late; the next one is.
 */
export class ExpiryWarningService {
  private readonly listeners: WarningListener[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  onWarning(listener: WarningListener): void {
    this.listeners.push(listener);
  }

  /** Warns of every token that has crossed a threshold by now; returns how many warnings it wrote. */
  async warn(ctx: AuditContext): Promise<number> {
    const now = ctx.clock.now();
    const thresholds = await this.thresholdsInUse();
    const cache = new Map<string, number[]>();
    let warned = 0;
    for (const days of thresholds) {
      for (;;) {
        const crossed = await this.dataSource.manager
          .createQueryBuilder(AccessToken, "t")
          .where(
            "t.expiry_recorded_at IS NULL AND t.expires_at > :now AND t.expires_at <= :limit",
            {
              now,
              limit: new Date(now.getTime() + days * DAY_MS),
            },
          )
          .andWhere("t.revoked_at IS NULL AND t.rotated_at IS NULL")
          .andWhere(
            "NOT EXISTS (SELECT 1 FROM expiry_notices n WHERE n.token_id = t.id AND n.threshold_days = :days)",
            { days },
          )
          .orderBy("t.expires_at", "ASC")
          .take(BATCH)
          .getMany();
        for (const token of crossed) {
          const applies = await this.thresholdsFor(token, cache);
          const left = token.expiresAt!.getTime() - now.getTime();
          const tightest = Math.min(...applies.filter((d) => left <= d * DAY_MS));
          // A token made to live 5 days is not news at 30 or 7 days: its maker chose that.
          const lifetime = token.expiresAt!.getTime() - token.createdAt.getTime();
          const warn = days === tightest && lifetime > days * DAY_MS;
          if (await this.record(ctx, token, days, warn)) warned += 1;
        }
        if (crossed.length < BATCH) break;
      }
    }
    return warned;
  }

  private async record(
    ctx: AuditContext,
    token: AccessToken,
    days: number,
    warn: boolean,
  ): Promise<boolean> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        await manager.insert(ExpiryNotice, {
          tokenId: token.id,
          thresholdDays: days,
          warned: warn,
          createdAt: ctx.clock.now(),
        });
        if (!warn) return false;
        await this.audit.record(ctx, manager, {
          type: AuditEventType.TOKEN_EXPIRING,
          organizationId: token.organizationId,
          tokenId: token.id,
          tokenName: token.name,
          teamId: token.teamId,
          subjectUserId: token.ownerId,
          payload: {
            kind: token.kind,
            thresholdDays: days,
            expiresAt: token.expiresAt!.toISOString(),
          },
        });
        for (const listener of this.listeners)
          await listener(manager, token, days, ctx.clock.now());
        return true;
      });
    } catch (error) {
      // Another sweep passed this threshold first.
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /** Every threshold any organization warns at, largest first. */
  private async thresholdsInUse(): Promise<number[]> {
    const rows: { thresholds: string | null }[] = await this.dataSource.manager
      .createQueryBuilder(Organization, "o")
      .select("DISTINCT o.expiry_thresholds", "thresholds")
      .getRawMany();
    const all = new Set<number>(DEFAULT_THRESHOLD_DAYS);
    for (const row of rows) {
      for (const d of thresholdsOf({ expiryThresholds: row.thresholds })) all.add(d);
    }
    return [...all].sort((a, b) => b - a);
  }

  /**
   * The thresholds that apply to a token: its organization's; for a personal token, those of every
   * organization its owner is in (the defaults when none).
   */
  private async thresholdsFor(token: AccessToken, cache: Map<string, number[]>): Promise<number[]> {
    const key = token.organizationId ?? `user:${token.ownerId}`;
    const cached = cache.get(key);
    if (cached) return cached;
    let organizations: Organization[];
    if (token.organizationId) {
      organizations = await this.dataSource.manager.findBy(Organization, {
        id: token.organizationId,
      });
    } else {
      organizations = await this.dataSource.manager
        .createQueryBuilder(Organization, "o")
        .innerJoin(Membership, "m", "m.organization_id = o.id")
        .where("m.user_id = :user", { user: token.ownerId })
        .getMany();
    }
    const days =
      organizations.length === 0
        ? DEFAULT_THRESHOLD_DAYS
        : [...new Set(organizations.flatMap((o) => thresholdsOf(o)))];
    cache.set(key, days);
    return days;
  }
}
