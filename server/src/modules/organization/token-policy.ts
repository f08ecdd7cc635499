import { LapseError } from "../../errors/lapse-error";
import { DAY_MS } from "../../clock";
import type { AccessToken } from "../token/access-token.entity";
import { TokenSource } from "../token/token.types";
import type { Organization } from "./organization.entity";

export const MIN_LIFETIME_DAYS = 1;
export const MAX_LIFETIME_DAYS = 3650;

/** The latest expiresAt the organization's policy allows for a token used or created at `now`. */
export function policyDeadline(organization: Organization, now: Date): Date | null {
  const days = organization.maxTokenLifetimeDays;
  return days == null ? null : new Date(now.getTime() + days * DAY_MS);
}

/**
 * Whether `token` breaks the organization's lifetime cap at `now`: it never expires, or its remaining
 * lifetime exceeds the cap. Tokens minted by OIDC exchange are exempt: their issuer bounds them.
 */
export function breaksPolicy(token: AccessToken, organization: Organization, now: Date): boolean {
  const deadline = policyDeadline(organization, now);
  if (!deadline || token.source === TokenSource.OIDC) return false;
  return token.expiresAt === null || token.expiresAt.getTime() > deadline.getTime();
}

/** The refusal of a token that breaks the policy, saying what to do instead; carries the token to audit. */
export class PolicyRefusal extends LapseError {
  constructor(
    organization: Organization,
    readonly token: AccessToken,
  ) {
    const days = organization.maxTokenLifetimeDays;
    super(
      "POLICY_VIOLATION",
      `The ${organization.name} organization enforces a maximum token lifetime of ${days} days that this ` +
        `token does not meet; create a token that expires within ${days} days.`,
    );
  }
}

/** The refusal of a new expiry that breaks the policy, giving the cap and the latest allowed instant. */
export function policyViolationAtCreation(organization: Organization, now: Date): LapseError {
  const deadline = policyDeadline(organization, now)!;
  return new LapseError(
    "POLICY_VIOLATION",
    `The ${organization.name} organization enforces a maximum token lifetime of ` +
      `${organization.maxTokenLifetimeDays} days: set expiresAt no later than ${deadline.toISOString()}.`,
  );
}
