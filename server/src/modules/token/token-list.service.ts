import { DAY_MS } from "../../clock";
import {
  Brackets,
  type DataSource,
  type SelectQueryBuilder,
  type WhereExpressionBuilder,
} from "typeorm";
import type { OrganizationAccess } from "../../auth/organization-access";
import { Action, authorize, isAllowed, isMinted } from "../../auth/authorization";
import { isLapseScope } from "../../auth/scopes";
import { requirePrincipal, type Principal } from "../../auth/principal";
import type { RequestContext } from "../../context";
import { storeKind } from "../../db/data-source";
import { hydrate } from "../../db/hydrate";
import { NEVER_EXPIRES } from "../../db/never-expires";
import { encodeCursor as encodeKey, pageSize, readCursor } from "../../db/pagination";
import { badUserInput } from "../../errors/lapse-error";
import { assertValid } from "../../errors/validation";
import { Membership } from "../organization/membership.entity";
import { Organization } from "../organization/organization.entity";
import type { OrganizationService } from "../organization/organization.service";
import { Team } from "../team/team.entity";
import { User } from "../user/user.entity";
import { AccessToken } from "./access-token.entity";
import {
  TokenFilter,
  TokenOrderField,
  OrderDirection,
  TokensArgs,
  type TokenOrder,
} from "./token.inputs";
import { TokenConnection, TokenStats } from "./token.objects";
import { TokenKind, TokenSource, TokenStatus } from "./token.types";

/** Revoked as of :now; a revocation scheduled for the end of a rotation grace period is not yet. */
const REVOKED = "(t.revoked_at IS NOT NULL AND t.revoked_at <= :now)";

const ORDER_COLUMNS: Record<TokenOrderField, { column: string; nullable: boolean }> = {
  [TokenOrderField.EXPIRES_AT]: { column: "t.expires_at", nullable: false },
  [TokenOrderField.CREATED_AT]: { column: "t.created_at", nullable: false },
  [TokenOrderField.LAST_USED_AT]: { column: "t.last_used_at", nullable: true },
  [TokenOrderField.NAME]: { column: "t.name", nullable: false },
};

const DEFAULT_ORDER: TokenOrder = {
  field: TokenOrderField.EXPIRES_AT,
  direction: OrderDirection.ASC,
};

/** A position in one order: the sort value of the last row seen (ms for times) and its id. */
interface Cursor {
  order: string;
  value: number | string | null;
  id: string;
}

function sortValue(token: AccessToken, field: TokenOrderField): number | string | null {
  switch (field) {
    case TokenOrderField.EXPIRES_AT:
      return (token.expiresAt ?? NEVER_EXPIRES).getTime();
    case TokenOrderField.CREATED_AT:
      return token.createdAt.getTime();
    case TokenOrderField.LAST_USED_AT:
      return token.lastUsedAt?.getTime() ?? null;
    case TokenOrderField.NAME:
      return token.name;
  }
}

const orderKey = (order: TokenOrder) => `${order.field}:${order.direction}`;

function encodeCursor(token: AccessToken, order: TokenOrder): string {
  const cursor: Cursor = {
    order: orderKey(order),
    value: sortValue(token, order.field),
    id: token.id,
  };
  return encodeKey(cursor);
}

function decodeCursor(
  text: string,
  order: TokenOrder,
): { value: Date | string | null; id: string } {
  const cursor = (readCursor(text) ?? {}) as Partial<Cursor>;
  const { value, id } = cursor;
  const idOk = typeof id === "string" && id.length <= 36;
  if (!cursor || cursor.order !== orderKey(order) || !idOk) {
    throw badUserInput(
      "after must be an endCursor returned by a previous tokens query with the same orderBy.",
    );
  }
  if (order.field === TokenOrderField.NAME) {
    if (typeof value === "string" && value.length <= 40) return { value, id };
  } else if (value === null && ORDER_COLUMNS[order.field].nullable) {
    return { value: null, id };
  } else if (typeof value === "number" && !Number.isNaN(new Date(value).getTime())) {
    return { value: new Date(value), id };
  }
  throw badUserInput("after must be an endCursor returned by a previous tokens query.");
}

