import type { OidcPolicy } from "./oidc-policy";

const isString = (value: unknown) => typeof value === "string" && value !== "";
const isNumber = (value: unknown) => typeof value === "number" && Number.isFinite(value);
const isScalar = (value: unknown) =>
  typeof value === "string" || typeof value === "boolean" || isNumber(value);

/** The registered claims the exchange reads: whether required, and their RFC 7519 types. */
const REGISTERED: [
  claim: string,
  required: boolean,
  valid: (v: unknown) => boolean,
  type: string,
][] = [
  ["iss", true, isString, "a non-empty string"],
  ["sub", true, isString, "a non-empty string"],
  ["jti", true, isString, "a non-empty string"],
  [
    "aud",
    true,
    (v) => isString(v) || (Array.isArray(v) && v.length > 0 && v.every(isString)),
    "a non-empty string or an array of them",
  ],
  ["exp", true, isNumber, "a number"],
  ["iat", true, isNumber, "a number"],
  ["nbf", false, isNumber, "a number"],
];

/**
 * Why the JWT's claims are not of the JSON types the exchange reads, or null when they are: the
 * registered claims by RFC 7519, and every claim a policy rule reads a string, number or boolean
 * when present (a rule cannot match an object, and a DENY must not fail open on one).
 */
export function claimTypeProblem(
  claims: Record<string, unknown>,
  policies: OidcPolicy[] = [],
): string | null {
  for (const [claim, required, valid, type] of REGISTERED) {
    const value = claims[claim];
    if (value === undefined && !required) continue;
    if (value === undefined) return `claim ${claim} is missing`;
    if (!valid(value)) return `claim ${claim} must be ${type}`;
  }
  const paths = new Set(policies.flatMap((policy) => policy.rules.map((rule) => rule.claim)));
  for (const path of paths) {
    let value: unknown = claims;
    for (const part of path.split(".")) {
      if (value === undefined) break;
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        return `claim ${path} must be a string, number or boolean`;
      }
      value = (value as Record<string, unknown>)[part];
    }
    if (value !== undefined && !isScalar(value)) {
      return `claim ${path} must be a string, number or boolean`;
    }
  }
  return null;
}
