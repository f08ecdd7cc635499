import { createServer, type Server } from "node:http";
import { createTransport } from "nodemailer";
import type { AddressInfo } from "node:net";
import { createApp } from "./app";
import { DEFAULT_AUTH_THROTTLE } from "./auth/auth-throttle";
import { DAY_MS, type Clock } from "./clock";
import type { Config } from "./config";
import { systemContext } from "./context";
import { openDatabase } from "./db/data-source";
import { createLoaders } from "./loaders";
import type { Logger } from "./logger";
import { OPERATOR_TOKEN_DAYS } from "./modules/bootstrap/bootstrap.service";
import { runPeriodicJobs } from "./modules/jobs/periodic-jobs";
import { SWEEP_INTERVAL_MS } from "./modules/token/expiry-sweep.service";

/** How often each instance looks for webhook deliveries that are due. */
const WEBHOOK_POLL_MS = 1_000;

/** The first-run admin token lives this long; `npm run lapse -- user-token` makes more. */
export const BOOTSTRAP_TOKEN_DAYS = OPERATOR_TOKEN_DAYS;

export interface RunningLapse {
  url: string;
  close(): Promise<void>;
}

/**
 * Opens the store (applying migrations), listens, and bootstraps an empty database. On first run the
 * admin's token is written to `print` once; it is never logged. Throws a one-sentence error when the
 * port is taken, before anything is created.
 */
export async function startLapse(
  config: Config,
  deps: { clock: Clock; logger: Logger; print: (text: string) => void },
): Promise<RunningLapse> {
  const { clock, logger } = deps;
  const dataSource = await openDatabase(config.databaseUrl, {
    timeoutMs: config.dbTimeoutMs,
    syncWait: config.dbSyncWait,
    notify: (message) => logger.warn(message),
  });
  const { app, services, stop } = await createApp({
    dataSource,
    clock,
    logger,
    webDir: config.webDir,
    production: config.production,
    trustProxy: config.trustProxy,
    verifyCacheMs: config.verifyCacheMs,
    metrics: config.metrics,
    services: {
      authThrottle: { ...DEFAULT_AUTH_THROTTLE, maxFailures: config.authMaxFailures },
      signIn: config.signIn,
      oidcAllowPrivateIssuers: config.oidcAllowPrivateIssuers,
      secretScanningKeysUrl: config.secretScanningKeysUrl,
      webhookKey: config.webhookKey,
      webhookAllowPrivate: config.webhookAllowPrivate,
      email: {
        transport: config.smtpUrl ? createTransport(config.smtpUrl) : null,
        from: config.emailFrom,
        consoleUrl: config.consoleUrl,
      },
    },
  });
  const server = createServer(app);
  try {
    await listen(server, config.port);
  } catch (error) {
    await stop();
    await dataSource.destroy();
    throw error;
  }

  const ctx = systemContext(
    { clock, logger, services, loaders: createLoaders(dataSource) },
    "lapse-bootstrap",
  );
  const expiresAt = new Date(clock.now().getTime() + BOOTSTRAP_TOKEN_DAYS * DAY_MS);
  const created = await services.bootstrap.firstRun(ctx, {
    organization: config.bootstrapOrg,
    admin: config.bootstrapAdmin,
    expiresAt,
  });
  if (created) {
    deps.print(
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

  // Records lapsed tokens in the audit trail; expiry itself is enforced at use, not by this job.
  const sweepContext = systemContext(
    { clock, logger, services, loaders: createLoaders(dataSource) },
    "lapse-expiry-sweep",
  );
  const sweep = setInterval(() => {
    runPeriodicJobs(services, sweepContext).catch((error: unknown) =>
      logger.warn({ err: error }, "expiry sweep failed"),
    );
  }, SWEEP_INTERVAL_MS);
  sweep.unref();

  // Sends the webhook outbox; each tick claims what is due and returns without waiting for
  // receivers, so a slow one holds only its own delivery's slot.
  const deliveryContext = systemContext(
    { clock, logger, services, loaders: createLoaders(dataSource) },
    "lapse-webhooks",
  );
  const deliveries = setInterval(() => {
    services.webhookDelivery
      .deliverDue(deliveryContext)
      .catch((error: unknown) => logger.warn({ err: error }, "webhook delivery tick failed"));
  }, WEBHOOK_POLL_MS);
  deliveries.unref();

  const port = (server.address() as AddressInfo).port;
  logger.info(
    { port, store: dataSource.options.type },
    `Lapse listening on http://localhost:${port}`,
  );
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      clearInterval(sweep);
      clearInterval(deliveries);
      await new Promise((resolve) => server.close(resolve));
      await stop();
      await dataSource.destroy();
    },
  };
}

/** Listens on `port`, or fails with a sentence an operator can act on. */
function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      const advice: Record<string, string> = {
        EADDRINUSE: `Port ${port} is already in use: stop what listens there, or set PORT to another port.`,
        EACCES: `Port ${port} needs privileges this process lacks: set PORT to a port above 1023.`,
      };
      reject(error.code && advice[error.code] ? new Error(advice[error.code]) : error);
    });
    server.listen(port, () => resolve());
  });
}
