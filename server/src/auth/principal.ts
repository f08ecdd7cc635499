import { unauthenticated } from "../errors/lapse-error";
import type { RequestContext } from "../context";
import type { AccessToken } from "../modules/token/access-token.entity";
import { TokenKind } from "../modules/token/token.types";

/** The authenticated caller: always a token, and for a personal token also the user it acts as. */
export interface Principal {
  token: AccessToken;
  kind: TokenKind;
  /** The acting user; null for team and organization tokens, which belong to no person. */
  userId: string | null;
  /** Whether the request came with a console session cookie rather than the token itself. */
  viaSession: boolean;
}

export function principalFor(token: AccessToken, via: { session?: boolean } = {}): Principal {
  return {
    token,
    kind: token.kind,
    userId: token.kind === TokenKind.PERSONAL ? token.ownerId : null,
    viaSession: via.session ?? false,
  };
}

/** The caller, or UNAUTHENTICATED. */
export function requirePrincipal(ctx: RequestContext): Principal {
  if (!ctx.principal) throw unauthenticated();
  return ctx.principal;
}
