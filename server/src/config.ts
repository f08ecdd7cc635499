import path from "node:path";

/** Everything Lapse reads from the environment, parsed once at start. */
export interface Config {
  databaseUrl: string;
  port: number;
  bootstrapOrg: string;
  bootstrapAdmin: string;
  logLevel: string;
  webDir: string;
  production: boolean;
}

export const DEFAULT_DATABASE_URL = "sqlite:./data/lapse.sqlite";

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 4000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a whole number from 0 to 65535, not "${env.PORT}".`);
  }
  return {
    databaseUrl: env.DATABASE_URL || DEFAULT_DATABASE_URL,
    port,
    bootstrapOrg: env.LAPSE_BOOTSTRAP_ORG || "acme",
    bootstrapAdmin: env.LAPSE_BOOTSTRAP_ADMIN || "admin",
    logLevel: env.LOG_LEVEL || "info",
    webDir: env.LAPSE_WEB_DIR || path.resolve(__dirname, "../../web/dist"),
    production: env.NODE_ENV === "production",
  };
}
