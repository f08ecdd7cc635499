import "reflect-metadata";
import { systemClock } from "./clock";
import { readConfig } from "./config";
import { createLogger } from "./logger";
import { startLapse } from "./server";

async function main() {
  const config = readConfig();
  const logger = createLogger({ level: config.logLevel });
  const lapse = await startLapse(config, {
    clock: systemClock,
    logger,
    print: (text) => process.stdout.write(text),
  });
  const shutdown = () => {
    logger.info("shutting down");
    void lapse.close().finally(() => process.exit(0));
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

main().catch((error: unknown) => {
  console.error("Lapse failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
