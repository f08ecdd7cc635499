import type { DataSource } from "typeorm";
import type { AuditContext, AuditService } from "../audit/audit.service";
import { AuditEventType } from "../audit/audit.types";
import { OidcJti } from "../oidc/oidc-jti.entity";
import { AccessToken } from "./access-token.entity";

/** The sweep runs this often, so each TOKEN_EXPIRED event lands within a minute of its expiresAt. */
export const SWEEP_INTERVAL_MS = 30_000;
const BATCH = 500;
/** Past a JWT's exp plus the verifier's leeway it is refused anyway; its jti row can go. */
const JTI_RETENTION_AFTER_EXPIRY_MS = 5 * 60_000;

/**
 * Writes TOKEN_EXPIRED once per lapsed token, so the trail shows what lapsed and when. It decides
 * nothing: expiry is enforced at the moment of use whether or not the sweep has run. Safe to run on
 * every instance at once: each token is claimed by a conditional update.
 */
export class ExpirySweepService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /**
   * Records the tokens lapsed as of now (returns how many events it wrote), and forgets OIDC JWT ids
   * whose JWTs can no longer be presented.
   */
  async sweep(ctx: AuditContext): Promise<number> {
    const now = ctx.clock.now();
    await this.dataSource.manager
      .createQueryBuilder()
      .delete()
      .from(OidcJti)
      .where("expires_at < :cutoff", {
        cutoff: new Date(now.getTime() - JTI_RETENTION_AFTER_EXPIRY_MS),
      })
      .execute();
    let written = 0;
    for (;;) {
      const lapsed = await this.dataSource.manager
        .createQueryBuilder(AccessToken, "t")
        .where("t.expiry_recorded_at IS NULL AND t.expires_at <= :now", { now })
        .orderBy("t.expires_at", "ASC")
        .take(BATCH)
        .getMany();
      for (const token of lapsed) {
        // A token revoked before it expired never lapsed: settle it without an event.
        const revokedFirst =
          token.revokedAt !== null && token.revokedAt.getTime() <= token.expiresAt!.getTime();
        if (await this.record(ctx, token, now, !revokedFirst)) written += revokedFirst ? 0 : 1;
      }
      if (lapsed.length < BATCH) return written;
    }
  }

  private async record(
    ctx: AuditContext,
    token: AccessToken,
    now: Date,
    withEvent: boolean,
  ): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const claimed = await manager
        .createQueryBuilder()
        .update(AccessToken)
        .set({ expiryRecordedAt: now })
        .where("id = :id AND expiry_recorded_at IS NULL", { id: token.id })
        .execute();
      if (!claimed.affected) return false;
      if (withEvent) {
        await this.audit.record(ctx, manager, {
          type: AuditEventType.TOKEN_EXPIRED,
          organizationId: token.organizationId,
          tokenId: token.id,
          tokenName: token.name,
          teamId: token.teamId,
          subjectUserId: token.ownerId,
          payload: { kind: token.kind, expiresAt: token.expiresAt!.toISOString() },
        });
      }
      return true;
    });
  }
}
