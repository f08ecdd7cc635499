import type { RequestHandler, Response } from "express";
import { LapseError, unauthenticated } from "../errors/lapse-error";
import type { Logger } from "../logger";
import type {
  AuthenticationResult,
  AuthenticationService,
  RequestOrigin,
} from "./authentication.service";
import { clientAddress } from "../http/client-address";
import { clearSessionCookie, readSessionCookie } from "../http/session-cookie";
import { principalFor, type Principal } from "./principal";
import type { AccessToken } from "../modules/token/access-token.entity";

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
 * throttled one also tells `res`, when given, when to come back (Retry-After).
 */
export function refusalError(
  result: Extract<AuthenticationResult, { ok: false }>,
  res?: Pick<Response, "setHeader">,
): LapseError {
  if (result.reason === "policy") return new LapseError("POLICY_VIOLATION", result.message!);
  if (result.reason === "address") return new LapseError("FORBIDDEN", result.message!);
  if (result.reason === "throttled") {
    res?.setHeader("Retry-After", String(retryAfterSeconds(result)));
    return new LapseError(
      "RATE_LIMITED",
      `Too many failed authentications from this address or with this token; try again in ${retryAfterSeconds(result)} seconds.`,
    );
  }
  return unauthenticated(MESSAGES[result.reason]);
}

/** What a request's credentials come to, whatever answers it (Express or the gateway check). */
export type CredentialsOutcome =
  | {
      ok: true;
      /** Null for a request that carried no credentials: it goes on anonymously. */
      principal: Principal | null;
      token: AccessToken | null;
    }
  | {
      ok: false;
      reason: string;
      error: LapseError;
      tokenId?: string;
      /** Seconds until a lockout ends (Retry-After). */
      retryAfterSeconds?: number;
      /** A session cookie that no longer works: the browser is told to drop it. */
      dropSessionCookie: boolean;
    };

/**
 * Authenticates a request's `Authorization` header (`token <secret>` or `Bearer <secret>`), or
 * else its session cookie, and logs and observes the outcome; `originOf` is asked only when there
 * is something to authenticate. The log line gives the reason and token id, never the secret.
 */
export async function authenticateCredentials(
  auth: Authenticator,
  credentials: { header: string | undefined; cookie: string | undefined },
  originOf: () => RequestOrigin,
  logger: Logger,
  observe: (outcome: string) => void,
): Promise<CredentialsOutcome> {
  const { header, cookie } = credentials;
  if (header === undefined && cookie === undefined)
    return { ok: true, principal: null, token: null };
  const match = header === undefined ? null : SCHEME.exec(header);
  const origin = originOf();
  const refused = (
    reason: string,
    error: LapseError,
    extra: Partial<Extract<CredentialsOutcome, { ok: false }>> = {},
  ): CredentialsOutcome => {
    observe(reason);
    logger.info(
      { requestId: origin.requestId, reason, tokenId: extra.tokenId },
      "authentication refused",
    );
    return { ok: false, reason, error, dropSessionCookie: false, ...extra };
  };
  if (header !== undefined && !match) return refused("scheme", unauthenticated(MESSAGES.scheme));
  const result = match
    ? await auth.authenticate(match[1]!, origin)
    : await auth.authenticateSession(cookie!, origin);
  if (!result.ok) {
    return refused(result.reason, refusalError(result), {
      tokenId: result.token?.id,
      ...(result.reason === "throttled" ? { retryAfterSeconds: retryAfterSeconds(result) } : {}),
      // A session that no longer works is dropped from the browser too.
      dropSessionCookie: !match,
    });
  }
  observe("ok");
  // Checked first: the line's object would be built on every request only to be dropped.
  if (logger.isLevelEnabled("debug")) {
    logger.debug(
      { requestId: origin.requestId, tokenId: result.token?.id, kind: result.token?.kind },
      "authenticated",
    );
  }
  const principal = "principal" in result ? result.principal : principalFor(result.token);
  return { ok: true, principal, token: result.token };
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
  return async (req, res, next) => {
    res.locals.principal = null;
    const header = req.get("authorization");
    let outcome: CredentialsOutcome;
    try {
      outcome = await authenticateCredentials(
        auth,
        { header, cookie: header === undefined ? readSessionCookie(req) : undefined },
        () => ({
          requestId: res.locals.requestId as string,
          ip: clientAddress(req),
          userAgent: req.get("user-agent") ?? null,
        }),
        logger,
        observe,
      );
    } catch (error) {
      return next(error);
    }
    if (!outcome.ok) {
      if (outcome.dropSessionCookie) clearSessionCookie(req, res);
      if (outcome.retryAfterSeconds) {
        res.setHeader("Retry-After", String(outcome.retryAfterSeconds));
      }
      if (outcome.error.code === "UNAUTHENTICATED") {
        res.setHeader("WWW-Authenticate", 'Bearer realm="lapse"');
      }
      return refuse(res, outcome.error);
    }
    res.locals.principal = outcome.principal;
    if (outcome.token?.expiresAt) {
      res.setHeader("Lapse-Token-Expiration", outcome.token.expiresAt.toISOString());
    }
    next();
  };
}

/** What the authentication middleware asks of an authenticator. */
export type Authenticator = Pick<AuthenticationService, "authenticate" | "authenticateSession">;
