import { registerEnumType } from "type-graphql";

export enum Edition {
  INDIVIDUAL = "INDIVIDUAL",
  TEAM = "TEAM",
  ENTERPRISE = "ENTERPRISE",
  BUSINESS_CRITICAL = "BUSINESS_CRITICAL",
}

export enum OrganizationRole {
  ADMIN = "ADMIN",
  MEMBER = "MEMBER",
  AUDITOR = "AUDITOR",
}

registerEnumType(Edition, { name: "Edition" });
registerEnumType(OrganizationRole, {
  name: "OrganizationRole",
  valuesConfig: {
    ADMIN: { description: "Manages members, teams, and team and organization tokens." },
    MEMBER: { description: "Sees their own personal tokens and their teams' tokens." },
    AUDITOR: { description: "Reads every token of the organization and changes nothing." },
  },
});

/** Editions in which team and organization tokens exist. */
export const MACHINE_TOKEN_EDITIONS: readonly Edition[] = [
  Edition.ENTERPRISE,
  Edition.BUSINESS_CRITICAL,
];
