// The console's built bundle: bytes of each asset and gzip-compressed, as a browser downloads them.
import fs from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

const assets = new URL("../web/dist/assets/", import.meta.url).pathname;

export function measureBundle() {
  if (!fs.existsSync(assets)) throw new Error("Build the console first (npm run build).");
  const files = fs
    .readdirSync(assets)
    .filter((name) => /\.(js|css)$/.test(name))
    .map((name) => {
      const content = fs.readFileSync(path.join(assets, name));
      return { name, bytes: content.length, gzip: gzipSync(content, { level: 9 }).length };
    });
  const total = (key) => files.reduce((sum, file) => sum + file[key], 0);
  return { files, bytes: total("bytes"), gzip: total("gzip") };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(measureBundle(), null, 2));
}
