/** The server's rules for a token's fields, checked before submitting so mistakes show at once. */
const NAME = /^(?!\s)[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]*(?<!\s)$/u;

export function nameProblem(name: string): string | null {
  if (name.length < 1 || name.length > 40) return "Name must be 1 to 40 characters long.";
  if (!NAME.test(name))
    return "Name must not contain control characters or start or end with white space.";
  return null;
}

export const DAY_MS = 86_400_000;

export interface Preset {
  id: string;
  label: string;
  days: number | null;
}

export const PRESETS: Preset[] = [
  { id: "1d", label: "1 day", days: 1 },
  { id: "7d", label: "7 days", days: 7 },
  { id: "30d", label: "30 days", days: 30 },
  { id: "90d", label: "90 days", days: 90 },
  { id: "1y", label: "1 year", days: 365 },
  { id: "never", label: "No expiry", days: null },
];

/** When the sign-in token expires, as the server bounds new tokens by it (a token never outlives its maker). */
function outlivesCaller(callerExpiresAt: number): string {
  return `Your sign-in token expires at ${new Date(callerExpiresAt).toISOString()}; a token made with it cannot outlive it.`;
}

/**
 * Why a preset is not allowed under a lifetime cap (team and organization tokens) or past the
 * expiry of the token the console is signed in with, or null.
 */
export function presetBlocked(
  preset: Preset,
  capDays: number | null,
  callerExpiresAt: number | null = null,
  now: number = Date.now(),
): string | null {
  if (capDays !== null) {
    if (preset.days === null)
      return `Your organization requires tokens to expire within ${capDays} days.`;
    if (preset.days > capDays) return `Above the organization's ${capDays}-day limit.`;
  }
  if (callerExpiresAt !== null) {
    if (preset.days === null || now + preset.days * DAY_MS > callerExpiresAt)
      return outlivesCaller(callerExpiresAt);
  }
  return null;
}

/**
 * The expiry a custom date must meet: after now, at most two years ahead, within any cap, and no
 * later than the sign-in token's own expiry.
 */
export function expiryProblem(
  expiresAt: Date,
  now: number,
  capDays: number | null,
  callerExpiresAt: number | null = null,
): string | null {
  const latest = new Date(now);
  latest.setUTCFullYear(latest.getUTCFullYear() + 2);
  if (Number.isNaN(expiresAt.getTime())) return "Choose a date and time.";
  if (expiresAt.getTime() <= now) return "The expiry must lie in the future.";
  if (expiresAt.getTime() > latest.getTime()) return "The expiry may be at most two years ahead.";
  if (capDays !== null && expiresAt.getTime() > now + capDays * DAY_MS) {
    return `Your organization requires tokens to expire within ${capDays} days.`;
  }
  if (callerExpiresAt !== null && expiresAt.getTime() > callerExpiresAt) {
    return outlivesCaller(callerExpiresAt);
  }
  return null;
}

/** Lapse's own scopes; org:admin only for personal tokens (the work only people may do). */
export const LAPSE_SCOPES = [
  { id: "tokens:read", label: "Read tokens" },
  { id: "tokens:write", label: "Create, rotate and revoke tokens" },
  { id: "audit:read", label: "Read the audit trail" },
  { id: "org:admin", label: "Members, roles, policy and OIDC trust", personalOnly: true },
  { id: "tokens:introspect", label: "Introspect tokens (for services)" },
] as const;

const SCOPE = /^[a-z][a-z0-9_.-]*(:[a-z0-9_.*-]+)*$/;

/** Words separated by commas, spaces or new lines, each once. */
export function words(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

/** Why these custom scopes would be refused by the server, or null. */
export function scopesProblem(scopes: string[]): string | null {
  const bad = scopes.find((scope) => scope.length > 64 || !SCOPE.test(scope));
  if (bad)
    return `"${bad}" is not a scope: lower-case words joined by colons, such as deploy:prod.`;
  if (scopes.length > 50) return "A token holds at most 50 scopes.";
  return null;
}

const CIDR = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:]+:[0-9a-fA-F:.]*)(\/\d{1,3})?$/;

/** Why these networks look wrong (the server checks them exactly), or null. */
export function cidrsProblem(cidrs: string[]): string | null {
  const bad = cidrs.find((cidr) => !CIDR.test(cidr));
  if (bad) return `"${bad}" is not a network: write an address or a CIDR, such as 203.0.113.0/24.`;
  if (cidrs.length > 20) return "A token allows at most 20 networks.";
  return null;
}
