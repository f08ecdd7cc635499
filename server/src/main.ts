import "reflect-metadata";
import { createApp } from "./app";
import { systemClock } from "./clock";
import { readConfig } from "./config";
import { systemContext } from "./context";
import { openDatabase } from "./db/data-source";
import { createLoaders } from "./loaders";
import { createLogger } from "./logger";

/** The first-run admin token lives this long; `npm run lapse -- user-token` makes more. */
const BOOTSTRAP_TOKEN_DAYS = 30;

async function main() {
  const config = readConfig();
  const logger = createLogger({ level: config.logLevel });
  const dataSource = await openDatabase(config.databaseUrl);
  const { app, services, stop } = await createApp({
    dataSource,
    clock: systemClock,
    logger,
    webDir: config.webDir,
    production: config.production,
  });

  const ctx = systemContext(
    { clock: systemClock, logger, services, loaders: createLoaders(dataSource) },
    "lapse-bootstrap",
  );
  const expiresAt = new Date(systemClock.now().getTime() + BOOTSTRAP_TOKEN_DAYS * 86_400_000);
  const created = await services.bootstrap.firstRun(ctx, {
    organization: config.bootstrapOrg,
    admin: config.bootstrapAdmin,
    expiresAt,
  });
  if (created) {
    // Printed to the terminal once, never logged: this is the only copy.
    process.stdout.write(
      [
        "",
        `Lapse created organization "${config.bootstrapOrg}" with site admin "${config.bootstrapAdmin}".`,
        `Their personal access token (shown once; expires ${expiresAt.toISOString()}):`,
        "",
        `    ${created.secret}`,
        "",
        "",
      ].join("\n"),
    );
  }

  const server = app.listen(config.port, () => {
    logger.info(
      { port: config.port, store: dataSource.options.type },
      `Lapse listening on http://localhost:${config.port}`,
    );
  });
  const shutdown = () => {
    logger.info("shutting down");
    server.close(() => {
      void stop()
        .then(() => dataSource.destroy())
        .finally(() => process.exit(0));
    });
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

main().catch((error: unknown) => {
  console.error("Lapse failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
