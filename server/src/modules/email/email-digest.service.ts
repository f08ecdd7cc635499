import { v7 as uuidv7 } from "uuid";
import type { Transporter } from "nodemailer";
import { IsNull, type DataSource, type EntityManager } from "typeorm";
import { isUniqueViolation } from "../../db/errors";
import type { Logger } from "../../logger";
import type { AuditContext } from "../audit/audit.service";
import { Membership } from "../organization/membership.entity";
import { Organization } from "../organization/organization.entity";
import { Team } from "../team/team.entity";
import { TeamMembership } from "../team/team-membership.entity";
import { TeamRole } from "../team/team.types";
import { AccessToken } from "../token/access-token.entity";
import { TokenKind, TokenStatus } from "../token/token.types";
import { User } from "../user/user.entity";
import { EmailDigest, EmailNotice } from "./email-notice.entity";

export interface EmailOptions {
  /** Sends the mail (nodemailer over SMTP_URL). Null: email is off and nothing is queued. */
  transport: Pick<Transporter, "sendMail"> | null;
  from: string;
  /** The console's address, for the links to each token. */
  consoleUrl: string;
}

interface Line {
  token: AccessToken;
  thresholdDays: number;
  organization: string | null;
  team: string | null;
}

/**
 * Expiry warnings by email: the owner of a personal token and the MAINTAINERs of a team token's
 * team get one digest per person per UTC day, listing every token that crossed a threshold since
 * their last one. Notices are queued in the sweep's warning transaction (so a warning and its
 * email are one decision); digests are sent by the periodic job, once per person per day by the
 * (person, day) key of email_digests, whichever instance sends.
 */
