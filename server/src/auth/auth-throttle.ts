import type { DataSource } from "typeorm";
import { isUniqueViolation } from "../db/errors";
import { addressGroup } from "../http/client-address";
import { AuthThrottle } from "./auth-throttle.entity";

export interface AuthThrottleOptions {
  /** Failed authentications a key may have within one window; the next one is refused with 429. */
  maxFailures: number;
  windowMs: number;
  /** How long a key that went over the limit is refused, even with a valid token. */
  lockoutMs: number;
}

export const DEFAULT_AUTH_THROTTLE: AuthThrottleOptions = {
  maxFailures: 30,
  windowMs: 60_000,
  lockoutMs: 5 * 60_000,
};

/** Local memory of keys known to be locked out, so a flood from one costs no database work. */
const MAX_REMEMBERED_LOCKOUTS = 10_000;

/**
 * Rate limits failed authentication per key: a client address (`addressKey`) or a known token
 * (`tokenKey`). The counters live in the database, so the limit holds across every instance; each
 * instance also remembers the lockouts it has seen, so a flood from a locked-out address is
 * answered without a query (a token's own lockout is read with the token, which is read anyway).
 *
 * A locked-out key is refused whatever it sends, a valid token included: otherwise a guesser could
 * tell a right guess (served) from a wrong one (refused) and the limit would not limit guessing.
 * A lockout belongs to its key alone: another key of the same request is refused only once it has
 * earned a lockout of its own.
 */
export class AuthThrottleService {
  private readonly lockouts = new Map<string, number>();

  constructor(
    private readonly dataSource: DataSource,
    readonly options: AuthThrottleOptions = DEFAULT_AUTH_THROTTLE,
  ) {}

  /** Until when (epoch ms) this instance already knows one of `keys` to be locked out, or 0. */
  lockedOutLocally(keys: string[], nowMs: number): number {
    let until = 0;
    for (const key of keys) {
      const known = this.lockouts.get(key);
      if (known === undefined) continue;
      if (known <= nowMs) this.lockouts.delete(key);
      else until = Math.max(until, known);
    }
    return until;
  }

  /**
   * Until when (epoch ms) any of `keys` is locked out, from this instance's memory or else one
   * read by primary key each; 0 when none is. For routes whose authentication is not a token read
   * (the OIDC exchange), which cannot fold the check into a statement of their own.
   */
  async lockedOut(keys: string[], nowMs: number): Promise<number> {
    const known = this.lockedOutLocally(keys, nowMs);
    if (known) return known;
    const [row] = (await this.dataSource.query(
      `SELECT ${keys.map((_, i) => `${this.lockoutSql("?")} AS k${i}`).join(", ")}`,
      keys,
    )) as Record<string, string | number>[];
    return this.lockoutsFrom(
      keys.map((key, i) => [key, Number(row?.[`k${i}`] ?? 0)]),
      nowMs,
    );
  }

  /**
   * An SQL expression for the lockout (epoch ms; 0 for none) of the key that `key` (an SQL
   * expression: a parameter, or one built from columns of the outer query) names, for an
   * authentication read to select beside the token so the check costs no round trip of its own.
   * A read by primary key: MariaDB plans `throttle_key IN (outer.k1, outer.k2)` as a scan of the
   * whole table, so each key gets an expression of its own.
   */
  lockoutSql(key: string): string {
    const q = (name: string) => this.dataSource.driver.escape(name);
    const table = q(this.dataSource.getMetadata(AuthThrottle).tableName);
    return `COALESCE((SELECT th.${q("blocked_until_ms")} FROM ${table} th WHERE th.${q("throttle_key")} = ${key}), 0)`;
  }

  /** An SQL expression for the `tokenKey` of the token id in `idColumn`. */
  tokenKeySql(idColumn: string): string {
    return this.dataSource.options.type === "mysql"
      ? `CONCAT('${TOKEN_KEY_PREFIX}', ${idColumn})`
      : `('${TOKEN_KEY_PREFIX}' || ${idColumn})`;
  }

