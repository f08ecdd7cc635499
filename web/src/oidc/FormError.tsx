import { CombinedGraphQLErrors } from "@apollo/client/errors";
import { ErrorView } from "../errors/ErrorView";
import { errorSentence, requestIdOf } from "./errorSentence";

/** A form's refusal, as a sentence beside the form; a lapsed session goes to sign-in as pages do. */
export function FormError({ error }: { error: unknown }) {
  if (!error) return null;
  if (CombinedGraphQLErrors.is(error) && error.errors[0]?.extensions?.code === "UNAUTHENTICATED")
    return <ErrorView error={error} />;
  const requestId = requestIdOf(error);
  return (
    <p role="alert" className="error-text">
      {errorSentence(error)}
      {requestId && <span className="muted"> (request id {requestId})</span>}
    </p>
  );
}
