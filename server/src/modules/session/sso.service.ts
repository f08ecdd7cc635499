import { timingSafeEqual } from "node:crypto";
import * as oidc from "openid-client";
import type { DataSource } from "typeorm";
import type { RequestContext } from "../../context";
import {
  LapseError,
  forbidden,
  notFound,
  serviceUnavailable,
  unauthenticated,
} from "../../errors/lapse-error";
import type { Logger } from "../../logger";
import type { AuditService } from "../audit/audit.service";
import { AuditEventType } from "../audit/audit.types";
import type { InvitationService } from "../invitation/invitation.service";
import { User } from "../user/user.entity";
import { LOGIN } from "../organization/organization.inputs";
import type { SessionService, SignedIn } from "./session.service";
import type { SignInSettings, SsoSettings } from "./sso-settings";

/** How long a browser may take at the identity provider between start and callback. */
export const SSO_ATTEMPT_MS = 10 * 60_000;

/**
 * What one browser's sign-in must match at the callback: the `state` and `nonce` sent to the
 * provider, the PKCE verifier whose challenge was sent, and an invitation code to redeem.
 */
export interface SsoAttempt {
  state: string;
  nonce: string;
  verifier: string;
  invitation: string | null;
  /** Milliseconds since the epoch, by Lapse's clock. */
  expiresAt: number;
}

/**
 * Single sign-on through one OpenID Connect provider: the authorization code flow with PKCE, `state`
 * and `nonce` (openid-client checks the id_token's signature, issuer, audience, nonce and times).
 * The provider's login claim is trusted to name a Lapse login; its email is kept for display only.
 */
