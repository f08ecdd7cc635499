import { Brackets, type DataSource } from "typeorm";
import { Action, authorize } from "../../auth/authorization";
import type { RequestContext } from "../../context";
import { encodeCursor as encodeKey, pageSize, readCursor } from "../../db/pagination";
import { badUserInput } from "../../errors/lapse-error";
import { assertValid } from "../../errors/validation";
import type { OrganizationService } from "../organization/organization.service";
import { Team } from "../team/team.entity";
import { AuditEvent } from "./audit-event.entity";
import { AuditEventFilter, AuditEventsArgs } from "./audit.inputs";
import { AuditEventConnection } from "./audit.objects";

function encodeCursor(event: AuditEvent): string {
  return encodeKey([event.createdAt.getTime(), event.id]);
}

function decodeCursor(text: string): { createdAt: Date; id: string } {
  const [time, id] = (readCursor(text) ?? []) as unknown[];
  const createdAt = new Date(typeof time === "number" ? time : NaN);
  if (Number.isNaN(createdAt.getTime()) || typeof id !== "string" || id.length > 36) {
    throw badUserInput("after must be an endCursor returned by a previous auditEvents query.");
  }
  return { createdAt, id };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Events of several newest-first pages, newest first, each once (the scopes may overlap). */
function newestFirst(pages: AuditEvent[][]): AuditEvent[] {
  if (pages.length === 1) return pages[0]!;
  const byId = new Map(pages.flat().map((event) => [event.id, event]));
  return [...byId.values()].sort(
    (a, b) =>
      b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
  );
}

/** Reads the audit trail for ADMINs and AUDITORs: filtered, newest first, keyset pages. */
export class AuditQueryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly organizations: OrganizationService,
  ) {}

  /** Throws NOT_FOUND, FORBIDDEN (not ADMIN or AUDITOR), BAD_USER_INPUT. */
  async list(ctx: RequestContext, input: AuditEventsArgs): Promise<AuditEventConnection> {
    const args = await assertValid(AuditEventsArgs, input);
    const filter = await assertValid(AuditEventFilter, args.filter);
    const first = pageSize(args.first);
    const access = await this.organizations.access(ctx, filter.organization);
    authorize(ctx, Action.ReadAuditTrail, {
      access,
      names: { organization: filter.organization },
    });
    const base = this.dataSource.manager
      .createQueryBuilder(AuditEvent, "e")
      .where("e.organization_id = :orgId", { orgId: access.organization.id });
    if (filter.types?.length) base.andWhere("e.type IN (:...types)", { types: filter.types });

    if (filter.tokenId) base.andWhere("e.token_id = :tokenId", { tokenId: filter.tokenId });
    if (filter.team) {
      const teams = await this.dataSource.manager.findBy(Team, {
        organizationId: access.organization.id,
        name: filter.team,
      });
      base.andWhere("e.team_id IN (:...teamIds)", {
        teamIds: teams.length ? teams.map((t) => t.id) : [""],
      });
    }
    if (filter.since) base.andWhere("e.created_at >= :since", { since: filter.since });
    if (filter.until) base.andWhere("e.created_at < :until", { until: filter.until });

    const cursor = args.after ? decodeCursor(args.after) : null;
    // An actor is a login or a token id. Each is read through its own index, newest first, and
    // the two pages merged: an OR of the two would leave the database a scan of the organization.
    const scopes = filter.actor
      ? [
          base.clone().andWhere("e.actor_login = :actor", { actor: filter.actor }),
          ...(UUID.test(filter.actor)
            ? [base.clone().andWhere("e.actor_token_id = :actor", { actor: filter.actor })]
            : []),
        ]
      : [base];
    const pages = await Promise.all(
      scopes.map((scope) => {
        const page = scope.clone();
        if (cursor) {
          page.andWhere(
            new Brackets((q) =>
              q
                .where("e.created_at < :cursorAt", { cursorAt: cursor.createdAt })
                .orWhere("e.created_at = :cursorAt AND e.id < :cursorId", {
                  cursorId: cursor.id,
                }),
            ),
          );
        }
        return page
          .orderBy("e.created_at", "DESC")
          .addOrderBy("e.id", "DESC")
          .take(first + 1)
          .getMany();
      }),
    );
    const rows = newestFirst(pages).slice(0, first + 1);
    const edges = rows.slice(0, first).map((node) => ({ cursor: encodeCursor(node), node }));
    return Object.assign(new AuditEventConnection(), {
      edges,
      pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
      countTotal: async () => {
        const counts = await Promise.all(scopes.map((scope) => scope.getCount()));
        return counts.reduce((total, n) => total + n, 0);
      },
    });
  }
}
