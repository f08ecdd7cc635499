/**
 * OpenAPI 3.1 description of the REST routes (served at /api/openapi.json). A test sends a request
 * to every route and checks each answer against the schema given here for its status.
 */
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ content: { "application/json": { schema } } });
const error = (description: string) => ({ description, ...json(ref("Error")) });
const errors = {
  "400": error("Bad input; nothing changed."),
  "401": error("Missing, unknown, revoked or expired token."),
  "403": error("Not allowed, or the edition or lifetime policy refuses it."),
  "404": error("No such organization, team, token or issuer that you can see."),
  "429": error(
    "Too many failed authentications from this address or for this token; see Retry-After.",
  ),
  "503": error("The database is unavailable; retry after Retry-After."),
};
/** What any route with a body may answer besides: too large, a charset or encoding it cannot read. */
const bodyErrors = {
  "413": error("The request body is larger than 1 MB."),
  "415": error("The body's charset or Content-Encoding is not supported."),
};
const org = { name: "org", in: "path", required: true, schema: { type: "string" } };
const team = { name: "team", in: "path", required: true, schema: { type: "string" } };
const id = { name: "id", in: "path", required: true, schema: { type: "string" } };
const showExpired = {
  name: "show_expired",
  in: "query",
  required: false,
  schema: { type: "string", enum: ["true", "false"] },
};
const accept = {
  name: "Accept",
  in: "header",
  required: false,
  description: "application/vnd.pulumi+8 is accepted and ignored.",
  schema: { type: "string" },
};

function tokenRoutes(scope: string, parameters: object[]) {
  return {
    get: {
      summary: `List ${scope} tokens (expired ones only with show_expired=true)`,
      parameters: [...parameters, showExpired, accept],
      responses: { "200": { description: "The tokens", ...json(ref("TokenList")) }, ...errors },
    },
    post: {
      summary: `Create a ${scope} token; the secret is in tokenValue, shown once`,
      parameters: [...parameters, accept],
      requestBody: { required: true, ...json(ref("CreateTokenRequest")) },
      responses: {
        "200": { description: "Created", ...json(ref("CreateTokenResponse")) },
        "409": error("The name is taken."),
        ...errors,
        ...bodyErrors,
      },
    },
  };
}

/** A CSV export of an organization's data, streamed, with the same rights as its GraphQL query. */
const csvExport = (summary: string) => ({
  get: {
    summary,
    parameters: [org, { name: "types", in: "query", required: false, schema: { type: "string" } }],
    responses: {
      "200": {
        description: "The rows, streamed (RFC 4180; formulas neutralised)",
        content: { "text/csv": { schema: { type: "string" } } },
      },
      ...errors,
    },
  },
});

const revoke = (parameters: object[]) => ({
  delete: {
    summary: "Revoke a token",
    parameters: [...parameters, id, accept],
    responses: { "204": { description: "Revoked (or already revoked)" }, ...errors },
  },
});

