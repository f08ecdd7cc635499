import { timingSafeEqual } from "node:crypto";
import type { ApolloServerPlugin } from "@apollo/server";
import type { Request, RequestHandler } from "express";
import type { RequestContext } from "../context";
import type { LapseMetrics } from "../modules/metrics/metrics";

export interface MetricsOptions {
  /** LAPSE_METRICS=true: /metrics answers anyone who can reach it. */
  enabled: boolean;
  /** LAPSE_METRICS_TOKEN: /metrics answers only `Authorization: Bearer <token>` (and is on). */
  token: string | null;
}

/** Refusal reasons counted from operations' errors (authentication refusals count themselves). */
const REFUSAL_CODES = new Set(["FORBIDDEN", "POLICY_VIOLATION", "RATE_LIMITED", "UNAUTHENTICATED"]);

/** GET /metrics in Prometheus's text format; 404 unless turned on. */
export function metricsRoute(metrics: LapseMetrics, options: MetricsOptions): RequestHandler {
  const expected = options.token ? Buffer.from(`Bearer ${options.token}`) : null;
  return async (req, res, next) => {
    if (!options.enabled && !expected) {
      res
        .status(404)
        .json({ code: 404, message: "Metrics are off (LAPSE_METRICS).", error: "NOT_FOUND" });
      return;
    }
    if (expected) {
      const sent = Buffer.from(req.get("authorization") ?? "");
      if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) {
        res.setHeader("WWW-Authenticate", 'Bearer realm="lapse-metrics"');
        res.status(401).json({
          code: 401,
          message: "Send the metrics token as `Authorization: Bearer <LAPSE_METRICS_TOKEN>`.",
          error: "UNAUTHENTICATED",
        });
        return;
      }
    }
    try {
      const body = await metrics.registry.metrics();
      res.setHeader("content-type", metrics.registry.contentType);
      res.send(body);
    } catch (error) {
      next(error);
    }
  };
}

/** The route a request took, from a bounded set (never the raw path: ids would explode labels). */
function routeOf(req: Request): string {
  const path = req.originalUrl.split("?")[0]!;
  if (path === "/graphql") return "/graphql";
  if (req.route?.path) return `${req.baseUrl}${String(req.route.path)}`;
  if (path.startsWith("/api/")) return "/api (no route)";
  if (path === "/healthz" || path === "/readyz" || path === "/metrics") return path;
  return "console";
}

/** Times every HTTP request, labelled by route, method and status class. */
export function requestTiming(metrics: LapseMetrics): RequestHandler {
  const observe = routeTimer(metrics);
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.on("finish", () => observe(routeOf(req), req.method, res.statusCode, start));
    next();
  };
}

/**
 * Records one answered request of `route` started at `start` (process.hrtime.bigint()): what
 * `requestTiming` does for Express's routes, for a handler outside Express (the gateway check).
 */
export function routeTimer(
  metrics: LapseMetrics,
): (route: string, method: string, statusCode: number, start: bigint) => void {
  // The histogram's child for each (route, method, status class), made once: prom-client's own
  // timer merges and checks the labels on every request, which showed in the gateway check's profile.
  const children = new Map<string, Observer>();
  const childFor = (route: string, method: string, status: string): Observer => {
    const key = `${route} ${method} ${status}`;
    let child = children.get(key);
    if (!child) children.set(key, (child = metrics.requests.labels({ route, method, status })));
    return child;
  };
  return (route, method, statusCode, start) => {
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    childFor(route, method, `${Math.floor(statusCode / 100)}xx`).observe(seconds);
  };
}

type Observer = { observe(value: number): void };

/**
 * Times each GraphQL operation, labelled by its type and first root field (`query tokens`: a
 * bounded set, where operation names are whatever clients choose), and counts refusals by code.
 */
export function operationMetricsPlugin(metrics: LapseMetrics): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      const end = metrics.operations.startTimer();
      let label = "invalid";
      return {
        async didResolveOperation({ operation }) {
          if (!operation) return;
          const field = operation.selectionSet.selections.find((s) => s.kind === "Field");
          label = `${operation.operation} ${field && "name" in field ? field.name.value : "?"}`;
        },
        async willSendResponse({ response }) {
          end({ operation: label });
          if (response.body.kind !== "single") return;
          for (const error of response.body.singleResult.errors ?? []) {
            const code = String(error.extensions?.code ?? "");
            if (REFUSAL_CODES.has(code)) metrics.refusals.inc({ reason: code.toLowerCase() });
          }
        },
      };
    },
  };
}
