import type { ApolloServerPlugin } from "@apollo/server";
import type { RequestContext } from "../context";
import type { Logger } from "../logger";

/**
 * At debug level, one line per GraphQL operation: its name, type and the names of its variables.
 * Never the variables' values or the document's literals: an invitation code, a token being
 * signed in with or a description pasted with a secret in it would otherwise land in the log.
 */
export function operationLogPlugin(logger: Logger): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      if (!logger.isLevelEnabled("debug")) return {};
      return {
        async didResolveOperation({ operation, operationName, request, contextValue }) {
          logger.debug(
            {
              requestId: contextValue.requestId,
              operation: operation?.operation,
              operationName: operationName ?? null,
              variables: Object.keys(request.variables ?? {}),
              tokenId: contextValue.principal?.token?.id,
            },
            "graphql operation",
          );
        },
      };
    },
  };
}
