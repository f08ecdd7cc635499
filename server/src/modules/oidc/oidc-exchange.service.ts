import { createHash, randomBytes } from "node:crypto";
import { decodeJwt, errors as joseErrors, jwtVerify, type JWTPayload } from "jose";
import { v7 as uuidv7 } from "uuid";
import type { DataSource } from "typeorm";
import { retryAfterSeconds } from "../../auth/authenticate.middleware";
import { addressKey, type AuthThrottleService } from "../../auth/auth-throttle";
import type { RequestContext } from "../../context";
import { isEnumValue } from "../../http/enum-value";
import { isUniqueViolation } from "../../db/errors";
import type { AuditService } from "../audit/audit.service";
import { AuditEventType } from "../audit/audit.types";
import { Membership } from "../organization/membership.entity";
import { Organization } from "../organization/organization.entity";
import { MACHINE_TOKEN_EDITIONS } from "../organization/organization.types";
import { Team } from "../team/team.entity";
import type { TokenService } from "../token/token.service";
import { TokenKind, TokenSource } from "../token/token.types";
import { User } from "../user/user.entity";
import { OidcIssuer } from "./oidc-issuer.entity";
import type { OidcIssuerService } from "./oidc-issuer.service";
import { claimTypeProblem } from "./oidc-claims";
import { OidcJti } from "./oidc-jti.entity";
import { KeysUnavailable, type OidcKeyResolver } from "./oidc-keys";
import { pinsOwner } from "./oidc-pinning";
import { ExchangeThrottled, KEYS_UNAVAILABLE, OAuthError } from "./oidc.errors";
import { decide, type ExchangeRequestScope } from "./oidc-policy";
import { DEFAULT_MAX_EXPIRATION_SECONDS } from "./oidc.types";

export const GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";
export const ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token";
const TOKEN_TYPE_PREFIX = "urn:lapse:token-type:access_token:";
const AUDIENCE_PREFIX = "urn:lapse:org:";
/** Asymmetric algorithms only: never `none`, never HMAC (an issuer's public key is no shared secret). */
const ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
];
const CLOCK_TOLERANCE_S = 30;
/** A JWT older than this (by iat) is refused whatever its exp says. */
export const MAX_JWT_AGE_S = 3600;

export interface ExchangeInput {
  /** REST sends the form's grant_type ("" when absent: refused); GraphQL has none (undefined). */
  grantType?: string;
  audience?: string;
  subjectToken?: string;
  subjectTokenType?: string;
  requestedTokenType?: string;
  scope?: string;
  expiration?: number | string;
}

export interface ExchangeResult {
  accessToken: string;
  issuedTokenType: string;
  tokenType: "token";
  expiresIn: number;
}

const text = (value: unknown) => (typeof value === "string" ? value : undefined);

