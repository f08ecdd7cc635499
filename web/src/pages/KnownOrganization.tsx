import { useQuery } from "@apollo/client/react";
import type { ReactNode } from "react";
import { KnownOrganizationQueryDocument } from "../__generated__/operations";
import { ErrorView } from "../errors/ErrorView";
import { NotFound } from "./NotFound";

/**
 * Renders an organization's page only for an organization the viewer is in; any other name, on
 * any page under /orgs/<name>, answers not-found (rather than a page of something else under it).
 */
export function KnownOrganization({ name, children }: { name: string; children: ReactNode }) {
  const { data, error } = useQuery(KnownOrganizationQueryDocument, { variables: { name } });
  if (error) return <ErrorView error={error} />;
  if (!data) return <p aria-busy="true">Loading…</p>;
  if (!data.organization) {
    return <NotFound what={`There is no organization “${name}”, or you are not a member of it.`} />;
  }
  return children;
}
