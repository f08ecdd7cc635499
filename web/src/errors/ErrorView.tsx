import { CombinedGraphQLErrors } from "@apollo/client/errors";
import { Navigate } from "react-router";
import { sessionEndReason } from "../session-end";

/** What a failed page shows, by `extensions.code`: sign-in, the role needed, or the message and request id. */
export function ErrorView({ error }: { error: unknown }) {
  const first = CombinedGraphQLErrors.is(error) ? error.errors[0] : undefined;
  const code = first?.extensions?.code;
  const message =
    first?.message ?? (error instanceof Error ? error.message : "Something went wrong.");
  if (code === "UNAUTHENTICATED") {
    // A first visit gets a plain sign-in; an ended session, the reason it ended.
    const reason = sessionEndReason(message);
    const to = reason ? `/sign-in?reason=${encodeURIComponent(reason)}` : "/sign-in";
    return <Navigate to={to} replace />;
  }
  const requestId = first?.extensions?.requestId;
  return (
    <div role="alert" className="error">
      <h2>{code === "FORBIDDEN" ? "You do not have access" : "Something went wrong"}</h2>
      <p>{message}</p>
      {typeof requestId === "string" && (
        <p className="muted">
          Request id: <code>{requestId}</code>
        </p>
      )}
    </div>
  );
}
