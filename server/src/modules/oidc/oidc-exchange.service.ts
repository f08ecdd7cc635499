import { randomBytes } from "node:crypto";
import { decodeJwt, type JWTPayload } from "jose";
import { v7 as uuidv7 } from "uuid";
import type { DataSource } from "typeorm";
import { retryAfterSeconds } from "../../auth/authenticate.middleware";
import { addressKey, type AuthThrottleService } from "../../auth/auth-throttle";
import type { RequestContext } from "../../context";
import { isEnumValue } from "../../http/enum-value";
import { isUniqueViolation } from "../../db/errors";
import type { AuditService } from "../audit/audit.service";
import { AuditEventType } from "../audit/audit.types";
import { Organization } from "../organization/organization.entity";
import type { TokenService } from "../token/token.service";
import { TokenKind, TokenSource } from "../token/token.types";
import { AUDIENCE_PREFIX, type AssessmentInput, type OidcAssessor } from "./oidc-assessment";
import { OidcIssuer } from "./oidc-issuer.entity";
import type { OidcIssuerService } from "./oidc-issuer.service";
import { claimTypeProblem } from "./oidc-claims";
import { OidcJti } from "./oidc-jti.entity";
import { ExchangeThrottled, OAuthError } from "./oidc.errors";
import type { ExchangeRequestScope } from "./oidc-policy";
import { DEFAULT_MAX_EXPIRATION_SECONDS } from "./oidc.types";

export const GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";
export const ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token";
export const TOKEN_TYPE_PREFIX = "urn:lapse:token-type:access_token:";

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
    private readonly assessor: OidcAssessor,
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
    const assessment: AssessmentInput = {
      organization,
      issuer,
      policies: this.issuers.policiesOf(issuer),
      jwt: request.subjectToken,
      scope: request.scope,
      seconds: request.expiration ?? DEFAULT_MAX_EXPIRATION_SECONDS,
    };
    const { verdict, plan, refusal } = await this.assessor.assess(ctx, assessment);
    if (verdict?.decision === "unpinned") {
      ctx.logger.warn(
        { requestId: ctx.requestId, issuerId: issuer.id },
        "an OIDC ALLOW policy that pins no repository or owner matched, and granted nothing",
      );
    }
    if (refusal || !plan) throw refusal ?? new Error("an assessment with neither plan nor refusal");
    return this.mint(ctx, assessment);
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
    const scope = requestScope(kindName as TokenKind, input.scope);
    let expiration: number | undefined;
    if (input.expiration !== undefined && input.expiration !== "") {
      expiration = Number(input.expiration);
      if (!Number.isInteger(expiration) || expiration < 1)
        throw bad("expiration must be a whole number of seconds.");
    }
    return {
      organization: input.audience.slice(AUDIENCE_PREFIX.length),
      subjectToken: input.subjectToken,
      scope,
      expiration,
    };
  }

  private async mint(ctx: RequestContext, input: AssessmentInput): Promise<ExchangeResult> {
    const { organization, issuer } = input;
    try {
      return await this.dataSource.transaction(async (manager) => {
        // Asked again inside the transaction: a team removed since the assessment mints nothing.
        const plan = await this.assessor.plan(manager, input, claimsOf(input.jwt), ctx.clock.now());
        // The jti is claimed in the same transaction: a replay fails on the unique index on any instance.
        await manager.insert(OidcJti, {
          id: uuidv7(),
          issuerId: issuer.id,
          jtiDigest: plan.jtiDigest,
          expiresAt: plan.jtiExpiresAt,
        });
        const created = await this.tokens.issue(ctx, manager, {
          kind: plan.kind,
          name: `${plan.namePrefix}-${randomBytes(4).toString("hex")}`,
          description: `Exchanged for ${plan.subject}`.slice(0, 1024),
          expiresAt: plan.expiresAt,
          admin: plan.admin,
          organizationId: plan.kind === TokenKind.PERSONAL ? null : organization.id,
          teamId: plan.teamId,
          ownerId: plan.ownerId,
          scopes: plan.scopes,
          source: TokenSource.OIDC,
          // The JWT is the credential, bounded by the issuer's maximum; a header sent along is not.
          boundedByCaller: false,
          // A personal token belongs to no organization, but its making is the issuer's
          // organization's business: its ADMINs and AUDITORs read it there.
          auditOrganizationId: organization.id,
          oidcIssuerId: issuer.id,
          oidcSubject: plan.subject.slice(0, 255),
        });
        await this.audit.record(ctx, manager, {
          type: AuditEventType.TOKEN_EXCHANGED,
          organizationId: organization.id,
          tokenId: created.token.id,
          tokenName: created.token.name,
          teamId: plan.teamId,
          payload: {
            issuer: issuer.name,
            issuerUrl: issuer.url,
            subject: plan.subject,
            kind: plan.kind,
            expiresIn: plan.seconds,
          },
        });
        return {
          accessToken: created.secret,
          issuedTokenType: `${TOKEN_TYPE_PREFIX}${plan.kind.toLowerCase()}`,
          tokenType: "token" as const,
          expiresIn: plan.seconds,
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

/** The claims of a JWT the assessment has verified. */
function claimsOf(jwt: string) {
  return decodeJwt(jwt) as JWTPayload & { sub: string; jti: string; exp: number };
}

/**
 * What a request asks for, from the requested token type and the RFC 8693 scope: team:<name>,
 * user:<login>, admin or nothing. Throws OAuthError invalid_request.
 */
export function requestScope(kind: TokenKind, scopeText: string | undefined): ExchangeRequestScope {
  const bad = (message: string) => new OAuthError("invalid_request", message);
  const scope = (scopeText ?? "").trim();
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
  return request;
}