export class SsoService {
  private discovered: Promise<oidc.Configuration> | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly sessions: SessionService,
    private readonly invitations: InvitationService,
    private readonly logger: Logger,
    /** Read at each sign-in, not copied: the provider is found lazily, at the first one. */
    private readonly signIn: SignInSettings,
  ) {}

  /** How people may sign in to the console, for the sign-in page. */
  methods(): { sso: boolean; tokenSignIn: boolean } {
    return { sso: this.signIn.sso !== null, tokenSignIn: this.signIn.tokenSignIn };
  }

  /** Throws FORBIDDEN when signing in with a token is turned off (LAPSE_CONSOLE_TOKEN_SIGNIN=false). */
  assertTokenSignIn(): void {
    if (this.signIn.tokenSignIn) return;
    throw forbidden(
      "Signing in to the console with a token is turned off here; sign in with SSO instead.",
    );
  }

  /**
   * The provider's authorization URL for a new sign-in, and what the callback must match.
   * Throws NOT_FOUND when single sign-on is not set up, SERVICE_UNAVAILABLE when the provider
   * cannot be reached.
   */
  async start(
    ctx: RequestContext,
    invitation: string | null,
  ): Promise<{ url: URL; attempt: SsoAttempt }> {
    const settings = this.require();
    const config = await this.configuration(settings);
    const attempt: SsoAttempt = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      verifier: oidc.randomPKCECodeVerifier(),
      invitation,
      expiresAt: ctx.clock.now().getTime() + SSO_ATTEMPT_MS,
    };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: callbackUrl(settings),
      scope: "openid profile email",
      code_challenge: await oidc.calculatePKCECodeChallenge(attempt.verifier),
      code_challenge_method: "S256",
      state: attempt.state,
      nonce: attempt.nonce,
    });
    return { url, attempt };
  }

  /**
   * Finishes a sign-in at the callback: checks `state`, trades the code (with the PKCE verifier) for
   * an id_token and checks it, then opens a session for the login it names, recording SIGNED_IN in
   * the same transaction (and, with an invitation, joining its organization first). Refusals change
   * nothing. Throws UNAUTHENTICATED (no attempt, state or nonce mismatch, a used code, an expired
   * id_token), FORBIDDEN (no such login, an invitation for another login), BAD_USER_INPUT (no login
   * claim), NOT_FOUND, SERVICE_UNAVAILABLE, and the invitation's own refusals.
   */
  async finish(
    ctx: RequestContext,
    query: URLSearchParams,
    attempt: SsoAttempt | null,
  ): Promise<SignedIn> {
    const settings = this.require();
    // The provider's answer as sent to the registered callback: openid-client reads redirect_uri
    // from it, and only the query is the provider's.
    const callback = new URL(callbackUrl(settings));
    callback.search = query.toString();
    const now = ctx.clock.now();
    if (!attempt || attempt.expiresAt <= now.getTime()) {
      throw unauthenticated(
        "This sign-in was not started in this browser, or took longer than 10 minutes; sign in with SSO again.",
      );
    }
    const error = callback.searchParams.get("error");
    if (error === "access_denied" || error === "login_required") {
      throw unauthenticated("The identity provider did not sign you in; sign in with SSO again.");
    }
    if (!sameSecret(callback.searchParams.get("state") ?? "", attempt.state)) {
      throw unauthenticated(
        "This sign-in's state does not match the one this browser started; sign in with SSO again.",
      );
    }
    const config = await this.configuration(settings);
    const claims = await this.exchange(config, callback, attempt);
    // openid-client checked exp against the real time; Lapse decides by its own clock as well.
    const idTokenExpiresAt = new Date(claims.exp * 1000);
    if (idTokenExpiresAt.getTime() <= now.getTime()) {
      throw unauthenticated(
        "Your sign-in at the identity provider has expired; sign in with SSO again.",
      );
    }
    const login = claims[settings.loginClaim];
    if (typeof login !== "string" || login.length === 0) {
      throw new LapseError(
        "BAD_USER_INPUT",
        `The identity provider gave no ${settings.loginClaim} claim to sign in with; ask its administrator to release it, or set LAPSE_SSO_LOGIN_CLAIM.`,
      );
    }
    // Only a well-formed login is looked up: MariaDB compares "admin " equal to "admin" (trailing
    // spaces are ignored by its collations), so a provider login with a trailing space would be
    // another person's account.
    if (!LOGIN.test(login)) {
      throw forbidden(
        `The identity provider's ${settings.loginClaim} is not a Lapse login (letters, digits and inner hyphens, at most 40); ask its administrator, or set LAPSE_SSO_LOGIN_CLAIM to a claim that is.`,
      );
    }
    const email = typeof claims.email === "string" ? claims.email.slice(0, 320) : null;
    return this.dataSource.transaction(async (manager) => {
      const user = attempt.invitation
        ? await this.invitations.redeemAs(ctx, manager, attempt.invitation, login)
        : await manager.findOneBy(User, { login });
      if (!user) {
        throw forbidden(
          `No Lapse account has the login "${login.slice(0, 64)}". Ask an ADMIN of your organization for an invitation, and sign in with SSO through its link.`,
        );
      }
      const signedIn = await this.sessions.openSso(ctx, manager, user.id, email, idTokenExpiresAt);
      await this.audit.record(ctx, manager, {
        type: AuditEventType.SIGNED_IN,
        actorUserId: user.id,
        // The person's own trail (auditEvents as them) reads events by subject.
        subjectUserId: user.id,
        payload: { method: "sso", sessionId: signedIn.session.id },
      });
      return signedIn;
    });
  }

  private require(): SsoSettings {
    if (!this.signIn.sso) throw notFound("Single sign-on is not set up on this Lapse.");
    return this.signIn.sso;
  }

  /** The code for an id_token, checked; every protocol failure as one sentence (logged with its cause). */
  private async exchange(
    config: oidc.Configuration,
    callback: URL,
    attempt: SsoAttempt,
  ): Promise<oidc.IDToken> {
    try {
      const tokens = await oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: attempt.verifier,
        expectedState: attempt.state,
        expectedNonce: attempt.nonce,
        idTokenExpected: true,
      });
      return tokens.claims()!;
    } catch (error) {
      throw this.refusal(error);
    }
  }

  private refusal(error: unknown): LapseError {
    const cause = error instanceof Error ? error : new Error(String(error));
    const code = (cause as { code?: unknown }).code;
    const protocol =
      cause instanceof oidc.ResponseBodyError ||
      cause instanceof oidc.AuthorizationResponseError ||
      (typeof code === "string" && code.startsWith("OAUTH_"));
    // openid-client wraps the failed check (oauth4webapi's) as its cause; the messages name the
    // check, never a code, token or secret.
    const reasons: string[] = [];
    for (let at: unknown = cause; at instanceof Error && reasons.length < 4; at = at.cause) {
      reasons.push(at.message);
    }
    const reason = reasons.join(": ");
    this.logger.info({ reason, code }, "single sign-on refused");
    if (!protocol) {
      return serviceUnavailable(
        "The identity provider could not be reached to finish signing in; try again in a minute.",
      );
    }
    if (/"nonce"/.test(reason)) {
      return unauthenticated(
        "The identity provider's answer was not for this browser's sign-in (nonce mismatch); sign in with SSO again.",
      );
    }
    if (cause instanceof oidc.ResponseBodyError && cause.error === "invalid_grant") {
      return unauthenticated(
        "This sign-in code was already used or has expired; sign in with SSO again.",
      );
    }
    return unauthenticated(
      "The identity provider's answer could not be verified; sign in with SSO again.",
    );
  }

  /** The provider's discovery document, fetched once (again after a failure). */
  private configuration(settings: SsoSettings): Promise<oidc.Configuration> {
    this.discovered ??= oidc
      .discovery(
        new URL(settings.issuer),
        settings.clientId,
        undefined,
        settings.clientSecret ? oidc.ClientSecretBasic(settings.clientSecret) : oidc.None(),
        // http is allowed for a loopback issuer only (readSignInSettings refuses it elsewhere).
        new URL(settings.issuer).protocol === "http:"
          ? { execute: [oidc.allowInsecureRequests] }
          : {},
      )
      .catch((error: unknown) => {
        this.discovered = null;
        this.logger.warn(
          { err: error instanceof Error ? error.message : String(error), issuer: settings.issuer },
          "single sign-on: the identity provider's discovery failed",
        );
        throw serviceUnavailable(
          "The identity provider could not be reached to sign you in; try again in a minute.",
        );
      });
    return this.discovered;
  }
}

export function callbackUrl(settings: SsoSettings): string {
  return `${settings.publicUrl}/api/sso/callback`;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
