import type { DataSource } from "typeorm";
import { DAY_MS } from "../../clock";
import { NEVER_EXPIRES } from "../../db/never-expires";
import { AccessToken } from "../token/access-token.entity";
import { TokenExpiryStat } from "./token-expiry-stat.entity";

/** How often the counts are refreshed (by one instance, under a lease). */
export const EXPIRY_STATS_INTERVAL_MS = 5 * 60_000;

interface Counts {
  within1d: number;
  within7d: number;
  within30d: number;
  neverExpiring: number;
}

/**
 * Counts each organization's active tokens by how soon they expire, for /metrics. Two grouped
 * reads over the (expiry_recorded_at, expires_at) index: the tokens expiring within 30 days (a
 * range), and the never-expiring ones (one key value). Personal tokens count under "" (no
 * organization). The table is replaced whole, in one transaction.
 */
export class ExpiryStatsService {
  constructor(private readonly dataSource: DataSource) {}

  async refresh(now: Date): Promise<void> {
    const at = (days: number) => new Date(now.getTime() + days * DAY_MS);
    const live = "t.expiry_recorded_at IS NULL AND (t.revoked_at IS NULL OR t.revoked_at > :now)";
    const soon = await this.dataSource.manager
      .createQueryBuilder(AccessToken, "t")
      .select("COALESCE(t.organization_id, '')", "org")
      .addSelect("SUM(CASE WHEN t.expires_at <= :d1 THEN 1 ELSE 0 END)", "d1")
      .addSelect("SUM(CASE WHEN t.expires_at <= :d7 THEN 1 ELSE 0 END)", "d7")
      .addSelect("COUNT(*)", "d30")
      .where(`${live} AND t.expires_at > :now AND t.expires_at <= :d30`)
      .setParameters({ now, d1: at(1), d7: at(7), d30: at(30) })
      .groupBy("COALESCE(t.organization_id, '')")
      .getRawMany<{ org: string; d1: string; d7: string; d30: string }>();
    const never = await this.dataSource.manager
      .createQueryBuilder(AccessToken, "t")
      .select("COALESCE(t.organization_id, '')", "org")
      .addSelect("COUNT(*)", "n")
      .where(`${live} AND t.expires_at = :never`, { now, never: NEVER_EXPIRES })
      .groupBy("COALESCE(t.organization_id, '')")
      .getRawMany<{ org: string; n: string }>();
    const counts = new Map<string, Counts>();
    const of = (org: string) => {
      let entry = counts.get(org);
      if (!entry) {
        entry = { within1d: 0, within7d: 0, within30d: 0, neverExpiring: 0 };
        counts.set(org, entry);
      }
      return entry;
    };
    for (const row of soon) {
      Object.assign(of(row.org), {
        within1d: Number(row.d1),
        within7d: Number(row.d7),
        within30d: Number(row.d30),
      });
    }
    for (const row of never) of(row.org).neverExpiring = Number(row.n);
    await this.dataSource.transaction(async (manager) => {
      // A DELETE, not TRUNCATE: MySQL commits any open transaction before TRUNCATE.
      await manager.createQueryBuilder().delete().from(TokenExpiryStat).execute();
      const rows = [...counts].map(([organizationId, c]) => ({
        organizationId,
        ...c,
        computedAt: now,
      }));
      for (let i = 0; i < rows.length; i += 500) {
        await manager.insert(TokenExpiryStat, rows.slice(i, i + 500));
      }
    });
  }
}
