import "reflect-metadata";
import { ApolloServer } from "@apollo/server";
import { expressMiddleware } from "@as-integrations/express5";
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from "express";
import helmet from "helmet";
import type { DataSource } from "typeorm";
import { DATABASE_UNAVAILABLE, isTransientDatabaseError } from "./db/errors";
import { boundDatabaseTime, withDatabaseTimeBound } from "./db/pool-guard";
import { authenticate } from "./auth/authenticate.middleware";
import { AuthenticationService } from "./auth/authentication.service";
import { principalFor } from "./auth/principal";
import type { AccessToken } from "./modules/token/access-token.entity";
import type { Clock } from "./clock";
import type { RequestContext } from "./context";
import { auditCsvRoutes } from "./modules/audit/audit-csv.route";
import { oauthTokenRoute, oidcRoutes } from "./modules/oidc/oidc.routes";
import { sessionRoutes } from "./modules/session/session.routes";
import { ssoRoutes } from "./modules/session/sso.routes";
import { revokeLeakedRoute, secretScanningRoute } from "./modules/leak/leak.routes";
import { tokenRoutes } from "./modules/token/token.routes";
import { tokenTrustRoutes } from "./modules/trust/token-trust.routes";
import {
  GATEWAY_CHECK_ROUTE,
  gatewayCheck,
  isFor,
  type NodeRoute,
} from "./modules/trust/gateway-check";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TrustProxy } from "./http/client-address";
import { cachedAuthentication, onTransactionEnd, VerifyCache } from "./modules/trust/verify-cache";
import { OPENAPI_DOCUMENT } from "./http/openapi";
import { contextFactory, requestContextFactory } from "./http/request-context";
import { declareActions, refuseAsRest } from "./http/rest";
import { Action } from "./auth/authorization";
import { formatError } from "./errors/format-error";
import { RETRY_AFTER_SECONDS } from "./errors/error-middleware";
import { unexpectedErrorsPlugin } from "./errors/unexpected-errors.plugin";
import { accessLog } from "./http/access-log";
import { operationLogPlugin } from "./http/operation-log.plugin";
import { healthRoutes } from "./http/health";
import { requestId, requestIdsFor } from "./http/request-id";
import { webRoutes } from "./http/web";
import type { Logger } from "./logger";
import { buildLapseSchema } from "./schema/build-schema";
import { aliasAndRootFieldRule, costLimitPlugin, depthLimitRule } from "./schema/operation-limits";
import { createServices, type ServiceOptions, type Services } from "./services";
import { LapseMetrics } from "./modules/metrics/metrics";
import {
  metricsRoute,
  operationMetricsPlugin,
  requestTiming,
  routeTimer,
  type MetricsOptions,
} from "./http/metrics";

export interface AppOptions {
  dataSource: DataSource;
  clock: Clock;
  logger: Logger;
  webDir?: string;
  production?: boolean;
  services?: ServiceOptions;
  /** Express's `trust proxy`: which hops' X-Forwarded-For to believe (default: loopback only). */
  trustProxy?: string;
  /**
   * Benchmarks only (bench/serve.mjs): every GraphQL request acts as this token without being
   * authenticated, to measure what authentication costs. With `nextTurn`, the rest of the request
   * waits for the next turn of the event loop, as it does behind the authentication read, so that
   * the comparison isolates the read itself. No configuration or environment variable reaches it;
   * only code that builds the app itself can set it.
   */
  benchAuthenticateAs?: { token: AccessToken; nextTurn: boolean };
  /**
   * Benchmarks only (bench/verify-cost.mjs): `GET /bench/bare`, an Express route of the same process
   * that answers the gateway check's 204 and headers from memory, after the middleware every Express
   * route passes; and `GET /bench/bare-node`, the same answered ahead of Express the way the gateway
   * check is (request id, database time bound, timing). The bench compares verification with both.
   * Like `benchAuthenticateAs`, only code can set it.
   */
  benchBareRoute?: boolean;
  /**
   * LAPSE_VERIFY_CACHE_MS: how long the gateway check may take a token it accepted from memory (0,
   * the default: never; see modules/trust/verify-cache.ts).
   */
  verifyCacheMs?: number;
  /** GET /metrics: off unless enabled or given a token (LAPSE_METRICS, LAPSE_METRICS_TOKEN). */
  metrics?: MetricsOptions;
}