/** Rows strictly after the cursor in (column, id) order; NULLs sort first ascending on both stores. */
function whereAfter(
  q: WhereExpressionBuilder,
  order: TokenOrder,
  cursor: { value: Date | string | null; id: string },
): void {
  const { column, nullable } = ORDER_COLUMNS[order.field];
  const params = { cursorValue: cursor.value, cursorId: cursor.id };
  const asc = order.direction === OrderDirection.ASC;
  if (cursor.value === null) {
    const rest = asc ? ` OR ${column} IS NOT NULL` : "";
    q.andWhere(`((${column} IS NULL AND t.id ${asc ? ">" : "<"} :cursorId)${rest})`, params);
    return;
  }
  const op = asc ? ">" : "<";
  const nulls = nullable && !asc ? ` OR ${column} IS NULL` : "";
  q.andWhere(
    `(${column} ${op} :cursorValue OR (${column} = :cursorValue AND t.id ${op} :cursorId)${nulls})`,
    params,
  );
}

/** One visibility scope of a listing: a condition one index serves in (sort column, id) order. */
interface Scope {
  where: string;
  parameters: Record<string, unknown>;
  /** The index that reads this scope in each order it serves (MySQL is told to use it). */
  indexes?: Partial<Record<TokenOrderField, string>>;
  /** Whether no token of this scope is in another scope of the same listing. */
  disjoint?: boolean;
}

const ORGANIZATION_INDEXES: Scope["indexes"] = {
  [TokenOrderField.EXPIRES_AT]: "ix_access_tokens_org_expiry",
  [TokenOrderField.CREATED_AT]: "ix_access_tokens_org_created",
  [TokenOrderField.LAST_USED_AT]: "ix_access_tokens_org_last_used",
  [TokenOrderField.NAME]: "ix_access_tokens_org_name_order",
};

/**
 * Up to this many members, an ADMIN's or AUDITOR's listing reads each member's personal tokens
 * through the owner index, in order; past it, one scope reads them all and the database sorts them.
 */
const MEMBER_SCOPES = 50;

/** UTF-8 byte order, as MySQL's utf8mb4_bin and SQLite's BINARY collation compare. */
function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** The list order of two tokens, as the database orders them: NULLs first ascending, then by id. */
function compareTokens(a: AccessToken, b: AccessToken, order: TokenOrder): number {
  const x = sortValue(a, order.field);
  const y = sortValue(b, order.field);
  let result: number;
  if (x === y) result = 0;
  else if (x === null) result = -1;
  else if (y === null) result = 1;
  else if (typeof x === "string" && typeof y === "string") result = compareBytes(x, y);
  else result = (x as number) - (y as number);
  if (result === 0) result = compareBytes(a.id, b.id);
  return order.direction === OrderDirection.ASC ? result : -result;
}

/** The first `limit` tokens of several ordered pages, in order, each token once. */
function mergePages(pages: AccessToken[][], order: TokenOrder, limit: number): AccessToken[] {
  if (pages.length === 1) return pages[0]!.slice(0, limit);
  const seen = new Set<string>();
  const merged: AccessToken[] = [];
  for (const token of pages.flat().sort((a, b) => compareTokens(a, b, order))) {
    if (seen.has(token.id)) continue;
    seen.add(token.id);
    merged.push(token);
    if (merged.length === limit) break;
  }
  return merged;
}

