import { describe, expect, it } from "vitest";
import { TokenKind } from "../token/token.types";
import { claimTypeProblem } from "./oidc-claims";
import { isGitHubIssuer, pinsOwner } from "./oidc-pinning";
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

  it("let an ALLOW that pins no owner match, but grant nothing", () => {
    const loose: OidcPolicy = {
      decision: PolicyDecision.ALLOW,
      tokenType: TokenKind.ORGANIZATION,
      rules: [{ claim: "sub", pattern: "repo:*" }],
    };
    const request = { kind: TokenKind.ORGANIZATION, admin: false };
    const claims = { sub: "repo:attacker/x" };
    const pinned = (p: OidcPolicy) => pinsOwner(p, "https://token.actions.githubusercontent.com");
    expect(decide([loose], claims, request, pinned)).toBe("unpinned");
    expect(decide([loose], { sub: "other" }, request, pinned)).toBe("no-match");
  });
});

describe("OIDC pinning", () => {
  const GITHUB = "https://token.actions.githubusercontent.com";
  const pins = (claim: string, pattern: string, issuer = GITHUB) =>
    pinsOwner({ rules: [{ claim, pattern }] }, issuer);

  it("takes an id or owner claim without wildcards, or a sub whose literal start names the owner", () => {
    for (const [claim, pattern] of [
      ["repository_owner_id", "7890"],
      ["repository_id", "123456"],
      ["project_id", "42"],
      ["namespace_id", "9"],
      ["namespace_path", "acme/platform"],
      ["repository_owner", "acme"],
      ["sub", "repo:acme/*"],
      ["sub", "repo:acme/infra:ref:refs/heads/main"],
      ["sub", "project_path:acme/infra:ref_type:branch:ref:main"],
      ["sub", "project_path:acme/*"],
    ]) {
      expect.soft(pins(claim!, pattern!), `${claim}=${pattern}`).toBe(true);
    }
    for (const [claim, pattern] of [
      ["repository_owner_id", "78*"],
      ["repository_id", "?"],
      ["namespace_path", "acme*"],
      ["sub", "repo:*"],
      ["sub", "*:*"],
      ["sub", "*a*"],
      ["sub", "repo:acme*"],
      ["sub", "repo:*/infra:*"],
      ["sub", "repo:/infra"],
      ["sub", "project_path:*"],
      ["sub", "environment:prod"],
      ["repository", "acme/*"],
      ["aud", "urn:lapse:org:acme"],
    ]) {
      expect.soft(pins(claim!, pattern!), `${claim}=${pattern}`).toBe(false);
    }
  });

  it("takes an exact sub on issuers other than GitHub's, whose owners choose their subject templates", () => {
    expect(pins("sub", "pipeline:deploy", "https://ci.example.com")).toBe(true);
    expect(pins("sub", "pipeline:*", "https://ci.example.com")).toBe(false);
    expect(pins("sub", "pipeline:deploy", GITHUB)).toBe(false);
    expect(isGitHubIssuer("https://token.actions.acme.ghe.com")).toBe(true);
    expect(isGitHubIssuer("https://github.acme.internal/_services/token")).toBe(true);
    expect(isGitHubIssuer("https://gitlab.com")).toBe(false);
  });
});

describe("OIDC claim types", () => {
  const valid = { iss: "https://i", sub: "s", jti: "j", aud: "a", exp: 2, iat: 1 };
  const rule = (claim: string): OidcPolicy => ({
    decision: PolicyDecision.DENY,
    tokenType: TokenKind.TEAM,
    rules: [{ claim, pattern: "x" }],
  });

  it("accept the registered claims' own types and scalars wherever a policy reads", () => {
    expect(claimTypeProblem(valid)).toBeNull();
    expect(claimTypeProblem({ ...valid, aud: ["a"], nbf: 1 })).toBeNull();
    expect(
      claimTypeProblem({ ...valid, n: 5, b: true, context: { env: "prod" } }, [
        rule("n"),
        rule("b"),
        rule("context.env"),
        rule("absent.path"),
      ]),
    ).toBeNull();
  });

  it("name the claim of the wrong type", () => {
    expect(claimTypeProblem({ ...valid, sub: 5 })).toBe("claim sub must be a non-empty string");
    expect(claimTypeProblem({ ...valid, jti: null })).toBe("claim jti must be a non-empty string");
    expect(claimTypeProblem({ ...valid, jti: undefined })).toBe("claim jti is missing");
    expect(claimTypeProblem({ ...valid, aud: [] })).toMatch(/claim aud must be/);
    expect(claimTypeProblem({ ...valid, nbf: "1" })).toBe("claim nbf must be a number");
    expect(claimTypeProblem({ ...valid, ref: ["r"] }, [rule("ref")])).toBe(
      "claim ref must be a string, number or boolean",
    );
    expect(claimTypeProblem({ ...valid, context: "prod" }, [rule("context.env")])).toBe(
      "claim context.env must be a string, number or boolean",
    );
  });
});
