import { parseArgs } from "node:util";
import type { Clock } from "../clock";
import { readConfig } from "../config";
import { systemContext } from "../context";
import { openDatabase } from "../db/data-source";
import { LapseError, badUserInput } from "../errors/lapse-error";
import { createLoaders } from "../loaders";
import { createLogger } from "../logger";
import { Edition } from "../modules/organization/organization.types";
import { OPERATOR_TOKEN_DAYS } from "../modules/bootstrap/bootstrap.service";
import { parseDuration } from "../modules/token/token-expiry";
import { createServices } from "../services";

export const USAGE = `Usage: npm run lapse -- <command> [options]   (against DATABASE_URL)

  migrate                                   apply pending migrations
  bootstrap --org <name> --admin <login> [--edition <EDITION>] [--expires-in <30d|12h|...|never>]
                                            create an organization, its admin and the admin's token
  user-token --login <login> [--name <name>] [--expires-in <30d|12h|...|never>]
                                            a new personal token for an existing user

Tokens expire in ${OPERATOR_TOKEN_DAYS} days unless --expires-in says otherwise; only "--expires-in never"
makes one that never expires. Commands that create a token print its expiry, and its secret as
the last line of standard output.`;

export interface CliIO {
  env: NodeJS.ProcessEnv;
  clock: Clock;
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Runs one CLI command; returns the process exit code (0 done, 1 refused, 2 usage). */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  let command: string | undefined;
  let values: Record<string, string | undefined>;
  try {
    const parsed = parseArgs({
      args: argv,
      allowPositionals: true,
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
    command = parsed.positionals[0];
    values = parsed.values;
  } catch {
    command = undefined;
    values = {};
  }
  const known =
    (command === "migrate" && true) ||
    (command === "bootstrap" && values.org && values.admin) ||
    (command === "user-token" && values.login);
  if (!known) {
    io.err(USAGE);
    return 2;
  }

  try {
    const config = readConfig(io.env);
    const expiresIn = values["expires-in"] ?? `${OPERATOR_TOKEN_DAYS}d`;
    const expiresAt =
      expiresIn === "never" ? null : new Date(io.clock.now().getTime() + parseDuration(expiresIn));
    const expiry = expiresAt ? `expires ${expiresAt.toISOString()}` : "never expires";
    const edition = (values.edition ?? Edition.ENTERPRISE).toUpperCase();
    if (!(edition in Edition)) {
      throw badUserInput(`--edition must be one of ${Object.keys(Edition).join(", ")}.`);
    }
    const dataSource = await openDatabase(config.databaseUrl, {
      notify: io.err,
      syncWait: config.dbSyncWait,
    });
    try {
      if (command === "migrate") {
        io.out("Migrations are up to date.");
        return 0;
      }
      // Logs go to stderr so that stdout carries only what scripts read.
      const logger = createLogger({ level: "warn", destination: process.stderr });
      const services = createServices(dataSource, logger);
      const ctx = systemContext(
        { clock: io.clock, logger, services, loaders: createLoaders(dataSource) },
        "lapse-cli",
      );
      if (command === "bootstrap") {
        const created = await services.bootstrap.bootstrap(ctx, {
          organization: values.org!,
          admin: values.admin!,
          edition: edition as Edition,
          expiresAt,
        });
        io.out(
          `Created organization ${values.org} with admin ${values.admin}; their token ` +
            `"${created.token.name}" ${expiry} (shown once):`,
        );
        io.out(created.secret);
        return 0;
      }
      const created = await services.bootstrap.userToken(ctx, {
        login: values.login!,
        name: values.name,
        expiresAt,
      });
      io.out(
        `Created personal token "${created.token.name}" for ${values.login}; it ${expiry} (shown once):`,
      );
      io.out(created.secret);
      return 0;
    } finally {
      await dataSource.destroy();
    }
  } catch (error) {
    io.err(`lapse: ${error instanceof LapseError ? error.message : (error as Error).message}`);
    return 1;
  }
}
