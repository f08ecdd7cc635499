import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildLapseSchema } from "./build-schema";
import { printLapseSchema } from "./print-schema";

describe("schema.graphql", () => {
  it("matches the schema the code builds (run `npm run schema` after changing the API)", async () => {
    const committed = fs.readFileSync(path.resolve(__dirname, "../../../schema.graphql"), "utf8");
    expect(printLapseSchema(await buildLapseSchema())).toBe(committed);
  });
});
