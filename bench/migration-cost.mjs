// What Lapse's own migrations cost on a large table, on one MariaDB and on a Galera cluster: seeds
// BENCH_TOKENS tokens (default 1,000,000) and BENCH_MIGRATION_EVENTS audit events (default
// 1,000,000) with bench/scale-seed.mjs, takes the migrations that rebuild indexes or add columns on
// those tables down again, and times each `up`. Meanwhile a probe writes one row every 50 ms through
// another connection (on Galera: through another node) and records the longest a write waited:
// on one MariaDB InnoDB's online DDL lets it through; on Galera, DDL is replicated in total order
// (TOI), so every write in the cluster waits for it.
import { createRequire } from "node:module";
import mysql from "mysql2/promise";
import { bootstrapThroughLapse } from "./bootstrap.mjs";
import { loadPrivateGalera } from "./galera-cluster.mjs";
import { seedScale } from "./scale-seed.mjs";

const require = createRequire(import.meta.url);
const dist = (path) => require(`../server/dist/${path}`);

const SERVER = process.env.BENCH_MYSQL ?? "mysql://root@127.0.0.1:3306";
const DATABASE = "lapse_migration_cost";
const TOKENS = Number(process.env.BENCH_TOKENS ?? 1_000_000);
const EVENTS = Number(process.env.BENCH_MIGRATION_EVENTS ?? 1_000_000);
/** Which migrations are taken down and timed up again: those that touch the big tables. */
const TIMED = [
  "CoveringTokenIndexes1764288000000",
  "ExplicitCharset1764374400000",
  "AuditSubjectAndClientId1764460800000",
];

/** Writes one row every 50 ms on `url` until `stop()`; the longest a write took, in ms. */
async function probe(url) {
  const connection = await mysql.createConnection(url);
  let running = true;
  let longest = 0;
  const done = (async () => {
    while (running) {
      const started = Date.now();
      await connection.query(
        `INSERT INTO auth_throttle (throttle_key, window_started_ms, failures, blocked_until_ms)
         VALUES ('migration-probe', 0, 1, 0) ON DUPLICATE KEY UPDATE failures = failures + 1`,
      );
      longest = Math.max(longest, Date.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await done;
      await connection.end();
      return longest;
    },
  };
}

async function measureOn(label, url, probeUrl, log) {
  const { openDatabase } = dist("db/data-source.js");
  const { createServices } = dist("services.js");
  const { createLogger } = dist("logger.js");
  const dataSource = await openDatabase(url, { timeoutMs: 0 });
  try {
    const logger = createLogger({ level: "warn" });
    const services = createServices(dataSource, logger);
    const started = Date.now();
    await seedScale(dataSource, {
      tokens: TOKENS,
      events: EVENTS,
      log,
      bootstrap: bootstrapThroughLapse(dataSource, services, logger),
    });
    log(
      `  ${label}: seeded ${TOKENS} tokens, ${EVENTS} events in ${(Date.now() - started) / 1000} s`,
    );
    const runner = dataSource.createQueryRunner();
    const migrations = TIMED.map((name) => dataSource.migrations.find((m) => m.name === name));
    for (const migration of [...migrations].reverse()) await migration.down(runner);
    const timings = {};
    for (const migration of migrations) {
      const writes = await probe(probeUrl);
      const at = Date.now();
      await migration.up(runner);
      const seconds = (Date.now() - at) / 1000;
      const longestWriteMs = await writes.stop();
      timings[migration.name] = { seconds, longestWriteMs };
      log(
        `  ${label}: ${migration.name} ${seconds} s; longest write meanwhile ${longestWriteMs} ms`,
      );
    }
    await runner.release();
    return timings;
  } finally {
    await dataSource.destroy();
  }
}

export async function measureMigrationCost(log = console.error) {
  const results = { tokens: TOKENS, events: EVENTS };
  const admin = await mysql.createConnection(SERVER);
  await admin.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``);
  await admin.query(`CREATE DATABASE \`${DATABASE}\``);
  const [[{ pool }]] = await admin.query("SELECT @@innodb_buffer_pool_size AS pool");
  await admin.query(`SET GLOBAL innodb_buffer_pool_size = ${2 * 2 ** 30}`);
  try {
    const url = `${SERVER}/${DATABASE}`;
    results.mariadb = await measureOn("one MariaDB", url, url, log);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``);
    await admin.query(`SET GLOBAL innodb_buffer_pool_size = ${pool}`);
    await admin.end();
  }
  const { PrivateGalera, galeraAvailable } = loadPrivateGalera();
  if (!galeraAvailable()) return { ...results, galera: { skipped: "galera-4 is not installed" } };
  const cluster = new PrivateGalera(3, { bufferPool: "1G" });
  try {
    await cluster.init();
    const [first, second] = cluster.nodes;
    results.galera = await measureOn("Galera (TOI)", first.url, second.url, log);
  } finally {
    await cluster.destroy();
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await measureMigrationCost(), null, 2));
}
