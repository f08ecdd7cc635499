import { spawnSync } from "node:child_process";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "./stores";

const root = path.resolve(__dirname, "../..");

/** `npm run lapse -- <argv>` as an operator types it, from the repository root. */
function npmRunLapse(databaseUrl: string, ...argv: string[]) {
  const started = performance.now();
  const run = spawnSync("npm", ["run", "lapse", "--", ...argv], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: "utf8",
    timeout: 60_000,
  });
  return {
    code: run.status,
    stdout: run.stdout,
    stderr: run.stderr.split("\n").filter((line) => line !== ""),
    seconds: (performance.now() - started) / 1000,
  };
}

describe("npm run lapse", () => {
  let database: { url: string; drop(): Promise<void> };
  beforeAll(async () => {
    // The command would rebuild a stale server under the other tests' feet: build first (npm test does).
    const fresh = spawnSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        "const m = await import('./scripts/server-build.mjs'); process.exit(m.serverBuildIsFresh() ? 0 : 3)",
      ],
      { cwd: root },
    );
    if (fresh.status !== 0)
      throw new Error("Build the server first (npm run build); npm test does.");
    database = await freshDatabase({ kind: "sqlite" });
    return () => database.drop();
  });

  it("answers from the current build without rebuilding it", async () => {
    const run = npmRunLapse(database.url, "migrate");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Migrations are up to date\.\n$/);
    expect(run.stdout + run.stderr.join("\n")).not.toMatch(/tsc|building/);
    // Rebuilding took 7 to 12 s; this bound leaves room for a busy two-core machine.
    expect(run.seconds).toBeLessThan(6);
  });

  it("prints a failing command's one line, and no npm error lines", async () => {
    const run = npmRunLapse(database.url, "user-token", "--login", "nobody");
    expect(run.code).toBe(1);
    expect(run.stderr).toEqual([`lapse: No user with login "nobody" exists.`]);
  });
});
