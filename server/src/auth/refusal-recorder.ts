import type { DataSource } from "typeorm";
import type { Logger } from "../logger";
import type { AuditContext, AuditService } from "../modules/audit/audit.service";
import { AuditEventType } from "../modules/audit/audit.types";
import { AccessToken } from "../modules/token/access-token.entity";

/** At most one TOKEN_USE_REFUSED event per token per minute, so a broken CI loop cannot flood the trail. */
export const REFUSAL_AUDIT_INTERVAL_MS = 60_000;

/** Why a known token was refused: its status, its organization's policy, or where it came from. */
export type RefusalReason = "expired" | "revoked" | "policy" | "address";

/** Audits refused uses of known tokens, throttled per token across every instance. */
export class RefusalRecorder {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly logger: Logger,
  ) {}

  /** Records the refusal unless one was recorded for this token within the last minute; never throws. */
  async record(ctx: AuditContext, token: AccessToken, reason: RefusalReason): Promise<void> {
    const now = ctx.clock.now();
    try {
      await this.dataSource.transaction(async (manager) => {
        const claimed = await manager
          .createQueryBuilder()
          .update(AccessToken)
          .set({ lastRefusedAt: now })
          .where("id = :id AND (last_refused_at IS NULL OR last_refused_at <= :before)", {
            id: token.id,
            before: new Date(now.getTime() - REFUSAL_AUDIT_INTERVAL_MS),
          })
          .execute();
        if (!claimed.affected) return;
        await this.audit.record(ctx, manager, {
          type: AuditEventType.TOKEN_USE_REFUSED,
          organizationId: token.organizationId,
          tokenId: token.id,
          tokenName: token.name,
          teamId: token.teamId,
          subjectUserId: token.ownerId,
          payload: { reason },
        });
      });
    } catch (error) {
      this.logger.warn({ err: error, tokenId: token.id }, "could not audit a refused token use");
    }
  }
}
