import { Brackets, type DataSource, type SelectQueryBuilder } from "typeorm";
import { Action, authorize } from "../../auth/authorization";
import type { OrganizationAccess } from "../../auth/organization-access";
import { requirePrincipal } from "../../auth/principal";
import type { RequestContext } from "../../context";
import { encodeCursor as encodeKey, pageSize, readCursor } from "../../db/pagination";
import { badUserInput } from "../../errors/lapse-error";
import { assertValid } from "../../errors/validation";
import type { OrganizationService } from "../organization/organization.service";
import { Membership } from "../organization/membership.entity";
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

/** Members whose personal tokens' events are read one scope each; see organizationScopes. */
const MEMBER_SCOPES = 50;

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

  /**
   * An organization's trail for its ADMINs and AUDITORs, with the events of its members' personal
   * tokens (they belong to no organization); without an organization, a person's own personal
   * tokens' events. Throws NOT_FOUND, FORBIDDEN (not ADMIN or AUDITOR), BAD_USER_INPUT.
   */
  async list(ctx: RequestContext, input: AuditEventsArgs): Promise<AuditEventConnection> {
    const args = await assertValid(AuditEventsArgs, input);
    const filter = await assertValid(AuditEventFilter, args.filter);
    const first = pageSize(args.first);
    const access = filter.organization
      ? await this.organizations.access(ctx, filter.organization)
      : null;
    if (access) {
      authorize(ctx, Action.ReadAuditTrail, {
        access,
        names: { organization: filter.organization! },
      });
    } else {
      authorize(ctx, Action.ReadOwnAuditTrail);
    }
    const owners = access
      ? await this.organizationScopes(access)
      : [{ where: "e.subject_user_id = :me", parameters: { me: requirePrincipal(ctx).userId } }];
    const bases = owners.map(({ where, parameters }) =>
      this.dataSource.manager.createQueryBuilder(AuditEvent, "e").where(where, parameters),
    );
    const teamIds = filter.team ? await this.teamIds(access, filter.team) : null;
    for (const base of bases) narrow(base, filter, teamIds);

    const cursor = args.after ? decodeCursor(args.after) : null;
    // An actor is a login or a token id. Each is read through its own index, newest first, and
    // the two pages merged: an OR of the two would leave the database a scan of the organization.
    const scopes = bases.flatMap((base) =>
      filter.actor
        ? [
            base.clone().andWhere("e.actor_login = :actor", { actor: filter.actor }),
            ...(UUID.test(filter.actor)
              ? [base.clone().andWhere("e.actor_token_id = :actor", { actor: filter.actor })]
              : []),
          ]
        : [base],
    );
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

  /**
   * Disjoint scopes, each read through its own index in (created_at, id) order and the pages merged:
   * the organization's events, and those about its members' personal tokens, which belong to no
   * organization. Up to MEMBER_SCOPES members, one scope each through the subject index; past it,
   * one scope for them all.
   */
  private async organizationScopes(
    access: OrganizationAccess,
  ): Promise<{ where: string; parameters: Record<string, unknown> }[]> {
    const orgId = access.organization.id;
    const members = await this.dataSource.manager.find(Membership, {
      select: { userId: true },
      where: { organizationId: orgId },
      take: MEMBER_SCOPES + 1,
    });
    const personal =
      members.length > MEMBER_SCOPES
        ? [
            {
              where:
                "e.organization_id IS NULL AND e.subject_user_id IN (SELECT m.user_id FROM memberships m WHERE m.organization_id = :orgId)",
              parameters: { orgId },
            },
          ]
        : members.map((m) => ({
            where: "e.subject_user_id = :member AND e.organization_id IS NULL",
            parameters: { member: m.userId },
          }));
    return [{ where: "e.organization_id = :orgId", parameters: { orgId } }, ...personal];
  }

  /** The ids of the organization's teams named `name` (deleted ones included); none without one. */
  private async teamIds(access: OrganizationAccess | null, name: string): Promise<string[]> {
    if (!access) return [];
    const teams = await this.dataSource.manager.findBy(Team, {
      organizationId: access.organization.id,
      name,
    });
    return teams.map((t) => t.id);
  }
}

/** Applies the filter's narrowing fields (all but organization and actor) to `base`. */
function narrow(
  base: SelectQueryBuilder<AuditEvent>,
  filter: AuditEventFilter,
  teamIds: string[] | null,
): void {
  if (filter.types?.length) base.andWhere("e.type IN (:...types)", { types: filter.types });
  if (filter.tokenId) base.andWhere("e.token_id = :tokenId", { tokenId: filter.tokenId });
  if (teamIds)
    base.andWhere("e.team_id IN (:...teamIds)", { teamIds: teamIds.length ? teamIds : [""] });
  if (filter.since) base.andWhere("e.created_at >= :since", { since: filter.since });
  if (filter.until) base.andWhere("e.created_at < :until", { until: filter.until });
}
