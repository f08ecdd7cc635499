import { Field, InputType, ObjectType } from "type-graphql";
import { TokenKind } from "../token/token.types";
import { PolicyDecision } from "./oidc.types";

@ObjectType({
  description:
    "A claim, by dotted path, and the pattern its value must match (* any run, ? one character).",
})
@InputType("OidcClaimRuleInput")
export class OidcClaimRule {
  @Field(() => String, {
    description: "e.g. sub, repository_owner_id, or a nested path such as context.env",
  })
  claim: string;

  @Field(() => String, { description: "e.g. repo:acme/infra:ref:refs/heads/main or repo:acme/*" })
  pattern: string;
}

@ObjectType({ description: "Which JWTs from this issuer may be exchanged for which Lapse token." })
@InputType("OidcPolicyInput")
export class OidcPolicy {
  @Field(() => PolicyDecision)
  decision: PolicyDecision;

  @Field(() => TokenKind)
  tokenType: TokenKind;

  @Field(() => String, { nullable: true, description: "The team, for TEAM tokens." })
  team?: string | null;

  @Field(() => String, { nullable: true, description: "The user, for PERSONAL tokens." })
  login?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: "Whether an ORGANIZATION token may be admin-level.",
  })
  admin?: boolean | null;

  @Field(() => [OidcClaimRule], { description: "Every rule must match." })
  rules: OidcClaimRule[];
}

/** What a caller asks the exchange for. */
export interface ExchangeRequestScope {
  kind: TokenKind;
  team?: string;
  login?: string;
  admin: boolean;
}

/** `*` matches any run of characters, `?` exactly one; everything else literally; the whole value. */
export function globMatches(pattern: string, value: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\*?]/g, (c) =>
    c === "*" ? ".*" : c === "?" ? "." : `\\${c}`,
  );
  return new RegExp(`^${source}$`, "s").test(value);
}

/** The value at a dotted path of the claims, as a string; undefined when absent or not a scalar. */
export function claimAt(claims: Record<string, unknown>, path: string): string | undefined {
  let value: unknown = claims;
  for (const part of path.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean"
    ? String(value)
    : undefined;
}

/** Why `policy` is not about the token asked for, or null when it is. */
function notAbout(policy: OidcPolicy, request: ExchangeRequestScope): string | null {
  const kind = (k: TokenKind) => k.toLowerCase();
  if (policy.tokenType !== request.kind)
    return `It is about ${kind(policy.tokenType)} tokens; the request asks for a ${kind(request.kind)} token.`;
  if (request.kind === TokenKind.TEAM && policy.team && policy.team !== request.team)
    return `It is about team ${policy.team}; the request asks for team ${request.team}.`;
  if (request.kind === TokenKind.PERSONAL && policy.login && policy.login !== request.login)
    return `It is about ${policy.login}'s tokens; the request asks for ${request.login}'s.`;
  return null;
}

/** Why an ALLOW that is about the request does not grant exactly it, or null when it does. */
function grantsLess(policy: OidcPolicy, request: ExchangeRequestScope): string | null {
  if (request.kind === TokenKind.TEAM && policy.team !== request.team)
    return "It names no team, so it grants no team token.";
  if (request.kind === TokenKind.PERSONAL && policy.login !== request.login)
    return "It names no login, so it grants no personal token.";
  if (request.admin && policy.admin !== true) return "It does not grant admin.";
  return null;
}

/** One rule of a policy against the JWT's claims. */
export interface RuleEvaluation {
  claim: string;
  pattern: string;
  /** The claim's value as a string; undefined when the JWT has no such scalar claim. */
  value?: string;
  matched: boolean;
}

/** One policy against the JWT and the request: whether it counted, and a sentence saying why. */
export interface PolicyEvaluation {
  index: number;
  decision: PolicyDecision;
  /** Whether the policy is about the token asked for (type, team or login). */
  applies: boolean;
  rules: RuleEvaluation[];
  /** Whether it applies and every rule matched. */
  matched: boolean;
  reason: string;
}

export type Decision = "allow" | "deny" | "no-match" | "unpinned";

/** The decision, the policy that made it (null for no-match), and each policy's part in it. */
export interface PolicyVerdict {
  decision: Decision;
  policyIndex: number | null;
  policies: PolicyEvaluation[];
}

/**
 * Deny by default: the request is allowed only when an ALLOW policy for exactly this token (type,
 * team or login, admin) matches every rule, and no DENY for it matches. An ALLOW that `pinned`
 * rejects (one stored before pinning was enforced) grants nothing: "unpinned" when only such an
 * ALLOW matched. Every policy is evaluated, so the console can show each one's part.
 */
export function evaluatePolicies(
  policies: OidcPolicy[],
  claims: Record<string, unknown>,
  request: ExchangeRequestScope,
  pinned: (policy: OidcPolicy) => boolean = () => true,
): PolicyVerdict {
  const evaluations = policies.map((policy, index): PolicyEvaluation & { grants: boolean } => {
    const rules = policy.rules.map((rule) => {
      const value = claimAt(claims, rule.claim);
      return { ...rule, value, matched: value !== undefined && globMatches(rule.pattern, value) };
    });
    const off = notAbout(policy, request);
    const failed = rules.find((rule) => !rule.matched);
    const matched = !off && !failed;
    const less = policy.decision === PolicyDecision.ALLOW ? grantsLess(policy, request) : null;
    const grants = matched && policy.decision === PolicyDecision.ALLOW && !less;
    let reason: string;
    if (off) reason = off;
    else if (failed)
      reason =
        failed.value === undefined
          ? `Its rule on ${failed.claim} does not match: the JWT has no such claim.`
          : `Its rule on ${failed.claim} does not match: ${failed.value} is not ${failed.pattern}.`;
    else if (policy.decision === PolicyDecision.DENY)
      reason = "It matches, and a matching DENY always wins.";
    else if (less) reason = `It matches, but ${less.charAt(0).toLowerCase()}${less.slice(1)}`;
    else if (!pinned(policy))
      reason = "It matches, but it pins no repository or owner, so it grants nothing.";
    else reason = "It matches and grants this token.";
    return {
      index,
      decision: policy.decision,
      applies: !off,
      rules,
      matched,
      reason,
      grants,
    };
  });
  const deny = evaluations.find((e) => e.matched && e.decision === PolicyDecision.DENY);
  const allows = evaluations.filter((e) => e.grants);
  const granting = allows.find((e) => pinned(policies[e.index]!));
  const [decision, by]: [Decision, (typeof evaluations)[number] | undefined] = deny
    ? ["deny", deny]
    : granting
      ? ["allow", granting]
      : allows.length
        ? ["unpinned", allows[0]]
        : ["no-match", undefined];
  return {
    decision,
    policyIndex: by?.index ?? null,
    policies: evaluations.map(({ grants: _, ...evaluation }) => evaluation),
  };
}

/** The decision alone (see evaluatePolicies). */
export function decide(
  policies: OidcPolicy[],
  claims: Record<string, unknown>,
  request: ExchangeRequestScope,
  pinned: (policy: OidcPolicy) => boolean = () => true,
): Decision {
  return evaluatePolicies(policies, claims, request, pinned).decision;
}
