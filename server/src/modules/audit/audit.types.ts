import { registerEnumType } from "type-graphql";

export enum AuditEventType {
  TOKEN_CREATED = "TOKEN_CREATED",
  TOKEN_REVOKED = "TOKEN_REVOKED",
  ORGANIZATION_CREATED = "ORGANIZATION_CREATED",
  EDITION_CHANGED = "EDITION_CHANGED",
  MEMBER_ADDED = "MEMBER_ADDED",
  TEAM_CREATED = "TEAM_CREATED",
  TEAM_MEMBER_ADDED = "TEAM_MEMBER_ADDED",
}

registerEnumType(AuditEventType, { name: "AuditEventType" });
