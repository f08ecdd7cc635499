import type { Request, RequestHandler, Response } from "express";
import { LapseError, unauthenticated } from "../errors/lapse-error";
import type { Logger } from "../logger";
import type { AuthenticationResult, AuthenticationService } from "./authentication.service";
import { clientAddress } from "../http/client-address";
import { clearSessionCookie, readSessionCookie } from "../http/session-cookie";
import { principalFor } from "./principal";

/** How a route family words a refusal; GraphQL's shape by default. */
export type Refuse = (res: Response, error: LapseError) => void;

export const refuseAsGraphQL: Refuse = (res, error) => {
  res.status(error.httpStatus).json({
    errors: [
      {
        message: error.message,
        extensions: { code: error.code, requestId: res.locals.requestId },
      },
    ],
  });
};

const SCHEME = /^(?:token|bearer)\s+(\S+)\s*$/i;

const MESSAGES = {
  scheme: "Send the token as `Authorization: token <secret>` or `Authorization: Bearer <secret>`.",
  malformed: "This is not a Lapse access token; check that it was copied whole.",
  invalid: "This access token is not valid.",
  revoked: "This access token has been revoked; create a new one.",
  expired: "This access token has expired; create a new one.",
  "session-unknown": "Your session is not valid; sign in again.",
  "session-ended": "You signed out; sign in again.",
  "session-expired": "Your session has expired; sign in again.",
} as const;

/** Whole seconds until a lockout ends, as Retry-After gives them (at least 1). */
export function retryAfterSeconds(result: { retryAfterMs?: number }): number {
  return Math.max(1, Math.ceil((result.retryAfterMs ?? 0) / 1000));
}

/**
 * The error a refused authentication answers with: the policy's own sentence, or why it failed. A
 * throttled one also tells `res` when to come back (Retry-After).
 */
export function refusalError(
  result: Extract<AuthenticationResult, { ok: false }>,
  res: Response,
): LapseError {
  if (result.reason === "policy") return new LapseError("POLICY_VIOLATION", result.message!);
  if (result.reason === "address") return new LapseError("FORBIDDEN", result.message!);
  if (result.reason === "throttled") {
    res.setHeader("Retry-After", String(retryAfterSeconds(result)));
    return new LapseError(
      "RATE_LIMITED",
      `Too many failed authentications from this address or with this token; try again in ${retryAfterSeconds(result)} seconds.`,
    );
  }
  return unauthenticated(MESSAGES[result.reason]);
}

/**
 * Authenticates `Authorization: token <secret>` or `Bearer <secret>`, or else the console's session
 * cookie (which stands for the personal token it was signed in with, or for the person who signed
 * in by single sign-on). A request with neither goes
 * on anonymously (resolvers then demand a principal); a request with a bad one is refused with
 * 401 (403 for a token its organization's lifetime policy refuses) before anything else runs. The
 * log line gives the reason and token id, never the secret.
 */
export function authenticate(
  auth: Authenticator,
  logger: Logger,
  refuse: Refuse = refuseAsGraphQL,
  /** Told "ok" or the refusal's reason for each credential presented (the /metrics counters). */
  observe: (outcome: string) => void = () => {},
): RequestHandler {
  const check = requestAuthentication(auth, logger, refuse, observe);
  return async (req, res, next) => {
    let goOn: boolean;
    try {
      goOn = await check(req, res);
    } catch (error) {
      return next(error);
    }
    if (goOn) next();
  };
}

/** What the authentication middleware asks of an authenticator. */
export type Authenticator = Pick<AuthenticationService, "authenticate" | "authenticateSession">;

/**
 * `authenticate` as a function a handler can await (the gateway check, which is one handler so
 * that its requests pass one layer fewer): true when the request goes on, with or without a
 * principal; false when it was refused and answered.
 */
export function requestAuthentication(
  auth: Authenticator,
  logger: Logger,
  refuse: Refuse = refuseAsGraphQL,
  observe: (outcome: string) => void = () => {},
): (req: Request, res: Response) => Promise<boolean> {
  return async (req, res) => {
    res.locals.principal = null;
    const header = req.get("authorization");
    const cookie = header === undefined ? readSessionCookie(req) : undefined;
    if (header === undefined && cookie === undefined) return true;
    const refuseWith = (reason: string, error: LapseError, tokenId?: string) => {
      observe(reason);
      logger.info({ requestId: res.locals.requestId, reason, tokenId }, "authentication refused");
      if (error.code === "UNAUTHENTICATED")
        res.setHeader("WWW-Authenticate", 'Bearer realm="lapse"');
      refuse(res, error);
      return false;
    };
    const match = header === undefined ? null : SCHEME.exec(header);
    if (header !== undefined && !match)
      return refuseWith("scheme", unauthenticated(MESSAGES.scheme));
    const origin = {
      requestId: res.locals.requestId as string,
      ip: clientAddress(req),
      userAgent: req.get("user-agent") ?? null,
    };
    const result = match
      ? await auth.authenticate(match[1]!, origin)
      : await auth.authenticateSession(cookie!, origin);
    if (!result.ok) {
      // A session that no longer works is dropped from the browser too.
      if (!match) clearSessionCookie(req, res);
      const error = refusalError(result, res);
      return refuseWith(result.reason, error, result.token?.id);
    }
    res.locals.principal = "principal" in result ? result.principal : principalFor(result.token);
    observe("ok");
    // Checked first: the line's object would be built on every request only to be dropped.
    if (logger.isLevelEnabled("debug")) {
      logger.debug(
        { requestId: res.locals.requestId, tokenId: result.token?.id, kind: result.token?.kind },
        "authenticated",
      );
    }
    if (result.token?.expiresAt) {
      res.setHeader("Lapse-Token-Expiration", result.token.expiresAt.toISOString());
    }
    return true;
  };
}
