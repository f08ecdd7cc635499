import { LapseError, type ErrorCode } from "../../errors/lapse-error";

export type OAuthCode =
  | "invalid_request"
  | "invalid_grant"
  | "unauthorized_client"
  | "invalid_target"
  | "temporarily_unavailable";

const GRAPHQL_CODES: Record<OAuthCode, ErrorCode> = {
  invalid_request: "BAD_USER_INPUT",
  invalid_grant: "UNAUTHENTICATED",
  unauthorized_client: "FORBIDDEN",
  invalid_target: "BAD_USER_INPUT",
  temporarily_unavailable: "SERVICE_UNAVAILABLE",
};

/** An RFC 6749 error: the OAuth code for REST, a Lapse code for GraphQL. Never quotes the JWT. */
export class OAuthError extends LapseError {
  constructor(
    readonly oauthCode: OAuthCode,
    message: string,
  ) {
    super(GRAPHQL_CODES[oauthCode], message);
  }

  get oauthStatus(): number {
    return this.oauthCode === "temporarily_unavailable" ? 503 : 400;
  }
}

/** The client address is locked out of exchanges: RATE_LIMITED, REST 429 with Retry-After. */
export class ExchangeThrottled extends LapseError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      "RATE_LIMITED",
      `Too many failed token exchanges from this address; try again in ${retryAfterSeconds} seconds.`,
    );
  }
}

/** The one answer to every failure to fetch an issuer's keys: how it failed goes to the log only. */
export const KEYS_UNAVAILABLE =
  "The issuer's signing keys could not be fetched; try again later, or have an ADMIN register the issuer with a static jwks.";
