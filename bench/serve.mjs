// One Lapse (or a bare Express route) for bench/auth-cost.mjs, in its own process so the load
// generator does not share its event loop. Prints one JSON line {port, secret} when listening.
import "reflect-metadata";
import { randomBytes } from "node:crypto";
import express from "express";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const dist = (path) => require(`../server/dist/${path}`);
const mode = process.argv[2];
const databaseUrl = process.env.DATABASE_URL;

if (mode === "bare") {
  const app = express();
  app.post("/graphql", express.json(), (_req, res) => {
    res.json({ data: { viewer: { kind: "PERSONAL" } } });
  });
  // What a gateway's verification answers, without asking anything of anyone.
  app.get("/api/auth/verify", (_req, res) => {
    res.setHeader("Lapse-Token-Id", "00000000-0000-7000-8000-000000000000");
    res.setHeader("Lapse-Subject", "team:bench/bench");
    res.setHeader("Lapse-Scopes", "deploy:prod");
    res.setHeader("Lapse-Token-Expiration", "never");
    res.status(204).end();
  });
  const server = app.listen(0, "127.0.0.1", () => {
    console.log(JSON.stringify({ port: server.address().port, secret: "none" }));
  });
} else {
  const { openDatabase } = dist("db/data-source.js");
  const { createApp } = dist("app.js");
  const { systemClock } = dist("clock.js");
  const { createLogger } = dist("logger.js");
  const { systemContext } = dist("context.js");
  const { createLoaders } = dist("loaders.js");
  const { AccessToken } = dist("modules/token/access-token.entity.js");
  const { digestSecret } = dist("auth/token-secret.js");

  const { readConfig } = dist("config.js");
  // LAPSE_DB_SYNC_WAIT as Lapse reads it: bench/sync-wait.mjs compares 1 with 0 on Galera.
  const dataSource = await openDatabase(databaseUrl, { syncWait: readConfig().dbSyncWait });
  const logger = createLogger({ level: "warn" });
  const options = {
    dataSource,
    clock: systemClock,
    logger,
    production: true,
    benchBareRoute: mode === "verify",
    // LAPSE_VERIFY_CACHE_MS as Lapse reads it: bench/verify-cost.mjs runs the check with and without.
    verifyCacheMs: readConfig().verifyCacheMs,
  };
  const { app, services } = await createApp(options);
  const suffix = randomBytes(4).toString("hex");
  const ctx = systemContext(
    { clock: systemClock, logger, services, loaders: createLoaders(dataSource) },
    "lapse-bench",
  );
  const created = await services.bootstrap.bootstrap(ctx, {
    organization: `bench-${suffix}`,
    admin: `bench-${suffix}`,
  });
  let serving = app;
  if (mode === "bypass" || mode === "bypass-next-turn") {
    const token = await dataSource.manager.findOneByOrFail(AccessToken, {
      digest: digestSecret(created.secret),
    });
    const nextTurn = mode === "bypass-next-turn";
    serving = (await createApp({ ...options, benchAuthenticateAs: { token, nextTurn } })).app;
  } else if (mode === "verify") {
    // A gateway's client: a team token with the organization's own scope, checked per request.
    const { principalFor } = dist("auth/principal.js");
    const adminToken = await dataSource.manager.findOneByOrFail(AccessToken, {
      digest: digestSecret(created.secret),
    });
    const asAdmin = { ...ctx, principal: principalFor(adminToken) };
    const organization = `bench-${suffix}`;
    await services.teams.create(asAdmin, { organization, name: "gateway" });
    const client = await services.tokens.createTeam(asAdmin, {
      organization,
      team: "gateway",
      name: "client",
      scopes: ["deploy:prod"],
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    created.secret = client.secret;
    created.query = `?org=${organization}&scope=deploy:prod`;
  } else if (mode !== "auth") {
    throw new Error(`mode must be auth, bypass, bypass-next-turn, verify or bare, not ${mode}`);
  }
  const server = serving.listen(0, "127.0.0.1", () => {
    console.log(
      JSON.stringify({ port: server.address().port, secret: created.secret, query: created.query }),
    );
  });
}
