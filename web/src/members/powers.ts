import type {
  OrganizationRole,
  TeamRole,
  ViewerPowers_ViewerFragment,
} from "../__generated__/operations";

/** A team's members as the pages read them. */
type TeamMembers = readonly { role: TeamRole; user: { login: string } }[];

/** What the signed-in caller may do with one organization's people and teams. */
export interface Powers {
  role: OrganizationRole | null;
  login: string | null;
  /** Invite, list and cancel invitations, change roles, remove members. */
  manageMembers: boolean;
  /** Create and delete teams. */
  manageTeams: boolean;
  /** Add, remove and promote the members of the team with these members. */
  manageTeamMembers: (members: TeamMembers) => boolean;
}

/**
 * The rules of server/src/auth/authorization.ts, as far as the console needs them to leave out what
 * the caller could not do (the server still decides): people ADMINs manage members (`member:*`,
 * `invitation:*`, never with a token minted by an OIDC exchange); ADMINs manage teams
 * (`team:create`, `team:delete`); ADMINs and the team's MAINTAINERs manage its members.
 */
export function viewerPowers(viewer: ViewerPowers_ViewerFragment, organization: string): Powers {
  const role = viewer.organizations.find((o) => o.organization.name === organization)?.role ?? null;
  const login = viewer.user?.login ?? null;
  const admin = role === "ADMIN";
  const person = viewer.kind === "PERSONAL" && viewer.token?.source !== "OIDC";
  return {
    role,
    login,
    manageMembers: admin && person,
    manageTeams: admin,
    manageTeamMembers: (members) =>
      admin || members.some((m) => m.role === "MAINTAINER" && m.user.login === login),
  };
}
