import "reflect-metadata";
import { parseArgs } from "node:util";
import { systemClock } from "./clock";
import { readConfig } from "./config";
import { systemContext } from "./context";
import { openDatabase } from "./db/data-source";
import { LapseError } from "./errors/lapse-error";
import { createLoaders } from "./loaders";
import { createLogger } from "./logger";
import { Edition } from "./modules/organization/organization.types";
import { parseDuration } from "./modules/token/token-expiry";
import { createServices } from "./services";

const USAGE = `Usage: npm run lapse -- <command> [options]   (against DATABASE_URL)

  migrate                                   apply pending migrations
  bootstrap --org <name> --admin <login> [--edition <EDITION>] [--expires-in <30d|12h|...>]
                                            create an organization, its admin and the admin's token
  user-token --login <login> [--name <name>] [--expires-in <30d|12h|...>]
                                            a new personal token for an existing user

Commands that create a token print its secret as the last line of standard output.`;

class UsageError extends Error {}

async function run(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      org: { type: "string" },
      admin: { type: "string" },
      edition: { type: "string" },
      login: { type: "string" },
      name: { type: "string" },
      "expires-in": { type: "string" },
    },
    strict: true,
  });
  if (!command || !["migrate", "bootstrap", "user-token"].includes(command)) throw new UsageError();

  const config = readConfig();
  // Logs go to stderr so that stdout carries only what scripts read.
  const logger = createLogger({ level: "warn", destination: process.stderr });
  const dataSource = await openDatabase(config.databaseUrl);
  try {
    if (command === "migrate") {
      console.log("Migrations are up to date.");
      return;
    }
    const services = createServices(dataSource);
    const ctx = systemContext(
      { clock: systemClock, logger, services, loaders: createLoaders(dataSource) },
      "lapse-cli",
    );
    const expiresAt = values["expires-in"]
      ? new Date(systemClock.now().getTime() + parseDuration(values["expires-in"]))
      : null;
    if (command === "bootstrap") {
      if (!values.org || !values.admin) throw new UsageError();
      const edition = (values.edition ?? Edition.ENTERPRISE).toUpperCase();
      if (!(edition in Edition))
        throw new LapseError(
          "BAD_USER_INPUT",
          `--edition must be one of ${Object.keys(Edition).join(", ")}.`,
        );
      const created = await services.bootstrap.bootstrap(ctx, {
        organization: values.org,
        admin: values.admin,
        edition: edition as Edition,
        expiresAt,
      });
      console.log(
        `Created organization ${values.org} with admin ${values.admin}; their token (shown once):`,
      );
      console.log(created.secret);
      return;
    }
    if (!values.login) throw new UsageError();
    const created = await services.bootstrap.userToken(ctx, {
      login: values.login,
      name: values.name ?? `cli-${systemClock.now().toISOString().slice(0, 19)}`,
      expiresAt,
    });
    console.log(`Created personal token "${created.token.name}" for ${values.login} (shown once):`);
    console.log(created.secret);
  } finally {
    await dataSource.destroy();
  }
}

run(process.argv.slice(2)).catch((error: unknown) => {
  if (
    error instanceof UsageError ||
    (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")
  ) {
    console.error(USAGE);
    process.exit(2);
  }
  console.error(`lapse: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
