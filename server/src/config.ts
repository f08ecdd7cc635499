import path from "node:path";
import { DEFAULT_AUTH_THROTTLE } from "./auth/auth-throttle";
import type { SyncWaitSetting } from "./db/galera";
import { DEFAULT_DB_TIMEOUT_MS } from "./db/pool-guard";
import { GITHUB_SECRET_SCANNING_KEYS_URL } from "./modules/leak/secret-scanning-keys";
import { readSignInSettings, type SignInSettings } from "./modules/session/sso-settings";
import { MAX_VERIFY_CACHE_MS } from "./modules/trust/verify-cache";

/** Everything Lapse reads from the environment, parsed once at start. */
export interface Config {
  databaseUrl: string;
  port: number;
  bootstrapOrg: string;
  bootstrapAdmin: string;
  logLevel: string;
  webDir: string;
  production: boolean;
  /** Failed authentications per client address or token per minute before a lockout. */
  authMaxFailures: number;
  /** Which proxies' X-Forwarded-For to believe for the client address (Express `trust proxy`). */
  trustProxy: string;
  /** MySQL: how long a statement, or a wait for a connection, may take before a 503 (0: no limit). */
  dbTimeoutMs: number;
  /** MySQL: `wsrep_sync_wait` for every session; "auto" sets 1 on a Galera node, nothing elsewhere. */
  dbSyncWait: SyncWaitSetting;
  /** Whether OIDC issuers on loopback, private and other non-public addresses are trusted. */
  oidcAllowPrivateIssuers: boolean;
  /** Where the secret-scanning partner's public keys are fetched (GitHub's by default). */
  secretScanningKeysUrl: string;
  /** Encrypts webhook signing secrets; null: webhooks are off. */
  webhookKey: string | null;
  /** Whether webhooks may target http and loopback, private or link-local addresses. */
  webhookAllowPrivate: boolean;
  /** smtp(s)://user:pass@host:port for expiry digests; null: no email is attempted. */
  smtpUrl: string | null;
  emailFrom: string;
  /** The console's public address, for links in emails. */
  consoleUrl: string;
  /** GET /metrics: on for anyone, or (with a token) for those who send it. */
  metrics: { enabled: boolean; token: string | null };
  /** How long the gateway check may accept a token from memory (LAPSE_VERIFY_CACHE_MS; 0: never). */
  verifyCacheMs: number;
  /** Console sign-in: single sign-on (LAPSE_SSO_*, LAPSE_PUBLIC_URL) and whether tokens may sign in. */
  signIn: SignInSettings;
}

