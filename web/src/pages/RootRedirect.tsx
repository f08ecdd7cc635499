import { useQuery } from "@apollo/client/react";
import { Navigate } from "react-router";
import { RootRedirectQueryDocument } from "../__generated__/operations";
import { ErrorView } from "../errors/ErrorView";

/** `/` opens the tokens of the first organization the viewer belongs to. */
export function RootRedirect() {
  const { data, error } = useQuery(RootRedirectQueryDocument);
  if (error) return <ErrorView error={error} />;
  if (!data) return <p aria-busy="true">Loading…</p>;
  const first = data.viewer.organizations[0]?.organization.name;
  return <Navigate to={first ? `/orgs/${first}/tokens` : "/orgs/-/tokens"} replace />;
}
