import type { Request, Response } from "express";
import type { DataSource } from "typeorm";
import type { Clock } from "../clock";
import type { RequestContext } from "../context";
import { createLoaders, type Loaders } from "../loaders";
import { clientAddress } from "./client-address";
import type { Logger } from "../logger";
import type { Services } from "../services";

/** Builds the RequestContext of one HTTP request, after the request-id and authentication middleware ran. */
export function requestContextFactory(deps: {
  dataSource: DataSource;
  clock: Clock;
  logger: Logger;
  services: Services;
}) {
  return (req: Request, res: Response): RequestContext => {
    let loaders: Loaders | undefined;
    return {
      requestId: res.locals.requestId as string,
      clientRequestId: (res.locals.clientRequestId as string | null | undefined) ?? null,
      clock: deps.clock,
      logger: deps.logger,
      principal: res.locals.principal ?? null,
      ip: clientAddress(req),
      userAgent: req.get("user-agent") ?? null,
      services: deps.services,
      // Made on first use: most REST calls and every gateway check read through none of them.
      get loaders() {
        return (loaders ??= createLoaders(deps.dataSource));
      },
    };
  };
}
