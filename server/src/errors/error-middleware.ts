import { HeaderMap } from "@apollo/server";
import { GraphQLError } from "graphql";
import type { MiddlewareFn } from "type-graphql";
import type { RequestContext } from "../context";
import {
  DATABASE_UNAVAILABLE,
  isDatabaseUnavailable,
  isLockConflict,
  isUniqueViolation,
} from "../db/errors";
import { PolicyRefusal } from "../modules/organization/token-policy";
import { LapseError, conflict, serviceUnavailable } from "./lapse-error";

/** What a 503 tells the client to wait before it retries. */
export const RETRY_AFTER_SECONDS = "5";

const HTTP_STATUS_CODES = new Set(["UNAUTHENTICATED", "SERVICE_UNAVAILABLE"]);

/** The client-facing error for anything a resolver throws; unexpected errors are logged and hidden. */
export function toGraphQLError(error: unknown, ctx: RequestContext): GraphQLError {
  if (error instanceof GraphQLError) return error;
  let known: LapseError | null = error instanceof LapseError ? error : null;
  if (!known && (isUniqueViolation(error) || isLockConflict(error))) {
    known = conflict("A concurrent change touched the same record; retry the request.");
  }
  if (!known && isDatabaseUnavailable(error)) {
    known = serviceUnavailable(DATABASE_UNAVAILABLE);
  }
  if (known) {
    return new GraphQLError(known.message, {
      extensions: {
        code: known.code,
        requestId: ctx.requestId,
        // GraphQL answers 200 with errors, except where HTTP clients must see the refusal itself.
        ...(HTTP_STATUS_CODES.has(known.code) || known instanceof PolicyRefusal
          ? {
              http: {
                status: known.httpStatus,
                // A database that cannot serve now may shortly: say when to come back.
                ...(known.code === "SERVICE_UNAVAILABLE"
                  ? { headers: new HeaderMap([["retry-after", RETRY_AFTER_SECONDS]]) }
                  : {}),
              },
            }
          : {}),
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
    // Audited after the failed transaction has rolled back, so the refusal itself is kept.
    if (error instanceof PolicyRefusal)
      await context.services.refusals.record(context, error.token, "policy");
    throw toGraphQLError(error, context);
  }
};
