import type { ApolloServerPlugin } from "@apollo/server";
import type { RequestContext } from "../context";
import type { Logger } from "../logger";

/**
 * Errors raised outside resolvers (plugins, context) reach no ErrorMiddleware: this logs them with
 * the request id, and gives the client that id to quote, as resolver errors already do.
 */
export function unexpectedErrorsPlugin(logger: Logger): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) {
            if (error.extensions?.code || error.extensions?.requestId) continue;
            logger.error(
              { err: error.originalError ?? error, requestId: contextValue?.requestId },
              "unexpected error",
            );
          }
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== "single" || !response.body.singleResult.errors) return;
          const requestId = contextValue?.requestId;
          response.body.singleResult.errors = response.body.singleResult.errors.map((error) =>
            error.extensions?.code === "INTERNAL_SERVER_ERROR" &&
            !error.extensions.requestId &&
            requestId
              ? {
                  ...error,
                  message: `Internal server error; quote request id ${requestId} when reporting it.`,
                  extensions: { ...error.extensions, requestId },
                }
              : error,
          );
        },
      };
    },
  };
}
