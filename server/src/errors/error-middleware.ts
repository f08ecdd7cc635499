import { GraphQLError } from "graphql";
import type { MiddlewareFn } from "type-graphql";
import type { RequestContext } from "../context";
import { isUniqueViolation } from "../db/errors";
import { LapseError, conflict, serviceUnavailable } from "./lapse-error";

const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "PROTOCOL_CONNECTION_LOST",
  "ER_CON_COUNT_ERROR",
  "SQLITE_BUSY",
  "SQLITE_LOCKED",
]);

/** The client-facing error for anything a resolver throws; unexpected errors are logged and hidden. */
export function toGraphQLError(error: unknown, ctx: RequestContext): GraphQLError {
  if (error instanceof GraphQLError) return error;
  let known: LapseError | null = error instanceof LapseError ? error : null;
  const code =
    (error as { code?: string; driverError?: { code?: string } })?.driverError?.code ??
    (error as { code?: string })?.code;
  if (!known && isUniqueViolation(error)) {
    known = conflict("A concurrent change touched the same record; retry the request.");
  }
  if (!known && code && UNAVAILABLE_CODES.has(code)) {
    known = serviceUnavailable("The database is unavailable; retry shortly.");
  }
  if (known) {
    return new GraphQLError(known.message, {
      extensions: {
        code: known.code,
        requestId: ctx.requestId,
        ...(known.code === "UNAUTHENTICATED" ? { http: { status: 401 } } : {}),
        ...(known.code === "SERVICE_UNAVAILABLE" ? { http: { status: 503 } } : {}),
      },
    });
  }
  ctx.logger.error({ err: error, requestId: ctx.requestId }, "unexpected error");
  return new GraphQLError(
    `Internal server error; quote request id ${ctx.requestId} when reporting it.`,
    {
      extensions: { code: "INTERNAL_SERVER_ERROR", requestId: ctx.requestId },
    },
  );
}

/** Runs around every resolver so that what leaves it is always a coded GraphQLError. */
export const ErrorMiddleware: MiddlewareFn<RequestContext> = async ({ context }, next) => {
  try {
    return await next();
  } catch (error) {
    throw toGraphQLError(error, context);
  }
};
