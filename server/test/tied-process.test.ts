import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { transformSync } from "@swc/core";
import { expect, it } from "vitest";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it("kills a tied server once the test process that started it is SIGKILLed", async () => {
  // A test process of its own, running the real spawnTied, that we can kill outright.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lapse-tied-"));
  const source = fs.readFileSync(path.join(__dirname, "tied-process.ts"), "utf8");
  const { code } = transformSync(source, {
    jsc: { parser: { syntax: "typescript" }, target: "es2022" },
    module: { type: "commonjs" },
  });
  fs.writeFileSync(path.join(dir, "tied-process.cjs"), code);
  fs.writeFileSync(
    path.join(dir, "owner.cjs"),
    `const { spawnTied } = require("./tied-process.cjs");
     const server = spawnTied("sleep", ["120"], { stdio: "ignore" });
     console.log(server.pid);
     setInterval(() => {}, 1000);`,
  );
  const owner = spawn(process.execPath, [path.join(dir, "owner.cjs")], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const serverPid = await new Promise<number>((resolve) =>
    owner.stdout.once("data", (chunk: Buffer) => resolve(Number(chunk.toString().trim()))),
  );
  expect(alive(serverPid)).toBe(true);
  owner.kill("SIGKILL");
  // The watchdog polls each second; a few seconds is plenty however busy the machine is.
  await expect.poll(() => alive(serverPid), { timeout: 15_000, interval: 200 }).toBe(false);
  fs.rmSync(dir, { recursive: true, force: true });
}, 30_000);
