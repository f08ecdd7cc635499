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

  it("reads LAPSE_VERIFY_CACHE_MS, off by default, up to 10 seconds, and refuses anything else", () => {
    expect(readConfig({}).verifyCacheMs).toBe(0);
    expect(readConfig({ LAPSE_VERIFY_CACHE_MS: "1000" }).verifyCacheMs).toBe(1000);
    expect(readConfig({ LAPSE_VERIFY_CACHE_MS: "10000" }).verifyCacheMs).toBe(10_000);
    for (const bad of ["-1", "1.5", "10001", "1s", "off"]) {
      expect(() => readConfig({ LAPSE_VERIFY_CACHE_MS: bad })).toThrow(
        `LAPSE_VERIFY_CACHE_MS must be a whole number of milliseconds from 0 (no cache, the default) to 10000, not "${bad}".`,
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

  describe("single sign-on", () => {
    const sso = {
      LAPSE_SSO_ISSUER: "https://idp.example.com/realms/staff",
      LAPSE_SSO_CLIENT_ID: "lapse",
      LAPSE_PUBLIC_URL: "https://lapse.example.com/",
    };

    it("is off, with token sign-in on, unless LAPSE_SSO_ISSUER is set", () => {
      expect(readConfig({}).signIn).toEqual({ sso: null, tokenSignIn: true });
    });

    it("reads the issuer, client, login claim and public URL, preferred_username by default", () => {
      expect(readConfig(sso).signIn).toEqual({
        tokenSignIn: true,
        sso: {
          issuer: "https://idp.example.com/realms/staff",
          clientId: "lapse",
          clientSecret: null,
          loginClaim: "preferred_username",
          publicUrl: "https://lapse.example.com",
        },
      });
      expect(
        readConfig({
          ...sso,
          LAPSE_SSO_CLIENT_SECRET: "s3cret",
          LAPSE_SSO_LOGIN_CLAIM: "email",
          LAPSE_CONSOLE_TOKEN_SIGNIN: "false",
        }).signIn,
      ).toMatchObject({
        tokenSignIn: false,
        sso: { clientSecret: "s3cret", loginClaim: "email" },
      });
    });

    it("refuses an issuer without a client id or a public URL, saying which", () => {
      expect(() => readConfig({ ...sso, LAPSE_SSO_CLIENT_ID: "" })).toThrow(
        /LAPSE_SSO_ISSUER is set but LAPSE_SSO_CLIENT_ID is not/,
      );
      expect(() => readConfig({ ...sso, LAPSE_PUBLIC_URL: "" })).toThrow(
        /LAPSE_SSO_ISSUER is set but LAPSE_PUBLIC_URL is not/,
      );
      expect(() => readConfig({ LAPSE_SSO_CLIENT_ID: "lapse" })).toThrow(
        /LAPSE_SSO_CLIENT_ID is set but LAPSE_SSO_ISSUER is not/,
      );
    });

    it("allows an http issuer on a loopback address only", () => {
      for (const issuer of [
        "http://127.0.0.1:9000",
        "http://localhost:9000/oidc",
        "http://[::1]:9000",
      ]) {
        expect(readConfig({ ...sso, LAPSE_SSO_ISSUER: issuer }).signIn.sso!.issuer).toBe(issuer);
      }
      for (const issuer of [
        "http://idp.example.com",
        "http://10.0.0.5",
        "idp.example.com",
        "ftp://x",
      ]) {
        expect(() => readConfig({ ...sso, LAPSE_SSO_ISSUER: issuer })).toThrow(
          /LAPSE_SSO_ISSUER must be an https URL \(http only on a loopback address\)/,
        );
      }
    });

    it("refuses a bad public URL, login claim or token sign-in switch", () => {
      for (const url of ["lapse.example.com", "https://lapse.example.com/?x=1", "ftp://lapse"]) {
        expect(() => readConfig({ ...sso, LAPSE_PUBLIC_URL: url })).toThrow(
          /LAPSE_PUBLIC_URL must be an http or https URL without query or fragment/,
        );
      }
      expect(() => readConfig({ ...sso, LAPSE_SSO_LOGIN_CLAIM: "two words" })).toThrow(
        /LAPSE_SSO_LOGIN_CLAIM must name one claim/,
      );
      expect(() => readConfig({ ...sso, LAPSE_CONSOLE_TOKEN_SIGNIN: "no" })).toThrow(
        /LAPSE_CONSOLE_TOKEN_SIGNIN must be true or false/,
      );
    });

    it("refuses to turn token sign-in off without single sign-on: nobody could sign in", () => {
      expect(() => readConfig({ LAPSE_CONSOLE_TOKEN_SIGNIN: "false" })).toThrow(
        /LAPSE_CONSOLE_TOKEN_SIGNIN=false needs single sign-on/,
      );
    });
  });
});