export interface LapseApp {
  /** The whole application; serving it (`app.listen`, `http.createServer(app)`) serves `nodeRoutes` too. */
  app: Express;
  /** The routes answered on Node's own objects before Express sees the request (the gateway check). */
  nodeRoutes: readonly NodeRoute[];
  services: Services;
  metrics: LapseMetrics;
  stop(): Promise<void>;
}

/** The whole HTTP application over one store: GraphQL, health checks and the console. */
export async function createApp(options: AppOptions): Promise<LapseApp> {
  const { dataSource, clock, logger } = options;
  const metrics = new LapseMetrics(dataSource, clock);
  const services = createServices(dataSource, logger, {
    ...options.services,
    webhookDelivery: {
      ...options.services?.webhookDelivery,
      onOutcome: (outcome) => metrics.webhookDeliveries.inc({ outcome }),
    },
  });
  // The counters' children made once: the gateway check counts each of its authentications too.
  const authenticated = metrics.authentications.labels({ outcome: "ok" });
  const authenticationRefused = metrics.authentications.labels({ outcome: "refused" });
  const observeAuthentication = (outcome: string) => {
    if (outcome === "ok") return authenticated.inc();
    authenticationRefused.inc();
    metrics.refusals.inc({ reason: outcome });
  };
  const auth = new AuthenticationService(
    dataSource,
    clock,
    logger,
    services.refusals,
    services.authThrottle,
  );
  const contextFor = requestContextFactory({ dataSource, clock, logger, services });
  const contextOf = contextFactory({ dataSource, clock, logger, services });
  const schema = await buildLapseSchema();
  const apollo = new ApolloServer<RequestContext>({
    schema,
    validationRules: [depthLimitRule, aliasAndRootFieldRule],
    plugins: [
      costLimitPlugin(),
      unexpectedErrorsPlugin(logger),
      operationLogPlugin(logger),
      operationMetricsPlugin(metrics),
    ],
    formatError,
    includeStacktraceInErrorResponses: false,
    // In production the schema is not handed out: no introspection, no "Did you mean …?" hints.
    introspection: !options.production,
    hideSchemaDetailsFromClientErrors: options.production ?? false,
    csrfPrevention: true,
  });
  await apollo.start();

  const app = express();
  app.disable("x-powered-by");
  // The client address keys the failed-authentication limit: behind a load balancer, trust it.
  app.set("trust proxy", trustProxySetting(options.trustProxy ?? "loopback"));
  app.use(requestId);
  // LAPSE_DB_TIMEOUT_MS bounds the request's database time as a whole, not each statement.
  app.use(boundDatabaseTime);
  app.use(requestTiming(metrics));
  if (options.benchBareRoute) app.get("/bench/bare", bareRoute);
  const verifyCache = options.verifyCacheMs ? new VerifyCache(options.verifyCacheMs) : null;
  const stopClearingCache = verifyCache
    ? onTransactionEnd(dataSource, () => verifyCache.clear())
    : () => {};
  const observeRoute = routeTimer(metrics);
  const nodeRoutes: [NodeRoute, NodeHandler][] = [
    [
      GATEWAY_CHECK_ROUTE,
      gatewayCheck({
        auth: verifyCache ? cachedAuthentication(auth, verifyCache, clock) : auth,
        logger,
        contextOf,
        trust: app.get("trust proxy fn") as TrustProxy,
        observeTiming: observeRoute,
        observeAuthentication,
      }),
    ],
  ];
  if (options.benchBareRoute) nodeRoutes.push([BENCH_BARE_NODE, bareNodeRoute(observeRoute)]);
  serveAheadOfExpress(app, nodeRoutes);
  // Security headers everywhere; the strict Content-Security-Policy is the console's (below).
  app.use(helmet({ contentSecurityPolicy: false }));
  app.use(accessLog(logger));
  app.use(healthRoutes(dataSource, logger));
  app.get("/metrics", metricsRoute(metrics, options.metrics ?? { enabled: false, token: null }));
  app.use(
    "/graphql",
    express.json({ limit: "1mb" }),
    options.benchAuthenticateAs
      ? actAs(options.benchAuthenticateAs)
      : authenticate(auth, logger, undefined, observeAuthentication),
    expressMiddleware(apollo, { context: async ({ req, res }) => contextFor(req, res) }),
  );
  // Before the JSON parser: the partner's signature is over the raw body.
  app.use(secretScanningRoute(contextFor));
  app.use("/api", express.json({ limit: "1mb" }));
  app.use(sessionRoutes(contextFor, auth));
  app.use(ssoRoutes(contextFor));
  app.use(oauthTokenRoute(contextFor));
  app.use(revokeLeakedRoute(contextFor));
  app.use("/api", authenticate(auth, logger, refuseAsRest, observeAuthentication));
  app.use(tokenTrustRoutes(contextFor));
  app.use(auditCsvRoutes(contextFor));
  app.use(tokenRoutes(contextFor));
  app.use(oidcRoutes(contextFor));
  app.get(
    "/api/openapi.json",
    declareActions([Action.ReadApiDocument], (_req, res) => {
      res.json(OPENAPI_DOCUMENT);
    }),
  );
  app.use("/api", (_req, res) => {
    res.status(404).json({ code: 404, message: "No such API route.", error: "NOT_FOUND" });
  });
  if (options.webDir) app.use(consoleContentSecurityPolicy, webRoutes(options.webDir));
  app.use(jsonErrors(logger));
  return {
    app,
    nodeRoutes: nodeRoutes.map(([route]) => route),
    services,
    metrics,
    stop: async () => {
      // Reported leaks are revoked after their answer: finish them before the store closes.
      await services.leaks.settled();
      await apollo.stop();
      stopClearingCache();
    },
  };
}

