// What the webhook outbox costs token creation: createTeamToken over HTTP, one request at a time,
// in an organization with no webhook and in one with one webhook subscribed to token.created
// (whose delivery row is written in the creating transaction). Deliveries are not sent during
// the run (no worker runs): sending happens off the request path, and this measures what the
// request pays. Rounds alternate the two organizations on one server so drift hits both alike;
// medians of per-round mean latency are reported, on MariaDB and on SQLite.
import "reflect-metadata";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import mysql from "mysql2/promise";

const require = createRequire(import.meta.url);
const dist = (file) => require(`../server/dist/${file}`);
const MYSQL_URL =
  process.env.BENCH_OUTBOX_MYSQL ?? "mysql://root@127.0.0.1:3306/lapse_bench_outbox";
const PER_ROUND = Number(process.env.BENCH_OUTBOX_TOKENS ?? 300);
const ROUNDS = Number(process.env.BENCH_OUTBOX_ROUNDS ?? 5);

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function onStore(databaseUrl) {
  const { openDatabase } = dist("db/data-source.js");
  const { createApp } = dist("app.js");
  const { systemClock } = dist("clock.js");
  const { createLogger } = dist("logger.js");
  const { systemContext } = dist("context.js");
  const { createLoaders } = dist("loaders.js");
  const dataSource = await openDatabase(databaseUrl);
  const logger = createLogger({ level: "warn" });
  const { app, services, stop } = await createApp({
    dataSource,
    clock: systemClock,
    logger,
    production: true,
    services: { webhookKey: "bench-webhook-key-0123456789abcdef0123", webhookAllowPrivate: true },
  });
  const server = await new Promise((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  const url = `http://127.0.0.1:${server.address().port}/graphql`;
  const ctx = systemContext(
    { clock: systemClock, logger, services, loaders: createLoaders(dataSource) },
    "lapse-bench",
  );
  const gql = async (secret, query, variables) => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = await response.json();
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  const organizations = {};
  for (const withWebhook of [false, true]) {
    const suffix = Math.random().toString(36).slice(2, 8);
    const name = `outbox-${withWebhook ? "hook" : "none"}-${suffix}`;
    const { secret } = await services.bootstrap.bootstrap(ctx, { organization: name, admin: name });
    await gql(
      secret,
      `mutation($o: String!) { createTeam(organization: $o, name: "bench") { name } }`,
      { o: name },
    );
    if (withWebhook) {
      await gql(
        secret,
        `mutation($o: String!) { createWebhook(organization: $o, url: "http://127.0.0.1:9/hook", events: [TOKEN_CREATED]) { secret } }`,
        { o: name },
      );
    }
    organizations[withWebhook ? "oneWebhook" : "noWebhook"] = { name, secret };
  }
  const create = `mutation($o: String!, $n: String!) { createTeamToken(organization: $o, team: "bench", name: $n) { secret } }`;
  const run = async ({ name, secret }, count, round) => {
    const started = performance.now();
    for (let i = 0; i < count; i++) await gql(secret, create, { o: name, n: `t${round}-${i}` });
    return (performance.now() - started) / count;
  };
  // Warm-up: the schema, the statements' plans and the pool.
  await run(organizations.noWebhook, 50, "warm-a");
  await run(organizations.oneWebhook, 50, "warm-b");
  const means = { noWebhook: [], oneWebhook: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? ["noWebhook", "oneWebhook"] : ["oneWebhook", "noWebhook"];
    for (const which of order)
      means[which].push(await run(organizations[which], PER_ROUND, `${round}`));
  }
  const rows = await dataSource.query(
    "SELECT COUNT(*) AS n FROM webhook_deliveries WHERE organization_id = (SELECT id FROM organizations WHERE name = ?)",
    [organizations.oneWebhook.name],
  );
  await new Promise((resolve) => server.close(resolve));
  await stop();
  await dataSource.destroy();
  const noWebhookMs = median(means.noWebhook);
  const oneWebhookMs = median(means.oneWebhook);
  return {
    tokensPerRound: PER_ROUND,
    rounds: ROUNDS,
    noWebhookMs: Number(noWebhookMs.toFixed(3)),
    oneWebhookMs: Number(oneWebhookMs.toFixed(3)),
    ratio: Number((oneWebhookMs / noWebhookMs).toFixed(3)),
    deliveriesWritten: Number(rows[0].n),
  };
}

export async function measureOutboxCost() {
  const url = new URL(MYSQL_URL);
  const database = url.pathname.slice(1);
  const admin = await mysql.createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: url.username || "root",
  });
  await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await admin.query(`CREATE DATABASE \`${database}\``);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lapse-outbox-"));
  try {
    return {
      mariadb: await onStore(MYSQL_URL),
      sqlite: await onStore(`sqlite:${path.join(dir, "lapse.sqlite")}`),
    };
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin.end();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await measureOutboxCost(), null, 2));
}
