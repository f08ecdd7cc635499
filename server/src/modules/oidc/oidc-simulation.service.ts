import type { DataSource } from "typeorm";
import type { RequestContext } from "../../context";
import { assertValid } from "../../errors/validation";
import { Team } from "../team/team.entity";
import { User } from "../user/user.entity";
import type { Assessment, OidcAssessor } from "./oidc-assessment";
import { requestScope } from "./oidc-exchange.service";
import type { OidcIssuerService } from "./oidc-issuer.service";
import type { JwtCheck } from "./oidc-jwt-checks";
import { SimulateOidcExchangeArgs } from "./oidc.inputs";
import { OidcSimulation, OidcSimulationDecision } from "./oidc-simulation.objects";
import { DEFAULT_MAX_EXPIRATION_SECONDS } from "./oidc.types";

const DECISIONS = {
  allow: OidcSimulationDecision.ALLOW,
  deny: OidcSimulationDecision.DENY,
  "no-match": OidcSimulationDecision.NO_MATCH,
  unpinned: OidcSimulationDecision.UNPINNED,
} as const;

const NOT_CHECKED: JwtCheck = {
  ok: false,
  reason: "Not checked: the JWT must first decode, with claims of the right types.",
};

const dateOf = (seconds: unknown) =>
  typeof seconds === "number" && Number.isFinite(seconds) ? new Date(seconds * 1000) : null;

/**
 * Shows an ADMIN what an exchange would make of a JWT, judged by the exchange's own assessment
 * (OidcAssessor) against the stored policies or unsaved ones. It writes nothing: no token, no jti,
 * no audit event; and the JWT, a CI job's credential, is neither kept nor logged.
 */
export class OidcSimulationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly issuers: OidcIssuerService,
    private readonly assessor: OidcAssessor,
  ) {}

  /** Judges `args.jwt` as POST /api/oauth/token would. Throws NOT_FOUND, FORBIDDEN, BAD_USER_INPUT. */
  async simulate(ctx: RequestContext, input: SimulateOidcExchangeArgs): Promise<OidcSimulation> {
    const args = await assertValid(SimulateOidcExchangeArgs, input);
    const { issuer, organization, policies } = await this.issuers.forSimulation(
      ctx,
      args.issuerId,
      args.policies,
    );
    const scope = requestScope(args.tokenType, args.scope ?? undefined);
    const assessment = await this.assessor.assess(ctx, {
      organization,
      issuer,
      policies,
      jwt: args.jwt,
      scope,
      seconds: args.expiration ?? DEFAULT_MAX_EXPIRATION_SECONDS,
    });
    return this.describe(assessment);
  }

  private async describe(assessment: Assessment): Promise<OidcSimulation> {
    const { decoded, format, checks, verdict, plan, refusal } = assessment;
    // The checks' refusals are clauses of the exchange's sentence; shown alone, each is one.
    const check = (found: JwtCheck | undefined): JwtCheck =>
      !found
        ? NOT_CHECKED
        : found.ok
          ? found
          : {
              ok: false,
              reason: `${found.reason.charAt(0).toUpperCase()}${found.reason.slice(1)}.`,
            };
    const signature = check(checks?.signature);
    const issuer = check(checks?.issuer);
    const audience = check(checks?.audience);
    const lifetime = check(checks?.lifetime);
    const decided = verdict?.policyIndex ?? null;
    return {
      header: decoded ? { ...decoded.header } : null,
      claims: decoded ? { ...decoded.claims } : null,
      wellFormed: format.ok,
      formatReason: format.ok ? null : format.reason,
      signatureValid: signature.ok,
      signatureReason: signature.reason,
      issuerValid: issuer.ok,
      issuerReason: issuer.reason,
      audienceValid: audience.ok,
      audienceReason: audience.reason,
      lifetimeValid: lifetime.ok,
      lifetimeReason: lifetime.reason,
      expiresAt: dateOf(decoded?.claims.exp),
      notBefore: dateOf(decoded?.claims.nbf),
      issuedAt: dateOf(decoded?.claims.iat),
      replayed: assessment.replayed,
      decision: verdict ? DECISIONS[verdict.decision] : null,
      matchedPolicyIndex: decided,
      decisionReason: !verdict
        ? "The policies were not consulted: the JWT is malformed."
        : decided === null
          ? "No ALLOW policy matches this JWT for this token: deny by default."
          : `Policy ${decided + 1}: ${verdict.policies[decided]!.reason}`,
      policies: (verdict?.policies ?? []).map((p) => ({
        ...p,
        rules: p.rules.map((r) => ({ ...r, value: r.value ?? null })),
      })),
      allowed: refusal === null && plan !== null,
      token: plan && !refusal ? await this.tokenOf(plan) : null,
      refusalCode: refusal?.oauthCode ?? null,
      refusal: refusal?.message ?? null,
    };
  }

  private async tokenOf(plan: NonNullable<Assessment["plan"]>) {
    const manager = this.dataSource.manager;
    const team = plan.teamId ? await manager.findOneBy(Team, { id: plan.teamId }) : null;
    const owner = plan.ownerId ? await manager.findOneBy(User, { id: plan.ownerId }) : null;
    return {
      kind: plan.kind,
      team: team?.name ?? null,
      login: owner?.login ?? null,
      admin: plan.admin,
      scopes: plan.scopes,
      expiresIn: plan.seconds,
      expiresAt: plan.expiresAt,
      name: `${plan.namePrefix}-xxxxxxxx`,
    };
  }
}
