// What gateway verification costs: GET /api/auth/verify (a team token with a scope of the
// organization's own, checked against org and scope) through autocannon, against
// - bare: the bare Express route of the same process (GET /bench/bare: the same 204 and headers from
//   memory, after the middleware every Express route of Lapse passes), as issue 13 asks;
// - bareNode: a route of the same process that does nothing, answered ahead of Express the way the
//   check is (GET /bench/bare-node: request id, database time bound, timing), so that the check's
//   own work shows apart from what it saves by not going through Express;
// - bareProcess: a bare Express app in a process of its own;
// then latency at a fixed offered rate; then nginx with auth_request to Lapse against the same
// nginx proxying alone. Rounds alternate the order; medians are reported.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import autocannon from "autocannon";

const DATABASE_URL = process.env.DATABASE_URL ?? "mysql://root@127.0.0.1:3306/lapse_bench";
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? "1,16,64").split(",").map(Number);
const NGINX = "/usr/sbin/nginx";
/** LAPSE_VERIFY_CACHE_MS for the cached check's process. */
const CACHE_MS = "1000";
/** The offered rate (req/s over 16 connections) at which latency is compared below saturation. */
const FIXED_RATE = Number(process.env.BENCH_FIXED_RATE ?? 2000);

// With BENCH_PIN=1 (run the bench itself as `taskset -c 0 node bench/verify-cost.mjs`), each
// server runs on the last core and the load generator on the others, so the ratios are of the
// servers' own work rather than of how the machine shares its cores. One server is loaded at a time.
const PIN = process.env.BENCH_PIN === "1";
const LAST_CORE = String(os.availableParallelism() - 1);

async function start(mode, env = {}) {
  const serve = [new URL("./serve.mjs", import.meta.url).pathname, mode];
  const [command, args] = PIN
    ? ["taskset", ["-c", LAST_CORE, process.execPath, ...serve]]
    : [process.execPath, serve];
  const child = spawn(command, args, {
    env: { ...process.env, DATABASE_URL, NODE_ENV: "production", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`serve.mjs ${mode} exited with ${code}`)));
  });
  return { child, ...JSON.parse(line) };
}

function load(url, secret, connections, seconds, overallRate) {
  return autocannon({
    url,
    connections,
    duration: seconds,
    headers: { authorization: `Bearer ${secret}` },
    ...(overallRate ? { overallRate } : {}),
  });
}

