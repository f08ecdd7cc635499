import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";

const SAFE_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Gives every request an id of Lapse's own, returned in X-Request-Id. A caller's own X-Request-Id, if
 * it is safe to keep, is remembered beside it (the audit trail records both): a client chooses its
 * id, so it can never stand in for the server's.
 */
export const requestId: RequestHandler = (req, res, next) => {
  const ids = requestIdsFor(req.get("x-request-id"));
  res.locals.requestId = ids.requestId;
  res.locals.clientRequestId = ids.clientRequestId;
  res.setHeader("X-Request-Id", ids.requestId);
  next();
};

/** A new request's id, and the client's own X-Request-Id (`incoming`) when it is safe to keep. */
export function requestIdsFor(incoming: string | string[] | undefined): {
  requestId: string;
  clientRequestId: string | null;
} {
  return {
    requestId: randomUUID(),
    clientRequestId: typeof incoming === "string" && SAFE_ID.test(incoming) ? incoming : null,
  };
}
