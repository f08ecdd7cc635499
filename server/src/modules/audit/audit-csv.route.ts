import { Router, type Request, type Response } from "express";
import type { RequestContext } from "../../context";
import { queryParams } from "../../http/query-params";
import { Action } from "../../auth/authorization";
import { restHandler } from "../../http/rest";
import type { AuditEvent } from "./audit-event.entity";
import { AuditEventFilter } from "./audit.inputs";
import { AuditEventType } from "./audit.types";
import { streamCsv } from "./csv";

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
  "client_request_id",
  "payload",
];
const PAGE = 500;

/** The auditEvents filter read from a query string: types=A,B&actor=&tokenId=&team=&since=&until=. */
function filterFrom(req: Request): AuditEventFilter {
  const query = queryParams(req);
  return Object.assign(new AuditEventFilter(), {
    organization: String(req.params.org),
    types: query.list("types", AuditEventType),
    actor: query.one("actor"),
    tokenId: query.one("tokenId"),
    team: query.one("team"),
    since: query.time("since"),
    until: query.time("until"),
  });
}

function row(event: AuditEvent, organization: string, team: string | null) {
  return [
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
    event.clientRequestId,
    event.payload,
  ];
}

/** GET /api/orgs/:org/auditlog.csv: the auditEvents filter as a streamed CSV file, same rights. */
export function auditCsvRoutes(
  contextFor: (req: Request, res: Response) => RequestContext,
): Router {
  const router = Router();
  router.get(
    "/api/orgs/:org/auditlog.csv",
    restHandler(contextFor, [Action.ReadAuditTrail], async (ctx, req, res) => {
      const filter = filterFrom(req);
      const organization = String(req.params.org);
      // The first page is read before anything is sent, so a refusal still answers with its status.
      const first = await ctx.services.auditQuery.list(ctx, { filter, first: PAGE });
      async function* rows() {
        let page = first;
        for (;;) {
          for (const { node } of page.edges) {
            const team = node.teamId
              ? ((await ctx.loaders.team.load(node.teamId))?.name ?? null)
              : null;
            yield row(node, organization, team);
          }
          if (!page.pageInfo.hasNextPage) return;
          page = await ctx.services.auditQuery.list(ctx, {
            filter,
            first: PAGE,
            after: page.pageInfo.endCursor,
          });
        }
      }
      await streamCsv(res, `${organization}-auditlog.csv`, COLUMNS, rows());
    }),
  );
  return router;
}