/** Trades a CI job's OIDC JWT for a short-lived Lapse token (RFC 8693), with no stored secret. */
export class OidcExchangeService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly issuers: OidcIssuerService,
    private readonly tokens: TokenService,
    private readonly keys: OidcKeyResolver,
    private readonly throttle: AuthThrottleService,
  ) {}

  /**
   * Verifies the JWT (signature by an allow-listed asymmetric algorithm, exact iss, a single aud equal
   * to the organization's audience, exp/nbf/iat with 30 s leeway, at most an hour old, jti unused),
   * applies the issuer's policies, and mints a token with source OIDC. Refusals change nothing but
   * count against the client address, as failed authentications do; a locked-out address is refused
   * before its JWT is looked at. REST and GraphQL both come through here.
   * Throws OAuthError, ExchangeThrottled.
   */
  async exchange(ctx: RequestContext, input: ExchangeInput): Promise<ExchangeResult> {
    const keys = [addressKey(ctx.ip)];
    const nowMs = ctx.clock.now().getTime();
    const throttled = (until: number) =>
      new ExchangeThrottled(retryAfterSeconds({ retryAfterMs: until - nowMs }));
    const lockedUntil = await this.throttle.lockedOut(keys, nowMs);
    if (lockedUntil) throw throttled(lockedUntil);
    try {
      return await this.verifyAndMint(ctx, input);
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      ctx.logger.info(
        { requestId: ctx.requestId, error: error.oauthCode },
        "token exchange refused",
      );
      const until = await this.throttle.recordFailure(keys, nowMs).catch(() => 0);
      throw until ? throttled(until) : error;
    }
  }

  private async verifyAndMint(ctx: RequestContext, input: ExchangeInput): Promise<ExchangeResult> {
    const request = this.parseRequest(input);
    const organization = await this.dataSource.manager.findOneBy(Organization, {
      name: request.organization,
    });
    if (!organization)
      throw new OAuthError(
        "invalid_target",
        `No organization named "${request.organization}" exists.`,
      );

    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(request.subjectToken);
    } catch {
      throw new OAuthError("invalid_grant", "subject_token is not a JWT.");
    }
    const wrongType = (problem: string | null) => {
      if (problem) throw new OAuthError("invalid_grant", `The JWT was refused: ${problem}.`);
    };
    wrongType(claimTypeProblem(unverified));
    const issuer = await this.dataSource.manager.findOneBy(OidcIssuer, {
      organizationId: organization.id,
      url: text(unverified.iss) ?? "",
    });
    if (!issuer)
      throw new OAuthError(
        "invalid_grant",
        `The JWT's issuer is not trusted by ${organization.name}.`,
      );
    const policies = this.issuers.policiesOf(issuer);
    wrongType(claimTypeProblem(unverified, policies));

    const claims = await this.verify(
      ctx,
      request.subjectToken,
      issuer,
      `${AUDIENCE_PREFIX}${organization.name}`,
    );
    const decision = decide(policies, claims, request.scope, (p) => pinsOwner(p, issuer.url));
    if (decision === "unpinned") {
      ctx.logger.warn(
        { requestId: ctx.requestId, issuerId: issuer.id },
        "an OIDC ALLOW policy that pins no repository or owner matched, and granted nothing",
      );
    }
    if (decision !== "allow") {
      throw new OAuthError(
        "unauthorized_client",
        decision === "deny"
          ? `A DENY policy of issuer "${issuer.name}" matches this JWT.`
          : decision === "unpinned"
            ? `The ALLOW policy of issuer "${issuer.name}" that matches this JWT pins no repository or owner, so it grants nothing; an ADMIN of ${organization.name} must set the issuer's policies again.`
            : `No ALLOW policy of issuer "${issuer.name}" grants this JWT a ${request.scope.kind.toLowerCase()} token${request.scope.team ? ` for team ${request.scope.team}` : ""}${request.scope.login ? ` for ${request.scope.login}` : ""}${request.scope.admin ? " with admin" : ""}.`,
      );
    }
    const seconds = Math.min(
      request.expiration ?? DEFAULT_MAX_EXPIRATION_SECONDS,
      issuer.maxExpirationSeconds,
    );
    return this.mint(ctx, organization, issuer, claims, request.scope, seconds);
  }

  private parseRequest(input: ExchangeInput) {
    const bad = (message: string) => new OAuthError("invalid_request", message);
    if (input.grantType === "") throw bad("grant_type is required.");
    if (input.grantType !== undefined && input.grantType !== GRANT_TYPE) {
      throw bad(`grant_type must be ${GRANT_TYPE}.`);
    }
    if (!input.audience?.startsWith(AUDIENCE_PREFIX))
      throw bad(`audience must be ${AUDIENCE_PREFIX}<organization>.`);
    if (!input.subjectToken) throw bad("subject_token is required.");
    if ((input.subjectTokenType ?? ID_TOKEN_TYPE) !== ID_TOKEN_TYPE)
      throw bad(`subject_token_type must be ${ID_TOKEN_TYPE}.`);
    const kindName = input.requestedTokenType?.startsWith(TOKEN_TYPE_PREFIX)
      ? input.requestedTokenType.slice(TOKEN_TYPE_PREFIX.length).toUpperCase()
      : "";
    if (!isEnumValue(TokenKind, kindName)) {
      throw bad(`requested_token_type must be ${TOKEN_TYPE_PREFIX}organization, team or personal.`);
    }
    const kind = kindName as TokenKind;
    const scope = (input.scope ?? "").trim();
    const request: ExchangeRequestScope = { kind, admin: false };
    if (kind === TokenKind.TEAM) {
      if (!/^team:[^\s]+$/.test(scope)) throw bad("A team token needs scope team:<name>.");
      request.team = scope.slice(5);
    } else if (kind === TokenKind.PERSONAL) {
      if (!/^user:[^\s]+$/.test(scope)) throw bad("A personal token needs scope user:<login>.");
      request.login = scope.slice(5);
    } else if (scope === "admin") {
      request.admin = true;
    } else if (scope !== "") {
      throw bad("An organization token takes scope admin, or none.");
    }
    let expiration: number | undefined;
    if (input.expiration !== undefined && input.expiration !== "") {
      expiration = Number(input.expiration);
      if (!Number.isInteger(expiration) || expiration < 1)
        throw bad("expiration must be a whole number of seconds.");
    }
    return {
      organization: input.audience.slice(AUDIENCE_PREFIX.length),
      subjectToken: input.subjectToken,
      scope: request,
      expiration,
    };
  }

  private async verify(ctx: RequestContext, jwt: string, issuer: OidcIssuer, audience: string) {
    // Every failure to fetch keys answers one sentence: how a fetch failed (refused, timed out,
    // not found) would make the exchange a probe of whatever the URL points at.
    const unavailable = (error: KeysUnavailable) => {
      ctx.logger.warn(
        { requestId: ctx.requestId, issuerId: issuer.id, reason: error.message },
        "OIDC issuer keys unavailable",
      );
      return new OAuthError("temporarily_unavailable", KEYS_UNAVAILABLE);
    };
    try {
      const keys = await this.keys.keysFor(issuer);
      const { payload } = await jwtVerify(jwt, keys, {
        issuer: issuer.url,
        audience,
        algorithms: ALGORITHMS,
        clockTolerance: CLOCK_TOLERANCE_S,
        maxTokenAge: MAX_JWT_AGE_S,
        currentDate: ctx.clock.now(),
        requiredClaims: ["exp", "iat", "sub", "jti"],
      });
      if (Array.isArray(payload.aud) && payload.aud.length !== 1) {
        throw new OAuthError("invalid_grant", "The JWT must name exactly one audience.");
      }
      // claimTypeProblem has checked these types.
      return payload as JWTPayload & { sub: string; jti: string; exp: number };
    } catch (error) {
      if (error instanceof OAuthError) throw error;
      if (error instanceof KeysUnavailable) throw unavailable(error);
      if (error instanceof joseErrors.JOSEError) {
        throw new OAuthError("invalid_grant", `The JWT was refused: ${this.reason(error)}.`);
      }
      throw error;
    }
  }

  /** A short reason from jose's error, never the JWT's content. */
  private reason(error: InstanceType<typeof joseErrors.JOSEError>): string {
    if (error instanceof joseErrors.JWTExpired) return "it has expired";
    if (error instanceof joseErrors.JWTClaimValidationFailed)
      return `claim ${error.claim} failed (${error.reason})`;
    if (error instanceof joseErrors.JOSEAlgNotAllowed) return "its algorithm is not allowed";
    if (error instanceof joseErrors.JWKSNoMatchingKey)
      return "no key of the issuer matches its kid";
    if (error instanceof joseErrors.JWSSignatureVerificationFailed)
      return "its signature does not verify";
    return error.code;
  }

  private async mint(
    ctx: RequestContext,
    organization: Organization,
    issuer: OidcIssuer,
    claims: JWTPayload & { sub: string; jti: string; exp: number },
    scope: ExchangeRequestScope,
    seconds: number,
  ): Promise<ExchangeResult> {
    const target = (message: string) => new OAuthError("invalid_target", message);
    if (
      scope.kind !== TokenKind.PERSONAL &&
      !MACHINE_TOKEN_EDITIONS.includes(organization.edition)
    ) {
      throw target(
        `Team and organization tokens need the ENTERPRISE or BUSINESS_CRITICAL edition; ${organization.name} has ${organization.edition}.`,
      );
    }
    try {
      return await this.dataSource.transaction(async (manager) => {
        let teamId: string | null = null;
        let ownerId: string | null = null;
        if (scope.kind === TokenKind.TEAM) {
          const team = await manager.findOneBy(Team, {
            organizationId: organization.id,
            activeName: scope.team!,
          });
          if (!team) throw target(`No team named "${scope.team}" exists in ${organization.name}.`);
          teamId = team.id;
        }
        if (scope.kind === TokenKind.PERSONAL) {
          const user = await manager.findOneBy(User, { login: scope.login! });
          const member =
            user &&
            (await manager.existsBy(Membership, {
              organizationId: organization.id,
              userId: user.id,
            }));
          if (!user || !member)
            throw target(`${scope.login} is not a member of ${organization.name}.`);
          ownerId = user.id;
        }
        // The jti is claimed in the same transaction: a replay fails on the unique index on any instance.
        await manager.insert(OidcJti, {
          id: uuidv7(),
          issuerId: issuer.id,
          jtiDigest: createHash("sha256").update(claims.jti).digest("hex"),
          expiresAt: new Date(claims.exp * 1000),
        });
        const now = ctx.clock.now();
        const name = `oidc-${issuer.name}`.slice(0, 30) + `-${randomBytes(4).toString("hex")}`;
        const created = await this.tokens.issue(ctx, manager, {
          kind: scope.kind,
          name,
          description: `Exchanged for ${claims.sub}`.slice(0, 1024),
          expiresAt: new Date(now.getTime() + seconds * 1000),
          admin: scope.admin,
          organizationId: scope.kind === TokenKind.PERSONAL ? null : organization.id,
          teamId,
          ownerId,
          source: TokenSource.OIDC,
          // The JWT is the credential, bounded by the issuer's maximum; a header sent along is not.
          boundedByCaller: false,
          // A personal token belongs to no organization, but its making is the issuer's
          // organization's business: its ADMINs and AUDITORs read it there.
          auditOrganizationId: organization.id,
          oidcIssuerId: issuer.id,
          oidcSubject: claims.sub.slice(0, 255),
        });
        await this.audit.record(ctx, manager, {
          type: AuditEventType.TOKEN_EXCHANGED,
          organizationId: organization.id,
          tokenId: created.token.id,
          tokenName: created.token.name,
          teamId,
          payload: {
            issuer: issuer.name,
            issuerUrl: issuer.url,
            subject: claims.sub,
            kind: scope.kind,
            expiresIn: seconds,
          },
        });
        return {
          accessToken: created.secret,
          issuedTokenType: `${TOKEN_TYPE_PREFIX}${scope.kind.toLowerCase()}`,
          tokenType: "token" as const,
          expiresIn: seconds,
        };
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw new OAuthError(
          "invalid_grant",
          "This JWT has already been exchanged (its jti was seen before).",
        );
      throw error;
    }
  }
}
