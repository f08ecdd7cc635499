import { Link, isRouteErrorResponse, useRouteError } from "react-router";

/** A page that does not exist, or an organization the viewer is not in (the same answer, on purpose). */
export function NotFound({ what = "This page does not exist." }: { what?: string }) {
  return (
    <section aria-labelledby="not-found-title" className="not-found">
      <h1 id="not-found-title">Not found</h1>
      <p>{what}</p>
      <p>
        <Link to="/">Go to your tokens</Link>
      </p>
    </section>
  );
}

/** The router's error element: not-found for an unknown path, else what broke, never a stack. */
export function RouteError() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404) {
    return (
      <main id="main">
        <NotFound />
      </main>
    );
  }
  return (
    <main id="main">
      <div role="alert" className="error">
        <h1>Something went wrong</h1>
        <p>
          {error instanceof Error ? error.message : "This page failed to load."} Reload the page, or{" "}
          <Link to="/">go to your tokens</Link>.
        </p>
      </div>
    </main>
  );
}
