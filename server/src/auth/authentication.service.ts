import type { DataSource } from "typeorm";
import type { Clock } from "../clock";
import type { Logger } from "../logger";
import { AccessToken } from "../modules/token/access-token.entity";
import { TokenStatus } from "../modules/token/token.types";
import { digestSecret, parseSecret } from "./token-secret";

/** lastUsedAt is written at most this often per token, so reads do not turn into writes. */
export const LAST_USED_RESOLUTION_MS = 60_000;

export type AuthenticationResult =
  | { ok: true; token: AccessToken }
  | { ok: false; reason: "malformed" | "invalid" | "revoked" | "expired"; token?: AccessToken };

export class AuthenticationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /**
   * Decides whether `secret` is usable right now: a checksum test without the database, then one read
   * by digest through a unique index; expiry and revocation are judged against the clock at this
   * moment, to the millisecond, whatever any background job has done.
   */
  async authenticate(secret: string): Promise<AuthenticationResult> {
    if (!parseSecret(secret)) return { ok: false, reason: "malformed" };
    const token = await this.dataSource.manager.findOneBy(AccessToken, {
      digest: digestSecret(secret),
    });
    if (!token) return { ok: false, reason: "invalid" };
    const now = this.clock.now();
    const status = token.statusAt(now);
    if (status === TokenStatus.REVOKED) return { ok: false, reason: "revoked", token };
    if (status === TokenStatus.EXPIRED) return { ok: false, reason: "expired", token };
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
