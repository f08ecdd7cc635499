import { CombinedGraphQLErrors } from "@apollo/client/errors";

export const MIN_DAYS = 1;
export const MAX_DAYS = 3650;
const RANGE = `Enter a whole number of days from ${MIN_DAYS} to ${MAX_DAYS}, or leave it empty for no cap.`;

/** The proposed cap from the field: null for none, a number, or the sentence saying what is wrong. */
export function readPolicyDays(text: string): { days: number | null } | { problem: string } {
  const trimmed = text.trim();
  if (trimmed === "") return { days: null };
  const days = Number(trimmed);
  if (!/^\d+$/.test(trimmed) || days < MIN_DAYS || days > MAX_DAYS) return { problem: RANGE };
  return { days };
}

/**
 * A failed preview or save as a sentence for the person at the form: the server's own sentence for
 * a refusal it explains (a cap that would lock you out, no access), the field's rule for anything
 * GraphQL itself rejected ("Int cannot represent non-integer value").
 */
export function readablePolicyError(error: unknown): string {
  const first = CombinedGraphQLErrors.is(error) ? error.errors[0] : undefined;
  const code = first?.extensions?.code;
  if (!first) return "Lapse could not be reached; check your connection and try again.";
  if (code === "GRAPHQL_VALIDATION_FAILED" || code === "BAD_USER_INPUT" || !code) {
    return /days|lifetime/i.test(first.message) && !/cannot represent/i.test(first.message)
      ? first.message
      : RANGE;
  }
  return first.message;
}
