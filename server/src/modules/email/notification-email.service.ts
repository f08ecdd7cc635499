import type { DataSource } from "typeorm";
import { Action, authorize } from "../../auth/authorization";
import { requirePrincipal } from "../../auth/principal";
import type { RequestContext } from "../../context";
import { badUserInput } from "../../errors/lapse-error";
import type { AuditService } from "../audit/audit.service";
import { AuditEventType } from "../audit/audit.types";
import type { Viewer } from "../token/token.objects";
import { User } from "../user/user.entity";

/** One address, no display name or list: what an SMTP server takes in RCPT TO. */
const ADDRESS =
  /^[^\s@<>(),;:"\\]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** Each person's own address for expiry digests. */
export class NotificationEmailService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** Sets (or, with null, clears) the caller's address. People only. Throws FORBIDDEN, BAD_USER_INPUT. */
  async set(ctx: RequestContext, email: string | null): Promise<string | null> {
    authorize(ctx, Action.SetNotificationEmail);
    const userId = requirePrincipal(ctx).userId!;
    const address = email?.trim() || null;
    if (address !== null && (address.length > 254 || !ADDRESS.test(address))) {
      throw badUserInput(
        "email must be one address such as ops@example.com, or null to stop the emails.",
      );
    }
    await this.dataSource.transaction(async (manager) => {
      await manager.update(User, { id: userId }, { email: address });
      await this.audit.record(ctx, manager, {
        type: AuditEventType.NOTIFICATION_EMAIL_SET,
        subjectUserId: userId,
        payload: { set: address !== null },
      });
    });
    return address;
  }

  /** The caller's own address; null for machine tokens and for other people's views. */
  async get(ctx: RequestContext, viewer: Viewer): Promise<string | null> {
    if (!viewer.userId || viewer.userId !== ctx.principal?.userId) return null;
    return (await this.dataSource.manager.findOneBy(User, { id: viewer.userId }))?.email ?? null;
  }
}
