import type { IncomingMessage, ServerResponse } from "node:http";
import { parse as parseQuery } from "node:querystring";
import { authenticateCredentials, type Authenticator } from "../../auth/authenticate.middleware";
import { Action } from "../../auth/authorization";
import type { RequestContext } from "../../context";
import { DATABASE_UNAVAILABLE, isTransientDatabaseError } from "../../db/errors";
import { withDatabaseTimeBound } from "../../db/pool-guard";
import { RETRY_AFTER_SECONDS } from "../../errors/error-middleware";
import { clientAddressOf, reachedOverHttps, type TrustProxy } from "../../http/client-address";
import type { RequestFields } from "../../http/request-context";
import { requestIdsFor } from "../../http/request-id";
import { readSessionCookie, sessionCookieClearing } from "../../http/session-cookie";
import type { Logger } from "../../logger";

/** A route served on Node's own request and response, ahead of Express, with what it performs. */
export interface NodeRoute {
  method: "GET";
  path: string;
  /** The actions it performs (see auth/authorization.ts), as the authorization matrix reads them. */
  actions: readonly Action[];
}

export const GATEWAY_CHECK_ROUTE: NodeRoute = {
  method: "GET",
  path: "/api/auth/verify",
  actions: [Action.VerifyToken],
};

/**
 * Whether `req` is for `route`: its method (HEAD with GET) and its path as Express would match it,
 * in any case and with or without one trailing slash.
 */
export function isFor(route: NodeRoute, req: IncomingMessage): boolean {
  if (req.method !== route.method && !(route.method === "GET" && req.method === "HEAD")) {
    return false;
  }
  const url = req.url ?? "";
  const query = url.indexOf("?");
  let path = query === -1 ? url : url.slice(0, query);
  if (path.length === route.path.length + 1 && path.endsWith("/")) path = path.slice(0, -1);
  return path.length === route.path.length && path.toLowerCase() === route.path;
}

export interface GatewayCheckDeps {
  auth: Authenticator;
  logger: Logger;
  contextOf: (fields: RequestFields) => RequestContext;
  /** Which proxies' X-Forwarded-For to believe: Express's own compiled `trust proxy`. */
  trust: TrustProxy;
  /** Records an answered request in /metrics (http/metrics.ts's `routeTimer`). */
  observeTiming: (route: string, method: string, statusCode: number, start: bigint) => void;
  /** Told "ok" or the refusal's reason for each credential presented, as the API's are. */
  observeAuthentication: (outcome: string) => void;
}

/**
 * GET /api/auth/verify?org=<org>&scope=<scope> for gateways (nginx auth_request, Envoy ext_authz,
 * Traefik forwardAuth): the client's own Authorization header (or console session) is
 * authenticated as the API does it, counted by the same limiter; 204 with who it is, 401, or 403
 * when it lacks a scope or does not act in `org`.
 *
 * A gateway asks this before every request of its own services, so it is answered on Node's own
 * request and response, before Express sees the request: measured on the bench, Express's handling
 * of a request that does nothing (its request and response objects, its router) cost three
 * times what a route that does nothing costs on Node alone, and as much as the check itself. What
 * Express's middleware gives every request, this gives its own: a request id (X-Request-Id), the
 * request's database time bound, the client address by the same `trust proxy`, and its timing in
 * /metrics. Security headers mean nothing on a bodiless 204 a gateway reads, and a line per check
 * would double the log of a busy service (its gateway logs the request; a refusal is still logged).
 */
export function gatewayCheck(
  deps: GatewayCheckDeps,
): (req: IncomingMessage, res: ServerResponse) => void {
  const { logger } = deps;
  return (req, res) => {
    const start = process.hrtime.bigint();
    const { requestId, clientRequestId } = requestIdsFor(req.headers["x-request-id"]);
    res.setHeader("X-Request-Id", requestId);
    // Never stored by a gateway's cache, refusals included.
    res.setHeader("Cache-Control", "no-store");
    const answer = (status: number, body?: object) => {
      res.statusCode = status;
      if (body) {
        const json = JSON.stringify(body);
        res.setHeader("Content-Type", "application/json; charset=utf-8");
        res.setHeader("Content-Length", Buffer.byteLength(json));
        res.end(json);
      } else res.end();
      deps.observeTiming(GATEWAY_CHECK_ROUTE.path, req.method!, status, start);
    };
    withDatabaseTimeBound(() =>
      check(deps, req, res, { requestId, clientRequestId }, answer),
    ).catch((error: unknown) => {
      // A database that cannot answer now may shortly (nginx answers its client 500 either way).
      if (isTransientDatabaseError(error)) {
        logger.warn({ err: error, requestId }, "database unavailable");
        res.setHeader("Retry-After", RETRY_AFTER_SECONDS);
        const message = DATABASE_UNAVAILABLE;
        return answer(503, { code: 503, message, error: "SERVICE_UNAVAILABLE", requestId });
      }
      logger.error({ err: error, requestId }, "unexpected error");
      const message = `Internal server error; quote request id ${requestId} when reporting it.`;
      answer(500, { code: 500, message, error: "INTERNAL_SERVER_ERROR", requestId });
    });
  };
}

