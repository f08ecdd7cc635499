import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";

const SAFE_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Gives every request an id of Lapse's own, returned in X-Request-Id. A caller's own X-Request-Id, if
 * it is safe to keep, is remembered beside it (the audit trail records both): a client chooses its
 * id, so it can never stand in for the server's.
 */
export const requestId: RequestHandler = (req, res, next) => {
  const incoming = req.get("x-request-id");
  const id = randomUUID();
  res.locals.requestId = id;
  res.locals.clientRequestId = incoming && SAFE_ID.test(incoming) ? incoming : null;
  res.setHeader("X-Request-Id", id);
  next();
};
