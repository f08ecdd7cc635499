import { describe, expect, it } from "vitest";
import { TokenKind } from "../token/token.types";
import { claimAt, decide, globMatches, type OidcPolicy } from "./oidc-policy";
import { PolicyDecision } from "./oidc.types";

describe("OIDC policy patterns", () => {
  it("match * as any run and ? as one character, over the whole value, everything else literally", () => {
    expect(globMatches("repo:acme/*", "repo:acme/infra:ref:refs/heads/main")).toBe(true);
    expect(globMatches("repo:acme/*", "repo:acme-evil/x")).toBe(false);
    expect(globMatches("v?", "v1")).toBe(true);
    expect(globMatches("v?", "v12")).toBe(false);
    expect(globMatches("a.b", "axb")).toBe(false);
    expect(globMatches("(x)+[y]", "(x)+[y]")).toBe(true);
  });

  it("reads nested claims by dotted path, scalars only", () => {
    const claims = { a: { b: { c: 5 } }, list: [1], flag: true };
    expect(claimAt(claims, "a.b.c")).toBe("5");
    expect(claimAt(claims, "flag")).toBe("true");
    expect(claimAt(claims, "a.b")).toBeUndefined();
    expect(claimAt(claims, "list")).toBeUndefined();
    expect(claimAt(claims, "missing.x")).toBeUndefined();
  });

  it("denies by default and lets a matching DENY win over any ALLOW", () => {
    const allow: OidcPolicy = {
      decision: PolicyDecision.ALLOW,
      tokenType: TokenKind.TEAM,
      team: "ops",
      rules: [{ claim: "sub", pattern: "repo:acme/*" }],
    };
    const deny: OidcPolicy = {
      decision: PolicyDecision.DENY,
      tokenType: TokenKind.TEAM,
      rules: [{ claim: "ref", pattern: "refs/pull/*" }],
    };
    const request = { kind: TokenKind.TEAM, team: "ops", admin: false };
    expect(decide([], { sub: "repo:acme/x" }, request)).toBe("no-match");
    expect(decide([allow], { sub: "repo:acme/x" }, request)).toBe("allow");
    expect(decide([allow], { sub: "repo:acme/x" }, { ...request, team: "dev" })).toBe("no-match");
    expect(decide([allow, deny], { sub: "repo:acme/x", ref: "refs/pull/1/merge" }, request)).toBe(
      "deny",
    );
    expect(decide([allow, deny], { sub: "repo:acme/x", ref: "refs/heads/main" }, request)).toBe(
      "allow",
    );
  });
});
