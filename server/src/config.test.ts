import { describe, expect, it } from "vitest";
import { DEFAULT_AUTH_THROTTLE } from "./auth/auth-throttle";
import { readConfig } from "./config";

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

  it("refuses a failure limit that is not a whole number of at least 1, naming the variable", () => {
    for (const bad of ["0", "-3", "2.5", "many"]) {
      expect(() => readConfig({ LAPSE_AUTH_MAX_FAILURES: bad })).toThrow(
        /LAPSE_AUTH_MAX_FAILURES must be a whole number of at least 1/,
      );
    }
  });
});
