// What authentication costs: `{ viewer { kind } }` over HTTP with autocannon, authenticated against
// (a) the same server and query with authentication bypassed and (b) a bare Express JSON route.
// Rounds alternate the three so that drift on the machine hits each alike; medians are reported.
import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import { createInterface } from "node:readline";
import autocannon from "autocannon";
import mysql from "mysql2/promise";

const DATABASE_URL = process.env.DATABASE_URL ?? "mysql://root@127.0.0.1:3306/lapse_bench";
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const MODES = ["auth", "bypass", "bare"];

// With BENCH_PIN=1 (and taskset present), the server runs alone on the last core and the load
// generator is pinned to the others, so the comparison is of the server's own work per request.
const PIN = process.env.BENCH_PIN === "1";
const LAST_CORE = String(availableParallelism() - 1);

async function start(mode) {
  const serve = [new URL("./serve.mjs", import.meta.url).pathname, mode];
  const [command, args] = PIN
    ? ["taskset", ["-c", LAST_CORE, process.execPath, ...serve]]
    : [process.execPath, serve];
  const child = spawn(command, args, {
    env: { ...process.env, DATABASE_URL, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`serve.mjs ${mode} exited with ${code}`)));
  });
  return { child, ...JSON.parse(line) };
}

function load(target, seconds) {
  return autocannon({
    url: `http://127.0.0.1:${target.port}/graphql`,
    method: "POST",
    connections: CONNECTIONS,
    duration: seconds,
    headers: { "content-type": "application/json", authorization: `Bearer ${target.secret}` },
    body: JSON.stringify({ query: "{ viewer { kind } }" }),
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function measureAuthCost() {
  const url = new URL(DATABASE_URL);
  const database = url.pathname.slice(1);
  url.pathname = "/";
  const admin = await mysql.createConnection(url.toString());
  await admin.query(
    `CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`,
  );
  await admin.end();
  const targets = {};
  for (const mode of MODES) targets[mode] = await start(mode);
  try {
    for (const mode of MODES) await load(targets[mode], 2); // warm up: JIT, pools, caches
    const runs = Object.fromEntries(MODES.map((m) => [m, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of round % 2 ? [...MODES].reverse() : MODES) {
        const result = await load(targets[mode], DURATION);
        if (result.non2xx || result.errors) {
          throw new Error(`${mode}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
        }
        runs[mode].push({
          rps: result.requests.average,
          p50: result.latency.p50,
          p99: result.latency.p99,
        });
      }
    }
    const summary = Object.fromEntries(
      MODES.map((m) => [
        m,
        {
          rps: median(runs[m].map((r) => r.rps)),
          p50: median(runs[m].map((r) => r.p50)),
          p99: median(runs[m].map((r) => r.p99)),
        },
      ]),
    );
    return {
      connections: CONNECTIONS,
      seconds: DURATION,
      rounds: ROUNDS,
      summary,
      ratioToBypass: summary.auth.rps / summary.bypass.rps,
      ratioToBare: summary.auth.rps / summary.bare.rps,
    };
  } finally {
    for (const target of Object.values(targets)) target.child.kill();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await measureAuthCost(), null, 2));
}
