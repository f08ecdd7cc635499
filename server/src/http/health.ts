import { Router } from "express";
import type { DataSource } from "typeorm";
import { galeraNotReady, topologyOf } from "../db/galera";
import { RETRY_AFTER_SECONDS } from "../errors/error-middleware";
import type { Logger } from "../logger";

/**
 * /healthz: the process answers. /readyz: the database answers too, else 503; on a Galera node, the
 * node must also be ready and Synced (one cut off from the Primary Component still answers
 * `SELECT 1`), so a load balancer sends nothing to a node that cannot serve.
 */
export function healthRoutes(dataSource: DataSource, logger: Logger): Router {
  const router = Router();
  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  router.get("/readyz", async (_req, res) => {
    try {
      if (topologyOf(dataSource).galera) {
        const notReady = await galeraNotReady(dataSource);
        if (notReady) {
          logger.warn({ state: notReady }, "readiness check: Galera node not Synced");
          res.setHeader("Retry-After", RETRY_AFTER_SECONDS);
          res.status(503).json({
            status: "unavailable",
            message: "The database node is not Synced with its Galera cluster.",
          });
          return;
        }
      } else {
        await dataSource.query("SELECT 1");
      }
      res.json({ status: "ready" });
    } catch (error) {
      logger.warn({ err: error }, "readiness check failed");
      res.setHeader("Retry-After", RETRY_AFTER_SECONDS);
      res.status(503).json({ status: "unavailable", message: "The database is not reachable." });
    }
  });
  return router;
}
