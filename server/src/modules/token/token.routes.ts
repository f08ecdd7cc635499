import { Router, type Request, type Response } from "express";
import type { RequestContext } from "../../context";
import { badUserInput } from "../../errors/lapse-error";
import { Action } from "../../auth/authorization";
import { restHandler } from "../../http/rest";
import type { AccessToken } from "./access-token.entity";
import { MAX_PAGE_SIZE } from "../../db/pagination";
import { TokenFilter } from "./token.inputs";
import { TokenKind, TokenSource, TokenStatus } from "./token.types";
import { streamCsv } from "../audit/csv";
import { queryParams } from "../../http/query-params";

type ContextFor = (req: Request, res: Response) => RequestContext;

const unix = (date: Date | null) => (date ? Math.floor(date.getTime() / 1000) : 0);

/** A token in Pulumi Cloud's list shape: times in Unix seconds, 0 for never. */
async function pulumiToken(ctx: RequestContext, token: AccessToken) {
  const creator = token.createdById ? await ctx.loaders.user.load(token.createdById) : null;
  return {
    id: token.id,
    name: token.name,
    description: token.description ?? "",
    created: token.createdAt.toISOString(),
    lastUsed: unix(token.lastUsedAt),
    expires: unix(token.expiresAt),
    admin: token.admin,
    createdBy: creator?.login ?? "",
    scopes: token.grantedScopes,
    allowedCidrs: token.allowedCidrs,
  };
}

/** An optional list of strings from a JSON body; BAD_USER_INPUT for anything else. */
function stringList(value: unknown, name: string): string[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    throw badUserInput(`${name} must be a list of strings.`);
  }
  return value as string[];
}

/**
 * `{name, description, expires, admin, scopes, allowedCidrs}` from a Pulumi create body; `expires`
 * in Unix seconds, 0 for never.
 */
function createBody(req: Request) {
  const body: Record<string, unknown> = req.body && typeof req.body === "object" ? req.body : {};
  const { name, description, expires, admin, scopes, allowedCidrs } = body;
  if (typeof name !== "string") throw badUserInput("name is required and must be a string.");
  if (description !== undefined && description !== null && typeof description !== "string") {
    throw badUserInput("description must be a string.");
  }
  if (
    expires !== undefined &&
    expires !== null &&
    (typeof expires !== "number" || !Number.isInteger(expires) || expires < 0)
  ) {
    throw badUserInput(
      "expires must be a Unix time in whole seconds, or 0 for a token that never expires.",
    );
  }
  if (admin !== undefined && typeof admin !== "boolean")
    throw badUserInput("admin must be true or false.");
  return {
    scopes: stringList(scopes, "scopes"),
    allowedCidrs: stringList(allowedCidrs, "allowedCidrs"),
    name,
    description: (description as string | undefined) || null,
    expiresAt: expires ? new Date((expires as number) * 1000) : null,
    admin: (admin as boolean | undefined) ?? false,
  };
}

/** Every token of one listing, page by page; expired ones only with show_expired=true. */
async function listAll(ctx: RequestContext, req: Request, filter: Partial<TokenFilter>) {
  const statuses =
    req.query.show_expired === "true"
      ? [TokenStatus.ACTIVE, TokenStatus.EXPIRED]
      : [TokenStatus.ACTIVE];
  const tokens: AccessToken[] = [];
  let after: string | null = null;
  do {
    const page = await ctx.services.tokenList.list(ctx, {
      filter: Object.assign(new TokenFilter(), filter, { statuses }),
      first: MAX_PAGE_SIZE,
      after,
    });
    tokens.push(...page.edges.map((edge) => edge.node));
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after);
  return { tokens: await Promise.all(tokens.map((token) => pulumiToken(ctx, token))) };
}

/** Revokes `id` if it is a token of this route's kind and scope; anything else is 404. */
async function revokeIn(
  ctx: RequestContext,
  id: string,
  belongs: (token: AccessToken) => boolean,
  res: Response,
): Promise<void> {
  await ctx.services.tokens.revoke(ctx, id, belongs);
  res.status(204).end();
}

/**
 * Pulumi Cloud's token routes, thin over the GraphQL services: same rules, errors and audit events.
 * `Accept: application/vnd.pulumi+8` is accepted and ignored.
 */
