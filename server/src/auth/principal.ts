import { unauthenticated } from "../errors/lapse-error";
import type { RequestContext } from "../context";
import type { AccessToken } from "../modules/token/access-token.entity";
import { TokenKind } from "../modules/token/token.types";
import { lapseScopesOf } from "./scopes";

/**
 * The authenticated caller: a token (for a personal token also the user it acts as), or a person
 * signed in to the console by single sign-on, who acts with no token at all.
 */
export interface Principal {
  /** The token the request is authenticated with; null for a single sign-on session. */
  token: AccessToken | null;
  kind: TokenKind;
  /** The acting user; null for team and organization tokens, which belong to no person. */
  userId: string | null;
  /** Whether the request came with a console session cookie rather than the token itself. */
  viaSession: boolean;
  /** The Lapse and organization scopes the caller holds. */
  scopes: readonly string[];
  /** For a single sign-on session: the identity provider's email, for display only. */
  ssoEmail?: string | null;
}

export function principalFor(token: AccessToken, via: { session?: boolean } = {}): Principal {
  return {
    token,
    kind: token.kind,
    userId: token.kind === TokenKind.PERSONAL ? token.ownerId : null,
    viaSession: via.session ?? false,
    scopes: token.grantedScopes,
  };
}

/**
 * A person signed in by single sign-on: every Lapse scope a personal token may hold, and no token's
 * expiry, scopes or networks bounding what they make (their organizations' policies still do).
 */
export function personFor(userId: string, ssoEmail: string | null = null): Principal {
  return {
    token: null,
    kind: TokenKind.PERSONAL,
    userId,
    viaSession: true,
    scopes: lapseScopesOf(TokenKind.PERSONAL),
    ssoEmail,
  };
}

/** The caller, or UNAUTHENTICATED. */
export function requirePrincipal(ctx: RequestContext): Principal {
  if (!ctx.principal) throw unauthenticated();
  return ctx.principal;
}
