import type { TokenFilter, TokenSource } from "../__generated__/operations";

/** The audit view's filters as they live in the URL, so a filtered view can be bookmarked and shared. */
export interface AuditFilters {
  status?: "ACTIVE" | "EXPIRED" | "REVOKED";
  kind?: "PERSONAL" | "TEAM" | "ORGANIZATION";
  team?: string;
  owner?: string;
  createdBy?: string;
  source?: TokenSource;
  expiringWithinDays?: number;
  expiresAfter?: string;
  expiresBefore?: string;
  neverExpires?: boolean;
  unusedForDays?: number;
  violatesPolicy?: boolean;
}

const STATUSES = ["ACTIVE", "EXPIRED", "REVOKED"] as const;
const KINDS = ["PERSONAL", "TEAM", "ORGANIZATION"] as const;
// A record over the schema's enum, so a source added to the server cannot be left out of the filter.
const SOURCE_SET: Record<TokenSource, true> = {
  API: true,
  CONSOLE: true,
  CLI: true,
  OIDC: true,
  ROTATION: true,
  BOOTSTRAP: true,
};
export const SOURCES = Object.keys(SOURCE_SET) as TokenSource[];

const oneOf = <T extends string>(values: readonly T[], value: string | null) =>
  value !== null && (values as readonly string[]).includes(value) ? (value as T) : undefined;
const positive = (value: string | null) => {
  const n = Number(value);
  return value !== null && Number.isInteger(n) && n >= 1 && n <= 3650 ? n : undefined;
};
const text = (value: string | null) => (value ? value.slice(0, 64) : undefined);
const instant = (value: string | null) =>
  value && !Number.isNaN(Date.parse(value)) ? value : undefined;

/** Reads filters from a query string, dropping anything malformed rather than failing the page. */
export function readFilters(params: URLSearchParams): AuditFilters {
  const filters: AuditFilters = {
    status: oneOf(STATUSES, params.get("status")),
    kind: oneOf(KINDS, params.get("kind")),
    team: text(params.get("team")),
    owner: text(params.get("owner")),
    createdBy: text(params.get("createdBy")),
    source: oneOf(SOURCES, params.get("source")),
    expiringWithinDays: positive(params.get("expiringWithinDays")),
    expiresAfter: instant(params.get("expiresAfter")),
    expiresBefore: instant(params.get("expiresBefore")),
    neverExpires: params.get("neverExpires") === "true" || undefined,
    unusedForDays: positive(params.get("unusedForDays")),
    violatesPolicy: params.get("violatesPolicy") === "true" || undefined,
  };
  return Object.fromEntries(
    Object.entries(filters).filter(([, v]) => v !== undefined),
  ) as AuditFilters;
}

/** Writes filters to a query string, in a stable order, leaving out what is unset. */
export function writeFilters(filters: AuditFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (value !== undefined && value !== "" && value !== false) params.set(key, String(value));
  }
  params.sort();
  return params;
}

/**
 * Why no token could match these filters together, as a sentence naming them, or null: asking
 * the server would only answer "none", which reads as if there were no such tokens.
 */
export function filterContradiction(filters: AuditFilters): string | null {
  const never = filters.neverExpires;
  if (never && filters.expiringWithinDays)
    return `"Expiring within ${filters.expiringWithinDays} days" and "never expires" cannot both hold: a token that never expires is not expiring. Clear one of them.`;
  if (never && (filters.expiresAfter || filters.expiresBefore))
    return `An expiry range and "never expires" cannot both hold: a token that never expires has no expiry in any range. Clear one of them.`;
  if (never && filters.status === "EXPIRED")
    return `Status "expired" and "never expires" cannot both hold. Clear one of them.`;
  if (filters.expiringWithinDays && (filters.status === "EXPIRED" || filters.status === "REVOKED"))
    return `"Expiring within ${filters.expiringWithinDays} days" counts live tokens only, so no ${filters.status.toLowerCase()} token matches it. Clear one of them.`;
  if (
    filters.expiresAfter &&
    filters.expiresBefore &&
    Date.parse(filters.expiresAfter) >= Date.parse(filters.expiresBefore)
  )
    return `"Expires after" must come before "expires before"; no token expires in that range.`;
  return null;
}

/** The GraphQL filter for the organization; "unused for N days" is "not used since now minus N days". */
export function toTokenFilter(
  organization: string,
  filters: AuditFilters,
  now: number,
): TokenFilter {
  return {
    organization,
    statuses: filters.status ? [filters.status] : null,
    kinds: filters.kind ? [filters.kind] : null,
    team: filters.team ?? null,
    owner: filters.owner ?? null,
    createdBy: filters.createdBy ?? null,
    source: filters.source ?? null,
    expiringWithinDays: filters.expiringWithinDays ?? null,
    expiresAfter: filters.expiresAfter ?? null,
    expiresBefore: filters.expiresBefore ?? null,
    neverExpires: filters.neverExpires ?? null,
    lastUsedBefore: filters.unusedForDays
      ? new Date(now - filters.unusedForDays * 86_400_000).toISOString()
      : null,
    violatesPolicy: filters.violatesPolicy ?? null,
  };
}

/** The CSV link for the view on screen: the same TokenFilter, field for field, in a query string. */
export function tokensCsvUrl(filter: TokenFilter): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) {
    if (key === "organization" || value === null || value === undefined) continue;
    params.set(key, Array.isArray(value) ? value.join(",") : String(value));
  }
  params.sort();
  const query = params.toString();
  return `/api/orgs/${encodeURIComponent(filter.organization ?? "")}/tokens.csv${query ? `?${query}` : ""}`;
}

/** The events tab's filters, also kept in the URL. */
export interface EventFilters {
  type?: string;
  actor?: string;
  tokenId?: string;
  since?: string;
  until?: string;
}

export function readEventFilters(params: URLSearchParams): EventFilters {
  const filters: EventFilters = {
    type: /^[A-Z_]{1,40}$/.test(params.get("type") ?? "") ? params.get("type")! : undefined,
    actor: text(params.get("actor")),
    tokenId: text(params.get("tokenId")),
    since: instant(params.get("since")),
    until: instant(params.get("until")),
  };
  return Object.fromEntries(
    Object.entries(filters).filter(([, v]) => v !== undefined),
  ) as EventFilters;
}