export const OPENAPI_DOCUMENT = {
  openapi: "3.1.0",
  info: {
    title: "Lapse REST API",
    version: "1.0.0",
    description:
      "Pulumi Cloud-shaped token routes and OIDC token exchange. Authenticate with `Authorization: token <secret>`.",
  },
  components: {
    securitySchemes: { token: { type: "apiKey", in: "header", name: "Authorization" } },
    schemas: {
      Error: {
        type: "object",
        required: ["code", "message", "error"],
        properties: {
          code: { type: "integer", description: "The HTTP status" },
          message: { type: "string" },
          error: { type: "string", description: "Lapse's error code, e.g. FORBIDDEN" },
          requestId: { type: "string" },
        },
      },
      Token: {
        type: "object",
        required: [
          "id",
          "name",
          "description",
          "created",
          "lastUsed",
          "expires",
          "admin",
          "createdBy",
          "scopes",
          "allowedCidrs",
        ],
        additionalProperties: false,
        properties: {
          id: { type: "string" },
          name: { type: "string" },
          description: { type: "string" },
          created: { type: "string", format: "date-time" },
          lastUsed: { type: "integer", description: "Unix seconds; 0: never used" },
          expires: { type: "integer", description: "Unix seconds; 0: never expires" },
          admin: { type: "boolean" },
          createdBy: { type: "string", description: "Login of the creator; empty when none" },
          scopes: { type: "array", items: { type: "string" } },
          allowedCidrs: { type: "array", items: { type: "string" } },
        },
      },
      TokenList: {
        type: "object",
        required: ["tokens"],
        additionalProperties: false,
        properties: { tokens: { type: "array", items: ref("Token") } },
      },
      CreateTokenRequest: {
        type: "object",
        required: ["name"],
        properties: {
          name: { type: "string", minLength: 1, maxLength: 40 },
          description: { type: "string", maxLength: 1024 },
          expires: { type: "integer", minimum: 0, description: "Unix seconds; 0 or absent: never" },
          admin: { type: "boolean", description: "Organization tokens only" },
          scopes: {
            type: "array",
            maxItems: 50,
            items: { type: "string", maxLength: 64 },
            description:
              "Lapse's scopes and the organization's own; absent: every Lapse scope the kind may hold and the caller holds",
          },
          allowedCidrs: {
            type: "array",
            maxItems: 20,
            items: { type: "string" },
            description: "IPv4 and IPv6 networks the token may be used from; absent: anywhere",
          },
        },
      },
      CreateTokenResponse: {
        type: "object",
        required: ["id", "tokenValue"],
        additionalProperties: false,
        properties: { id: { type: "string" }, tokenValue: { type: "string" } },
      },
      OidcPolicy: {
        type: "object",
        required: ["decision", "tokenType", "rules"],
        properties: {
          decision: { enum: ["ALLOW", "DENY"] },
          tokenType: { enum: ["ORGANIZATION", "TEAM", "PERSONAL"] },
          team: { type: ["string", "null"] },
          login: { type: ["string", "null"] },
          admin: { type: ["boolean", "null"] },
          rules: {
            type: "array",
            items: {
              type: "object",
              required: ["claim", "pattern"],
              properties: { claim: { type: "string" }, pattern: { type: "string" } },
            },
          },
        },
      },
      OidcIssuer: {
        type: "object",
        required: [
          "id",
          "name",
          "url",
          "maxExpirationSeconds",
          "hasStaticJwks",
          "policies",
          "created",
          "modified",
        ],
        additionalProperties: false,
        properties: {
          id: { type: "string" },
          name: { type: "string" },
          url: { type: "string" },
          maxExpirationSeconds: { type: "integer" },
          hasStaticJwks: { type: "boolean" },
          policies: { type: "array", items: ref("OidcPolicy") },
          created: { type: "string", format: "date-time" },
          modified: { type: "string", format: "date-time" },
        },
      },
      OidcIssuerList: {
        type: "object",
        required: ["oidcIssuers"],
        additionalProperties: false,
        properties: { oidcIssuers: { type: "array", items: ref("OidcIssuer") } },
      },
      OidcIssuerRequest: {
        type: "object",
        properties: {
          name: { type: "string" },
          url: { type: "string", description: "https, or http on loopback only" },
          jwks: { description: "A static JWKS (object or JSON text)" },
          maxExpirationSeconds: { type: "integer", minimum: 60, maximum: 90000 },
        },
      },
      TokenExchangeRequest: {
        type: "object",
        required: ["grant_type", "audience", "subject_token", "requested_token_type"],
        properties: {
          grant_type: { const: "urn:ietf:params:oauth:grant-type:token-exchange" },
          audience: { type: "string", description: "urn:lapse:org:<organization>" },
          subject_token: { type: "string" },
          subject_token_type: { const: "urn:ietf:params:oauth:token-type:id_token" },
          requested_token_type: {
            enum: [
              "urn:lapse:token-type:access_token:organization",
              "urn:lapse:token-type:access_token:team",
              "urn:lapse:token-type:access_token:personal",
            ],
          },
          scope: { type: "string", description: "team:<name>, user:<login> or admin" },
          expiration: { type: "integer", minimum: 1 },
        },
      },
      TokenExchangeResponse: {
        type: "object",
        required: ["access_token", "issued_token_type", "token_type", "expires_in"],
        additionalProperties: false,
        properties: {
          access_token: { type: "string" },
          issued_token_type: { type: "string" },
          token_type: { const: "token" },
          expires_in: { type: "integer" },
        },
      },
      TokenParameter: {
        type: "object",
        required: ["token"],
        properties: {
          token: { type: "string", maxLength: 512 },
          token_type_hint: { type: "string" },
        },
      },
      Introspection: {
        oneOf: [
          {
            type: "object",
            required: ["active"],
            additionalProperties: false,
            properties: { active: { const: false } },
          },
          {
            type: "object",
            required: ["active", "scope", "token_type", "iat", "sub", "jti", "iss"],
            additionalProperties: false,
            properties: {
              active: { const: true },
              scope: { type: "string" },
              token_type: { enum: ["personal", "team", "organization"] },
              exp: { type: "integer" },
              iat: { type: "integer" },
              sub: { type: "string" },
              username: { type: "string" },
              org: { type: "string" },
              team: { type: "string" },
              jti: { type: "string" },
              iss: { type: "string" },
            },
          },
        ],
      },
      OAuthError: {
        type: "object",
        required: ["error", "error_description"],
        additionalProperties: false,
        properties: {
          error: {
            enum: [
              "invalid_request",
              "invalid_grant",
              "unauthorized_client",
              "invalid_target",
              "temporarily_unavailable",
              "invalid_token",
              "insufficient_scope",
            ],
          },
          error_description: { type: "string" },
        },
      },
      LeakReport: {
        type: "object",
        required: ["credentials"],
        properties: {
          credentials: {
            type: "array",
            maxItems: 1000,
            items: { type: "string" },
            description:
              "Lapse secrets found where they should not be; entries that are not Lapse secrets are skipped",
          },
        },
      },
      LeakReportAccepted: {
        type: "object",
        required: ["message"],
        additionalProperties: false,
        properties: { message: { type: "string" } },
      },
      SecretScanningAlert: {
        type: "array",
        items: {
          type: "object",
          required: ["token", "type"],
          properties: {
            token: { type: "string" },
            type: { type: "string" },
            url: { type: "string", description: "Where it was found (may be empty)" },
            source: { type: "string", description: "content, commit, issue_comment, npm, …" },
          },
        },
      },
      SecretScanningFeedback: {
        type: "array",
        items: {
          type: "object",
          required: ["token_raw", "token_type", "label"],
          additionalProperties: false,
          properties: {
            token_raw: { type: "string" },
            token_type: { type: "string" },
            label: {
              enum: ["true_positive", "false_positive"],
              description: "true_positive: a secret Lapse issued (live or not)",
            },
          },
        },
      },
    },
  },
  security: [{ token: [] }],
  paths: {
    "/api/user/tokens": tokenRoutes("personal", []),
    "/api/user/tokens/{id}": revoke([]),
    "/api/orgs/{org}/tokens": tokenRoutes("organization", [org]),
    "/api/orgs/{org}/tokens/{id}": revoke([org]),
    "/api/orgs/{org}/teams/{team}/tokens": tokenRoutes("team", [org, team]),
    "/api/orgs/{org}/teams/{team}/tokens/{id}": revoke([org, team]),
    "/api/orgs/{org}/oidc/issuers": {
      get: {
        summary: "List OIDC issuers (ADMINs and AUDITORs)",
        parameters: [org],
        responses: {
          "200": { description: "The issuers", ...json(ref("OidcIssuerList")) },
          ...errors,
        },
      },
      post: {
        summary: "Register an OIDC issuer (ADMINs with a personal token)",
        parameters: [org],
        requestBody: { required: true, ...json(ref("OidcIssuerRequest")) },
        responses: {
          "201": { description: "Registered", ...json(ref("OidcIssuer")) },
          "409": error("The name or url is taken."),
          ...errors,
          ...bodyErrors,
        },
      },
    },
    "/api/orgs/{org}/oidc/issuers/{id}": {
      get: {
        summary: "Read an OIDC issuer",
        parameters: [org, id],
        responses: { "200": { description: "The issuer", ...json(ref("OidcIssuer")) }, ...errors },
      },
      patch: {
        summary: "Change an OIDC issuer",
        parameters: [org, id],
        requestBody: { required: true, ...json(ref("OidcIssuerRequest")) },
        responses: {
          "200": { description: "Changed", ...json(ref("OidcIssuer")) },
          "409": error("The name or url is taken."),
          ...errors,
          ...bodyErrors,
        },
      },
      delete: {
        summary: "Remove an OIDC issuer",
        parameters: [org, id],
        responses: { "204": { description: "Removed" }, ...errors },
      },
    },
    "/api/orgs/{org}/tokens.csv": csvExport(
      "The organization's tokens as CSV (the tokens filter as query parameters)",
    ),
    "/api/orgs/{org}/auditlog.csv": csvExport(
      "The organization's audit trail as CSV (the auditEvents filter as query parameters)",
    ),
    "/api/session": {
      post: {
        summary: "Sign in to the console: a personal token for a session cookie",
        security: [],
        requestBody: {
          required: true,
          ...json({
            type: "object",
            required: ["token"],
            properties: { token: { type: "string" } },
          }),
        },
        responses: {
          "200": {
            description: "Signed in; the cookie is set",
            ...json({
              type: "object",
              required: ["login", "expiresAt", "tokenExpiresAt"],
              additionalProperties: false,
              properties: {
                login: { type: "string" },
                expiresAt: { type: "string", format: "date-time" },
                tokenExpiresAt: {
                  type: ["string", "null"],
                  format: "date-time",
                  description: "When the token signed in with expires; null: never",
                },
              },
            }),
          },
          ...errors,
          ...bodyErrors,
        },
      },
      delete: {
        summary: "Sign out: the session ends and its cookie is cleared",
        security: [],
        responses: { "204": { description: "Signed out" }, "503": errors["503"] },
      },
    },
    "/api/session/methods": {
      get: {
        summary: "How people may sign in to the console: single sign-on, a personal token, or both",
        security: [],
        responses: {
          "200": {
            description: "The sign-in methods this Lapse offers",
            ...json({
              type: "object",
              required: ["sso", "tokenSignIn"],
              additionalProperties: false,
              properties: {
                sso: {
                  type: "boolean",
                  description: "Single sign-on is set up (LAPSE_SSO_ISSUER).",
                },
                tokenSignIn: {
                  type: "boolean",
                  description: "POST /api/session is allowed (LAPSE_CONSOLE_TOKEN_SIGNIN).",
                },
              },
            }),
          },
          "503": errors["503"],
        },
      },
    },
    "/api/sso/start": {
      get: {
        summary: "Single sign-on: redirects the browser to the OpenID Connect provider",
        description:
          "Sets a short-lived HttpOnly cookie (over HTTPS __Host-lapse_sso, Path=/, Secure; over plain http lapse_sso, Path=/api/sso) holding the sign-in's state, nonce and PKCE verifier, and an invitation code when given.",
        security: [],
        parameters: [
          {
            name: "invitation",
            in: "query",
            required: false,
            description:
              "An invitation code: the login it names joins its organization on signing in.",
            schema: { type: "string" },
          },
        ],
        responses: {
          "302": { description: "To the provider's authorization endpoint" },
          "400": errors["400"],
          "403": error(
            "An invitation in a sign-in a browser started from another site (Sec-Fetch-Site other than same-origin or none).",
          ),
          "404": error("Single sign-on is not set up."),
          "503": error(
            "The provider (or the database) cannot be reached; retry after Retry-After.",
          ),
        },
      },
    },
    "/api/sso/callback": {
      get: {
        summary: "Single sign-on: where the provider sends the browser back; opens a session",
        description:
          "A refusal is a page with the sentence for a browser (Accept: text/html), the error below otherwise; it opens no session and changes nothing.",
        security: [],
        parameters: ["code", "state", "iss", "error"].map((name) => ({
          name,
          in: "query",
          required: false,
          schema: { type: "string" },
        })),
        responses: {
          "302": { description: "Signed in: the session cookie is set; to the console" },
          "400": error("The provider gave no login claim, or the invitation has expired."),
          "401": error(
            "Not started in this browser, the state or nonce does not match, the code was used, or the id_token has expired.",
          ),
          "403": error(
            "No such login (and no invitation for it), or the invitation names another.",
          ),
          "404": error("Single sign-on is not set up, or the invitation code is unknown."),
          "409": error("The invitation was used, or the login is already a member."),
          "503": error(
            "The provider (or the database) cannot be reached; retry after Retry-After.",
          ),
        },
      },
    },
    "/api/oauth/token": {
      post: {
        summary: "RFC 8693 token exchange: an OIDC JWT for a short-lived Lapse token",
        security: [],
        requestBody: {
          required: true,
          content: {
            "application/json": { schema: ref("TokenExchangeRequest") },
            "application/x-www-form-urlencoded": { schema: ref("TokenExchangeRequest") },
          },
        },
        responses: {
          "200": { description: "The token", ...json(ref("TokenExchangeResponse")) },
          "400": { description: "Refused (RFC 6749 error)", ...json(ref("OAuthError")) },
          "413": { description: "The request body is too large", ...json(ref("OAuthError")) },
          "415": { description: "An unsupported charset or encoding", ...json(ref("OAuthError")) },
          "429": {
            description: "Too many failed exchanges from this address; see Retry-After",
            ...json(ref("OAuthError")),
          },
          "503": { description: "The issuer's keys are unavailable", ...json(ref("OAuthError")) },
        },
      },
    },
    "/api/oauth/introspect": {
      post: {
        summary:
          "RFC 7662 introspection, for a caller holding tokens:introspect, about tokens of its own organizations",
        requestBody: {
          required: true,
          content: {
            "application/json": { schema: ref("TokenParameter") },
            "application/x-www-form-urlencoded": { schema: ref("TokenParameter") },
          },
        },
        responses: {
          "200": {
            description: 'The token\'s claims, or exactly {"active": false} for any other token',
            ...json(ref("Introspection")),
          },
          "400": errors["400"],
          "401": errors["401"],
          "403": error(
            "The calling token does not hold tokens:introspect, or the caller is a single sign-on session, which holds no token.",
          ),
          "429": errors["429"],
          "503": errors["503"],
          ...bodyErrors,
        },
      },
    },
    "/api/oauth/revoke": {
      post: {
        summary:
          "RFC 7009 revocation: the token revokes itself (no other credential needed), or a caller revokes one it may manage",
        security: [],
        requestBody: {
          required: true,
          content: {
            "application/json": { schema: ref("TokenParameter") },
            "application/x-www-form-urlencoded": { schema: ref("TokenParameter") },
          },
        },
        responses: {
          "200": { description: "Done, whatever the token was" },
          "400": errors["400"],
          "401": errors["401"],
          "429": errors["429"],
          "503": errors["503"],
          ...bodyErrors,
        },
      },
    },
    "/api/auth/verify": {
      get: {
        summary:
          "For gateways (nginx auth_request, Envoy ext_authz, Traefik forwardAuth): is the client's token good, for this organization and scope?",
        parameters: [
          { name: "org", in: "query", required: false, schema: { type: "string" } },
          {
            name: "scope",
            in: "query",
            required: false,
            description: "Scopes the token must hold, space-separated",
            schema: { type: "string" },
          },
        ],
        responses: {
          "204": {
            description:
              "Good: Lapse-Token-Id, Lapse-Subject, Lapse-Scopes and Lapse-Token-Expiration say whose",
          },
          "400": { description: "org or scope given twice", ...json(ref("OAuthError")) },
          "401": {
            description: 'Not a good token (WWW-Authenticate: Bearer error="invalid_token")',
            ...json(ref("OAuthError")),
          },
          "403": {
            description:
              'Lacks the scope or does not act in org (error="insufficient_scope"), or refused where it is used',
            ...json(ref("OAuthError")),
          },
        },
      },
    },
    "/api/credentials/revoke": {
      post: {
        summary:
          "Report leaked Lapse secrets (no authentication): the live ones are revoked; the answer is the same whatever they were",
        security: [],
        requestBody: { required: true, ...json(ref("LeakReport")) },
        responses: {
          "202": { description: "Accepted", ...json(ref("LeakReportAccepted")) },
          "400": error("Not a list of at most 1,000 credentials; nothing changed."),
          "413": error("The request body is larger than 1 MB."),
          "415": error("An unknown charset or content encoding."),
          "429": error("Too many reports from this address; see Retry-After."),
          "503": error("The database is unavailable."),
        },
      },
    },
    "/api/credentials/github-secret-scanning": {
      post: {
        summary:
          "GitHub secret-scanning partner alerts: revokes the live secrets among the matches and labels each",
        security: [],
        parameters: [
          {
            name: "Github-Public-Key-Identifier",
            in: "header",
            required: true,
            description: "The key_identifier of the key that signed the body",
            schema: { type: "string" },
          },
          {
            name: "Github-Public-Key-Signature",
            in: "header",
            required: true,
            description: "Base64 of the DER ECDSA P-256 SHA-256 signature of the raw body",
            schema: { type: "string" },
          },
        ],
        requestBody: { required: true, ...json(ref("SecretScanningAlert")) },
        responses: {
          "200": { description: "Feedback per match", ...json(ref("SecretScanningFeedback")) },
          "400": error("Signed, but not a JSON list; nothing changed."),
          "401": error("Not signed, or not by a key the partner publishes; nothing changed."),
          "413": error("The request body is larger than 4 MB."),
          "415": error("An unknown content encoding."),
          "429": error("Too many badly signed alerts from this address; see Retry-After."),
          "503": error("The partner's public keys, or the database, are unavailable."),
        },
      },
    },
  },
} as const;