type Answer = (status: number, body?: object) => void;

async function check(
  deps: GatewayCheckDeps,
  req: IncomingMessage,
  res: ServerResponse,
  ids: { requestId: string; clientRequestId: string | null },
  answer: Answer,
): Promise<void> {
  const header = req.headers.authorization;
  const userAgent = req.headers["user-agent"] ?? null;
  let ip: string | null | undefined;
  const address = () => (ip === undefined ? (ip = clientAddressOf(req, deps.trust)) : ip);
  const outcome = await authenticateCredentials(
    deps.auth,
    { header, cookie: header === undefined ? readSessionCookie(req) : undefined },
    () => ({ requestId: ids.requestId, ip: address(), userAgent }),
    deps.logger,
    deps.observeAuthentication,
  );
  if (!outcome.ok) {
    if (outcome.dropSessionCookie) {
      res.setHeader("Set-Cookie", sessionCookieClearing(reachedOverHttps(req, deps.trust)));
    }
    if (outcome.retryAfterSeconds) res.setHeader("Retry-After", String(outcome.retryAfterSeconds));
    // nginx's auth_request passes only 401 and 403 on: a lockout is a 401 too (with Retry-After),
    // and a good token refused where it is (its organization's policy, its networks) a 403.
    const status = outcome.error.httpStatus === 403 ? 403 : 401;
    return challenge(res, answer, status, "invalid_token", outcome.error.message);
  }
  const { token } = outcome;
  // A console session made by single sign-on is a person, not a token a gateway can pass on.
  if (!token)
    return challenge(res, answer, 401, null, "Send the token in the Authorization header.");
  const url = req.url!;
  const query = url.indexOf("?");
  // As Express's default ("simple") query parser reads it: a name given twice is an array.
  const { org, scope } = parseQuery(query === -1 ? "" : url.slice(query + 1));
  if (Array.isArray(org) || Array.isArray(scope)) {
    return answer(400, {
      error: "invalid_request",
      error_description: "Give org and scope at most once each.",
    });
  }
  const wanted = (scope ?? "").split(" ").filter(Boolean);
  const missing = wanted.filter((s) => !token.grantedScopes.includes(s));
  if (missing.length) {
    return challenge(
      res,
      answer,
      403,
      "insufficient_scope",
      `The token does not hold ${missing.join(" ")}.`,
      wanted.join(" "),
    );
  }
  const ctx = deps.contextOf({ ...ids, principal: outcome.principal, ip: address(), userAgent });
  if (org && !(await ctx.services.tokenTrust.actsIn(ctx, org))) {
    return challenge(res, answer, 403, "insufficient_scope", `The token does not act in ${org}.`);
  }
  const who = await ctx.services.tokenTrust.subject(token);
  res.setHeader("Lapse-Token-Id", token.id);
  res.setHeader("Lapse-Subject", who.subject);
  res.setHeader("Lapse-Scopes", token.grantedScopes.join(" "));
  res.setHeader("Lapse-Token-Expiration", token.expiresAt?.toISOString() ?? "never");
  answer(204);
}

/** RFC 6750's challenge: `Bearer realm="lapse"`, with an error code and description when there is one. */
function challenge(
  res: ServerResponse,
  answer: Answer,
  status: 401 | 403,
  error: "invalid_token" | "insufficient_scope" | null,
  description: string,
  scope?: string,
): void {
  const quoted = (text: string) => text.replace(/["\\]/g, "");
  const parts = ['realm="lapse"'];
  if (error) parts.push(`error="${error}"`, `error_description="${quoted(description)}"`);
  if (scope) parts.push(`scope="${quoted(scope)}"`);
  res.setHeader("WWW-Authenticate", `Bearer ${parts.join(", ")}`);
  answer(status, { error: error ?? "invalid_request", error_description: description });
}
