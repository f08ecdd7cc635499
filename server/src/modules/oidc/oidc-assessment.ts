import { createHash } from "node:crypto";
import type { DataSource, EntityManager } from "typeorm";
import type { RequestContext } from "../../context";
import { scopesForNewToken } from "../../auth/scopes";
import { Membership } from "../organization/membership.entity";
import type { Organization } from "../organization/organization.entity";
import { MACHINE_TOKEN_EDITIONS } from "../organization/organization.types";
import { Team } from "../team/team.entity";
import { TokenKind } from "../token/token.types";
import { User } from "../user/user.entity";
import { claimTypeProblem } from "./oidc-claims";
import type { OidcIssuer } from "./oidc-issuer.entity";
import { OidcJti } from "./oidc-jti.entity";
import {
  checkJwt,
  decodeUnverified,
  firstFailure,
  type DecodedJwt,
  type JwtCheck,
  type JwtChecks,
} from "./oidc-jwt-checks";
import type { OidcKeyResolver } from "./oidc-keys";
import { pinsOwner } from "./oidc-pinning";
import {
  evaluatePolicies,
  type ExchangeRequestScope,
  type OidcPolicy,
  type PolicyVerdict,
} from "./oidc-policy";
import { KEYS_UNAVAILABLE, OAuthError } from "./oidc.errors";

export const AUDIENCE_PREFIX = "urn:lapse:org:";

/** What an exchange is asked to judge: one JWT against one issuer's policies, for one token. */
export interface AssessmentInput {
  organization: Organization;
  issuer: OidcIssuer;
  policies: OidcPolicy[];
  jwt: string;
  scope: ExchangeRequestScope;
  /** The lifetime asked for, in seconds; clamped to the issuer's maximum. */
  seconds: number;
}

/** The token an allowed exchange mints. */
export interface MintPlan {
  kind: TokenKind;
  admin: boolean;
  teamId: string | null;
  ownerId: string | null;
  scopes: string[];
  seconds: number;
  expiresAt: Date;
  /** The name before its random suffix. */
  namePrefix: string;
  subject: string;
  jtiDigest: string;
  jtiExpiresAt: Date;
}

/** Everything the exchange found out about a JWT, and the refusal it answers (null: it mints). */
export interface Assessment {
  decoded: DecodedJwt | null;
  /** Whether the JWT decodes and its claims have the JSON types the exchange reads. */
  format: JwtCheck;
  checks: JwtChecks | null;
  verdict: PolicyVerdict | null;
  /** Whether the JWT's jti was exchanged before. */
  replayed: boolean;
  plan: MintPlan | null;
  refusal: OAuthError | null;
}

const jtiDigestOf = (jti: string) => createHash("sha256").update(jti).digest("hex");

/**
 * The one place that decides an OIDC exchange: the token exchange acts on its answer, and the
 * console's simulator shows it. It only reads: the jti is claimed and the token minted by the
 * exchange, inside its own transaction, after asking `plan` again there.
 */
export class OidcAssessor {
  constructor(
    private readonly dataSource: DataSource,
    private readonly keys: OidcKeyResolver,
  ) {}

