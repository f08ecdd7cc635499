import { Router, type Request, type Response } from "express";
import { Action } from "../../auth/authorization";
import type { RequestContext } from "../../context";
import { badUserInput, forbidden } from "../../errors/lapse-error";
import { declareActions, restErrorOf, restHandler, sendError } from "../../http/rest";
import { readCookie, setSessionCookie } from "../../http/session-cookie";
import type { SsoAttempt } from "./sso.service";

/**
 * The sign-in in progress lives in the browser that started it, in an HttpOnly cookie that dies
 * after 10 minutes or at the callback, and is not signed: nothing in it grants anything by itself.
 * Over HTTPS it is `__Host-lapse_sso` (Secure, Path=/, no Domain), which no other host, not even a
 * sibling subdomain, can set in the victim's browser: a planted cookie would sign the victim in as
 * its planter (login CSRF), or carry the planter's invitation. Over plain http (a laptop, the tests)
 * no such prefix exists, and it is `lapse_sso` scoped to /api/sso. The callback requires the provider's `state` to equal the cookie's, the provider's id_token to
 * carry the cookie's `nonce`, and the provider to accept the cookie's PKCE verifier for the code; the
 * provider refuses a code used twice. Keeping no server state lets any instance behind a load
 * balancer finish what another started. SameSite=Lax, not Strict: the provider's redirect back is a
 * cross-site navigation, which a Strict cookie would not accompany.
 */
export const SSO_COOKIE = "lapse_sso";
const SSO_PATH = "/api/sso";

/** The attempt cookie's name and attributes for this request's scheme (see above). */
function attemptCookie(req: Request) {
  return req.secure
    ? {
        name: `__Host-${SSO_COOKIE}`,
        options: { httpOnly: true, sameSite: "lax", secure: true, path: "/" } as const,
      }
    : {
        name: SSO_COOKIE,
        options: { httpOnly: true, sameSite: "lax", secure: false, path: SSO_PATH } as const,
      };
}

/**
 * Whether a browser sent this request from Lapse's own pages (or typed it): the console's Join with
 * SSO button does; a link or redirect on another site does not. An invitation in a sign-in started
 * elsewhere would make the victim join the inviter's organization (whose ADMINs then oversee their
 * personal tokens) with no question asked, if the provider signs them in silently. Clients that send
 * no Sec-Fetch-Site (no browser a victim would use today) are let through.
 */
function startedHere(req: Request): boolean {
  const site = req.get("sec-fetch-site");
  return site === undefined || site === "same-origin" || site === "none";
}

/** Console sign-in by single sign-on, and how people may sign in (for the sign-in page). */
export function ssoRoutes(contextFor: (req: Request, res: Response) => RequestContext): Router {
  const router = Router();
  router.get(
    "/api/session/methods",
    restHandler(contextFor, [Action.ReadSignInMethods], async (ctx, _req, res) => {
      res.json(ctx.services.sso.methods());
    }),
  );
  router.get(
    `${SSO_PATH}/start`,
    restHandler(contextFor, [Action.StartSso], async (ctx, req, res) => {
      const invitation = req.query.invitation;
      if (invitation !== undefined && (typeof invitation !== "string" || !invitation)) {
        throw badUserInput("Give the invitation code at most once: ?invitation=<code>.");
      }
      if (invitation !== undefined && !startedHere(req)) {
        throw forbidden(
          "An invitation is accepted only from Lapse's own sign-in page: open it, paste the code under Have an invitation?, and choose Join with SSO.",
        );
      }
      const { url, attempt } = await ctx.services.sso.start(ctx, invitation ?? null);
      const cookie = attemptCookie(req);
      res.cookie(cookie.name, Buffer.from(JSON.stringify(attempt)).toString("base64url"), {
        ...cookie.options,
        maxAge: attempt.expiresAt - ctx.clock.now().getTime(),
      });
      res.redirect(302, url.href);
    }),
  );
  router.get(
    `${SSO_PATH}/callback`,
    declareActions([Action.FinishSso], async (req, res) => {
      const ctx = contextFor(req, res);
      const cookie = attemptCookie(req);
      const attempt = readAttempt(req, cookie.name);
      // Used once, whatever the outcome.
      res.clearCookie(cookie.name, cookie.options);
      try {
        const query = new URLSearchParams(req.originalUrl.split("?")[1] ?? "");
        const signedIn = await ctx.services.sso.finish(ctx, query, attempt);
        setSessionCookie(req, res, signedIn.cookie, signedIn.session.expiresAt, ctx.clock.now());
        res.redirect(302, "/");
      } catch (error) {
        refuse(req, res, ctx, error);
      }
    }),
  );
  return router;
}

function readAttempt(req: Request, cookieName: string): SsoAttempt | null {
  const value = readCookie(req, cookieName);
  if (value === undefined) return null;
  try {
    const parsed = JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as SsoAttempt;
    const strings = [parsed.state, parsed.nonce, parsed.verifier].every(
      (v) => typeof v === "string",
    );
    const invitation = parsed.invitation === null || typeof parsed.invitation === "string";
    return strings && invitation && typeof parsed.expiresAt === "number" ? parsed : null;
  } catch {
    return null;
  }
}

/**
 * A refused callback: a browser (which asks for HTML) gets a page saying why with a way back to
 * sign-in; anything else the REST error shape. Either way with the error's 4xx (5xx) status.
 */
function refuse(req: Request, res: Response, ctx: RequestContext, error: unknown): void {
  const { status, code, message } = restErrorOf(error, ctx);
  if (req.accepts(["json", "html"]) !== "html") return sendError(res, status, code, message);
  res
    .status(status)
    .type("html")
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Lapse: not signed in</title></head>` +
        `<body><main><h1>You are not signed in</h1><p role="alert">${escapeHtml(message)}</p>` +
        `<p><a href="/sign-in">Back to sign-in</a></p><p><small>Request id: ${escapeHtml(ctx.requestId)}</small></p></main></body></html>`,
    );
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