export const DEFAULT_DATABASE_URL = "sqlite:./data/lapse.sqlite";

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 4000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a whole number from 0 to 65535, not "${env.PORT}".`);
  }
  const authMaxFailures = Number(env.LAPSE_AUTH_MAX_FAILURES ?? DEFAULT_AUTH_THROTTLE.maxFailures);
  if (!Number.isInteger(authMaxFailures) || authMaxFailures < 1) {
    throw new Error(
      `LAPSE_AUTH_MAX_FAILURES must be a whole number of at least 1, not "${env.LAPSE_AUTH_MAX_FAILURES}".`,
    );
  }
  const dbTimeoutMs = Number(env.LAPSE_DB_TIMEOUT_MS || DEFAULT_DB_TIMEOUT_MS);
  if (!Number.isInteger(dbTimeoutMs) || dbTimeoutMs < 0) {
    throw new Error(
      `LAPSE_DB_TIMEOUT_MS must be a whole number of milliseconds (0 for no limit), not "${env.LAPSE_DB_TIMEOUT_MS}".`,
    );
  }
  const syncWait = env.LAPSE_DB_SYNC_WAIT || "auto";
  if (syncWait !== "auto" && !/^(?:[0-9]|1[0-5])$/.test(syncWait)) {
    throw new Error(
      `LAPSE_DB_SYNC_WAIT must be auto or a whole number from 0 to 15 (Galera's wsrep_sync_wait), not "${env.LAPSE_DB_SYNC_WAIT}".`,
    );
  }
  const allowPrivate = env.LAPSE_OIDC_ALLOW_PRIVATE_ISSUERS || "false";
  if (allowPrivate !== "true" && allowPrivate !== "false") {
    throw new Error(
      `LAPSE_OIDC_ALLOW_PRIVATE_ISSUERS must be true or false, not "${env.LAPSE_OIDC_ALLOW_PRIVATE_ISSUERS}".`,
    );
  }
  const secretScanningKeysUrl =
    env.LAPSE_SECRET_SCANNING_KEYS_URL || GITHUB_SECRET_SCANNING_KEYS_URL;
  const keysProtocol = URL.canParse(secretScanningKeysUrl)
    ? new URL(secretScanningKeysUrl).protocol
    : null;
  if (keysProtocol !== "https:" && keysProtocol !== "http:") {
    throw new Error(
      `LAPSE_SECRET_SCANNING_KEYS_URL must be an http or https URL, not "${env.LAPSE_SECRET_SCANNING_KEYS_URL}".`,
    );
  }
  const webhookKey = env.LAPSE_WEBHOOK_KEY || null;
  if (webhookKey !== null && webhookKey.length < 32) {
    throw new Error(
      "LAPSE_WEBHOOK_KEY must be at least 32 characters long (e.g. the output of `openssl rand -base64 32`).",
    );
  }
  const smtpUrl = env.SMTP_URL || null;
  if (smtpUrl !== null && !/^smtps?:\/\//.test(smtpUrl)) {
    throw new Error(
      `SMTP_URL must start with smtp:// or smtps://, such as smtp://mail.example.com:587.`,
    );
  }
  const verifyCacheMs = Number(env.LAPSE_VERIFY_CACHE_MS || 0);
  if (
    !Number.isInteger(verifyCacheMs) ||
    verifyCacheMs < 0 ||
    verifyCacheMs > MAX_VERIFY_CACHE_MS
  ) {
    throw new Error(
      `LAPSE_VERIFY_CACHE_MS must be a whole number of milliseconds from 0 (no cache, the default) to ${MAX_VERIFY_CACHE_MS}, not "${env.LAPSE_VERIFY_CACHE_MS}".`,
    );
  }
  const signIn = readSignInSettings(env);
  return {
    verifyCacheMs,
    signIn,
    authMaxFailures,
    secretScanningKeysUrl,
    webhookKey,
    smtpUrl,
    emailFrom: env.LAPSE_EMAIL_FROM || "Lapse <lapse@localhost>",
    consoleUrl: env.LAPSE_CONSOLE_URL || `http://localhost:${port}`,
    metrics: {
      enabled: booleanSetting(env, "LAPSE_METRICS"),
      token: env.LAPSE_METRICS_TOKEN || null,
    },
    webhookAllowPrivate: booleanSetting(env, "LAPSE_WEBHOOK_ALLOW_PRIVATE"),
    oidcAllowPrivateIssuers: allowPrivate === "true",
    dbTimeoutMs,
    dbSyncWait: syncWait === "auto" ? "auto" : Number(syncWait),
    trustProxy: env.LAPSE_TRUST_PROXY || "loopback",
    databaseUrl: env.DATABASE_URL || DEFAULT_DATABASE_URL,
    port,
    bootstrapOrg: env.LAPSE_BOOTSTRAP_ORG || "acme",
    bootstrapAdmin: env.LAPSE_BOOTSTRAP_ADMIN || "admin",
    logLevel: env.LOG_LEVEL || "info",
    webDir: env.LAPSE_WEB_DIR || path.resolve(__dirname, "../../web/dist"),
    production: env.NODE_ENV === "production",
  };
}

/** A true/false variable, false when unset; anything else stops the start with a sentence. */
function booleanSetting(env: NodeJS.ProcessEnv, name: string): boolean {
  const value = env[name] || "false";
  if (value !== "true" && value !== "false") {
    throw new Error(`${name} must be true or false, not "${env[name]}".`);
  }
  return value === "true";
}
