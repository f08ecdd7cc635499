import { Router, type Request, type Response } from "express";
import type { RequestContext } from "../../context";
import { badUserInput } from "../../errors/lapse-error";
import { restHandler } from "../../http/rest";
import { parseDateTime } from "../../schema/date-time.scalar";
import type { AuditEvent } from "./audit-event.entity";
import { AuditEventFilter } from "./audit.inputs";
import { AuditEventType } from "./audit.types";
import { csvRow } from "./csv";

const COLUMNS = [
  "time",
  "type",
  "organization",
  "actor_login",
  "actor_token_id",
  "actor_token_name",
  "actor_token_kind",
  "token_id",
  "token_name",
  "team",
  "ip",
  "user_agent",
  "request_id",
  "payload",
];
const PAGE = 500;

/** The auditEvents filter read from a query string: types=A,B&actor=&tokenId=&team=&since=&until=. */
function filterFrom(req: Request): AuditEventFilter {
  const text = (name: string) => {
    const value = req.query[name];
    if (value === undefined) return undefined;
    if (typeof value !== "string") throw badUserInput(`${name} must be given once.`);
    return value;
  };
  const types = text("types")
    ?.split(",")
    .filter(Boolean)
    .map((type) => {
      if (!(type in AuditEventType))
        throw badUserInput(`types: "${type.slice(0, 40)}" is not an audit event type.`);
      return type as AuditEventType;
    });
  const since = text("since");
  const until = text("until");
  return Object.assign(new AuditEventFilter(), {
    organization: String(req.params.org),
    types,
    actor: text("actor"),
    tokenId: text("tokenId"),
    team: text("team"),
    since: since === undefined ? undefined : parseDateTime(since),
    until: until === undefined ? undefined : parseDateTime(until),
  });
}

function row(event: AuditEvent, organization: string, team: string | null): string {
  return csvRow([
    event.createdAt.toISOString(),
    event.type,
    organization,
    event.actorLogin,
    event.actorTokenId,
    event.actorTokenName,
    event.actorTokenKind,
    event.tokenId,
    event.tokenName,
    team,
    event.ip,
    event.userAgent,
    event.requestId,
    event.payload,
  ]);
}

/** GET /api/orgs/:org/auditlog.csv: the auditEvents filter as a streamed CSV file, same rights. */
export function auditCsvRoutes(
  contextFor: (req: Request, res: Response) => RequestContext,
): Router {
  const router = Router();
  router.get(
    "/api/orgs/:org/auditlog.csv",
    restHandler(contextFor, async (ctx, req, res) => {
      const filter = filterFrom(req);
      let page = await ctx.services.auditQuery.list(ctx, { filter, first: PAGE });
      res.status(200);
      res.setHeader("Content-Type", "text/csv; charset=utf-8");
      res.setHeader(
        "Content-Disposition",
        `attachment; filename="${filter.organization}-auditlog.csv"`,
      );
      res.write(csvRow(COLUMNS));
      for (;;) {
        for (const { node } of page.edges) {
          const team = node.teamId
            ? ((await ctx.loaders.team.load(node.teamId))?.name ?? null)
            : null;
          res.write(row(node, filter.organization, team));
        }
        if (!page.pageInfo.hasNextPage) break;
        page = await ctx.services.auditQuery.list(ctx, {
          filter,
          first: PAGE,
          after: page.pageInfo.endCursor,
        });
      }
      res.end();
    }),
  );
  return router;
}
