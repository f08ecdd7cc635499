import {
  Brackets,
  type DataSource,
  type SelectQueryBuilder,
  type WhereExpressionBuilder,
} from "typeorm";
import type { OrganizationAccess } from "../../auth/organization-access";
import { requirePrincipal } from "../../auth/principal";
import type { RequestContext } from "../../context";
import { NEVER_EXPIRES } from "../../db/never-expires";
import { badUserInput } from "../../errors/lapse-error";
import { assertValid } from "../../errors/validation";
import { Membership } from "../organization/membership.entity";
import { Organization } from "../organization/organization.entity";
import type { OrganizationService } from "../organization/organization.service";
import { Team } from "../team/team.entity";
import { User } from "../user/user.entity";
import { AccessToken } from "./access-token.entity";
import { TokenFilter, TokensArgs } from "./token.inputs";
import { TokenConnection } from "./token.objects";
import { TokenKind, TokenStatus } from "./token.types";

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

interface Cursor {
  expiresAt: Date;
  id: string;
}

function encodeCursor(token: AccessToken): string {
  const expiresAt = (token.expiresAt ?? NEVER_EXPIRES).getTime();
  return Buffer.from(JSON.stringify([expiresAt, token.id])).toString("base64url");
}

function decodeCursor(cursor: string): Cursor {
  try {
    const [expiresAt, id] = JSON.parse(
      Buffer.from(cursor, "base64url").toString("utf8"),
    ) as unknown[];
    const date = new Date(typeof expiresAt === "number" ? expiresAt : NaN);
    if (!Number.isNaN(date.getTime()) && typeof id === "string" && id.length <= 36) {
      return { expiresAt: date, id };
    }
  } catch {
    // fall through to the error below
  }
  throw badUserInput("after must be an endCursor returned by a previous tokens query.");
}

/** Lists the tokens a caller may see, filtered, in (expiresAt, id) order with keyset pages. */
export class TokenListService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly organizations: OrganizationService,
  ) {}

  /** Throws NOT_FOUND (organization or team not visible), BAD_USER_INPUT (bad cursor, page size, filter). */
  async list(ctx: RequestContext, input: TokensArgs): Promise<TokenConnection> {
    const args = await assertValid(TokensArgs, input);
    const filter = args.filter ? await assertValid(TokenFilter, args.filter) : new TokenFilter();
    const first = args.first ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
      throw badUserInput(`first must be from 1 to ${MAX_PAGE_SIZE}; got ${first}.`);
    }
    const base = await this.filtered(ctx, filter);
    const page = base.clone();
    if (args.after) {
      const cursor = decodeCursor(args.after);
      page.andWhere(
        new Brackets((q) =>
          q
            .where("t.expires_at > :cursorExpiresAt", { cursorExpiresAt: cursor.expiresAt })
            .orWhere("t.expires_at = :cursorExpiresAt AND t.id > :cursorId", {
              cursorId: cursor.id,
            }),
        ),
      );
    }
    const rows = await page
      .orderBy("t.expires_at", "ASC")
      .addOrderBy("t.id", "ASC")
      .take(first + 1)
      .getMany();
    const nodes = rows.slice(0, first);
    const edges = nodes.map((node) => ({ cursor: encodeCursor(node), node }));
    return Object.assign(new TokenConnection(), {
      edges,
      pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
      countTotal: () => base.getCount(),
    });
  }

  /** The caller's visible tokens narrowed by `filter`, unordered and unpaged. */
  private async filtered(
    ctx: RequestContext,
    filter: TokenFilter,
  ): Promise<SelectQueryBuilder<AccessToken>> {
    const principal = requirePrincipal(ctx);
    const now = ctx.clock.now();
    const q = this.dataSource.manager.createQueryBuilder(AccessToken, "t");
    const organization =
      filter.organization ??
      (principal.token.organizationId && principal.kind !== TokenKind.PERSONAL
        ? (
            await this.dataSource.manager.findOneBy(Organization, {
              id: principal.token.organizationId,
            })
          )?.name
        : undefined);

    if (organization) {
      const access = await this.organizations.access(ctx, organization);
      this.restrictToVisible(ctx, q, access);
      if (filter.team) {
        const team = await this.dataSource.manager.findOneBy(Team, {
          organizationId: access.organization.id,
          name: filter.team,
        });
        q.andWhere("t.team_id = :teamId", { teamId: team?.id ?? "" });
      }
    } else {
      if (filter.team) throw badUserInput("The team filter needs the organization filter as well.");
      q.where("t.kind = :personal AND t.owner_id = :me", {
        personal: TokenKind.PERSONAL,
        me: principal.userId,
      });
    }

    if (filter.kinds?.length) q.andWhere("t.kind IN (:...kinds)", { kinds: filter.kinds });
    if (filter.statuses?.length) {
      const statuses = filter.statuses;
      q.andWhere(new Brackets((b) => statuses.forEach((status) => this.whereStatus(b, status))));
      q.setParameter("now", now);
    }
    if (filter.expiresAfter) {
      q.andWhere("t.expires_at > :expiresAfter AND t.expires_at < :never", {
        expiresAfter: filter.expiresAfter,
        never: NEVER_EXPIRES,
      });
    }
    if (filter.expiresBefore)
      q.andWhere("t.expires_at < :expiresBefore", { expiresBefore: filter.expiresBefore });
    if (filter.neverExpires != null) {
      q.andWhere(filter.neverExpires ? "t.expires_at = :never" : "t.expires_at < :never", {
        never: NEVER_EXPIRES,
      });
    }
    if (filter.createdBy)
      q.andWhere("t.created_by_id = :createdBy", {
        createdBy: await this.userId(filter.createdBy),
      });
    if (filter.owner) q.andWhere("t.owner_id = :owner", { owner: await this.userId(filter.owner) });
    if (filter.search) {
      // "!" escapes LIKE wildcards alike on MySQL and SQLite (a backslash is read differently).
      const prefix = filter.search.replace(/[!%_]/g, "!$&");
      q.andWhere("t.name LIKE :search ESCAPE '!'", { search: `${prefix}%` });
    }
    return q;
  }

  /** Narrows `q` to what the caller may see in one organization. */
  private restrictToVisible(
    ctx: RequestContext,
    q: SelectQueryBuilder<AccessToken>,
    access: OrganizationAccess,
  ): void {
    const principal = requirePrincipal(ctx);
    const orgId = access.organization.id;
    q.where(
      new Brackets((b) => {
        b.where("t.id = :selfId", { selfId: principal.token.id });
        if (access.canReadAllTokens) {
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
        if (principal.userId) {
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
    const revoked = "(t.revoked_at IS NOT NULL AND t.revoked_at <= :now)";
    if (status === TokenStatus.REVOKED) b.orWhere(revoked);
    if (status === TokenStatus.EXPIRED) b.orWhere(`NOT ${revoked} AND t.expires_at <= :now`);
    if (status === TokenStatus.ACTIVE) b.orWhere(`NOT ${revoked} AND t.expires_at > :now`);
  }

  /** The id of the user with `login`; a login nobody has matches no token. */
  private async userId(login: string): Promise<string> {
    return (await this.dataSource.manager.findOneBy(User, { login }))?.id ?? "";
  }
}
