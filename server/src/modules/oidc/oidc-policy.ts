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

function appliesTo(policy: OidcPolicy, request: ExchangeRequestScope): boolean {
  if (policy.tokenType !== request.kind) return false;
  if (request.kind === TokenKind.TEAM && policy.team && policy.team !== request.team) return false;
  if (request.kind === TokenKind.PERSONAL && policy.login && policy.login !== request.login)
    return false;
  return true;
}

function rulesMatch(policy: OidcPolicy, claims: Record<string, unknown>): boolean {
  return policy.rules.every((rule) => {
    const value = claimAt(claims, rule.claim);
    return value !== undefined && globMatches(rule.pattern, value);
  });
}

/**
 * Deny by default: the request is allowed only when an ALLOW policy for exactly this token (type,
 * team or login, admin) matches every rule, and no DENY for it matches. An ALLOW that `pinned`
 * rejects (one stored before pinning was enforced) grants nothing: "unpinned" when only such an
 * ALLOW matched.
 */
export function decide(
  policies: OidcPolicy[],
  claims: Record<string, unknown>,
  request: ExchangeRequestScope,
  pinned: (policy: OidcPolicy) => boolean = () => true,
): "allow" | "deny" | "no-match" | "unpinned" {
  const matching = policies.filter((p) => appliesTo(p, request) && rulesMatch(p, claims));
  if (matching.some((p) => p.decision === PolicyDecision.DENY)) return "deny";
  const allows = matching.filter(
    (p) =>
      p.decision === PolicyDecision.ALLOW &&
      (request.kind !== TokenKind.TEAM || p.team === request.team) &&
      (request.kind !== TokenKind.PERSONAL || p.login === request.login) &&
      (!request.admin || p.admin === true),
  );
  if (allows.some(pinned)) return "allow";
  return allows.length > 0 ? "unpinned" : "no-match";
}
