import type { DataSource } from "typeorm";
import { addressKey, type AuthThrottleService } from "../../auth/auth-throttle";
import { retryAfterSeconds } from "../../auth/authenticate.middleware";
import { Action, authorize } from "../../auth/authorization";
import { digestSecret, parseSecret } from "../../auth/token-secret";
import type { RequestContext } from "../../context";
import { storeKind } from "../../db/data-source";
import { badUserInput } from "../../errors/lapse-error";
import type { AuditService } from "../audit/audit.service";
import { AuditEventType } from "../audit/audit.types";
import { AccessToken } from "../token/access-token.entity";
import { REVOCATION_REASONS, TokenKind, TokenStatus } from "../token/token.types";
import { LeakReportsThrottled } from "./leak.errors";

/** The reason a TOKEN_REVOKED event gives for a token revoked because its secret was reported. */
export const LEAKED = REVOCATION_REASONS.LEAKED;

/** Secrets one report to `POST /api/credentials/revoke` may carry. */
export const MAX_REPORTED_CREDENTIALS = 1000;

/** Digests per read: one statement, its IN list served by the unique index on digest. */
const DIGESTS_PER_READ = 1000;

/** Where a reported secret was found, when the reporter says (GitHub's secret scanning does). */
export interface FoundAt {
  type: string | null;
  url: string | null;
  source: string | null;
}

export interface ReportedSecret {
  secret: unknown;
  found?: FoundAt;
}

export interface LeakOutcome {
  /** Digests of the reported secrets that Lapse issued, whatever their state now. */
  issued: ReadonlySet<string>;
  /** Digests of the tokens this report revoked (live until now). */
  revoked: ReadonlySet<string>;
}

/**
 * Revokes tokens whose secrets were reported as leaked, by anyone: holding a secret is all the
 * right it takes, since whoever holds one could use it. Live tokens are revoked with a TOKEN_REVOKED
 * event (reason LEAKED, the route and the reporter's address, where it was found) in the same
 * transaction; unknown, malformed, expired and revoked secrets change nothing.
 */
