import type { Clock } from "./clock";
import type { Logger } from "./logger";
import type { Loaders } from "./loaders";
import type { Principal } from "./auth/principal";
import type { Services } from "./services";

/** What every service call receives first: who is asking, when, and how to reach the rest. */
export interface RequestContext {
  /** Lapse's own id of the request: always generated here, never taken from the client. */
  requestId: string;
  /** The X-Request-Id the client sent, when it is safe to keep (audited beside requestId). */
  clientRequestId?: string | null;
  clock: Clock;
  logger: Logger;
  /** Null for a request that carried no Authorization header. */
  principal: Principal | null;
  ip: string | null;
  userAgent: string | null;
  services: Services;
  loaders: Loaders;
}

/** A context for work no HTTP request started (first-run bootstrap, the CLI): no principal. */
export function systemContext(
  parts: Pick<RequestContext, "clock" | "logger" | "services" | "loaders">,
  userAgent: string,
): RequestContext {
  return {
    ...parts,
    requestId: `${userAgent}-${Date.now()}`,
    principal: null,
    ip: null,
    userAgent,
  };
}
