// Builds the server (tsc -p server/tsconfig.build.json) and records when it last built cleanly, so
// that `npm run lapse` (scripts/lapse.mjs) rebuilds only when a source is newer than that build.
// `npm run build -w server` runs this file.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const server = path.join(root, "server");
export const CLI = path.join(server, "dist", "cli.js");
const STAMP = path.join(server, "dist", ".build-stamp");

/** What the build reads: a change to any of them makes dist/ stale. */
const SOURCES = [
  path.join(server, "src"),
  path.join(server, "tsconfig.json"),
  path.join(server, "tsconfig.build.json"),
  path.join(server, "package.json"),
  path.join(root, "tsconfig.json"),
  path.join(root, "package-lock.json"),
];

/** The newest change under `entry`; directories count, so a deleted or renamed file counts too. */
function newest(entry) {
  const stat = fs.statSync(entry, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const name of fs.readdirSync(entry))
    latest = Math.max(latest, newest(path.join(entry, name)));
  return latest;
}

/** True when dist/ came from a clean build that started after the last change to a source. */
export function serverBuildIsFresh() {
  const built = fs.statSync(STAMP, { throwIfNoEntry: false })?.mtimeMs;
  return built !== undefined && fs.existsSync(CLI) && Math.max(...SOURCES.map(newest)) <= built;
}

/** Runs tsc, its output to `output`; stamps dist/ only when it succeeds. Returns tsc's exit code. */
export function buildServer(output = process.stdout) {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  // The build's start, not its end: a source saved while tsc runs is newer, and rebuilds next time.
  const startedAt = new Date();
  const build = spawnSync(process.execPath, [tsc, "-p", path.join(server, "tsconfig.build.json")], {
    stdio: ["ignore", output, process.stderr],
  });
  if (build.status !== 0) return build.status ?? 1;
  fs.writeFileSync(STAMP, "");
  fs.utimesSync(STAMP, startedAt, startedAt);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exit(buildServer());
}
