import { badUserInput, forbidden } from "../errors/lapse-error";
import { TokenKind } from "../modules/token/token.types";

/** Lapse's own scopes: what a token may do to Lapse itself. */
export enum LapseScope {
  TokensRead = "tokens:read",
  TokensWrite = "tokens:write",
  AuditRead = "audit:read",
  /** Person-only organization work (members, roles, policy, OIDC trust); personal tokens only. */
  OrgAdmin = "org:admin",
  TokensIntrospect = "tokens:introspect",
}

const LAPSE_SCOPES: ReadonlySet<string> = new Set(Object.values(LapseScope));

/** An organization's own scope: passed through untouched to whoever verifies the token. */
export const SCOPE_PATTERN = /^[a-z][a-z0-9_.-]*(:[a-z0-9_.*-]+)*$/;
export const MAX_SCOPE_LENGTH = 64;
export const MAX_SCOPES = 50;

export function isLapseScope(scope: string): scope is LapseScope {
  return LAPSE_SCOPES.has(scope);
}

/** Every Lapse scope a token of `kind` may hold, sorted: org:admin is for people only. */
export function lapseScopesOf(kind: TokenKind): LapseScope[] {
  return Object.values(LapseScope)
    .filter((scope) => kind === TokenKind.PERSONAL || scope !== LapseScope.OrgAdmin)
    .sort();
}

/** What the token a new one is made with holds, when a token made the request. */
export interface ScopeLimits {
  /** The calling token's scopes: a new token never gets a Lapse scope the caller lacks. */
  caller?: readonly string[];
  /** The rotated token's scopes: a rotation only narrows. */
  narrowing?: readonly string[];
}

/**
 * The scopes a new token of `kind` gets, sorted and each once. Omitted: every Lapse scope the kind
 * may hold and the caller holds, or, for a rotation, the rotated token's. Throws BAD_USER_INPUT for
 * a scope that is malformed, too long, one too many, not for this kind or wider than the rotated
 * token's; FORBIDDEN for a Lapse scope the calling token does not hold.
 */
export function scopesForNewToken(
  kind: TokenKind,
  requested: readonly string[] | null | undefined,
  limits: ScopeLimits = {},
): string[] {
  if (requested == null && !limits.narrowing) {
    const held = limits.caller ? new Set(limits.caller) : null;
    return lapseScopesOf(kind).filter((scope) => !held || held.has(scope));
  }
  const scopes = requested == null ? [...limits.narrowing!] : validScopes(kind, requested);
  if (limits.narrowing) {
    const wider = scopes.filter((scope) => !limits.narrowing!.includes(scope));
    if (wider.length) {
      throw badUserInput(
        `A rotation can only narrow a token's scopes; the token does not hold ${wider.join(", ")}.`,
      );
    }
  }
  if (limits.caller) {
    const missing = scopes.filter(
      (scope) => isLapseScope(scope) && !limits.caller!.includes(scope),
    );
    if (missing.length) {
      throw forbidden(
        `The token this request is authenticated with does not hold ${missing.join(", ")}, so it cannot grant ${missing.length > 1 ? "them" : "it"}; ask for fewer scopes.`,
      );
    }
  }
  return scopes;
}

function validScopes(kind: TokenKind, requested: readonly string[]): string[] {
  const scopes = [...new Set(requested)].sort();
  if (scopes.length > MAX_SCOPES) {
    throw badUserInput(`A token holds at most ${MAX_SCOPES} scopes; got ${scopes.length}.`);
  }
  for (const scope of scopes) {
    if (scope.length > MAX_SCOPE_LENGTH || !SCOPE_PATTERN.test(scope)) {
      throw badUserInput(
        `"${scope.slice(0, MAX_SCOPE_LENGTH)}" is not a scope: write lower-case words joined by colons, such as tokens:read or deploy:prod, at most ${MAX_SCOPE_LENGTH} characters.`,
      );
    }
    if (isLapseScope(scope) && !lapseScopesOf(kind).includes(scope)) {
      throw badUserInput(
        `${scope} is for personal tokens only: it allows what only people may do.`,
      );
    }
  }
  return scopes;
}
