import type { DataSource } from "typeorm";
import type { Clock } from "../clock";
import type { Logger } from "../logger";
import { PolicyRefusal, breaksPolicy } from "../modules/organization/token-policy";
import { AccessToken } from "../modules/token/access-token.entity";
import { TokenKind, TokenStatus } from "../modules/token/token.types";
import { personFor, principalFor, type Principal } from "./principal";
import type { RefusalReason, RefusalRecorder } from "./refusal-recorder";
import { addressAllowed } from "./cidrs";
import { Session, SessionMethod } from "../modules/session/session.entity";
import { digestSecret, parseSecret } from "./token-secret";
import { addressKey, tokenKey, type AuthThrottleService } from "./auth-throttle";
import { TokenLookup } from "./token-lookup";
import { runAgainOnDeadlock } from "../db/transaction-retry";

/** A session cookie's value: 32 random bytes in base64url. */
export const SESSION_COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;

/** lastUsedAt is written at most this often per token, so reads do not turn into writes. */
export const LAST_USED_RESOLUTION_MS = 60_000;

export type AuthenticationResult =
  | { ok: true; token: AccessToken }
  | {
      ok: false;
      reason:
        | "malformed"
        | "invalid"
        | "revoked"
        | "expired"
        | "policy"
        | "address"
        | "session-unknown"
        | "session-ended"
        | "session-expired"
        | "throttled";
      token?: AccessToken;
      /** For a policy or address refusal: the sentence that names the cap or the address. */
      message?: string;
      /** For a throttled attempt: how long until the lockout ends. */
      retryAfterMs?: number;
    };

type Refusal = Extract<AuthenticationResult, { ok: false }>;

/** A session's authentication: a token-made session is its token; an SSO session a person. */
export type SessionAuthentication =
  Refusal | { ok: true; principal: Principal; token: AccessToken | null };

/** Where a request came from, for the audit trail of a refusal. */
export interface RequestOrigin {
  requestId: string;
  ip: string | null;
  userAgent: string | null;
}

