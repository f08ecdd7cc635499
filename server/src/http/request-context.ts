import type { Request, Response } from "express";
import type { DataSource } from "typeorm";
import type { Clock } from "../clock";
import type { RequestContext } from "../context";
import { createLoaders, type Loaders } from "../loaders";
import { clientAddress } from "./client-address";
import type { Logger } from "../logger";
import type { Services } from "../services";

/** What a request's context takes from the request itself. */
export type RequestFields = Pick<
  RequestContext,
  "requestId" | "clientRequestId" | "principal" | "ip" | "userAgent"
>;

/** Builds the RequestContext of a request from its own fields (the gateway check, outside Express). */
export function contextFactory(deps: {
  dataSource: DataSource;
  clock: Clock;
  logger: Logger;
  services: Services;
}): (fields: RequestFields) => RequestContext {
  return (fields) => {
    let loaders: Loaders | undefined;
    return {
      ...fields,
      clock: deps.clock,
      logger: deps.logger,
      services: deps.services,
      // Made on first use: most REST calls and every gateway check read through none of them.
      get loaders() {
        return (loaders ??= createLoaders(deps.dataSource));
      },
    };
  };
}

/** Builds the RequestContext of one HTTP request, after the request-id and authentication middleware ran. */
export function requestContextFactory(deps: Parameters<typeof contextFactory>[0]) {
  const contextOf = contextFactory(deps);
  return (req: Request, res: Response): RequestContext =>
    contextOf({
      requestId: res.locals.requestId as string,
      clientRequestId: (res.locals.clientRequestId as string | null | undefined) ?? null,
      principal: res.locals.principal ?? null,
      ip: clientAddress(req),
      userAgent: req.get("user-agent") ?? null,
    });
}
