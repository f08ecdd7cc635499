import type { GraphQLFormattedError } from "graphql";
import { LapseError } from "./lapse-error";

// Codes Apollo and graphql-js give to requests the client got wrong; their messages are safe to show.
const CLIENT_CODES = new Set([
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_USER_INPUT",
  "BAD_REQUEST",
  "OPERATION_RESOLUTION_FAILURE",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
]);

/**
 * The last net before a response: resolver errors arrive already coded (see ErrorMiddleware); a value
 * that failed a scalar keeps graphql-js's message (it names the variable) with our code; anything else
 * uncoded leaves as INTERNAL_SERVER_ERROR without a stack, SQL or secret.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
): GraphQLFormattedError {
  const original = (error as { originalError?: unknown })?.originalError;
  const code = formatted.extensions?.code;
  const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
  if (original instanceof LapseError) {
    return { ...formatted, extensions: { ...extensions, code: original.code } };
  }
  if (typeof code === "string" && (CLIENT_CODES.has(code) || "requestId" in extensions)) {
    return { ...formatted, extensions };
  }
  return {
    message: "Internal server error.",
    extensions: { code: "INTERNAL_SERVER_ERROR" },
  };
}
