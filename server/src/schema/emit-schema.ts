import fs from "node:fs";
import path from "node:path";
import { buildLapseSchema } from "./build-schema";
import { printLapseSchema } from "./print-schema";

/** Writes schema.graphql at the repository root: `npm run schema`. */
async function main() {
  const target = path.resolve(__dirname, "../../../schema.graphql");
  fs.writeFileSync(target, printLapseSchema(await buildLapseSchema()));
  console.log(`wrote ${target}`);
}

void main();
