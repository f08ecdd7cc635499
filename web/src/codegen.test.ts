import fs from "node:fs";
import path from "node:path";
import { generate } from "@graphql-codegen/cli";
import { describe, expect, it } from "vitest";
import config from "../codegen";

const webRoot = path.resolve(import.meta.dirname, "..");

describe("generated operations", () => {
  it("match ../schema.graphql and the .graphql documents (run `npm run codegen -w web` after changing either)", async () => {
    const files = await generate({ ...config, cwd: webRoot, silent: true }, false);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const committed = fs.readFileSync(path.resolve(webRoot, file.filename), "utf8");
      expect(file.content, file.filename).toBe(committed);
    }
  });
});
