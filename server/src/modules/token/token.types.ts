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

/** Why a token was revoked, as its TOKEN_REVOKED event and token.revoked webhook say. */
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
