import express, { Router, type Request, type Response } from "express";
import type { RequestContext } from "../../context";
import { badUserInput, notFound } from "../../errors/lapse-error";
import { Action } from "../../auth/authorization";
import { declareActions, restHandler } from "../../http/rest";
import type { OidcIssuer } from "./oidc-issuer.entity";
import type { OidcIssuerService } from "./oidc-issuer.service";
import { ExchangeThrottled, OAuthError } from "./oidc.errors";

type ContextFor = (req: Request, res: Response) => RequestContext;

function issuerJson(issuers: OidcIssuerService, issuer: OidcIssuer) {
  return {
    id: issuer.id,
    name: issuer.name,
    url: issuer.url,
    maxExpirationSeconds: issuer.maxExpirationSeconds,
    hasStaticJwks: issuer.jwks !== null,
    policies: issuers.policiesOf(issuer),
    created: issuer.createdAt.toISOString(),
    modified: issuer.updatedAt.toISOString(),
  };
}

/** Issuer fields from a JSON body; `jwks` may be given as an object or as JSON text. */
function issuerBody(req: Request) {
  const body: Record<string, unknown> = req.body && typeof req.body === "object" ? req.body : {};
  const field = (name: string) => {
    const value = body[name];
    if (value !== undefined && value !== null && typeof value !== "string") {
      throw badUserInput(`${name} must be a string.`);
    }
    return value as string | undefined;
  };
  const jwks = body.jwks;
  const max = body.maxExpirationSeconds;
  if (max !== undefined && max !== null && typeof max !== "number")
    throw badUserInput("maxExpirationSeconds must be a number.");
  return {
    name: field("name"),
    url: field("url"),
    jwks:
      jwks === undefined || jwks === null
        ? undefined
        : typeof jwks === "string"
          ? jwks
          : JSON.stringify(jwks),
    maxExpirationSeconds: max as number | undefined,
  };
}

/** The OIDC issuer routes and the RFC 8693 token endpoint, thin over the same services as GraphQL. */
export function oidcRoutes(contextFor: ContextFor): Router {
  const router = Router();
  const route = (
    actions: Action[],
    handle: (ctx: RequestContext, req: Request, res: Response) => Promise<void>,
  ) => restHandler(contextFor, actions, handle);
  const param = (req: Request, name: string) => String(req.params[name]);

  /** The issuer `id` if it belongs to the organization in the path; else 404. */
  const issuerIn = async (ctx: RequestContext, req: Request) => {
    const organization = await ctx.services.organizations.access(ctx, param(req, "org"));
    const issuer = await ctx.services.oidcIssuers.get(ctx, param(req, "id"));
    if (!issuer || issuer.organizationId !== organization.organization.id) {
      throw notFound(`No OIDC issuer with id "${param(req, "id").slice(0, 64)}" exists here.`);
    }
    return issuer;
  };

  router.get(
    "/api/orgs/:org/oidc/issuers",
    route([Action.ReadOidcIssuers], async (ctx, req, res) => {
      const issuers = await ctx.services.oidcIssuers.list(ctx, param(req, "org"));
      res.json({ oidcIssuers: issuers.map((i) => issuerJson(ctx.services.oidcIssuers, i)) });
    }),
  );
  router.post(
    "/api/orgs/:org/oidc/issuers",
    route([Action.ManageOidcIssuers], async (ctx, req, res) => {
      const issuer = await ctx.services.oidcIssuers.register(ctx, {
        ...issuerBody(req),
        organization: param(req, "org"),
      });
      res.status(201).json(issuerJson(ctx.services.oidcIssuers, issuer));
    }),
  );
  router.get(
    "/api/orgs/:org/oidc/issuers/:id",
    route([Action.ReadOidcIssuers], async (ctx, req, res) => {
      res.json(issuerJson(ctx.services.oidcIssuers, await issuerIn(ctx, req)));
    }),
  );
  router.patch(
    "/api/orgs/:org/oidc/issuers/:id",
    route([Action.ManageOidcIssuers], async (ctx, req, res) => {
      const issuer = await issuerIn(ctx, req);
      const updated = await ctx.services.oidcIssuers.update(ctx, {
        ...issuerBody(req),
        id: issuer.id,
      });
      res.json(issuerJson(ctx.services.oidcIssuers, updated));
    }),
  );
  router.delete(
    "/api/orgs/:org/oidc/issuers/:id",
    route([Action.ManageOidcIssuers], async (ctx, req, res) => {
      const issuer = await issuerIn(ctx, req);
      await ctx.services.oidcIssuers.delete(ctx, issuer.id);
      res.status(204).end();
    }),
  );

  return router;
}

/**
 * POST /api/oauth/token (RFC 8693). Mounted before the API's own authentication: the exchange
 * authenticates by its JWT alone, so an Authorization header a CI client sends along is ignored.
 * The throttle and the refusals are the exchange service's, shared with the GraphQL mutation.
 */
export function oauthTokenRoute(contextFor: ContextFor): Router {
  const router = Router();
  router.post(
    "/api/oauth/token",
    express.urlencoded({ extended: false, limit: "64kb" }),
    declareActions([Action.ExchangeOidcToken], async (req, res, next) => {
      const ctx = contextFor(req, res);
      const body: Record<string, unknown> =
        req.body && typeof req.body === "object" ? req.body : {};
      const value = (name: string) =>
        typeof body[name] === "string" || typeof body[name] === "number"
          ? String(body[name])
          : undefined;
      res.setHeader("Cache-Control", "no-store");
      try {
        const result = await ctx.services.oidcExchange.exchange(ctx, {
          grantType: value("grant_type") ?? "",
          audience: value("audience"),
          subjectToken: value("subject_token"),
          subjectTokenType: value("subject_token_type"),
          requestedTokenType: value("requested_token_type"),
          scope: value("scope"),
          expiration: value("expiration"),
        });
        res.json({
          access_token: result.accessToken,
          issued_token_type: result.issuedTokenType,
          token_type: result.tokenType,
          expires_in: result.expiresIn,
        });
      } catch (error) {
        if (error instanceof ExchangeThrottled) {
          res.setHeader("Retry-After", String(error.retryAfterSeconds));
          res.status(429).json({ error: "invalid_request", error_description: error.message });
          return;
        }
        if (error instanceof OAuthError) {
          res
            .status(error.oauthStatus)
            .json({ error: error.oauthCode, error_description: error.message });
          return;
        }
        next(error);
      }
    }),
  );
  return router;
}
