import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { DataSource } from "typeorm";
import type { Clock } from "../../clock";
import { Organization } from "../organization/organization.entity";
import { WebhookDelivery } from "../webhook/webhook-delivery.entity";
import { TokenExpiryStat } from "./token-expiry-stat.entity";

/** What mysql2's pool keeps (not part of its typed API; read for the gauges only). */
interface PoolInternals {
  _allConnections?: { length: number };
  _freeConnections?: { length: number };
  _connectionQueue?: { length: number };
}

/** The label personal tokens are counted under: they belong to no organization. */
export const PERSONAL_LABEL = "(personal)";

/**
 * Lapse's Prometheus metrics, in a registry of their own per app (tests run several in one
 * process). Counters are counted where things happen; the gauges read small things at scrape
 * time: the pool's state, the oldest undelivered webhook event, and the per-organization expiry
 * counts the sweep keeps in token_expiry_stats (never a count over all tokens per scrape).
 */
export class LapseMetrics {
  readonly registry = new Registry();

  readonly authentications = new Counter({
    name: "lapse_authentications_total",
    help: "Authentications by outcome (ok, refused).",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });

  readonly refusals = new Counter({
    name: "lapse_refusals_total",
    help: "Refused requests by reason: an authentication's (expired, revoked, invalid, throttled, policy, ...) or an operation's error code (forbidden, rate_limited, ...).",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });

  readonly requests = new Histogram({
    name: "lapse_http_request_duration_seconds",
    help: "HTTP request latency by route and method.",
    labelNames: ["route", "method", "status"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly operations = new Histogram({
    name: "lapse_graphql_operation_duration_seconds",
    help: "GraphQL operation latency by operation type and root field.",
    labelNames: ["operation"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly webhookDeliveries = new Counter({
    name: "lapse_webhook_deliveries_total",
    help: "Webhook delivery attempts by outcome (delivered, failed and to be retried, dead).",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });

  constructor(dataSource: DataSource, clock: Clock) {
    const pool = (dataSource.driver as unknown as { pool?: PoolInternals }).pool;
    new Gauge({
      name: "lapse_db_pool_connections_in_use",
      help: "Database connections checked out of the pool (0 on SQLite).",
      registers: [this.registry],
      collect() {
        this.set((pool?._allConnections?.length ?? 0) - (pool?._freeConnections?.length ?? 0));
      },
    });
    new Gauge({
      name: "lapse_db_pool_waiting",
      help: "Requests waiting for a free database connection (0 on SQLite).",
      registers: [this.registry],
      collect() {
        this.set(pool?._connectionQueue?.length ?? 0);
      },
    });
    new Gauge({
      name: "lapse_webhook_oldest_undelivered_seconds",
      help: "Age of the oldest webhook event not yet delivered (nor dead); 0 when none waits.",
      registers: [this.registry],
      async collect() {
        const row = await dataSource.manager
          .createQueryBuilder(WebhookDelivery, "d")
          .select("MIN(d.created_at)", "oldest")
          .where("d.next_attempt_at IS NOT NULL")
          .getRawOne<{ oldest: string | Date | null }>();
        const oldest = row?.oldest ? new Date(row.oldest).getTime() : null;
        this.set(oldest === null ? 0 : Math.max(0, (clock.now().getTime() - oldest) / 1000));
      },
    });
    new Gauge({
      name: "lapse_tokens_expiring",
      help: "Active tokens per organization expiring within 1, 7 and 30 days, and never expiring (window=never), as of the sweep's last count (every 5 minutes).",
      labelNames: ["organization", "window"] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        const rows = await dataSource.manager
          .createQueryBuilder(TokenExpiryStat, "s")
          .leftJoin(Organization, "o", "o.id = s.organization_id")
          .select([
            "o.name AS name",
            "s.within_1d AS d1",
            "s.within_7d AS d7",
            "s.within_30d AS d30",
            "s.never_expiring AS never",
          ])
          .getRawMany<{
            name: string | null;
            d1: number;
            d7: number;
            d30: number;
            never: number;
          }>();
        for (const row of rows) {
          const organization = row.name ?? PERSONAL_LABEL;
          this.set({ organization, window: "1d" }, Number(row.d1));
          this.set({ organization, window: "7d" }, Number(row.d7));
          this.set({ organization, window: "30d" }, Number(row.d30));
          this.set({ organization, window: "never" }, Number(row.never));
        }
      },
    });
  }
}
