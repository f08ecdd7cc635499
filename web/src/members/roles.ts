import type { OrganizationRole } from "../__generated__/operations";

/** The roles in the order the console offers them. */
export const ROLES: { role: OrganizationRole; label: string }[] = [
  { role: "MEMBER", label: "Member" },
  { role: "AUDITOR", label: "Auditor" },
  { role: "ADMIN", label: "Admin" },
];

// The server's rule for a login (organization.inputs.ts), checked before submitting.
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38}[A-Za-z0-9])?$/;

export function loginProblem(login: string): string | null {
  return LOGIN.test(login)
    ? null
    : "A login is 1 to 40 letters, digits and hyphens, not starting or ending with a hyphen.";
}