  /**
   * The lockouts an authentication read found, as (key, until epoch ms): remembers each key that
   * is locked out at `nowMs`, that key alone, and returns the latest such lockout, or 0.
   */
  lockoutsFrom(found: [key: string, untilMs: number][], nowMs: number): number {
    let latest = 0;
    for (const [key, until] of found) {
      if (until <= nowMs) continue;
      this.remember(key, until);
      latest = Math.max(latest, until);
    }
    return latest;
  }

  /**
   * Counts one failed authentication against each key; returns until when (epoch ms) the request's
   * keys are now locked out, or 0 if they are still under the limit.
   */
  async recordFailure(keys: string[], nowMs: number): Promise<number> {
    let lockedUntil = 0;
    for (const key of keys) {
      const row = await this.count(key, nowMs);
      let until = Number(row.blockedUntilMs);
      if (row.failures > this.options.maxFailures && until <= nowMs) {
        until = nowMs + this.options.lockoutMs;
        await this.dataSource.manager
          .createQueryBuilder()
          .update(AuthThrottle)
          .set({ blockedUntilMs: String(until) })
          .where("throttle_key = :key AND blocked_until_ms < :until", { key, until })
          .execute();
      }
      if (until > nowMs) {
        this.remember(key, until);
        lockedUntil = Math.max(lockedUntil, until);
      }
    }
    return lockedUntil;
  }

  /** Forgets counters whose window and lockout have both passed; returns how many. */
  async prune(nowMs: number): Promise<number> {
    const result = await this.dataSource.manager
      .createQueryBuilder()
      .delete()
      .from(AuthThrottle)
      .where("window_started_ms <= :stale AND blocked_until_ms <= :now", {
        stale: nowMs - this.options.windowMs,
        now: nowMs,
      })
      .execute();
    return result.affected ?? 0;
  }

  /** One more failure for `key` in its current window (a new window if the last one has passed). */
  private async count(key: string, nowMs: number): Promise<AuthThrottle> {
    const manager = this.dataSource.manager;
    // Two single-row statements rather than one UPDATE with two CASEs: MySQL applies SET clauses
    // left to right and SQLite all at once, and this way neither order matters.
    await manager
      .createQueryBuilder()
      .update(AuthThrottle)
      .set({ failures: 0, windowStartedMs: String(nowMs) })
      .where("throttle_key = :key AND window_started_ms <= :stale", {
        key,
        stale: nowMs - this.options.windowMs,
      })
      .execute();
    const counted = await manager
      .createQueryBuilder()
      .update(AuthThrottle)
      .set({ failures: () => "failures + 1" })
      .where("throttle_key = :key", { key })
      .execute();
    if (!counted.affected) {
      try {
        await manager.insert(AuthThrottle, {
          key,
          windowStartedMs: String(nowMs),
          failures: 1,
          blockedUntilMs: "0",
        });
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        // Another request made the row first: count on it.
        return this.count(key, nowMs);
      }
    }
    return (await manager.findOneBy(AuthThrottle, { key }))!;
  }

  private remember(key: string, until: number): void {
    // Oldest out once full (Map keeps insertion order), not all: a flood of lockouts from many
    // addresses must not make this instance forget the one it learnt last. Re-set to move it last.
    this.lockouts.delete(key);
    if (this.lockouts.size >= MAX_REMEMBERED_LOCKOUTS) {
      this.lockouts.delete(this.lockouts.keys().next().value!);
    }
    this.lockouts.set(key, until);
  }
}

const TOKEN_KEY_PREFIX = "token:";

/**
 * The key a client address counts against (its `addressGroup`: an IPv6 address by its /64). A
 * secret or session cookie that matches nothing counts here, and only here.
 */
export function addressKey(ip: string | null): string {
  return `ip:${(ip && addressGroup(ip)) ?? "unknown"}`;
}

/**
 * The key refusals of a known token (revoked, expired, against policy) count against: its id, which
 * only a holder of its secret can reach. Never its hint, which lists show and a forged secret with a
 * valid checksum can share.
 */
export function tokenKey(tokenId: string): string {
  return `${TOKEN_KEY_PREFIX}${tokenId}`;
}
