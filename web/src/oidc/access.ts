import type { OrganizationRole, TokenKind } from "../__generated__/operations";

interface Viewer {
  kind: TokenKind;
  organizations: { role: OrganizationRole; organization: { name: string } }[];
}

/**
 * What the signed-in person may do with an organization's OIDC trust, as the server's rules say
 * (oidc:read, oidc:manage, oidc:simulate): the console offers nothing else.
 */
export function oidcAccess(viewer: Viewer | undefined, organization: string) {
  const role = viewer?.organizations.find((o) => o.organization.name === organization)?.role;
  return {
    canRead: role === "ADMIN" || role === "AUDITOR",
    // Managing and simulating are for ADMINs signed in as people, never for machine tokens.
    canManage: role === "ADMIN" && viewer?.kind === "PERSONAL",
  };
}
