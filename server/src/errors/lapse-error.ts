/** The codes a client may see in `extensions.code`, each with the HTTP status REST answers with. */
export const ERROR_HTTP_STATUS = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  CONFLICT: 409,
  EDITION_REQUIRED: 403,
  POLICY_VIOLATION: 403,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_HTTP_STATUS;

/** A failure the client caused or can act on. The message is shown to the client as is. */
export class LapseError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "LapseError";
  }

  get httpStatus(): number {
    return ERROR_HTTP_STATUS[this.code];
  }
}

export const unauthenticated = (
  message = "Sign in, or send a valid access token in the Authorization header.",
) => new LapseError("UNAUTHENTICATED", message);
export const forbidden = (message: string) => new LapseError("FORBIDDEN", message);
export const notFound = (message: string) => new LapseError("NOT_FOUND", message);
export const badUserInput = (message: string) => new LapseError("BAD_USER_INPUT", message);
export const conflict = (message: string) => new LapseError("CONFLICT", message);
export const editionRequired = (message: string) => new LapseError("EDITION_REQUIRED", message);
export const serviceUnavailable = (message: string) =>
  new LapseError("SERVICE_UNAVAILABLE", message);
