// `npm run lapse -- <command>`: the command line (server/dist/cli.js), built first only when a source
// changed since the last build (scripts/server-build.mjs): rebuilding on every call cost 7 to 12 s.
// The command runs in this process, in server/ as `npm run lapse -w server` did (so sqlite:./data/...
// names the same file), and exits with its own code; npm adds no `npm error` lines to its one line.
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);
await import("./ensure-installed.mjs");
const { CLI, buildServer, serverBuildIsFresh } = await import("./server-build.mjs");

if (!serverBuildIsFresh()) {
  // On stderr, so that a token's secret stays the last line of stdout.
  console.error("lapse: building the server (its sources changed)...");
  if (buildServer(process.stderr) !== 0) {
    console.error("lapse: the server does not build (above); fix it and run the command again.");
    process.exit(1);
  }
}

process.chdir(path.join(root, "server"));
await import(pathToFileURL(CLI).href);
