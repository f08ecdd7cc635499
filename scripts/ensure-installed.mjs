// Runs `npm ci` when dependencies are missing or older than the lock file, so that `npm start` and
// `npm test` work on a fresh clone as the first command.
import { execSync } from "node:child_process";
import fs from "node:fs";

const marker = "node_modules/.package-lock.json";
const stale =
  !fs.existsSync(marker) || fs.statSync(marker).mtimeMs < fs.statSync("package-lock.json").mtimeMs;
if (stale) {
  console.log("Installing dependencies (npm ci)...");
  execSync("npm ci --no-audit --no-fund", { stdio: "inherit" });
}
