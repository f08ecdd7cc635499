// Scale of data: seeds one organization with BENCH_TOKENS tokens (default 1,000,000) and
// BENCH_EVENTS audit events (default 5,000,000) in a fresh MySQL database, then times the
// auditor's questions through the GraphQL API: medians of BENCH_REPEAT sequential requests.
import "reflect-metadata";
import { createRequire } from "node:module";
import mysql from "mysql2/promise";
import { bootstrapThroughLapse } from "./bootstrap.mjs";
import { seedScale } from "./scale-seed.mjs";

const require = createRequire(import.meta.url);
const dist = (path) => require(`../server/dist/${path}`);

const SERVER = process.env.BENCH_MYSQL ?? "mysql://root@127.0.0.1:3306";
const DATABASE = process.env.BENCH_SCALE_DATABASE ?? "lapse_scale";
const TOKENS = Number(process.env.BENCH_TOKENS ?? 1_000_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 5_000_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 15);
const DEEP = Math.min(500_000, Math.floor(TOKENS / 2));
const BUFFER_POOL = Number(process.env.BENCH_BUFFER_POOL ?? 4 * 2 ** 30);

/** BENCH_REUSE=1 times the organization an earlier run seeded, with a new token for its admin. */
const REUSE = process.env.BENCH_REUSE === "1";

async function reuseSeed(
  dataSource,
  services,
  logger,
  { systemContext, createLoaders, systemClock },
) {
  const [row] = await dataSource.query(
    `SELECT o.name AS organization, u.login AS login FROM organizations o
     JOIN memberships m ON m.organization_id = o.id AND m.role = 'ADMIN'
     JOIN users u ON u.id = m.user_id WHERE o.name LIKE 'scale-%' LIMIT 1`,
  );
  if (!row) throw new Error(`No seeded organization in ${DATABASE}; run without BENCH_REUSE.`);
  const [member] = await dataSource.query(
    "SELECT login FROM users WHERE login LIKE 'scale-u3-%' LIMIT 1",
  );
  const ctx = systemContext(
    { clock: systemClock, logger, services, loaders: createLoaders(dataSource) },
    "lapse-bench",
  );
  const created = await services.bootstrap.userToken(ctx, {
    login: row.login,
    name: `bench-${Date.now()}`,
  });
  return { organization: row.organization, adminSecret: created.secret, memberLogin: member.login };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function measureScale(log = console.error) {
  const admin = await mysql.createConnection(SERVER);
  if (!REUSE) {
    await admin.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``);
    await admin.query(`CREATE DATABASE \`${DATABASE}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  }
  // A server's default 128 MB buffer pool holds a fraction of these tables and makes the run a
  // disk benchmark; a production server would give InnoDB most of its memory. Restored at the end.
  const [[{ pool }]] = await admin.query("SELECT @@innodb_buffer_pool_size AS pool");
  await admin.query(`SET GLOBAL innodb_buffer_pool_size = ${BUFFER_POOL}`);
  await admin.end();

  const { openDatabase } = dist("db/data-source.js");
  const { createApp } = dist("app.js");
  const { createLogger } = dist("logger.js");
  const { systemClock } = dist("clock.js");
  const { systemContext } = dist("context.js");
  const { createLoaders } = dist("loaders.js");
  const dataSource = await openDatabase(`${SERVER}/${DATABASE}`);
  const logger = createLogger({ level: "warn" });
  const { app, services, stop } = await createApp({ dataSource, clock: systemClock, logger });

  const seedStarted = Date.now();
  const seeded = REUSE
    ? await reuseSeed(dataSource, services, logger, { systemContext, createLoaders, systemClock })
    : await seedScale(dataSource, {
        tokens: TOKENS,
        events: EVENTS,
        log,
        bootstrap: bootstrapThroughLapse(dataSource, services, logger),
      });
  const seedSeconds = (Date.now() - seedStarted) / 1000;
  log(
    REUSE
      ? `timing the organization seeded earlier in ${DATABASE}`
      : `seeded ${TOKENS} tokens and ${EVENTS} events in ${seedSeconds.toFixed(0)} s`,
  );

  const server = await new Promise((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  const url = `http://127.0.0.1:${server.address().port}/graphql`;
  const gql = async (query, variables) => {
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${seeded.adminSecret}`,
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = await response.json();
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  const time = async (label, query, variables) => {
    for (let i = 0; i < 3; i++) await gql(query, variables);
    const runs = [];
    for (let i = 0; i < REPEAT; i++) {
      const started = process.hrtime.bigint();
      await gql(query, variables);
      runs.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    const result = { median: median(runs), max: Math.max(...runs) };
    log(`${label}: median ${result.median.toFixed(1)} ms, max ${result.max.toFixed(1)} ms`);
    return result;
  };

  // The cursor DEEP rows into the admin's list (expiry order), found once by OFFSET, untimed.
  const [orgRow] = await dataSource.query("SELECT id FROM organizations WHERE name = ?", [
    seeded.organization,
  ]);
  const [deepRow] = await dataSource.query(
    `SELECT expires_at, id FROM access_tokens
     WHERE organization_id = ? OR (kind = 'PERSONAL' AND owner_id IN (SELECT user_id FROM memberships WHERE organization_id = ?))
     ORDER BY expires_at, id LIMIT 1 OFFSET ${DEEP - 1}`,
    [orgRow.id, orgRow.id],
  );
  const deepCursor = Buffer.from(
    JSON.stringify({
      order: "EXPIRES_AT:ASC",
      value: new Date(deepRow.expires_at).getTime(),
      id: deepRow.id,
    }),
  ).toString("base64url");

  const page = `query($filter: TokenFilter, $after: String) {
    tokens(filter: $filter, first: 50, after: $after) { edges { node { id name expiresAt status } } pageInfo { endCursor hasNextPage } }
  }`;
  const org = seeded.organization;
  const results = {
    tokens: TOKENS,
    events: EVENTS,
    seedSeconds,
    expiringWithin7Days: await time("expiring within 7 days, first page", page, {
      filter: { organization: org, expiringWithinDays: 7 },
    }),
    firstPage: await time("all tokens, first page", page, { filter: { organization: org } }),
    deepPage: await time(`all tokens, page ${DEEP} rows deep`, page, {
      filter: { organization: org },
      after: deepCursor,
    }),
    totalCount: await time(
      "all tokens, totalCount",
      `query($o: String!) { tokens(filter: { organization: $o }, first: 1) { totalCount } }`,
      { o: org },
    ),
    tokenStats: await time(
      "tokenStats",
      `query($o: String!) { tokenStats(organization: $o) { total expiringWithin7Days neverExpiring unused90Days counts { kind status count } } }`,
      { o: org },
    ),
    auditByActor: await time(
      "audit events by actor, first page",
      `query($f: AuditEventFilter!) { auditEvents(filter: $f, first: 50) { edges { node { id type createdAt } } } }`,
      { f: { organization: org, actor: seeded.memberLogin } },
    ),
  };
  results.deepToFirstRatio = results.deepPage.median / results.firstPage.median;

  await new Promise((resolve) => server.close(resolve));
  await stop();
  await dataSource.destroy();
  const restore = await mysql.createConnection(SERVER);
  await restore.query(`SET GLOBAL innodb_buffer_pool_size = ${Number(pool)}`);
  await restore.end();
  results.bufferPoolBytes = BUFFER_POOL;
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await measureScale(), null, 2));
}