export class AuthenticationService {
  private readonly lookup: TokenLookup;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly refusals: RefusalRecorder,
    private readonly throttle: AuthThrottleService,
  ) {
    this.lookup = new TokenLookup(dataSource, throttle);
  }

  /**
   * Decides whether `secret` is usable right now: a checksum test without the database, then one read
   * by digest through a unique index (joined to the token's organization for its policy, and with
   * any lockout of the request's address or of the token itself); expiry, revocation and the
   * lifetime policy are judged against the clock at this moment, to the millisecond, whatever any
   * background job has done.
   */
  async authenticate(secret: string, origin: RequestOrigin): Promise<AuthenticationResult> {
    const address = addressKey(origin.ip);
    const nowMs = this.clock.now().getTime();
    const known = this.throttle.lockedOutLocally([address], nowMs);
    if (known) return throttled(known, nowMs);
    // A malformed secret costs no query, so it is not counted against the limit either.
    if (!parseSecret(secret)) return { ok: false, reason: "malformed" };
    const found = await this.lookup.find(digestSecret(secret), address);
    const { token } = found;
    const lockedOut =
      token &&
      this.throttle.lockoutsFrom(
        [
          [address, found.addressLockedUntilMs],
          [tokenKey(token.id), found.tokenLockedUntilMs],
        ],
        nowMs,
      );
    if (lockedOut) return throttled(lockedOut, nowMs);
    const result = token
      ? await this.judge(token, origin)
      : { ok: false as const, reason: "invalid" as const };
    return result.ok ? result : this.failed(result, address, nowMs);
  }

  /**
   * Authenticates a console session cookie: one read of the session joined to its token, then the
   * token is judged exactly as if it had been sent itself. A session made by single sign-on has no
   * token: it is its person until it ends or expires. A malformed cookie costs no query.
   */
  async authenticateSession(cookie: string, origin: RequestOrigin): Promise<SessionAuthentication> {
    const address = addressKey(origin.ip);
    const now = this.clock.now();
    const known = this.throttle.lockedOutLocally([address], now.getTime());
    if (known) return throttled(known, now.getTime());
    if (!SESSION_COOKIE_VALUE.test(cookie)) return { ok: false, reason: "session-unknown" };
    const q = (name: string) => this.dataSource.driver.escape(name);
    const { entities, raw } = await this.dataSource.manager
      .createQueryBuilder(Session, "s")
      .leftJoinAndSelect("s.token", "t")
      .leftJoinAndSelect("t.org", "org")
      .addSelect(this.throttle.lockoutSql(":addressKey"), "address_locked_until")
      .addSelect(
        this.throttle.lockoutSql(this.throttle.tokenKeySql(`${q("t")}.${q("id")}`)),
        "token_locked_until",
      )
      .where("s.digest = :digest", { digest: digestSecret(cookie) })
      .setParameter("addressKey", address)
      .getRawAndEntities();
    const session = entities[0];
    const lockedOut =
      session &&
      this.throttle.lockoutsFrom(
        [
          [address, Number(raw[0]?.address_locked_until ?? 0)],
          ...(session.token
            ? [
                [tokenKey(session.token.id), Number(raw[0]?.token_locked_until ?? 0)] as [
                  string,
                  number,
                ],
              ]
            : []),
        ],
        now.getTime(),
      );
    if (lockedOut) return throttled(lockedOut, now.getTime());
    let result: AuthenticationResult;
    if (!session) result = { ok: false, reason: "session-unknown" };
    else if (session.endedAt) result = { ok: false, reason: "session-ended" };
    else if (session.expiresAt.getTime() <= now.getTime())
      result = { ok: false, reason: "session-expired" };
    else if (session.method === SessionMethod.SSO && session.tokenId === null)
      return { ok: true, principal: personFor(session.userId, session.email), token: null };
    // A token session whose token is gone is no person's session: it must never become one.
    else if (!session.token) result = { ok: false, reason: "session-unknown" };
    else result = await this.judge(session.token, origin);
    if (result.ok) {
      const principal = principalFor(result.token, { session: true });
      return { ok: true, principal, token: result.token };
    }
    return this.failed(result, address, now.getTime());
  }

  /**
   * Counts a refusal; the one that goes over the limit is throttled. A secret or cookie that
   * matches nothing is a guess and counts against the address it came from, and nothing else: it
   * names no token, whatever hint it shares with one (so does a token used from outside its
   * networks). A known token refused for being revoked,
   * expired or against policy is no guess: it counts against that token alone, so a stale token in
   * a CI loop cannot lock out everyone behind the same address. A session that ended or expired
   * counts against nothing (its browser is told to drop it).
   */
  private async failed(refusal: Refusal, address: string, nowMs: number): Promise<Refusal> {
    // A token used from outside its networks counts against the address it came from, not the
    // token: whoever holds a leaked copy elsewhere must not lock its owner out inside them.
    const guess =
      refusal.reason === "invalid" ||
      refusal.reason === "session-unknown" ||
      refusal.reason === "address";
    const counted = guess ? [address] : refusal.token ? [tokenKey(refusal.token.id)] : [];
    if (counted.length === 0) return refusal;
    const lockedUntil = await this.throttle
      .recordFailure(counted, nowMs)
      .catch((error: unknown) => {
        // Counting is protection, not bookkeeping the request depends on: it answers as it would have.
        this.logger.warn({ err: error }, "could not count a failed authentication");
        return 0;
      });
    return lockedUntil ? throttled(lockedUntil, nowMs) : refusal;
  }

  /**
   * Whether `token`, read earlier, is accepted from `origin` at `nowMs` without reading anything:
   * not revoked or expired at this moment, within its organization's lifetime policy and its
   * networks, and neither it nor the address locked out as far as this process knows. The gateway
   * check's cache (LAPSE_VERIFY_CACHE_MS) asks this; whatever it refuses goes through `authenticate`.
   * `address` is the origin's `addressKey` (the cache works it out for its own key).
   */
  acceptsKnown(token: AccessToken, origin: RequestOrigin, nowMs: number, address: string): boolean {
    if (this.throttle.lockedOutLocally([address, tokenKey(token.id)], nowMs)) {
      return false;
    }
    return refusalOf(token, origin, new Date(nowMs)) === null;
  }

  /** Revocation, expiry and the lifetime policy, at this moment; refusals are audited (throttled). */
  private async judge(token: AccessToken, origin: RequestOrigin): Promise<AuthenticationResult> {
    const now = this.clock.now();
    const refusal = refusalOf(token, origin, now);
    if (refusal) {
      await this.refusals.record(
        { ...origin, clock: this.clock, principal: principalFor(token) },
        token,
        refusal.reason as RefusalReason,
      );
      return refusal;
    }
    // Asked here, not inside touch: most requests have nothing to record, and an async call
    // costs a promise even when it returns at once.
    const recorded =
      token.lastUsedAt && now.getTime() - token.lastUsedAt.getTime() < LAST_USED_RESOLUTION_MS;
    if (!recorded) await this.touch(token, now);
    return { ok: true, token };
  }

  /** Records use (at most once a minute per token); a failure to record never fails the request. */
  private async touch(token: AccessToken, now: Date): Promise<void> {
    const staleBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
    // Conditional so that concurrent requests, here or on other instances, write once per minute;
    // retried like every transaction when it loses a deadlock (on Galera: a certification conflict
    // with the same write through another node), which then finds the row already written.
    await runAgainOnDeadlock(() =>
      this.dataSource.manager
        .createQueryBuilder()
        .update(AccessToken)
        .set({ lastUsedAt: now })
        .where("id = :id AND (last_used_at IS NULL OR last_used_at <= :staleBefore)", {
          id: token.id,
          staleBefore,
        })
        .execute(),
    )
      .then(() => {
        token.lastUsedAt = now;
      })
      .catch((error: unknown) =>
        this.logger.warn({ err: error, tokenId: token.id }, "could not record token use"),
      );
  }
}

function throttled(untilMs: number, nowMs: number): Refusal {
  return { ok: false, reason: "throttled", retryAfterMs: untilMs - nowMs };
}

/** Why `token` is refused from `origin` at `now` (revoked, expired, policy, networks), or null. */
function refusalOf(token: AccessToken, origin: RequestOrigin, now: Date): Refusal | null {
  const status = token.statusAt(now);
  if (status === TokenStatus.REVOKED) return { ok: false, reason: "revoked", token };
  if (status === TokenStatus.EXPIRED) return { ok: false, reason: "expired", token };
  if (token.kind !== TokenKind.PERSONAL && token.org && breaksPolicy(token, token.org, now)) {
    return {
      ok: false,
      reason: "policy",
      token,
      message: new PolicyRefusal(token.org, token).message,
    };
  }
  if (!addressAllowed(origin.ip, token.allowedCidrs)) {
    return {
      ok: false,
      reason: "address",
      token,
      message: `This token may not be used from ${origin.ip ?? "an unknown address"}: it is bound to ${token.allowedCidrs.join(", ")}.`,
    };
  }
  return null;
}
