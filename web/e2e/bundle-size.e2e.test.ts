import fs from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";

const web = path.resolve(import.meta.dirname, "..");
const readme = path.resolve(web, "../README.md");
const BUDGET_BYTES = 250_000;
// The README's figure may lag the build by this much, so a small change needs no README edit.
const README_SLACK_KIB = 3;

/** The built console's JavaScript, gzipped as a server would send it (zlib's default level). */
function gzippedJavaScript(): number {
  const assets = path.join(web, "dist/assets");
  if (!fs.existsSync(assets))
    throw new Error("Build the console first (npm run build); npm test does.");
  return fs
    .readdirSync(assets)
    .filter((name) => name.endsWith(".js"))
    .reduce((sum, name) => sum + gzipSync(fs.readFileSync(path.join(assets, name))).length, 0);
}

describe("the console's bundle", () => {
  it("stays within its 250 KB budget of gzipped JavaScript, and the README quotes its size", () => {
    const bytes = gzippedJavaScript();
    expect(bytes).toBeLessThanOrEqual(BUDGET_BYTES);
    const quoted = /production bundle is about (\d+) KiB of gzipped JavaScript/.exec(
      fs.readFileSync(readme, "utf8"),
    );
    expect(quoted, "README states the bundle size").not.toBeNull();
    const kib = Math.round(bytes / 1024);
    expect(
      Math.abs(Number(quoted![1]) - kib),
      `README says ${quoted![1]} KiB; the build is ${kib} KiB (${bytes} bytes)`,
    ).toBeLessThanOrEqual(README_SLACK_KIB);
  });
});
