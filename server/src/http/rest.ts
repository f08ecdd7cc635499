import type { Request, RequestHandler, Response } from "express";
import type { Refuse } from "../auth/authenticate.middleware";
import type { RequestContext } from "../context";
import { toGraphQLError } from "../errors/error-middleware";
import { ERROR_HTTP_STATUS, type ErrorCode } from "../errors/lapse-error";

/**
 * REST errors in Pulumi Cloud's shape, `{code, message}` with `code` the HTTP status, plus Lapse's
 * own `error` code and the request id to quote.
 */
function sendError(res: Response, status: number, error: string, message: string): void {
  res.status(status).json({ code: status, message, error, requestId: res.locals.requestId });
}

export const refuseAsRest: Refuse = (res, error) =>
  sendError(res, error.httpStatus, error.code, error.message);

/**
 * A thin REST handler: builds the request context, runs `handle`, and answers any error as `{code,
 * message}` with its status, mapped exactly as GraphQL maps it (unexpected errors logged and hidden).
 */
export function restHandler(
  contextFor: (req: Request, res: Response) => RequestContext,
  handle: (ctx: RequestContext, req: Request, res: Response) => Promise<void>,
): RequestHandler {
  return async (req, res) => {
    const ctx = contextFor(req, res);
    try {
      await handle(ctx, req, res);
    } catch (error) {
      const mapped = toGraphQLError(error, ctx);
      const code = String(mapped.extensions.code);
      const status = ERROR_HTTP_STATUS[code as ErrorCode] ?? 500;
      if (res.headersSent) {
        // A stream already under way cannot change its status: cut it short so the client sees a failure.
        res.destroy();
        return;
      }
      sendError(res, status, code, mapped.message);
    }
  };
}
