import "reflect-metadata";
import { runCli } from "./cli/run-cli";
import { systemClock } from "./clock";

runCli(process.argv.slice(2), {
  env: process.env,
  clock: systemClock,
  out: (line) => console.log(line),
  err: (line) => console.error(line),
}).then((code) => process.exit(code));
