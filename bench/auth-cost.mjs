// What authentication costs: `{ viewer { kind } }` over HTTP with autocannon, authenticated against
// (a) the same server and query with authentication bypassed and (b) a bare Express JSON route.
// A second bypass (bypass-next-turn) also defers the rest of each request to the next turn of the
// event loop, as waiting for the authentication read does, so that auth ÷ it is the read alone.
// Rounds alternate the three so that drift on the machine hits each alike; medians are reported.
// Beside throughput and latency, each run reports the CPU the server process and (when it runs on
// this machine) the database spent per request, read from /proc, and how many requests shared
// one authentication statement.
import { execSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { createInterface } from "node:readline";
import autocannon from "autocannon";
import mysql from "mysql2/promise";

const DATABASE_URL = process.env.DATABASE_URL ?? "mysql://root@127.0.0.1:3306/lapse_bench";
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
// One or more, comma-separated: each is a run of its own.
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? "1,16,64").split(",").map(Number);
const MODES = ["auth", "bypass", "bypass-next-turn", "bare"];

// With BENCH_PIN=1 (and taskset present), the server runs alone on the last core and the load
// generator is pinned to the others, so the comparison is of the server's own work per request.
const PIN = process.env.BENCH_PIN === "1";
const LAST_CORE = String(availableParallelism() - 1);

/** CPU time (µs) a process has used, or null where /proc cannot tell (not Linux, not ours). */
const CLOCK_TICK_US = 1e6 / Number(tryRun("getconf CLK_TCK") ?? 100);
export function cpuMicros(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_US; // utime + stime
  } catch {
    return null;
  }
}

function tryRun(command) {
  try {
    return execSync(command, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}

/** The local mariadbd or mysqld serving `port` (another, e.g. a test's own, may be running too). */
function localDatabasePid(port) {
  const pids = (tryRun("pidof mariadbd mysqld") ?? "").split(/\s+/).filter(Boolean);
  return (
    pids.find((pid) => {
      const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      const flag = args.find((arg) => arg.startsWith("--port="));
      return flag ? Number(flag.slice("--port=".length)) === port : port === 3306;
    }) ?? null
  );
}

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

export function load(target, connections, seconds) {
  return autocannon({
    url: `http://127.0.0.1:${target.port}/graphql`,
    method: "POST",
    connections,
    duration: seconds,
    headers: { "content-type": "application/json", authorization: `Bearer ${target.secret}` },
    body: JSON.stringify({ query: "{ viewer { kind } }" }),
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const perRequest = (before, after, requests) =>
  before === null || after === null ? null : Math.round((after - before) / requests);

export async function measureAuthCost() {
  const url = new URL(DATABASE_URL);
  const database = url.pathname.slice(1);
  url.pathname = "/";
  const admin = await mysql.createConnection(url.toString());
  await admin.query(
    `CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`,
  );
  // The authentication read is the only prepared statement Lapse runs on this path.
  const executes = async () => {
    const [rows] = await admin.query("SHOW GLOBAL STATUS LIKE 'Com_stmt_execute'");
    return Number(rows[0].Value);
  };
  const local = ["127.0.0.1", "localhost", "::1"].includes(url.hostname);
  const databasePid = local ? localDatabasePid(Number(url.port || 3306)) : null;
  const targets = {};
  for (const mode of MODES) targets[mode] = await start(mode);
  try {
    for (const mode of MODES) await load(targets[mode], CONNECTIONS[0], 2); // warm up: JIT, pools
    const byConnections = [];
    for (const connections of CONNECTIONS) {
      const runs = Object.fromEntries(MODES.map((m) => [m, []]));
      for (let round = 0; round < ROUNDS; round++) {
        for (const mode of round % 2 ? [...MODES].reverse() : MODES) {
          const target = targets[mode];
          const before = {
            server: cpuMicros(target.child.pid),
            database: databasePid && cpuMicros(databasePid),
            executes: await executes(),
          };
          const result = await load(target, connections, DURATION);
          const n = result.requests.total;
          if (result.non2xx || result.errors) {
            throw new Error(`${mode}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
          }
          const statements = (await executes()) - before.executes;
          runs[mode].push({
            rps: result.requests.average,
            p50: result.latency.p50,
            p99: result.latency.p99,
            serverCpuUs: perRequest(before.server, cpuMicros(target.child.pid), n),
            databaseCpuUs: databasePid
              ? perRequest(before.database, cpuMicros(databasePid), n)
              : null,
            requestsPerStatement: statements ? Number((n / statements).toFixed(1)) : null,
          });
        }
      }
      const summary = Object.fromEntries(
        MODES.map((m) => [
          m,
          Object.fromEntries(
            Object.keys(runs[m][0]).map((field) => [
              field,
              runs[m][0][field] === null ? null : median(runs[m].map((r) => r[field])),
            ]),
          ),
        ]),
      );
      byConnections.push({
        connections,
        summary,
        ratioToBypass: Number((summary.auth.rps / summary.bypass.rps).toFixed(2)),
        ratioToBypassNextTurn: Number(
          (summary.auth.rps / summary["bypass-next-turn"].rps).toFixed(2),
        ),
        ratioToBare: Number((summary.auth.rps / summary.bare.rps).toFixed(2)),
      });
      console.error(JSON.stringify(byConnections.at(-1)));
    }
    await admin.end();
    return { seconds: DURATION, rounds: ROUNDS, pinned: PIN, byConnections };
  } finally {
    for (const target of Object.values(targets)) target.child.kill();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await measureAuthCost(), null, 2));
}
