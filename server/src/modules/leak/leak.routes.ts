import express, { Router, type Request, type Response } from "express";
import { Action } from "../../auth/authorization";
import type { RequestContext } from "../../context";
import { restHandler } from "../../http/rest";
import { LeakReportsThrottled } from "./leak.errors";

type ContextFor = (req: Request, res: Response) => RequestContext;

export const REVOKE_LEAKED_PATH = "/api/credentials/revoke";
export const SECRET_SCANNING_PATH = "/api/credentials/github-secret-scanning";

/** The one answer to every accepted report, whatever it held. */
export const REPORT_ACCEPTED = {
  message:
    "Accepted: every reported credential that is live will be revoked. This answer is the same whatever the credentials were.",
} as const;

/** GitHub may batch many matches in one alert; signed alerts only get past the signature check. */
const ALERT_BODY_LIMIT = "4mb";

/** Sets Retry-After on a throttled report, then lets restHandler answer it (429). */
async function withRetryAfter(res: Response, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (error instanceof LeakReportsThrottled) {
      res.setHeader("Retry-After", String(error.retryAfterSeconds));
    }
    throw error;
  }
}

/**
 * POST /api/credentials/revoke: anyone who finds Lapse secrets reports them here, unauthenticated
 * (mounted before the API's authentication; an Authorization header is ignored). 202 whatever the
 * secrets were; the revocation runs after the answer.
 */
export function revokeLeakedRoute(contextFor: ContextFor): Router {
  const router = Router();
  router.post(
    REVOKE_LEAKED_PATH,
    restHandler(contextFor, [Action.ReportLeakedCredentials], (ctx, req, res) =>
      withRetryAfter(res, async () => {
        await ctx.services.leaks.report(ctx, `POST ${REVOKE_LEAKED_PATH}`, req.body);
        res.status(202).json(REPORT_ACCEPTED);
      }),
    ),
  );
  return router;
}

/**
 * POST /api/credentials/github-secret-scanning: GitHub's secret-scanning partner alerts. Mounted
 * before the API's JSON parser: the signature is over the body's bytes as sent, so they are read raw.
 */
export function secretScanningRoute(contextFor: ContextFor): Router {
  const router = Router();
  router.post(
    SECRET_SCANNING_PATH,
    express.raw({ type: () => true, limit: ALERT_BODY_LIMIT }),
    restHandler(contextFor, [Action.ReceiveSecretScanningAlert], (ctx, req, res) =>
      withRetryAfter(res, async () => {
        const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const labels = await ctx.services.secretScanning.receive(
          ctx,
          `POST ${SECRET_SCANNING_PATH}`,
          body,
          {
            keyId: req.get("github-public-key-identifier"),
            signature: req.get("github-public-key-signature"),
          },
        );
        // The answer repeats the secrets GitHub sent: no cache may keep it.
        res.setHeader("Cache-Control", "no-store");
        res.json(labels);
      }),
    ),
  );
  return router;
}
