// What bench/scale-seed.mjs needs to make its organization through Lapse itself, from the built
// server (`npm run build`).
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const dist = (path) => require(`../server/dist/${path}`);

/** `bootstrap(organization, admin)` for seedScale: the organization, and its admin's secret. */
export function bootstrapThroughLapse(dataSource, services, logger) {
  const { systemClock } = dist("clock.js");
  const { systemContext } = dist("context.js");
  const { createLoaders } = dist("loaders.js");
  return async (organization, login) => {
    const ctx = systemContext(
      { clock: systemClock, logger, services, loaders: createLoaders(dataSource) },
      "lapse-bench",
    );
    return (await services.bootstrap.bootstrap(ctx, { organization, admin: login })).secret;
  };
}
