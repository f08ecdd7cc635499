// `npm run bench`: every benchmark, one after another (never side by side: they share the
// machine), with the machine's description; the results go to stdout and bench/results.json.
import fs from "node:fs";
import os from "node:os";
import { execSync } from "node:child_process";
import { measureAuthCost } from "./auth-cost.mjs";
import { measureBundle } from "./bundle-size.mjs";
import { measureConsole } from "./console.mjs";
import { measureScale } from "./scale.mjs";
import { measureVerifyCost } from "./verify-cost.mjs";
import { measureSyncWait } from "./sync-wait.mjs";
import { measureOutboxCost } from "./outbox-cost.mjs";

const version = (command) => {
  try {
    return execSync(command, { encoding: "utf8" }).trim().split("\n")[0];
  } catch {
    return "unknown";
  }
};

const results = {
  when: new Date().toISOString(),
  machine: {
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    database: version("mysql -uroot -h127.0.0.1 -N -e 'SELECT VERSION()'"),
  },
  bundle: measureBundle(),
};
console.error("auth cost …");
results.authCost = await measureAuthCost();
console.error("gateway verification cost …");
results.verifyCost = await measureVerifyCost();
console.error("wsrep_sync_wait on a three-node Galera cluster …");
results.galeraSyncWait = await measureSyncWait();
console.error("console with many tokens …");
results.console = await measureConsole();
console.error("webhook outbox on token creation …");
results.outboxCost = await measureOutboxCost();
console.error("scale of data …");
results.scale = await measureScale();
fs.writeFileSync(
  new URL("./results.json", import.meta.url),
  JSON.stringify(results, null, 2) + "\n",
);
console.log(JSON.stringify(results, null, 2));