export class EmailDigestService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
    private readonly options: EmailOptions,
  ) {}

  get enabled(): boolean {
    return this.options.transport !== null;
  }

  /** Queues the warning for each recipient with an address, through the warning's transaction. */
  async queue(
    manager: EntityManager,
    token: AccessToken,
    thresholdDays: number,
    now: Date,
  ): Promise<void> {
    if (!this.enabled) return;
    const recipients = await this.recipients(manager, token);
    for (const userId of recipients) {
      await manager.insert(EmailNotice, {
        id: uuidv7(),
        userId,
        tokenId: token.id,
        thresholdDays,
        createdAt: now,
        sentAt: null,
      });
    }
  }

  /** Sends the digests due now: one per person with waiting notices who has had none today. */
  async sendDigests(ctx: AuditContext): Promise<number> {
    if (!this.enabled) return 0;
    const now = ctx.clock.now();
    const day = now.toISOString().slice(0, 10);
    const waiting: { userId: string }[] = await this.dataSource.manager
      .createQueryBuilder(EmailNotice, "n")
      .select("DISTINCT n.user_id", "userId")
      .where("n.sent_at IS NULL")
      .getRawMany();
    let sent = 0;
    for (const { userId } of waiting) {
      if (await this.sendOne(userId, day, now)) sent += 1;
    }
    return sent;
  }

  private async sendOne(userId: string, day: string, now: Date): Promise<boolean> {
    const manager = this.dataSource.manager;
    try {
      await manager.insert(EmailDigest, { userId, day, sentAt: now });
    } catch (error) {
      // Sent today already (here or by another instance): the rest waits for tomorrow's.
      if (isUniqueViolation(error)) return false;
      throw error;
    }
    const pending = await manager.find(EmailNotice, {
      where: { userId, sentAt: IsNull() },
      order: { createdAt: "ASC" },
    });
    const user = await manager.findOneBy(User, { id: userId });
    const lines = await this.lines(pending, now);
    try {
      if (user?.email && lines.length > 0) {
        await this.options.transport!.sendMail({
          from: this.options.from,
          to: user.email,
          subject:
            lines.length === 1
              ? `Lapse: ${lines[0]!.token.name} expires within ${lines[0]!.thresholdDays} days`
              : `Lapse: ${lines.length} tokens expire soon`,
          text: this.text(user.login, lines),
        });
      }
    } catch (error) {
      // Not sent: give the day back so the next tick tries again.
      await manager.delete(EmailDigest, { userId, day });
      this.logger.warn({ err: error, userId }, "could not send an expiry digest");
      return false;
    }
    if (pending.length > 0) {
      await manager
        .createQueryBuilder()
        .update(EmailNotice)
        .set({ sentAt: now })
        .where("id IN (:...ids)", { ids: pending.map((n) => n.id) })
        .execute();
    }
    return Boolean(user?.email && lines.length > 0);
  }

  /** The noticed tokens still worth a warning (not revoked, rotated or lapsed since), one line each. */
  private async lines(notices: EmailNotice[], now: Date): Promise<Line[]> {
    const manager = this.dataSource.manager;
    const byToken = new Map<string, number>();
    for (const notice of notices) {
      const days = byToken.get(notice.tokenId);
      byToken.set(notice.tokenId, Math.min(days ?? Infinity, notice.thresholdDays));
    }
    const lines: Line[] = [];
    for (const [tokenId, thresholdDays] of byToken) {
      const token = await manager.findOneBy(AccessToken, { id: tokenId });
      if (!token || token.rotatedAt || token.statusAt(now) !== TokenStatus.ACTIVE) continue;
      const organization = token.organizationId
        ? await manager.findOneBy(Organization, { id: token.organizationId })
        : null;
      const team = token.teamId ? await manager.findOneBy(Team, { id: token.teamId }) : null;
      lines.push({
        token,
        thresholdDays,
        organization: organization?.name ?? (await this.ownerOrganization(token)),
        team: team?.name ?? null,
      });
    }
    return lines.sort((a, b) => a.token.expiresAt!.getTime() - b.token.expiresAt!.getTime());
  }

  private text(login: string, lines: Line[]): string {
    const base = this.options.consoleUrl.replace(/\/$/, "");
    const rows = lines.map((line) => {
      const where = line.team ? `team ${line.team} in ${line.organization}` : line.organization;
      const link = line.organization
        ? `${base}/orgs/${encodeURIComponent(line.organization)}/tokens?token=${line.token.id}`
        : base;
      return [
        `- ${line.token.name} (${line.token.kind.toLowerCase()} token ${line.token.hint}${where ? `, ${where}` : ""})`,
        `  expires ${line.token.expiresAt!.toISOString()} (within ${line.thresholdDays} days)`,
        `  rotate it: ${link}`,
      ].join("\n");
    });
    return [
      `Hello ${login},`,
      "",
      lines.length === 1 ? "This Lapse token expires soon:" : "These Lapse tokens expire soon:",
      "",
      ...rows,
      "",
      "Rotate a token before it lapses to keep what uses it working; Lapse sends at most one of these emails a day.",
    ].join("\n");
  }

  /** A personal token belongs to no organization; its link goes to one its owner is in. */
  private async ownerOrganization(token: AccessToken): Promise<string | null> {
    if (token.kind !== TokenKind.PERSONAL || !token.ownerId) return null;
    const membership = await this.dataSource.manager.findOne(Membership, {
      where: { userId: token.ownerId },
      order: { createdAt: "ASC" },
    });
    if (!membership) return null;
    const organization = await this.dataSource.manager.findOneBy(Organization, {
      id: membership.organizationId,
    });
    return organization?.name ?? null;
  }

  /** The people to tell of a token: its owner, or its team's MAINTAINERs; those with an address. */
  private async recipients(manager: EntityManager, token: AccessToken): Promise<string[]> {
    let ids: string[] = [];
    if (token.kind === TokenKind.PERSONAL && token.ownerId) ids = [token.ownerId];
    else if (token.kind === TokenKind.TEAM && token.teamId) {
      const maintainers = await manager.findBy(TeamMembership, {
        teamId: token.teamId,
        role: TeamRole.MAINTAINER,
      });
      ids = maintainers.map((m) => m.userId);
    }
    if (ids.length === 0) return [];
    const users = await manager
      .createQueryBuilder(User, "u")
      .where("u.id IN (:...ids) AND u.email IS NOT NULL", { ids })
      .getMany();
    return users.map((u) => u.id);
  }
}
