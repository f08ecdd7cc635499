import express, { Router, type Request, type Response } from "express";
import { Action } from "../../auth/authorization";
import type { RequestContext } from "../../context";
import { badUserInput } from "../../errors/lapse-error";
import { restHandler } from "../../http/rest";

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