/** Lists and counts the tokens a caller may see, filtered and ordered, with keyset pages. */
export class TokenListService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly organizations: OrganizationService,
  ) {}

  /** Throws NOT_FOUND (organization not visible), BAD_USER_INPUT (bad cursor, page size or filter). */
  async list(ctx: RequestContext, input: TokensArgs): Promise<TokenConnection> {
    const args = await assertValid(TokensArgs, input);
    const filter = args.filter ? await assertValid(TokenFilter, args.filter) : new TokenFilter();
    const first = pageSize(args.first);
    const order = args.orderBy ?? DEFAULT_ORDER;
    const cursor = args.after ? decodeCursor(args.after, order) : null;
    const { column } = ORDER_COLUMNS[order.field];
    // One keyset query per visibility scope, each read in order through its own index, merged
    // here: an OR of scopes would leave the database one choice, a scan and a sort of them all.
    const { scopes, disjoint, union } = await this.visible(ctx, filter);
    // A filter on team, owner or creator is served best by its own index; otherwise each scope's.
    const narrowed = Boolean(filter.team || filter.owner || filter.createdBy);
    const pages = await Promise.all(
      scopes.map(({ query, scope }) => {
        const page = query.clone();
        if (cursor) whereAfter(page, order, cursor);
        page
          .orderBy(column, order.direction)
          .addOrderBy("t.id", order.direction)
          .limit(first + 1);
        const index = narrowed ? undefined : scope?.indexes?.[order.field];
        return index ? this.readThrough(page, index) : page.getMany();
      }),
    );
    const rows = mergePages(pages, order, first + 1);
    const nodes = rows.slice(0, first);
    const edges = nodes.map((node) => ({ cursor: encodeCursor(node, order), node }));
    return Object.assign(new TokenConnection(), {
      edges,
      pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
      // Disjoint scopes (an ADMIN's or AUDITOR's) are counted each through its own index and
      // summed; overlapping ones (a member's few) are counted once, as one query.
      countTotal: async () =>
        disjoint
          ? (await Promise.all(scopes.map(({ query }) => query.getCount()))).reduce(
              (total, n) => total + n,
              0,
            )
          : union().getCount(),
    });
  }

  /**
   * Counts of the organization's tokens the caller may see: by kind and status, and the figures
   * auditors watch. Throws NOT_FOUND.
   */
  async stats(ctx: RequestContext, organization: string): Promise<TokenStats> {
    const now = ctx.clock.now();
    const filter = Object.assign(new TokenFilter(), { organization });
    // Scopes are disjoint for ADMINs and AUDITORs (organization-owned, members' personal): sum
    // their counts. Other callers see few tokens, through scopes that may overlap: one query.
    const { scopes, disjoint, union } = await this.visible(ctx, filter);
    const queries = disjoint ? scopes.map(({ query }) => query) : [union()];
    const rows = (await Promise.all(queries.map((q) => this.statsRows(q, now)))).flat();
    const counts = new Map<string, number>();
    for (const row of rows) {
      const key = `${row.kind}:${row.status}`;
      counts.set(key, (counts.get(key) ?? 0) + Number(row.count));
    }
    const sum = (key: string) => rows.reduce((total, row) => total + Number(row[key] ?? 0), 0);
    return {
      total: sum("count"),
      counts: [...counts].map(([key, count]) => {
        const [kind, status] = key.split(":");
        return { kind: kind as TokenKind, status: status as TokenStatus, count };
      }),
      expiringWithin1Day: sum("within1"),
      expiringWithin7Days: sum("within7"),
      expiringWithin30Days: sum("within30"),
      neverExpiring: sum("never"),
      unused90Days: sum("unused"),
    };
  }

  /** Counts by kind and status, and the auditors' figures, over one query's tokens. */
  private async statsRows(
    q: SelectQueryBuilder<AccessToken>,
    now: Date,
  ): Promise<Record<string, string | number | null>[]> {
    const active = `(NOT ${REVOKED} AND t.expires_at > :now)`;
    const within = (days: number) =>
      `SUM(CASE WHEN ${active} AND t.expires_at <= :within${days} THEN 1 ELSE 0 END)`;
    const rows: Record<string, string | number | null>[] = await q
      .clone()
      .select("t.kind", "kind")
      .addSelect(
        `CASE WHEN ${REVOKED} THEN 'REVOKED' WHEN t.expires_at <= :now THEN 'EXPIRED' ELSE 'ACTIVE' END`,
        "status",
      )
      .addSelect("COUNT(*)", "count")
      .addSelect(within(1), "within1")
      .addSelect(within(7), "within7")
      .addSelect(within(30), "within30")
      .addSelect(`SUM(CASE WHEN ${active} AND t.expires_at = :never THEN 1 ELSE 0 END)`, "never")
      .addSelect(
        `SUM(CASE WHEN ${active} AND (t.last_used_at < :unusedSince OR (t.last_used_at IS NULL AND t.created_at < :unusedSince)) THEN 1 ELSE 0 END)`,
        "unused",
      )
      .setParameters({
        now,
        never: NEVER_EXPIRES,
        within1: new Date(now.getTime() + DAY_MS),
        within7: new Date(now.getTime() + 7 * DAY_MS),
        within30: new Date(now.getTime() + 30 * DAY_MS),
        unusedSince: new Date(now.getTime() - 90 * DAY_MS),
      })
      .groupBy("kind")
      .addGroupBy("status")
      // MySQL sorts a GROUP BY's groups unless told not to; nothing here needs them sorted.
      .orderBy("NULL")
      .getRawMany();
    return rows;
  }

  /**
   * The caller's visible tokens narrowed by `filter`, unordered and unpaged. `policyDays` replaces the
   * organization's cap for violatesPolicy (the preview of a proposed policy).
   */
  async filtered(
    ctx: RequestContext,
    filter: TokenFilter,
    policyDays?: number | null,
  ): Promise<SelectQueryBuilder<AccessToken>> {
    const { q, access } = await this.narrowed(ctx, filter, policyDays);
    if (access) this.restrictToVisible(ctx, q, access);
    return q;
  }

  /**
   * The tokens `filter` asks for, before visibility (which the caller adds), and the caller's
   * access to the organization the filter names or implies (null: the caller's own tokens, which
   * the query is already limited to).
   */
  private async narrowed(
    ctx: RequestContext,
    filter: TokenFilter,
    policyDays?: number | null,
  ): Promise<{ q: SelectQueryBuilder<AccessToken>; access: OrganizationAccess | null }> {
    const principal = requirePrincipal(ctx);
    const now = ctx.clock.now();
    const q = this.dataSource.manager.createQueryBuilder(AccessToken, "t");
    const organization = filter.organization ?? (await this.implicitOrganization(ctx));

    let access: OrganizationAccess | null = null;
    if (organization) {
      access = await this.organizations.access(ctx, organization);
      if (filter.team) {
        const team = await this.dataSource.manager.findOneBy(Team, {
          organizationId: access.organization.id,
          activeName: filter.team,
        });
        q.andWhere("t.team_id = :teamId", { teamId: team?.id ?? "" });
      }
    } else {
      if (filter.team || filter.violatesPolicy != null) {
        throw badUserInput(
          "The team and violatesPolicy filters need the organization filter as well.",
        );
      }
      // A minted personal token acts for its organization only: it lists itself, not its owner's tokens.
      if (principal.token && isMinted(principal.token))
        q.where("t.id = :selfId", { selfId: principal.token.id });
      else
        q.where("t.kind = :personal AND t.owner_id = :me", {
          personal: TokenKind.PERSONAL,
          me: principal.userId,
        });
    }
    q.setParameters({ now, never: NEVER_EXPIRES });

    if (filter.kinds?.length) q.andWhere("t.kind IN (:...kinds)", { kinds: filter.kinds });
    if (filter.statuses?.length) {
      const statuses = filter.statuses;
      q.andWhere(new Brackets((b) => statuses.forEach((status) => this.whereStatus(b, status))));
    }
    if (filter.expiresAfter) {
      q.andWhere("t.expires_at > :expiresAfter AND t.expires_at < :never", {
        expiresAfter: filter.expiresAfter,
      });
    }
    if (filter.expiresBefore) {
      q.andWhere("t.expires_at < :expiresBefore", { expiresBefore: filter.expiresBefore });
    }
    if (filter.neverExpires != null) {
      q.andWhere(filter.neverExpires ? "t.expires_at = :never" : "t.expires_at < :never");
    }
    if (filter.expiringWithinDays != null) {
      q.andWhere(`NOT ${REVOKED} AND t.expires_at > :now AND t.expires_at <= :expiringBy`, {
        expiringBy: new Date(now.getTime() + filter.expiringWithinDays * DAY_MS),
      });
    }
    if (filter.createdBy) {
      q.andWhere("t.created_by_id = :createdBy", {
        createdBy: await this.userId(filter.createdBy),
      });
    }
    if (filter.owner) q.andWhere("t.owner_id = :owner", { owner: await this.userId(filter.owner) });
    if (filter.search) {
      // "!" escapes LIKE wildcards alike on MySQL and SQLite (a backslash is read differently).
      const prefix = filter.search.replace(/[!%_]/g, "!$&");
      q.andWhere("t.name LIKE :search ESCAPE '!'", { search: `${prefix}%` });
    }
    if (filter.lastUsedBefore) {
      q.andWhere(
        "(t.last_used_at < :lastUsedBefore OR (t.last_used_at IS NULL AND t.created_at < :lastUsedBefore))",
        { lastUsedBefore: filter.lastUsedBefore },
      );
    }
    if (filter.neverUsed != null) {
      q.andWhere(filter.neverUsed ? "t.last_used_at IS NULL" : "t.last_used_at IS NOT NULL");
    }
    if (filter.source) q.andWhere("t.source = :source", { source: filter.source });
    if (filter.violatesPolicy != null && access) {
      const days = policyDays === undefined ? access.organization.maxTokenLifetimeDays : policyDays;
      const breaks = days == null ? "1 = 0" : this.breaksPolicySql(q, now, days);
      q.andWhere(filter.violatesPolicy ? breaks : `NOT (${breaks})`);
    }
    return { q, access };
  }

  /** Active, not minted by OIDC, and expiring later than now plus the cap (never-expiring included). */
  private breaksPolicySql(q: SelectQueryBuilder<AccessToken>, now: Date, days: number): string {
    q.setParameters({
      oidc: TokenSource.OIDC,
      policyDeadline: new Date(now.getTime() + days * DAY_MS),
    });
    return `(t.source <> :oidc AND NOT ${REVOKED} AND t.expires_at > :now AND t.expires_at > :policyDeadline)`;
  }

  /**
   * The caller's visible tokens narrowed by `filter`, as one query per visibility scope, each of
   * which one index can read in any list order: the organization's own tokens; each member's
   * personal tokens (one scope per member up to MEMBER_SCOPES, then one for all); each team the
   * caller is in; the caller's own personal tokens; the caller's token itself. Scopes may overlap
   * for callers who are not ADMIN or AUDITOR (a list merges by id): `disjoint` says they do not,
   * and `union` gives the same tokens as one query, as `filtered` would, without reading the
   * caller's access again.
   */
  private async visible(
    ctx: RequestContext,
    filter: TokenFilter,
  ): Promise<{
    scopes: { query: SelectQueryBuilder<AccessToken>; scope?: Scope }[];
    disjoint: boolean;
    union: () => SelectQueryBuilder<AccessToken>;
  }> {
    const { q, access } = await this.narrowed(ctx, filter);
    const union = () => {
      const all = q.clone();
      if (access) this.restrictToVisible(ctx, all, access);
      return all;
    };
    if (!access) return { scopes: [{ query: q }], disjoint: false, union };
    const scopes = (await this.scopes(ctx, access)).map((scope) => ({
      query: q.clone().andWhere(scope.where, scope.parameters),
      scope,
    }));
    const disjoint = scopes.length > 1 && scopes.every(({ scope }) => scope.disjoint);
    return { scopes, disjoint, union };
  }

  /**
   * Runs a page query through `index` on MySQL. Given `organization_id = ?` and a keyset
   * condition, MariaDB picks a ref walk from the start of the organization's entries over a range
   * from the cursor, so a page 500,000 rows deep read 500,000 entries (BENCHMARKS.md); FORCE INDEX
   * makes it a range scan of one page. SQLite plans it well unaided.
   */
  private async readThrough(
    page: SelectQueryBuilder<AccessToken>,
    index: string,
  ): Promise<AccessToken[]> {
    if (storeKind(this.dataSource) !== "mysql") return page.getMany();
    const [sql, parameters] = page.getQueryAndParameters();
    const from = "FROM `access_tokens` `t`";
    if (!sql.includes(from)) return page.getMany();
    const forced = sql.replace(from, `${from} FORCE INDEX (\`${index}\`)`);
    const rows: Record<string, unknown>[] = await this.dataSource.query(forced, parameters);
    const meta = this.dataSource.getMetadata(AccessToken);
    return rows.map((row) => hydrate(this.dataSource, new AccessToken(), meta, row, "t"));
  }

  private async scopes(ctx: RequestContext, access: OrganizationAccess): Promise<Scope[]> {
    const principal = requirePrincipal(ctx);
    const orgId = access.organization.id;
    const personal = TokenKind.PERSONAL;
    if (readsAll(ctx, access)) {
      const members = await this.dataSource.manager.find(Membership, {
        select: { userId: true },
        where: { organizationId: orgId },
        take: MEMBER_SCOPES + 1,
      });
      const memberScopes: Scope[] =
        members.length > MEMBER_SCOPES
          ? [
              {
                where: `t.kind = :personal AND t.owner_id IN (SELECT m.user_id FROM memberships m WHERE m.organization_id = :orgId)`,
                parameters: { personal, orgId },
                disjoint: true,
              },
            ]
          : members.map((m, i) => ({
              where: `t.kind = :personal AND t.owner_id = :member${i}`,
              parameters: { personal, [`member${i}`]: m.userId },
              indexes: { [TokenOrderField.EXPIRES_AT]: "ix_access_tokens_owner_expiry" },
              disjoint: true,
            }));
      return [
        {
          where: "t.organization_id = :orgId",
          parameters: { orgId },
          indexes: ORGANIZATION_INDEXES,
          disjoint: true,
        },
        ...memberScopes,
      ];
    }
    const scopes: Scope[] = [
      { where: "t.id = :selfId", parameters: { selfId: selfId(principal) } },
    ];
    if (actsAsOwner(principal)) {
      scopes.push({
        where: "t.kind = :personal AND t.owner_id = :me",
        parameters: { personal, me: principal.userId },
      });
    }
    [...access.teamRoles.keys()].forEach((teamId, i) =>
      scopes.push({
        where: `t.team_id = :team${i}`,
        parameters: { [`team${i}`]: teamId },
        indexes: { [TokenOrderField.EXPIRES_AT]: "ix_access_tokens_team_expiry" },
      }),
    );
    return scopes;
  }

  /**
   * The organization's own scopes seen on its tokens (up to 500 of them), sorted, for the console
   * to suggest. Throws FORBIDDEN without tokens:read.
   */
  async customScopes(ctx: RequestContext, organization: Organization): Promise<string[]> {
    authorize(ctx, Action.ListTokens);
    const rows: { scopes: string | null }[] = await this.dataSource.manager
      .createQueryBuilder(AccessToken, "t")
      .select("t.scopes", "scopes")
      .where("t.organization_id = :id AND t.scopes IS NOT NULL", { id: organization.id })
      .limit(500)
      .getRawMany();
    const seen = new Set(rows.flatMap((row) => (row.scopes ?? "").split(" ")));
    return [...seen].filter((scope) => scope && !isLapseScope(scope)).sort();
  }

  /** A machine token lists its own organization when none is named. */
  private async implicitOrganization(ctx: RequestContext): Promise<string | undefined> {
    const { token, kind } = requirePrincipal(ctx);
    if (kind === TokenKind.PERSONAL || !token?.organizationId) return undefined;
    return (await this.dataSource.manager.findOneBy(Organization, { id: token.organizationId }))
      ?.name;
  }

  /** Narrows `q` to what the caller may see in one organization. */
  private restrictToVisible(
    ctx: RequestContext,
    q: SelectQueryBuilder<AccessToken>,
    access: OrganizationAccess,
  ): void {
    const principal = requirePrincipal(ctx);
    const orgId = access.organization.id;
    q.andWhere(
      new Brackets((b) => {
        b.where("t.id = :selfId", { selfId: selfId(principal) });
        if (readsAll(ctx, access)) {
          const members = q
            .subQuery()
            .select("m.user_id")
            .from(Membership, "m")
            .where("m.organization_id = :orgId")
            .getQuery();
          b.orWhere("t.organization_id = :orgId", { orgId });
          b.orWhere(`t.kind = :personal AND t.owner_id IN ${members}`, {
            personal: TokenKind.PERSONAL,
          });
          return;
        }
        if (actsAsOwner(principal)) {
          b.orWhere("t.kind = :personal AND t.owner_id = :me", {
            personal: TokenKind.PERSONAL,
            me: principal.userId,
          });
        }
        const teamIds = [...access.teamRoles.keys()];
        if (teamIds.length) b.orWhere("t.team_id IN (:...teamIds)", { teamIds });
      }),
    );
  }

  private whereStatus(b: WhereExpressionBuilder, status: TokenStatus): void {
    if (status === TokenStatus.REVOKED) b.orWhere(REVOKED);
    if (status === TokenStatus.EXPIRED) b.orWhere(`NOT ${REVOKED} AND t.expires_at <= :now`);
    if (status === TokenStatus.ACTIVE) b.orWhere(`NOT ${REVOKED} AND t.expires_at > :now`);
  }

  /** The id of the user with `login`; a login nobody has matches no token. */
  private async userId(login: string): Promise<string> {
    return (await this.dataSource.manager.findOneBy(User, { login }))?.id ?? "";
  }
}

/** Whether the caller may read every token of the organization (ADMINs and AUDITORs). */
function readsAll(ctx: RequestContext, access: OrganizationAccess): boolean {
  return isAllowed(ctx, Action.ReadToken, { access });
}

/** The calling token's id, or one no token has for a single sign-on session. */
function selfId(principal: Principal): string {
  return principal.token?.id ?? "";
}

/** A person's token sees its owner's personal tokens; a minted one acts for its organization only. */
function actsAsOwner(principal: Principal): boolean {
  return principal.userId !== null && !isMinted(principal.token);
}
