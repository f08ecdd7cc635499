import { Router } from "express";
import type { DataSource } from "typeorm";
import type { Logger } from "../logger";

/** /healthz: the process answers. /readyz: the database answers too, else 503. */
export function healthRoutes(dataSource: DataSource, logger: Logger): Router {
  const router = Router();
  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  router.get("/readyz", async (_req, res) => {
    try {
      await dataSource.query("SELECT 1");
      res.json({ status: "ready" });
    } catch (error) {
      logger.warn({ err: error }, "readiness check failed");
      res.status(503).json({ status: "unavailable", message: "The database is not reachable." });
    }
  });
  return router;
}
