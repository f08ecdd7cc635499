// The tests' private Galera cluster (server/test/private-galera.ts) for the benchmarks: the same
// TypeScript, transpiled on the fly with the project's own compiler into node_modules/.cache, so
// that a benchmark and the cluster test start their clusters the same way.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cache = path.join(root, "node_modules", ".cache", "lapse-bench");

/** `{ PrivateGalera, galeraAvailable }` from server/test/private-galera.ts. */
export function loadPrivateGalera() {
  fs.mkdirSync(cache, { recursive: true });
  for (const name of ["private-galera", "private-mariadb"]) {
    const source = fs.readFileSync(path.join(root, "server", "test", `${name}.ts`), "utf8");
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    });
    fs.writeFileSync(path.join(cache, `${name}.js`), outputText);
  }
  return createRequire(import.meta.url)(path.join(cache, "private-galera.js"));
}