export function tokenRoutes(contextFor: ContextFor): Router {
  const router = Router();
  const route = (
    actions: Action[],
    handle: (ctx: RequestContext, req: Request, res: Response) => Promise<void>,
  ) => restHandler(contextFor, actions, handle);
  const param = (req: Request, name: string) => String(req.params[name]);

  router.get(
    "/api/user/tokens",
    route([Action.ListTokens], async (ctx, req, res) => {
      res.json(await listAll(ctx, req, { kinds: [TokenKind.PERSONAL] }));
    }),
  );
  router.post(
    "/api/user/tokens",
    route([Action.CreatePersonalToken], async (ctx, req, res) => {
      const body = createBody(req);
      const created = await ctx.services.tokens.createPersonal(ctx, body);
      res.status(200).json({ id: created.token.id, tokenValue: created.secret });
    }),
  );
  router.delete(
    "/api/user/tokens/:id",
    route([Action.RevokePersonalToken], async (ctx, req, res) => {
      const me = ctx.principal?.userId;
      await revokeIn(
        ctx,
        param(req, "id"),
        (t) => t.kind === TokenKind.PERSONAL && t.ownerId === me,
        res,
      );
    }),
  );

  router.get(
    "/api/orgs/:org/tokens",
    route([Action.ListTokens], async (ctx, req, res) => {
      res.json(
        await listAll(ctx, req, {
          organization: param(req, "org"),
          kinds: [TokenKind.ORGANIZATION],
        }),
      );
    }),
  );
  router.post(
    "/api/orgs/:org/tokens",
    route([Action.CreateOrganizationToken], async (ctx, req, res) => {
      const created = await ctx.services.tokens.createOrganization(ctx, {
        ...createBody(req),
        organization: param(req, "org"),
      });
      res.status(200).json({ id: created.token.id, tokenValue: created.secret });
    }),
  );
  router.delete(
    "/api/orgs/:org/tokens/:id",
    route([Action.RevokeOrganizationToken], async (ctx, req, res) => {
      const org = await ctx.services.organizations.access(ctx, param(req, "org"));
      await revokeIn(
        ctx,
        param(req, "id"),
        (t) => t.kind === TokenKind.ORGANIZATION && t.organizationId === org.organization.id,
        res,
      );
    }),
  );

  router.get(
    "/api/orgs/:org/teams/:team/tokens",
    route([Action.ListTokens], async (ctx, req, res) => {
      await ctx.services.teams.get(ctx, param(req, "org"), param(req, "team"));
      res.json(
        await listAll(ctx, req, {
          organization: param(req, "org"),
          team: param(req, "team"),
          kinds: [TokenKind.TEAM],
        }),
      );
    }),
  );
  router.post(
    "/api/orgs/:org/teams/:team/tokens",
    route([Action.CreateTeamToken], async (ctx, req, res) => {
      const created = await ctx.services.tokens.createTeam(ctx, {
        ...createBody(req),
        organization: param(req, "org"),
        team: param(req, "team"),
      });
      res.status(200).json({ id: created.token.id, tokenValue: created.secret });
    }),
  );
  router.delete(
    "/api/orgs/:org/teams/:team/tokens/:id",
    route([Action.RevokeTeamToken], async (ctx, req, res) => {
      const team = await ctx.services.teams.get(ctx, param(req, "org"), param(req, "team"));
      await revokeIn(
        ctx,
        param(req, "id"),
        (t) => t.kind === TokenKind.TEAM && t.teamId === team.id,
        res,
      );
    }),
  );
  router.get(
    "/api/orgs/:org/tokens.csv",
    route([Action.ListTokens], async (ctx, req, res) => {
      const filter = csvFilter(req, param(req, "org"));
      const now = ctx.clock.now();
      // The first page is read before anything is sent, so a refusal still answers with its status.
      const first = await ctx.services.tokenList.list(ctx, { filter, first: MAX_PAGE_SIZE });
      async function* rows() {
        let page = first;
        for (;;) {
          for (const { node } of page.edges) yield await tokenCsvRow(ctx, node, now);
          if (!page.pageInfo.hasNextPage) return;
          page = await ctx.services.tokenList.list(ctx, {
            filter,
            first: MAX_PAGE_SIZE,
            after: page.pageInfo.endCursor,
          });
        }
      }
      await streamCsv(res, `${filter.organization}-tokens.csv`, TOKEN_CSV_COLUMNS, rows());
    }),
  );
  return router;
}

const TOKEN_CSV_COLUMNS = [
  "id",
  "name",
  "kind",
  "status",
  "team",
  "owner",
  "created_by",
  "source",
  "created_at",
  "expires_at",
  "last_used_at",
  "revoked_at",
];

async function tokenCsvRow(ctx: RequestContext, token: AccessToken, now: Date) {
  const [team, owner, creator] = await Promise.all([
    token.teamId ? ctx.loaders.team.load(token.teamId) : null,
    token.ownerId ? ctx.loaders.user.load(token.ownerId) : null,
    token.createdById ? ctx.loaders.user.load(token.createdById) : null,
  ]);
  const iso = (date: Date | null) => date?.toISOString() ?? "";
  return [
    token.id,
    token.name,
    token.kind,
    token.statusAt(now),
    team?.name,
    owner?.login,
    creator?.login,
    token.source,
    iso(token.createdAt),
    iso(token.expiresAt),
    iso(token.lastUsedAt),
    iso(token.revokedAt),
  ];
}

/**
 * The tokens query's filter from a query string, field for field (lists comma-separated, times in
 * RFC 3339), so the console's CSV link downloads exactly the view on screen.
 */
function csvFilter(req: Request, organization: string): TokenFilter {
  const query = queryParams(req);
  const days = query.one("expiringWithinDays");
  return Object.assign(new TokenFilter(), {
    organization,
    kinds: query.list("kinds", TokenKind),
    statuses: query.list("statuses", TokenStatus),
    team: query.one("team"),
    owner: query.one("owner"),
    createdBy: query.one("createdBy"),
    search: query.one("search"),
    source: query.oneOf("source", TokenSource),
    expiresAfter: query.time("expiresAfter"),
    expiresBefore: query.time("expiresBefore"),
    lastUsedBefore: query.time("lastUsedBefore"),
    neverExpires: query.flag("neverExpires"),
    neverUsed: query.flag("neverUsed"),
    violatesPolicy: query.flag("violatesPolicy"),
    // Not a number → NaN, which the filter's own rule refuses with BAD_USER_INPUT.
    expiringWithinDays: days === undefined ? undefined : Number(days),
  });
}
