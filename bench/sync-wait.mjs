// What `wsrep_sync_wait` costs on a Galera cluster: authenticated `{ viewer { kind } }` over HTTP
// with autocannon against three Lapse instances, one per node of a private three-node cluster on
// this machine, with LAPSE_DB_SYNC_WAIT=1 (what Lapse sets on a Galera node) and with 0 (reads
// answered from whatever the node has applied). Rounds alternate the two; medians are reported.
// The load goes to all three instances at once, as a load balancer would spread it. With
// BENCH_SYNC_WAIT_WRITES=1 a fourth client keeps creating tokens through node 1 meanwhile, so the
// reads on nodes 2 and 3 have replication to wait for. Beside throughput, each run reports the CPU
// time the three Lapse processes and the three mariadbd nodes spent per request (from /proc), which
// other work on a shared machine disturbs less than throughput.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { cpuMicros, load } from "./auth-cost.mjs";
import { loadPrivateGalera } from "./galera-cluster.mjs";

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** Connections per instance; one run each. */
const CONNECTIONS = (process.env.BENCH_SYNC_WAIT_CONNECTIONS ?? "1,16").split(",").map(Number);
const MODES = { "sync-wait": "1", "no-sync-wait": "0" };

async function start(url, syncWait) {
  const serve = new URL("./serve.mjs", import.meta.url).pathname;
  const child = spawn(process.execPath, [serve, "auth"], {
    env: {
      ...process.env,
      DATABASE_URL: url,
      LAPSE_DB_SYNC_WAIT: syncWait,
      NODE_ENV: "production",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`serve.mjs exited with ${code}`)));
  });
  return { child, ...JSON.parse(line) };
}

/** A client that creates tokens through `target` until `stop()`; how many it created. */
function writer(target) {
  let running = true;
  let created = 0;
  const done = (async () => {
    for (let i = 0; running; i++) {
      const response = await fetch(`http://127.0.0.1:${target.port}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${target.secret}` },
        body: JSON.stringify({
          query: `mutation { createPersonalToken(name: "w-${Date.now()}-${i}") { secret } }`,
        }),
      });
      if (response.ok) created++;
      await response.text();
    }
  })();
  return {
    stop: async () => {
      running = false;
      await done;
      return created;
    },
  };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function measureSyncWait(log = console.error) {
  const { PrivateGalera, galeraAvailable } = loadPrivateGalera();
  if (!galeraAvailable()) return { skipped: "galera-4, rsync or mariadbd is not installed" };
  const withWrites = process.env.BENCH_SYNC_WAIT_WRITES === "1";
  const cluster = new PrivateGalera(3);
  const targets = {};
  try {
    log("  starting a three-node Galera cluster …");
    await cluster.init();
    for (const [mode, value] of Object.entries(MODES)) {
      targets[mode] = await Promise.all(cluster.nodes.map((n) => start(n.url, value)));
    }
    const all = (mode, connections, seconds) =>
      Promise.all(targets[mode].map((t) => load(t, connections, seconds)));
    for (const mode of Object.keys(MODES)) await all(mode, 1, 2); // warm up: JIT, pools
    const byConnections = [];
    for (const connections of CONNECTIONS) {
      const runs = Object.fromEntries(Object.keys(MODES).map((m) => [m, []]));
      for (let round = 0; round < ROUNDS; round++) {
        const order = Object.keys(MODES);
        for (const mode of round % 2 ? order.reverse() : order) {
          const pids = [
            ...targets[mode].map((t) => t.child.pid),
            ...cluster.nodes.map((n) => n.child.pid),
          ];
          const cpu = () => pids.reduce((sum, pid) => sum + (cpuMicros(pid) ?? NaN), 0);
          // The authentication read is the only prepared statement on this path.
          const executes = async () => {
            const rows = await Promise.all(
              cluster.nodes.map((n) => n.admin("SHOW GLOBAL STATUS LIKE 'Com_stmt_execute'")),
            );
            return rows.reduce((sum, [row]) => sum + Number(row.Value), 0);
          };
          const executesBefore = await executes();
          const cpuBefore = cpu();
          const writes = withWrites ? writer(targets[mode][0]) : null;
          const results = await all(mode, connections, DURATION);
          const cpuUs = cpu() - cpuBefore;
          const statements = (await executes()) - executesBefore;
          const created = await writes?.stop();
          const bad = results.reduce((n, r) => n + r.non2xx + r.errors, 0);
          if (bad) throw new Error(`${mode}: ${bad} non-2xx answers or errors`);
          const requests = results.reduce((n, r) => n + r.requests.total, 0);
          runs[mode].push({
            rps: Math.round(results.reduce((n, r) => n + r.requests.average, 0)),
            cpuUsPerRequest: Number.isNaN(cpuUs) ? null : Math.round(cpuUs / requests),
            requestsPerStatement: statements ? Number((requests / statements).toFixed(1)) : null,
            p50: median(results.map((r) => r.latency.p50)),
            p99: Math.max(...results.map((r) => r.latency.p99)),
            writesPerSecond: created === undefined ? null : Math.round(created / DURATION),
          });
        }
      }
      const summary = Object.fromEntries(
        Object.keys(MODES).map((m) => [
          m,
          Object.fromEntries(
            Object.keys(runs[m][0]).map((f) => [
              f,
              runs[m][0][f] === null ? null : median(runs[m].map((r) => r[f])),
            ]),
          ),
        ]),
      );
      const ratio = (field) =>
        Number((summary["sync-wait"][field] / summary["no-sync-wait"][field]).toFixed(2));
      byConnections.push({
        connectionsPerInstance: connections,
        summary,
        ratio: ratio("rps"),
        cpuRatio: ratio("cpuUsPerRequest"),
      });
      log(`  ${JSON.stringify(byConnections.at(-1))}`);
    }
    return { seconds: DURATION, rounds: ROUNDS, withWrites, byConnections };
  } finally {
    for (const list of Object.values(targets)) for (const t of list) t.child.kill();
    await cluster.destroy();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await measureSyncWait(), null, 2));
}
