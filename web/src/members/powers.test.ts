import { describe, expect, it } from "vitest";
import type { ViewerPowers_ViewerFragment } from "../__generated__/operations";
import { viewerPowers } from "./powers";

const viewer = (
  role: "ADMIN" | "MEMBER" | "AUDITOR",
  overrides: Partial<ViewerPowers_ViewerFragment> = {},
): ViewerPowers_ViewerFragment => ({
  kind: "PERSONAL",
  token: { source: "CONSOLE" },
  user: { login: "ada" },
  organizations: [
    { role, organization: { name: "acme" } },
    { role: "ADMIN", organization: { name: "other" } },
  ],
  ...overrides,
});
const team = [
  { role: "MAINTAINER" as const, user: { login: "ada" } },
  { role: "MEMBER" as const, user: { login: "bob" } },
];

describe("what the console offers", () => {
  it("gives a people ADMIN members, teams and every team's members", () => {
    const powers = viewerPowers(viewer("ADMIN"), "acme");
    expect(powers).toMatchObject({ role: "ADMIN", manageMembers: true, manageTeams: true });
    expect(powers.manageTeamMembers([])).toBe(true);
  });

  it("reads the role of the organization on the page, not another", () => {
    expect(viewerPowers(viewer("MEMBER"), "acme").manageMembers).toBe(false);
    expect(viewerPowers(viewer("MEMBER"), "nowhere").role).toBeNull();
  });

  it("lets a MEMBER manage only the teams they maintain", () => {
    const powers = viewerPowers(viewer("MEMBER"), "acme");
    expect(powers).toMatchObject({ manageMembers: false, manageTeams: false });
    expect(powers.manageTeamMembers(team)).toBe(true);
    expect(powers.manageTeamMembers([{ role: "MEMBER", user: { login: "ada" } }])).toBe(false);
  });

  it("never offers member management to a token minted by an OIDC exchange", () => {
    const minted = viewerPowers(viewer("ADMIN", { token: { source: "OIDC" } }), "acme");
    expect(minted.manageMembers).toBe(false);
    expect(minted.manageTeams).toBe(true);
  });
});
