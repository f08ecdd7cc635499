import { CombinedGraphQLErrors } from "@apollo/client/errors";

/**
 * A refusal as a sentence a person can act on. The server's own sentences pass through, with
 * "policies[2]:" read as "Policy 3:"; GraphQL's coercion errors ("Int cannot represent …", "got
 * invalid value") never reach the page, since they name variables, not the form's fields.
 */
export function errorSentence(error: unknown): string {
  const first = CombinedGraphQLErrors.is(error) ? error.errors[0] : undefined;
  const message = first?.message ?? (error instanceof Error ? error.message : "");
  const code = first?.extensions?.code;
  if (
    code === "GRAPHQL_VALIDATION_FAILED" ||
    /^Variable "\$|cannot represent|got invalid value/.test(message)
  )
    return "Some field holds a value of the wrong kind; check what you typed and try again.";
  if (!message) return "Something went wrong; try again.";
  const sentence = message.replace(
    /^policies\[(\d+)\]/,
    (_, i: string) => `Policy ${Number(i) + 1}`,
  );
  return /[.!?)]$/.test(sentence) ? sentence : `${sentence}.`;
}

/** The request id of a refusal, for a report to the operators. */
export function requestIdOf(error: unknown): string | null {
  const first = CombinedGraphQLErrors.is(error) ? error.errors[0] : undefined;
  const id = first?.extensions?.requestId;
  return typeof id === "string" ? id : null;
}
