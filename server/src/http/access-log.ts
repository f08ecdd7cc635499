import type { RequestHandler } from "express";
import type { Logger } from "../logger";
import type { Principal } from "../auth/principal";

/** One line per request: what was asked, the answer, how long it took, and which token asked. */
export function accessLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const principal = res.locals.principal as Principal | null | undefined;
      // Load balancers poll the health routes every few seconds; keep them out of the info log.
      const level = req.path === "/healthz" || req.path === "/readyz" ? "debug" : "info";
      logger[level](
        {
          requestId: res.locals.requestId,
          clientRequestId: res.locals.clientRequestId ?? undefined,
          method: req.method,
          // The path only: a query string is the client's and may carry anything.
          path: req.path,
          status: res.statusCode,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
          tokenId: principal?.token?.id,
        },
        "request",
      );
    });
    next();
  };
}