/** The console loads only its own scripts, styles and data; nothing may frame it. */
const consoleContentSecurityPolicy = helmet.contentSecurityPolicy({
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", "data:"],
    connectSrc: ["'self'"],
    fontSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
});

/** Errors Express itself meets (a body that is not JSON, one too large), in the shape of the route family. */
function jsonErrors(logger: Logger): ErrorRequestHandler {
  return (
    error: { status?: number; statusCode?: number; type?: string; message?: string },
    req,
    res,
    _next,
  ) => {
    const requestId = res.locals.requestId as string;
    // Authentication reads the database before any resolver runs; an outage there is a 503 too,
    // and so is a lock given up (on Galera, a read that waited for a partitioned cluster).
    const unavailable = isTransientDatabaseError(error);
    const status = unavailable ? 503 : (error.status ?? error.statusCode ?? 500);
    if (unavailable) {
      logger.warn({ err: error, requestId }, "database unavailable");
      res.setHeader("Retry-After", RETRY_AFTER_SECONDS);
    } else if (status >= 500) logger.error({ err: error, requestId }, "unexpected error");
    const message = unavailable
      ? DATABASE_UNAVAILABLE
      : status >= 500
        ? `Internal server error; quote request id ${requestId} when reporting it.`
        : clientErrorMessage(error);
    const code = unavailable
      ? "SERVICE_UNAVAILABLE"
      : status < 500
        ? "BAD_REQUEST"
        : "INTERNAL_SERVER_ERROR";
    const answer = unavailable ? 503 : status < 500 ? status : 500;
    // originalUrl: inside a mounted middleware req.path has lost its mount point.
    const path = req.originalUrl.split("?")[0]!;
    if (path === "/api/oauth/token") {
      res.status(answer).json({
        error: unavailable ? "temporarily_unavailable" : "invalid_request",
        error_description: message,
      });
    } else if (path.startsWith("/api/")) {
      res.status(answer).json({ code: answer, message, error: code, requestId });
    } else {
      res.status(answer).json({ errors: [{ message, extensions: { code, requestId } }] });
    }
  };
}

