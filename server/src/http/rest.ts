import type { Request, RequestHandler, Response } from "express";
import type { Refuse } from "../auth/authenticate.middleware";
import { authorizeCaller, type Action } from "../auth/authorization";
import type { RequestContext } from "../context";
import { RETRY_AFTER_SECONDS, toGraphQLError } from "../errors/error-middleware";
import { ERROR_HTTP_STATUS, type ErrorCode } from "../errors/lapse-error";

/**
 * REST errors in Pulumi Cloud's shape, `{code, message}` with `code` the HTTP status, plus Lapse's
 * own `error` code and the request id to quote.
 */
/** REST's error body: `{code, message, error, requestId}` with `status`. */
export function sendError(res: Response, status: number, error: string, message: string): void {
  res.status(status).json({ code: status, message, error, requestId: res.locals.requestId });
}

/**
 * Any error as REST answers it, mapped exactly as GraphQL maps it (unexpected errors logged and
 * hidden): its status, code and sentence.
 */
export function restErrorOf(
  error: unknown,
  ctx: RequestContext,
): { status: number; code: string; message: string } {
  const mapped = toGraphQLError(error, ctx);
  const code = String(mapped.extensions.code);
  return { status: ERROR_HTTP_STATUS[code as ErrorCode] ?? 500, code, message: mapped.message };
}

export const refuseAsRest: Refuse = (res, error) =>
  sendError(res, error.httpStatus, error.code, error.message);

/** A route's handler with the actions it performs, as the authorization matrix test reads them. */
export type DeclaredHandler = RequestHandler & { readonly actions: readonly Action[] };

/** Names the actions `handler` performs (see auth/authorization.ts). */
export function declareActions(actions: Action[], handler: RequestHandler): DeclaredHandler {
  return Object.assign(handler, { actions });
}

/**
 * A thin REST handler for a route performing one of `actions`: builds the request context, refuses a
 * caller the actions' rules refuse outright, runs `handle`, and answers any error as `{code,
 * message}` with its status, mapped exactly as GraphQL maps it (unexpected errors logged and hidden).
 */
export function restHandler(
  contextFor: (req: Request, res: Response) => RequestContext,
  actions: Action[],
  handle: (ctx: RequestContext, req: Request, res: Response) => Promise<void>,
): DeclaredHandler {
  return declareActions(actions, async (req, res) => {
    const ctx = contextFor(req, res);
    try {
      authorizeCaller(ctx, ...actions);
      await handle(ctx, req, res);
    } catch (error) {
      const { status, code, message } = restErrorOf(error, ctx);
      if (res.headersSent) {
        // A stream already under way cannot change its status: cut it short so the client sees a failure.
        res.destroy();
        return;
      }
      if (status === 503) res.setHeader("Retry-After", RETRY_AFTER_SECONDS);
      sendError(res, status, code, message);
    }
  });
}
