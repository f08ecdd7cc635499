import type { OidcClaimRule, OidcPolicy } from "./oidc-policy";

/**
 * Claims that hold the immutable id of a repository or project, or of its owner: GitHub's
 * `repository_id` and `repository_owner_id`, GitLab's `project_id` and `namespace_id`. Ids are never
 * reused, so one without wildcards names one repository or owner for good.
 */
const ID_CLAIMS = new Set(["repository_id", "repository_owner_id", "project_id", "namespace_id"]);

/** Claims that hold an owner's name: GitHub's `repository_owner`, GitLab's `namespace_path`. */
const OWNER_CLAIMS = new Set(["repository_owner", "namespace_path"]);

/**
 * `sub` forms whose literal start names the owner, up to and including the `/` that ends it:
 * GitHub's `repo:<owner>/<repo>:…` and GitLab's `project_path:<group>/<project>:…`. Neither issuer
 * lets an owner put a `/` in its name, so `repo:acme/` cannot be the start of another owner's subject.
 */
const OWNER_SUB = /^(?:repo|project_path):[^/:*?]+\//;

/**
 * GitHub lets each owner choose its subject template (`include_claim_keys`), so a subject without
 * the owner in front (`environment:prod`) can be produced by anyone's repository: on GitHub's
 * issuers an exact `sub` pins only in the owner forms above. GitHub.com, GHE.com and GHES.
 */
export function isGitHubIssuer(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.hostname === "token.actions.githubusercontent.com" ||
    /^token\.actions\.[^.]+\.ghe\.com$/.test(parsed.hostname) ||
    /\/_services\/token\/?$/.test(parsed.pathname)
  );
}

const hasWildcard = (pattern: string) => /[*?]/.test(pattern);

/** The characters a pattern fixes before its first wildcard (all of it when it has none). */
const literalStart = (pattern: string) => pattern.split(/[*?]/, 1)[0]!;

function pinsRule(rule: OidcClaimRule, githubIssuer: boolean): boolean {
  const { claim, pattern } = rule;
  if (pattern === "") return false;
  if (ID_CLAIMS.has(claim) || OWNER_CLAIMS.has(claim)) return !hasWildcard(pattern);
  if (claim !== "sub") return false;
  if (OWNER_SUB.test(literalStart(pattern))) return true;
  // Any other issuer: one exact subject is as narrow as its subjects get.
  return !githubIssuer && !hasWildcard(pattern);
}

/**
 * Whether an ALLOW fixes the repository or its owner, so that it cannot trust every repository of
 * a shared issuer: one of its rules (all must match) is a wildcard-free id or owner claim, or a
 * `sub` whose literal start names the owner (or, off GitHub, an exact `sub`).
 */
export function pinsOwner(policy: Pick<OidcPolicy, "rules">, issuerUrl: string): boolean {
  const githubIssuer = isGitHubIssuer(issuerUrl);
  return policy.rules.some((rule) => pinsRule(rule, githubIssuer));
}

/** How to pin, for the refusal of an ALLOW that does not. */
export const PIN_ADVICE =
  "an ALLOW policy must pin the repository or its owner: add a rule on repository_owner_id or repository_id (GitHub), namespace_id or project_id (GitLab) with no wildcard, or a sub pattern that names the owner before any wildcard, such as repo:acme/* (GitHub) or project_path:acme/* (GitLab); for other issuers an exact sub also pins.";