export class LeakedCredentialService {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly throttle: AuthThrottleService,
  ) {}

  /**
   * Takes an anonymous report (`{"credentials": [...]}`): counts it against the reporter's address,
   * then revokes in the background (`settled` waits for it), so that the answer, sent before any
   * secret is looked at, cannot tell live secrets from dead ones by its body or its timing.
   * Throws LeakReportsThrottled, BAD_USER_INPUT (not a list, or more than 1,000).
   */
  async report(ctx: RequestContext, route: string, body: unknown): Promise<void> {
    authorize(ctx, Action.ReportLeakedCredentials);
    await this.count(ctx);
    const credentials = (body as { credentials?: unknown } | null | undefined)?.credentials;
    if (!Array.isArray(credentials) || credentials.length > MAX_REPORTED_CREDENTIALS) {
      throw badUserInput(
        `Send {"credentials": ["lapse_…", …]}: a list of at most ${MAX_REPORTED_CREDENTIALS.toLocaleString("en")} secrets.`,
      );
    }
    // On the next turn of the event loop, after the answer is written: not even the checksums
    // and digests are worked out before it.
    const work = new Promise((resolve) => setImmediate(resolve))
      .then(() =>
        this.revoke(
          ctx,
          route,
          credentials.map((secret: unknown) => ({ secret })),
        ),
      )
      .then(
        ({ revoked }) => {
          ctx.logger.info(
            { requestId: ctx.requestId, reported: credentials.length, revoked: revoked.size },
            "leaked credentials reported",
          );
        },
        (error: unknown) => {
          ctx.logger.error(
            { err: error, requestId: ctx.requestId },
            "could not revoke reported credentials",
          );
        },
      );
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  /** Resolves once every revocation `report` started has ended (tests; shutdown). */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  /**
   * Revokes every live token among `reported` (malformed entries and unknown secrets are skipped
   * alike; a secret reported twice counts once) and says which secrets Lapse issued and which it
   * revoked now. One indexed read per 1,000 secrets finds them; only the live ones are written.
   */
  async revoke(
    ctx: RequestContext,
    route: string,
    reported: ReportedSecret[],
  ): Promise<LeakOutcome> {
    const byDigest = new Map<string, ReportedSecret>();
    for (const entry of reported) {
      if (typeof entry.secret !== "string" || !parseSecret(entry.secret)) continue;
      const digest = digestSecret(entry.secret);
      if (!byDigest.has(digest)) byDigest.set(digest, entry);
    }
    const found = await this.issued([...byDigest.keys()]);
    const now = ctx.clock.now();
    const live = found.filter((token) => token.statusAt(now) === TokenStatus.ACTIVE);
    const revoked = live.length
      ? await this.revokeLive(
          ctx,
          route,
          live.map((token) => token.id),
          byDigest,
        )
      : [];
    return {
      issued: new Set(found.map((token) => token.digest)),
      revoked: new Set(revoked.map((token) => token.digest)),
    };
  }

  /** Counts one report against the reporter's address; throws LeakReportsThrottled over the limit. */
  async count(ctx: RequestContext): Promise<void> {
    const key = leakReportKey(ctx.ip);
    const nowMs = ctx.clock.now().getTime();
    const until =
      this.throttle.lockedOutLocally([key], nowMs) ||
      (await this.throttle.recordFailure([key], nowMs));
    if (until) throw new LeakReportsThrottled(retryAfterSeconds({ retryAfterMs: until - nowMs }));
  }

  /** The tokens with these digests, as much of them as tells live from dead. */
  private async issued(digests: string[]): Promise<AccessToken[]> {
    const found: AccessToken[] = [];
    for (let start = 0; start < digests.length; start += DIGESTS_PER_READ) {
      found.push(
        ...(await this.dataSource.manager
          .createQueryBuilder(AccessToken, "t")
          .select(["t.id", "t.digest", "t.revokedAt", "t.expiresAt"])
          .where("t.digest IN (:...digests)", {
            digests: digests.slice(start, start + DIGESTS_PER_READ),
          })
          .getMany()),
      );
    }
    return found;
  }

  /**
   * Revokes the tokens `ids` that are still live, each with its event, in one transaction. Read
   * again by id inside it (locked on MySQL) so that of concurrent revocations exactly one records
   * an event; by id, not by digest, so that no gap lock falls on digests that do not exist.
   */
  private async revokeLive(
    ctx: RequestContext,
    route: string,
    ids: string[],
    byDigest: Map<string, ReportedSecret>,
  ): Promise<AccessToken[]> {
    return this.dataSource.transaction(async (manager) => {
      const now = ctx.clock.now();
      const read = manager.createQueryBuilder(AccessToken, "t").where("t.id IN (:...ids)", { ids });
      if (storeKind(this.dataSource) === "mysql") read.setLock("pessimistic_write");
      const tokens = (await read.getMany()).filter((t) => t.statusAt(now) === TokenStatus.ACTIVE);
      // A personal token's name is free once it is revoked; other kinds keep theirs reserved.
      const personal = tokens.filter((t) => t.kind === TokenKind.PERSONAL).map((t) => t.id);
      const machine = tokens.filter((t) => t.kind !== TokenKind.PERSONAL).map((t) => t.id);
      for (const [chosen, set] of [
        [personal, { revokedAt: now, nameKey: null }],
        [machine, { revokedAt: now }],
      ] as const) {
        if (!chosen.length) continue;
        await manager
          .createQueryBuilder()
          .update(AccessToken)
          .set(set)
          .where("id IN (:...ids)", { ids: chosen })
          .execute();
      }
      for (const token of tokens) {
        const found = byDigest.get(token.digest)?.found;
        await this.audit.record(ctx, manager, {
          type: AuditEventType.TOKEN_REVOKED,
          organizationId: token.organizationId,
          tokenId: token.id,
          tokenName: token.name,
          teamId: token.teamId,
          subjectUserId: token.ownerId,
          payload: {
            kind: token.kind,
            reason: LEAKED,
            reportedTo: route,
            reportedFrom: ctx.ip,
            ...(found ? { foundAt: found } : {}),
          },
        });
      }
      return tokens;
    });
  }
}

/**
 * The key reports count against: the address's own, apart from failed authentications, so that
 * reporting leaks never locks an address out of authenticating, nor the reverse.
 */
export function leakReportKey(ip: string | null): string {
  return `leak-report:${addressKey(ip)}`;
}