  /** Judges `input.jwt`; never throws for anything the JWT or the request holds. */
  async assess(ctx: RequestContext, input: AssessmentInput): Promise<Assessment> {
    const { issuer, organization, policies, jwt, scope } = input;
    const invalid = (reason: string) => new OAuthError("invalid_grant", reason);
    const decoded = decodeUnverified(jwt);
    const problem = decoded
      ? claimTypeProblem(decoded.claims, policies)
      : "it is not a JWT (three base64url parts joined by dots)";
    if (!decoded || problem) {
      return {
        decoded,
        format: { ok: false, reason: problem! },
        checks: null,
        verdict: null,
        replayed: false,
        plan: null,
        refusal: invalid(
          decoded ? `The JWT was refused: ${problem}.` : "subject_token is not a JWT.",
        ),
      };
    }
    const claims = decoded.claims as typeof decoded.claims & {
      sub: string;
      jti: string;
      exp: number;
    };
    const checks = await checkJwt(
      jwt,
      decoded,
      {
        issuerUrl: issuer.url,
        audience: `${AUDIENCE_PREFIX}${organization.name}`,
        keys: () => this.keys.keysFor(issuer),
      },
      ctx.clock.now(),
    );
    if (checks.keysUnavailable) {
      // How a fetch failed goes to the log only: the answer would make the exchange a probe.
      ctx.logger.warn(
        { requestId: ctx.requestId, issuerId: issuer.id, reason: checks.keysUnavailable.message },
        "OIDC issuer keys unavailable",
      );
    }
    const verdict = evaluatePolicies(policies, claims, scope, (p) => pinsOwner(p, issuer.url));
    const jtiDigest = jtiDigestOf(claims.jti);
    const replayed = await this.dataSource.manager.existsBy(OidcJti, {
      issuerId: issuer.id,
      jtiDigest,
    });
    const failed = firstFailure(checks);
    let refusal: OAuthError | null = checks.keysUnavailable
      ? new OAuthError("temporarily_unavailable", KEYS_UNAVAILABLE)
      : failed
        ? invalid(`The JWT was refused: ${failed.reason}.`)
        : verdict.decision !== "allow"
          ? policyRefusal(verdict, input)
          : null;
    let plan: MintPlan | null = null;
    if (!refusal) {
      try {
        plan = await this.plan(this.dataSource.manager, input, claims, ctx.clock.now());
      } catch (error) {
        if (!(error instanceof OAuthError)) throw error;
        refusal = error;
      }
    }
    if (!refusal && replayed) {
      refusal = invalid("This JWT has already been exchanged (its jti was seen before).");
      plan = null;
    }
    return { decoded, format: { ok: true, reason: "" }, checks, verdict, replayed, plan, refusal };
  }

  /**
   * The token an allowed JWT gets, read through `manager` (the exchange asks again inside the
   * transaction that mints). Throws OAuthError invalid_target: the edition has no machine tokens,
   * no such team, or the login is not a member.
   */
  async plan(
    manager: EntityManager,
    input: AssessmentInput,
    claims: { sub: string; jti: string; exp: number },
    now: Date,
  ): Promise<MintPlan> {
    const { organization, issuer, scope } = input;
    const target = (message: string) => new OAuthError("invalid_target", message);
    if (scope.kind !== TokenKind.PERSONAL && !MACHINE_TOKEN_EDITIONS.includes(organization.edition))
      throw target(
        `Team and organization tokens need the ENTERPRISE or BUSINESS_CRITICAL edition; ${organization.name} has ${organization.edition}.`,
      );
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
        (await manager.existsBy(Membership, { organizationId: organization.id, userId: user.id }));
      if (!user || !member) throw target(`${scope.login} is not a member of ${organization.name}.`);
      ownerId = user.id;
    }
    const seconds = Math.min(input.seconds, issuer.maxExpirationSeconds);
    return {
      kind: scope.kind,
      admin: scope.admin,
      teamId,
      ownerId,
      scopes: scopesForNewToken(scope.kind, null),
      seconds,
      expiresAt: new Date(now.getTime() + seconds * 1000),
      namePrefix: `oidc-${issuer.name}`.slice(0, 30),
      subject: claims.sub,
      jtiDigest: jtiDigestOf(claims.jti),
      jtiExpiresAt: new Date(claims.exp * 1000),
    };
  }
}

/** The exchange's answer when the policies do not allow the request. */
function policyRefusal(verdict: PolicyVerdict, input: AssessmentInput): OAuthError {
  const { issuer, organization, scope } = input;
  return new OAuthError(
    "unauthorized_client",
    verdict.decision === "deny"
      ? `A DENY policy of issuer "${issuer.name}" matches this JWT.`
      : verdict.decision === "unpinned"
        ? `The ALLOW policy of issuer "${issuer.name}" that matches this JWT pins no repository or owner, so it grants nothing; an ADMIN of ${organization.name} must set the issuer's policies again.`
        : `No ALLOW policy of issuer "${issuer.name}" grants this JWT a ${scope.kind.toLowerCase()} token${scope.team ? ` for team ${scope.team}` : ""}${scope.login ? ` for ${scope.login}` : ""}${scope.admin ? " with admin" : ""}.`,
  );
}
