import type { DataSource } from "typeorm";
import type { Clock } from "../clock";
import type { Logger } from "../logger";
import { PolicyRefusal, breaksPolicy } from "../modules/organization/token-policy";
import { AccessToken } from "../modules/token/access-token.entity";
import { TokenKind, TokenStatus } from "../modules/token/token.types";
import { principalFor } from "./principal";
import type { RefusalRecorder } from "./refusal-recorder";
import { Session } from "../modules/session/session.entity";
import { digestSecret, parseSecret } from "./token-secret";

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
        | "session-unknown"
        | "session-ended"
        | "session-expired";
      token?: AccessToken;
      /** For a policy refusal: the sentence that names the cap. */
      message?: string;
    };

/** Where a request came from, for the audit trail of a refusal. */
export interface RequestOrigin {
  requestId: string;
  ip: string | null;
  userAgent: string | null;
}

export class AuthenticationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly refusals: RefusalRecorder,
  ) {}

  /**
   * Decides whether `secret` is usable right now: a checksum test without the database, then one read
   * by digest through a unique index (joined to the token's organization for its policy); expiry,
   * revocation and the lifetime policy are judged against the clock at this moment, to the
   * millisecond, whatever any background job has done.
   */
  async authenticate(secret: string, origin: RequestOrigin): Promise<AuthenticationResult> {
    if (!parseSecret(secret)) return { ok: false, reason: "malformed" };
    const token = await this.dataSource.manager
      .createQueryBuilder(AccessToken, "t")
      .leftJoinAndSelect("t.org", "org")
      .where("t.digest = :digest", { digest: digestSecret(secret) })
      .getOne();
    if (!token) return { ok: false, reason: "invalid" };
    return this.judge(token, origin);
  }

  /**
   * Authenticates a console session cookie: one read of the session joined to its token, then the
   * token is judged exactly as if it had been sent itself. A malformed cookie costs no query.
   */
  async authenticateSession(cookie: string, origin: RequestOrigin): Promise<AuthenticationResult> {
    if (!SESSION_COOKIE_VALUE.test(cookie)) return { ok: false, reason: "session-unknown" };
    const session = await this.dataSource.manager
      .createQueryBuilder(Session, "s")
      .innerJoinAndSelect("s.token", "t")
      .leftJoinAndSelect("t.org", "org")
      .where("s.digest = :digest", { digest: digestSecret(cookie) })
      .getOne();
    if (!session) return { ok: false, reason: "session-unknown" };
    const now = this.clock.now();
    if (session.endedAt) return { ok: false, reason: "session-ended" };
    if (session.expiresAt.getTime() <= now.getTime())
      return { ok: false, reason: "session-expired" };
    return this.judge(session.token!, origin);
  }

  /** Revocation, expiry and the lifetime policy, at this moment; refusals are audited (throttled). */
  private async judge(token: AccessToken, origin: RequestOrigin): Promise<AuthenticationResult> {
    const now = this.clock.now();
    const status = token.statusAt(now);
    let refusal: Extract<AuthenticationResult, { ok: false }> | null = null;
    if (status === TokenStatus.REVOKED) refusal = { ok: false, reason: "revoked", token };
    else if (status === TokenStatus.EXPIRED) refusal = { ok: false, reason: "expired", token };
    else if (
      token.kind !== TokenKind.PERSONAL &&
      token.org &&
      breaksPolicy(token, token.org, now)
    ) {
      refusal = {
        ok: false,
        reason: "policy",
        token,
        message: new PolicyRefusal(token.org, token).message,
      };
    }
    if (refusal) {
      await this.refusals.record(
        { ...origin, clock: this.clock, principal: principalFor(token) },
        token,
        refusal.reason as "revoked" | "expired" | "policy",
      );
      return refusal;
    }
    await this.touch(token, now);
    return { ok: true, token };
  }

  /** Records use at most once a minute per token; a failure to record never fails the request. */
  private async touch(token: AccessToken, now: Date): Promise<void> {
    if (token.lastUsedAt && now.getTime() - token.lastUsedAt.getTime() < LAST_USED_RESOLUTION_MS)
      return;
    const staleBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
    // Conditional so that concurrent requests, here or on other instances, write once per minute.
    await this.dataSource.manager
      .createQueryBuilder()
      .update(AccessToken)
      .set({ lastUsedAt: now })
      .where("id = :id AND (last_used_at IS NULL OR last_used_at <= :staleBefore)", {
        id: token.id,
        staleBefore,
      })
      .execute()
      .then(() => {
        token.lastUsedAt = now;
      })
      .catch((error: unknown) =>
        this.logger.warn({ err: error, tokenId: token.id }, "could not record token use"),
      );
  }
}
