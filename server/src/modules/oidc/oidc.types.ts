import { registerEnumType } from "type-graphql";

export enum PolicyDecision {
  ALLOW = "ALLOW",
  DENY = "DENY",
}

registerEnumType(PolicyDecision, {
  name: "PolicyDecision",
  description: "A DENY that matches always wins; with no matching ALLOW the exchange is refused.",
});

export const MAX_POLICIES = 40;
export const MAX_RULES = 20;
export const DEFAULT_MAX_EXPIRATION_SECONDS = 7200;
export const MAX_EXPIRATION_SECONDS = 90000;
export const MIN_EXPIRATION_SECONDS = 60;
