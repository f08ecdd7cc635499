import fs from "node:fs";
import path from "node:path";
import express, { Router } from "express";

/**
 * Serves the built console from `webDir` at `/`; unknown paths that look like client-side routes
 * fall back to index.html. Without a build, `/` says how to make one.
 */
export function webRoutes(webDir: string): Router {
  const router = Router();
  const index = path.join(webDir, "index.html");
  router.use(express.static(webDir, { index: "index.html", maxAge: "1h", fallthrough: true }));
  router.get(/^\/(?!graphql|api\/|healthz|readyz).*/, (req, res, next) => {
    if (path.extname(req.path)) return next();
    if (!fs.existsSync(index)) {
      res
        .status(503)
        .type("text/plain")
        .send("The console is not built; run `npm run build` first.");
      return;
    }
    res.setHeader("Cache-Control", "no-cache");
    res.sendFile(index);
  });
  return router;
}
