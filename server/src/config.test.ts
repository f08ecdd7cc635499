import { describe, expect, it } from "vitest";
import { DEFAULT_AUTH_THROTTLE } from "./auth/auth-throttle";
import { readConfig } from "./config";
import { DEFAULT_DB_TIMEOUT_MS } from "./db/pool-guard";

describe("configuration", () => {
  it("reads the failed-authentication limit and the trusted proxies, with defaults", () => {
    expect(readConfig({})).toMatchObject({
      authMaxFailures: DEFAULT_AUTH_THROTTLE.maxFailures,
      trustProxy: "loopback",
    });
    expect(
      readConfig({ LAPSE_AUTH_MAX_FAILURES: "5", LAPSE_TRUST_PROXY: "10.0.0.0/8" }),
    ).toMatchObject({ authMaxFailures: 5, trustProxy: "10.0.0.0/8" });
  });

  it("reads the database timeout, 0 for none, and refuses anything but whole milliseconds", () => {
    expect(readConfig({}).dbTimeoutMs).toBe(DEFAULT_DB_TIMEOUT_MS);
    expect(readConfig({ LAPSE_DB_TIMEOUT_MS: "2500" }).dbTimeoutMs).toBe(2500);
    expect(readConfig({ LAPSE_DB_TIMEOUT_MS: "0" }).dbTimeoutMs).toBe(0);
    expect(readConfig({ LAPSE_DB_TIMEOUT_MS: "" }).dbTimeoutMs).toBe(DEFAULT_DB_TIMEOUT_MS);
    for (const bad of ["-1", "1.5", "soon"]) {
      expect(() => readConfig({ LAPSE_DB_TIMEOUT_MS: bad })).toThrow(
        /LAPSE_DB_TIMEOUT_MS must be a whole number of milliseconds/,
      );
    }
  });

  it("reads LAPSE_DB_SYNC_WAIT as auto or Galera's 0 to 15, and refuses anything else", () => {
    expect(readConfig({}).dbSyncWait).toBe("auto");
    expect(readConfig({ LAPSE_DB_SYNC_WAIT: "auto" }).dbSyncWait).toBe("auto");
    expect(readConfig({ LAPSE_DB_SYNC_WAIT: "0" }).dbSyncWait).toBe(0);
    expect(readConfig({ LAPSE_DB_SYNC_WAIT: "15" }).dbSyncWait).toBe(15);
    for (const bad of ["16", "-1", "1.5", "on", "01"]) {
      expect(() => readConfig({ LAPSE_DB_SYNC_WAIT: bad })).toThrow(
        /LAPSE_DB_SYNC_WAIT must be auto or a whole number from 0 to 15/,
      );
    }
  });

  it("refuses a failure limit that is not a whole number of at least 1, naming the variable", () => {
    for (const bad of ["0", "-3", "2.5", "many"]) {
      expect(() => readConfig({ LAPSE_AUTH_MAX_FAILURES: bad })).toThrow(
        /LAPSE_AUTH_MAX_FAILURES must be a whole number of at least 1/,
      );
    }
  });

  it("trusts OIDC issuers on private addresses only when told to, in so many words", () => {
    expect(readConfig({}).oidcAllowPrivateIssuers).toBe(false);
    expect(readConfig({ LAPSE_OIDC_ALLOW_PRIVATE_ISSUERS: "true" }).oidcAllowPrivateIssuers).toBe(
      true,
    );
    expect(readConfig({ LAPSE_OIDC_ALLOW_PRIVATE_ISSUERS: "false" }).oidcAllowPrivateIssuers).toBe(
      false,
    );
    for (const bad of ["1", "yes", "TRUE"]) {
      expect(() => readConfig({ LAPSE_OIDC_ALLOW_PRIVATE_ISSUERS: bad })).toThrow(
        /LAPSE_OIDC_ALLOW_PRIVATE_ISSUERS must be true or false/,
      );
    }
  });

  it("fetches secret-scanning keys from GitHub unless told otherwise, and only over http(s)", () => {
    expect(readConfig({}).secretScanningKeysUrl).toBe(
      "https://api.github.com/meta/public_keys/secret_scanning",
    );
    expect(
      readConfig({ LAPSE_SECRET_SCANNING_KEYS_URL: "http://keys.internal:8080/github" })
        .secretScanningKeysUrl,
    ).toBe("http://keys.internal:8080/github");
    for (const bad of ["keys.internal", "file:///etc/keys.json", "ftp://keys.internal/k"]) {
      expect(() => readConfig({ LAPSE_SECRET_SCANNING_KEYS_URL: bad })).toThrow(
        /LAPSE_SECRET_SCANNING_KEYS_URL must be an http or https URL/,
      );
    }
  });
});
