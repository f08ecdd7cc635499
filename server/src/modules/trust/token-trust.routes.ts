import express, { Router, type Request, type Response } from "express";
import {
  requestAuthentication,
  type Authenticator,
  type Refuse,
} from "../../auth/authenticate.middleware";
import { Action } from "../../auth/authorization";
import type { RequestContext } from "../../context";
import { badUserInput, type LapseError } from "../../errors/lapse-error";
import { declareActions, restHandler } from "../../http/rest";
import type { Logger } from "../../logger";

type ContextFor = (req: Request, res: Response) => RequestContext;

const form = express.urlencoded({ extended: false, limit: "64kb" });

/** `token` from a form or JSON body (RFC 7662 and 7009 send a form). */
function tokenParameter(req: Request): string {
  const body: Record<string, unknown> = req.body && typeof req.body === "object" ? req.body : {};
  const token = body.token;
  if (typeof token !== "string" || token.length === 0 || token.length > 512) {
    throw badUserInput("Send the token to ask about as the token parameter (a form or JSON body).");
  }
  return token.trim();
}

/**
 * RFC 7662 introspection and RFC 7009 revocation, for the services behind Lapse; mounted after the
 * API's own authentication, which authenticates the caller.
 */
export function tokenTrustRoutes(contextFor: ContextFor): Router {
  const router = Router();
  router.post(
    "/api/oauth/introspect",
    form,
    restHandler(contextFor, [Action.IntrospectTokens], async (ctx, req, res) => {
      res.setHeader("Cache-Control", "no-store");
      res.json(await ctx.services.tokenTrust.introspect(ctx, tokenParameter(req)));
    }),
  );
  router.post(
    "/api/oauth/revoke",
    form,
    restHandler(contextFor, [Action.RevokeItself], async (ctx, req, res) => {
      await ctx.services.tokenTrust.revokeBySecret(ctx, tokenParameter(req));
      res.setHeader("Cache-Control", "no-store");
      res.status(200).end();
    }),
  );
  return router;
}

/** RFC 6750's challenge: `Bearer realm="lapse"`, with an error code and description when there is one. */
function challenge(
  res: Response,
  status: 401 | 403,
  error: "invalid_token" | "insufficient_scope" | null,
  description: string,
  scope?: string,
): void {
  const quoted = (text: string) => text.replace(/["\\]/g, "");
  const parts = ['realm="lapse"'];
  if (error) parts.push(`error="${error}"`, `error_description="${quoted(description)}"`);
  if (scope) parts.push(`scope="${quoted(scope)}"`);
  res.setHeader("WWW-Authenticate", `Bearer ${parts.join(", ")}`);
  res.status(status).json({ error: error ?? "invalid_request", error_description: description });
}

/**
 * A refused authentication, as gateways read it: 401 for a token that is not good (nginx's
 * auth_request passes only 401 and 403 on; a lockout is a 401 too, with Retry-After), 403 for a
 * good token refused where it is (its organization's policy, its networks).
 */
const refuseForGateway: Refuse = (res, error: LapseError) => {
  if (error.httpStatus === 403) challenge(res, 403, "invalid_token", error.message);
  else challenge(res, 401, "invalid_token", error.message);
};

/**
 * GET /api/auth/verify?org=<org>&scope=<scope> for gateways (nginx auth_request, Envoy ext_authz,
 * Traefik forwardAuth): the client's own Authorization header (or console session) is
 * authenticated as the API does it, counted by the same limiter; 204 with who it is, 401, or 403
 * when it lacks a scope or does not act in `org`.
 */
export function mountVerifyRoute(
  app: Pick<Router, "get">,
  contextFor: ContextFor,
  auth: Authenticator,
  logger: Logger,
): void {
  // One handler on the app itself, rather than a Router of its own holding the authentication
  // middleware and a handler: every layer a request passes costs, and gateways send this before
  // each of their own requests.
  const authenticated = requestAuthentication(auth, logger, refuseForGateway);
  app.get(
    "/api/auth/verify",
    declareActions([Action.VerifyToken], async (req, res, next) => {
      // Never stored by a gateway's cache, refusals included.
      res.setHeader("Cache-Control", "no-store");
      try {
        if (!(await authenticated(req, res))) return;
        const ctx = contextFor(req, res);
        // A console session made by single sign-on is a person, not a token a gateway can pass on.
        if (!ctx.principal?.token) {
          return challenge(res, 401, null, "Send the token in the Authorization header.");
        }
        // Express 5 parses the query string again on each read of req.query.
        const { org, scope } = req.query;
        if (
          (org !== undefined && typeof org !== "string") ||
          (scope !== undefined && typeof scope !== "string")
        ) {
          return void res.status(400).json({
            error: "invalid_request",
            error_description: "Give org and scope at most once each.",
          });
        }
        const { token } = ctx.principal;
        const wanted = (scope ?? "").split(" ").filter(Boolean);
        const missing = wanted.filter((s) => !token.grantedScopes.includes(s));
        if (missing.length) {
          return challenge(
            res,
            403,
            "insufficient_scope",
            `The token does not hold ${missing.join(" ")}.`,
            wanted.join(" "),
          );
        }
        if (org && !(await ctx.services.tokenTrust.actsIn(ctx, org))) {
          return challenge(res, 403, "insufficient_scope", `The token does not act in ${org}.`);
        }
        const who = await ctx.services.tokenTrust.subject(token);
        res.setHeader("Lapse-Token-Id", token.id);
        res.setHeader("Lapse-Subject", who.subject);
        res.setHeader("Lapse-Scopes", token.grantedScopes.join(" "));
        res.setHeader("Lapse-Token-Expiration", token.expiresAt?.toISOString() ?? "never");
        res.status(204).end();
      } catch (error) {
        next(error);
      }
    }),
  );
}