/** CPU seconds (user + system) a process has used so far, from /proc (clock ticks of 1/100 s). */
function cpuSeconds(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** nginx in front of `upstreamPort`, asking `verifyUrl` first when given; returns its port and a stop. */
async function startNginx(upstreamPort, verifyUrl) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lapse-bench-nginx-"));
  const port = await freePort();
  const auth = verifyUrl
    ? `auth_request /_lapse;
      auth_request_set $lapse_subject $upstream_http_lapse_subject;
      proxy_set_header Lapse-Subject $lapse_subject;`
    : "";
  fs.writeFileSync(
    path.join(dir, "nginx.conf"),
    `daemon off; master_process off; worker_processes 1; pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  # autocannon keeps its connections open for the whole run: nginx's default closes a client's
  # connection after 1,000 requests, which autocannon counts as an error. Upstream connections are
  # dropped before Node's own keep-alive timeout (5 s) closes them under nginx.
  keepalive_requests 1000000;
  upstream lapse {
    server 127.0.0.1:${verifyUrl ? new URL(verifyUrl).port : upstreamPort};
    keepalive 64; keepalive_requests 1000000; keepalive_timeout 4s;
  }
  upstream service {
    server 127.0.0.1:${upstreamPort}; keepalive 64; keepalive_requests 1000000; keepalive_timeout 4s;
  }
  server {
    listen 127.0.0.1:${port};
    location / { ${auth} proxy_http_version 1.1; proxy_set_header Connection ""; proxy_pass http://service; }
    location = /_lapse {
      internal;
      proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_pass http://lapse${verifyUrl ? new URL(verifyUrl).pathname + new URL(verifyUrl).search : "/"};
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Forwarded-For $remote_addr;
    }
  }
}
`,
  );
  const child = spawn(NGINX, ["-p", dir, "-c", `${dir}/nginx.conf`], { stdio: "ignore" });
  await new Promise((resolve) => setTimeout(resolve, 300));
  return {
    url: `http://127.0.0.1:${port}/`,
    stop: () => {
      child.kill();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function compare(targets, connections, overallRate) {
  const runs = Object.fromEntries(Object.keys(targets).map((m) => [m, []]));
  const modes = Object.keys(targets);
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of round % 2 ? [...modes].reverse() : modes) {
      const { url, secret, pids = [] } = targets[mode];
      const cpuBefore = pids.map(cpuSeconds);
      const result = await load(url, secret, connections, DURATION, overallRate);
      const cpu = pids.reduce((sum, pid, i) => sum + cpuSeconds(pid) - cpuBefore[i], 0);
      if (result.non2xx || result.errors) {
        throw new Error(`${mode}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
      }
      runs[mode].push({
        rps: result.requests.average,
        p50: result.latency.p50,
        p99: result.latency.p99,
        // Microseconds of the serving process's CPU per answered request: what the route costs
        // whatever else the machine is doing, where req/s moves with every other process on it.
        ...(pids.length
          ? { cpuUsPerRequest: Math.round((cpu * 1e6) / result.requests.total) }
          : {}),
      });
    }
  }
  return Object.fromEntries(
    modes.map((m) => [
      m,
      {
        ...Object.fromEntries(
          Object.keys(runs[m][0]).map((field) => [field, median(runs[m].map((r) => r[field]))]),
        ),
        // Each round's req/s: ratios of one round's runs (taken minutes apart at most) show how
        // far this machine's noise moves them.
        rpsByRound: runs[m].map((r) => Math.round(r.rps)),
      },
    ]),
  );
}

export async function measureVerifyCost() {
  const lapse = await start("verify", { LAPSE_VERIFY_CACHE_MS: "0" });
  const cached = await start("verify", { LAPSE_VERIFY_CACHE_MS: CACHE_MS });
  const bare = await start("bare");
  const verifyUrl = `http://127.0.0.1:${lapse.port}/api/auth/verify${lapse.query}`;
  const results = {
    seconds: DURATION,
    rounds: ROUNDS,
    pinned: PIN,
    route: [],
    fixedRate: null,
    nginx: null,
  };
  const ratio = (a, b) => Number((a / b).toFixed(2));
  try {
    const targets = {
      verify: { url: verifyUrl, secret: lapse.secret, pids: [lapse.child.pid] },
      verifyCached: {
        url: `http://127.0.0.1:${cached.port}/api/auth/verify${cached.query}`,
        secret: cached.secret,
        pids: [cached.child.pid],
      },
      bare: {
        url: `http://127.0.0.1:${lapse.port}/bench/bare`,
        secret: "none",
        pids: [lapse.child.pid],
      },
      bareNode: {
        url: `http://127.0.0.1:${lapse.port}/bench/bare-node`,
        secret: "none",
        pids: [lapse.child.pid],
      },
      bareProcess: {
        url: `http://127.0.0.1:${bare.port}/api/auth/verify`,
        secret: "none",
        pids: [bare.child.pid],
      },
    };
    for (const m of Object.keys(targets)) await load(targets[m].url, targets[m].secret, 16, 2);
    for (const connections of CONNECTIONS) {
      const summary = await compare(targets, connections);
      const row = {
        connections,
        summary,
        ratioToBare: ratio(summary.verify.rps, summary.bare.rps),
        ratioToBareByRound: summary.verify.rpsByRound.map((v, i) =>
          ratio(v, summary.bare.rpsByRound[i]),
        ),
        cachedRatioToBareByRound: summary.verifyCached.rpsByRound.map((v, i) =>
          ratio(v, summary.bare.rpsByRound[i]),
        ),
        cpuRatioToBare: ratio(summary.verify.cpuUsPerRequest, summary.bare.cpuUsPerRequest),
        cachedRatioToBare: ratio(summary.verifyCached.rps, summary.bare.rps),
        cachedCpuRatioToBare: ratio(
          summary.verifyCached.cpuUsPerRequest,
          summary.bare.cpuUsPerRequest,
        ),
        ratioToBareNode: ratio(summary.verify.rps, summary.bareNode.rps),
        cpuRatioToBareNode: ratio(summary.verify.cpuUsPerRequest, summary.bareNode.cpuUsPerRequest),
        ratioToBareProcess: ratio(summary.verify.rps, summary.bareProcess.rps),
        cpuRatioToBareProcess: ratio(
          summary.verify.cpuUsPerRequest,
          summary.bareProcess.cpuUsPerRequest,
        ),
      };
      results.route.push(row);
      console.error(JSON.stringify(row));
    }
    // Latency at saturation is mostly queueing (and here the load generator shares the cores), so
    // it is also compared at a rate the process serves with room to spare.
    const { bareProcess: _, ...sameProcess } = targets;
    results.fixedRate = {
      connections: 16,
      offeredPerSecond: FIXED_RATE,
      summary: await compare(sameProcess, 16, FIXED_RATE),
    };
    console.error(JSON.stringify(results.fixedRate));
    if (!process.env.NO_NGINX && spawnSync("sh", ["-c", `test -x ${NGINX}`]).status === 0) {
      // The service behind nginx is the bare process's route; with auth_request, nginx asks Lapse.
      const alone = await startNginx(bare.port, null);
      const guarded = await startNginx(bare.port, verifyUrl);
      try {
        const nginxTargets = {
          guarded: { url: guarded.url + "api/auth/verify", secret: lapse.secret },
          alone: { url: alone.url + "api/auth/verify", secret: lapse.secret },
        };
        for (const m of Object.keys(nginxTargets)) {
          await load(nginxTargets[m].url, nginxTargets[m].secret, 16, 2);
        }
        const summary = await compare(nginxTargets, 16);
        results.nginx = {
          connections: 16,
          summary,
          ratioToAlone: Number((summary.guarded.rps / summary.alone.rps).toFixed(2)),
        };
        console.error(JSON.stringify(results.nginx));
      } finally {
        alone.stop();
        guarded.stop();
      }
    }
    return results;
  } finally {
    lapse.child.kill();
    cached.child.kill();
    bare.child.kill();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await measureVerifyCost(), null, 2));
}
