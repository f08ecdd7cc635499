import { registerEnumType } from "type-graphql";

export enum TokenKind {
  PERSONAL = "PERSONAL",
  TEAM = "TEAM",
  ORGANIZATION = "ORGANIZATION",
}

export enum TokenStatus {
  ACTIVE = "ACTIVE",
  EXPIRED = "EXPIRED",
  REVOKED = "REVOKED",
}

/** Where a token came from; auditors filter on it. */
export enum TokenSource {
  API = "API",
  CONSOLE = "CONSOLE",
  CLI = "CLI",
  OIDC = "OIDC",
  ROTATION = "ROTATION",
  BOOTSTRAP = "BOOTSTRAP",
}

/**
 * Why a token was revoked, as its TOKEN_REVOKED event says (`payload.reason`). A caller of
 * revokeToken names USER or LEAKED; Lapse itself records the others.
 */
export const REVOCATION_REASONS = {
  USER: "USER",
  LEAKED: "LEAKED",
  /** Its holder revoked it with its own secret (RFC 7009). */
  HOLDER: "HOLDER",
  /** Its team was deleted. */
  TEAM_DELETED: "TEAM_DELETED",
} as const;
export type RecordedRevocationReason = keyof typeof REVOCATION_REASONS;

/**
 * The word a token.revoked webhook gives for a recorded reason: "user", "leaked", "holder",
 * "team deleted" (and "rotation", which the webhook takes from the rotation's own event). Events
 * recorded before the reasons were one vocabulary said "user", "holder" or "team deleted" already.
 */
export function revocationWord(reason: unknown): string {
  return typeof reason === "string" ? reason.toLowerCase().replace(/_/g, " ") : "user";
}

/** The reasons a caller may give revokeToken. */
export enum RevocationReason {
  USER = "USER",
  LEAKED = "LEAKED",
}

registerEnumType(RevocationReason, {
  name: "RevocationReason",
  valuesConfig: {
    USER: { description: "Revoked because it is no longer wanted (the default)." },
    LEAKED: { description: "Revoked because its secret was exposed." },
  },
});

registerEnumType(TokenKind, {
  name: "TokenKind",
  valuesConfig: {
    PERSONAL: { description: "Acts as its user in every organization the user belongs to." },
    TEAM: { description: "Acts as its team; belongs to no person." },
    ORGANIZATION: { description: "Acts as the organization; belongs to no person." },
  },
});
registerEnumType(TokenStatus, {
  name: "TokenStatus",
  description: "Derived at read time from expiresAt and revokedAt against the server clock.",
});
registerEnumType(TokenSource, {
  name: "TokenSource",
  valuesConfig: {
    API: { description: "Created through the API with a token." },
    CONSOLE: { description: "Created in the web console (a request with a session cookie)." },
    CLI: {
      description: "Created by the operator's command line (`lapse user-token`, `bootstrap`).",
    },
    OIDC: { description: "Minted by exchanging an OIDC identity token." },
    ROTATION: { description: "The replacement made by rotating another token." },
    BOOTSTRAP: { description: "The first site admin's token, made on the first start." },
  },
});