/**
 * What a client got wrong, as Express and body-parser report it: the body's size, character set or
 * encoding, its JSON, or a percent-encoding in the path that decodes to nothing.
 */
function clientErrorMessage(error: { status?: number; type?: string; message?: string }): string {
  switch (error.type) {
    case "entity.too.large":
      return "The request body is larger than the limit.";
    case "charset.unsupported":
      return "The request body's charset is not supported; send UTF-8.";
    case "encoding.unsupported":
      return "The request body's Content-Encoding is not supported; send it uncompressed, gzip or deflate.";
    case "entity.parse.failed":
      return "The request body is not valid JSON.";
  }
  if (error.message?.startsWith("Failed to decode param")) {
    return "The path holds a malformed percent-encoding (%XX); encode it again.";
  }
  return "The request is malformed.";
}

/** `LAPSE_TRUST_PROXY` as Express wants it: a hop count, true/false, or a list of addresses. */
function trustProxySetting(value: string): string | number | boolean {
  if (/^\d+$/.test(value)) return Number(value);
  if (value === "true" || value === "false") return value === "true";
  return value;
}

/** The benchmark's bypass: the principal without the authentication. */
function actAs({ token, nextTurn }: { token: AccessToken; nextTurn: boolean }): RequestHandler {
  return (_req, res, next) => {
    res.locals.principal = principalFor(token);
    if (nextTurn) setImmediate(next);
    else next();
  };
}

/** What `benchBareRoute` mounts: the gateway check's 204 and headers, asking nothing of anyone. */
const bareRoute: RequestHandler = (_req, res) => {
  res.setHeader("Lapse-Token-Id", "00000000-0000-7000-8000-000000000000");
  res.setHeader("Lapse-Subject", "team:bench/bench");
  res.setHeader("Lapse-Scopes", "deploy:prod");
  res.setHeader("Lapse-Token-Expiration", "never");
  res.status(204).end();
};

type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Answers `routes` on Node's own request and response, before Express makes its own of them (see
 * modules/trust/gateway-check.ts for why). Every way of serving an Express app (`app.listen`,
 * `http.createServer(app)`, mounting it in another) calls `app.handle`, so this is the one place
 * that sees every request.
 */
function serveAheadOfExpress(app: Express, routes: [NodeRoute, NodeHandler][]): void {
  type Handle = (req: IncomingMessage, res: ServerResponse, callback?: unknown) => void;
  const expressApp = app as unknown as { handle: Handle };
  const handleInExpress = expressApp.handle.bind(app);
  expressApp.handle = (req, res, callback) => {
    for (const [route, serve] of routes) if (isFor(route, req)) return serve(req, res);
    handleInExpress(req, res, callback);
  };
}

const BENCH_BARE_NODE: NodeRoute = { method: "GET", path: "/bench/bare-node", actions: [] };

/** What `benchBareRoute` serves ahead of Express: the gateway check's framing, and no check. */
function bareNodeRoute(
  observe: (route: string, method: string, statusCode: number, start: bigint) => void,
): NodeHandler {
  return (req, res) => {
    const start = process.hrtime.bigint();
    res.setHeader("X-Request-Id", requestIdsFor(req.headers["x-request-id"]).requestId);
    res.setHeader("Cache-Control", "no-store");
    withDatabaseTimeBound(() => {
      res.setHeader("Lapse-Token-Id", "00000000-0000-7000-8000-000000000000");
      res.setHeader("Lapse-Subject", "team:bench/bench");
      res.setHeader("Lapse-Scopes", "deploy:prod");
      res.setHeader("Lapse-Token-Expiration", "never");
      res.statusCode = 204;
      res.end();
      observe(BENCH_BARE_NODE.path, req.method!, 204, start);
    });
  };
}
