import { Router, type Request, type Response } from "express";
import { refusalError } from "../../auth/authenticate.middleware";
import type { AuthenticationService } from "../../auth/authentication.service";
import type { RequestContext } from "../../context";
import { badUserInput } from "../../errors/lapse-error";
import { Action } from "../../auth/authorization";
import { restHandler } from "../../http/rest";
import { clearSessionCookie, readSessionCookie, setSessionCookie } from "../../http/session-cookie";

/**
 * POST /api/session trades a personal token (JSON `{token}`) for a session cookie (unless
 * LAPSE_CONSOLE_TOKEN_SIGNIN=false); DELETE ends it, however it was made.
 * Mounted before the API's own authentication, so a stale cookie never blocks signing in again.
 */
export function sessionRoutes(
  contextFor: (req: Request, res: Response) => RequestContext,
  auth: AuthenticationService,
): Router {
  const router = Router();
  router.post(
    "/api/session",
    restHandler(contextFor, [Action.SignIn], async (ctx, req, res) => {
      ctx.services.sso.assertTokenSignIn();
      const secret = (req.body as { token?: unknown } | undefined)?.token;
      if (typeof secret !== "string" || secret.length === 0)
        throw badUserInput('Send {"token": "<personal access token>"}.');
      const result = await auth.authenticate(secret.trim(), {
        requestId: ctx.requestId,
        ip: ctx.ip,
        userAgent: ctx.userAgent,
      });
      if (!result.ok) throw refusalError(result, res);
      const signedIn = await ctx.services.sessions.signIn(ctx, result.token);
      setSessionCookie(req, res, signedIn.cookie, signedIn.session.expiresAt, ctx.clock.now());
      res.json({
        login: signedIn.user.login,
        expiresAt: signedIn.session.expiresAt.toISOString(),
        // So the console can say, once the session ends, whether the token's expiry ended it.
        tokenExpiresAt: result.token.expiresAt?.toISOString() ?? null,
      });
    }),
  );
  router.delete(
    "/api/session",
    restHandler(contextFor, [Action.SignOut], async (ctx, req, res) => {
      const cookie = readSessionCookie(req);
      if (cookie) await ctx.services.sessions.signOut(ctx, cookie);
      clearSessionCookie(req, res);
      res.status(204).end();
    }),
  );
  return router;
}
