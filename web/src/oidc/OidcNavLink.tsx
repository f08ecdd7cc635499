import { useQuery } from "@apollo/client/react";
import { NavLink } from "react-router";
import { OidcNavLinkQueryDocument } from "../__generated__/operations";
import { oidcAccess } from "./access";

/** The OIDC entry of the console's menu, shown only to those who may read the issuers. */
export function OidcNavLink({ org }: { org: string }) {
  const { data } = useQuery(OidcNavLinkQueryDocument);
  if (!oidcAccess(data?.viewer, org).canRead) return null;
  return <NavLink to={`/orgs/${org}/oidc`}>OIDC</NavLink>;
}
