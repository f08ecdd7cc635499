import { v7 as uuidv7 } from "uuid";
import type { DataSource, EntityManager } from "typeorm";
import { Action, authorize, isAllowed } from "../../auth/authorization";
import type { OrganizationAccess } from "../../auth/organization-access";
import type { RequestContext } from "../../context";
import { isUniqueViolation } from "../../db/errors";
import { badUserInput, conflict, notFound } from "../../errors/lapse-error";
import { assertValid } from "../../errors/validation";
import type { AuditService } from "../audit/audit.service";
import { AuditEventType } from "../audit/audit.types";
import { Organization } from "../organization/organization.entity";
import type { OrganizationService } from "../organization/organization.service";
import { Membership } from "../organization/membership.entity";
import { Team } from "../team/team.entity";
import { TokenKind } from "../token/token.types";
import { User } from "../user/user.entity";
import { OidcIssuer } from "./oidc-issuer.entity";
import { NonPublicAddress, resolvePublic } from "./oidc-fetch";
import { OidcJti } from "./oidc-jti.entity";
import { PIN_ADVICE, pinsOwner } from "./oidc-pinning";
import { OidcPolicy } from "./oidc-policy";
import {
  OidcIssuerFieldsArgs,
  RegisterOidcIssuerArgs,
  SetOidcIssuerPoliciesArgs,
  UpdateOidcIssuerArgs,
} from "./oidc.inputs";
import {
  DEFAULT_MAX_EXPIRATION_SECONDS,
  MAX_POLICIES,
  MAX_RULES,
  PolicyDecision,
} from "./oidc.types";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** An issuer URL is https, or http on loopback only (tests and local issuers); no query or fragment. */
export function assertIssuerUrl(text: string, what = "url"): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw badUserInput(
      `${what} must be an absolute URL such as https://token.actions.githubusercontent.com.`,
    );
  }
  const loopbackHttp = url.protocol === "http:" && LOOPBACK.has(url.hostname);
  if ((url.protocol !== "https:" && !loopbackHttp) || url.search || url.hash || url.username) {
    throw badUserInput(
      `${what} must use https (plain http only on loopback) and carry no query, fragment or credentials.`,
    );
  }
  return url;
}

/** A static JWKS: public asymmetric keys only. */
function assertJwks(text: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badUserInput('jwks must be a JSON Web Key Set: {"keys": [...]}.');
  }
  const keys = (parsed as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > 20) {
    throw badUserInput('jwks must hold 1 to 20 keys in a "keys" array.');
  }
  for (const key of keys as Record<string, unknown>[]) {
    if (!key || typeof key !== "object" || !["RSA", "EC", "OKP"].includes(String(key.kty))) {
      throw badUserInput("jwks keys must be RSA, EC or OKP public keys.");
    }
    if ("d" in key || "p" in key || "q" in key || "k" in key) {
      throw badUserInput(
        "jwks must hold public keys only; never upload a private or symmetric key.",
      );
    }
  }
}

/** Registers the OIDC issuers an organization trusts and the policies that say what their JWTs may get. */
export class OidcIssuerService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly organizations: OrganizationService,
    private readonly options: { allowPrivateIssuers: boolean } = { allowPrivateIssuers: false },
  ) {}

  /** The organization's issuers by name. ADMINs and AUDITORs. Throws NOT_FOUND, FORBIDDEN. */
  async list(ctx: RequestContext, organization: string): Promise<OidcIssuer[]> {
    const access = await this.organizations.access(ctx, organization);
    this.assertReader(ctx, access);
    return this.dataSource.manager.find(OidcIssuer, {
      where: { organizationId: access.organization.id },
      order: { name: "ASC" },
    });
  }

  /** An issuer the caller may read, else null. */
  async get(ctx: RequestContext, id: string): Promise<OidcIssuer | null> {
    const issuer = await this.dataSource.manager.findOneBy(OidcIssuer, { id });
    if (!issuer) return null;
    const access = await this.accessTo(ctx, this.dataSource.manager, issuer);
    return access && isAllowed(ctx, Action.ReadOidcIssuers, { access }) ? issuer : null;
  }

  /**
   * Registers an issuer. ADMINs signed in with a personal token only: trust that mints tokens is
   * granted by people. Throws NOT_FOUND, FORBIDDEN, BAD_USER_INPUT, CONFLICT.
   */
  async register(ctx: RequestContext, input: RegisterOidcIssuerArgs): Promise<OidcIssuer> {
    const args = await assertValid(RegisterOidcIssuerArgs, input);
    if (!args.name || !args.url) throw badUserInput("name and url are required.");
    await this.assertPublicHost(args.url);
    return this.write(ctx, args.name, async (manager) => {
      const access = await this.organizations.access(ctx, args.organization, manager);
      this.assertWriter(ctx, access);
      const now = ctx.clock.now();
      const issuer = manager.create(OidcIssuer, {
        id: uuidv7(),
        organizationId: access.organization.id,
        name: args.name!,
        url: "",
        jwks: null,
        maxExpirationSeconds: DEFAULT_MAX_EXPIRATION_SECONDS,
        policies: "[]",
        createdAt: now,
        updatedAt: now,
      });
      this.apply(issuer, args);
      await manager.insert(OidcIssuer, issuer);
      await this.audit.record(ctx, manager, {
        type: AuditEventType.OIDC_ISSUER_REGISTERED,
        organizationId: access.organization.id,
        payload: { issuerId: issuer.id, name: issuer.name, url: issuer.url },
      });
      return issuer;
    });
  }

  /** Changes an issuer's fields. Person ADMINs only. Throws NOT_FOUND, FORBIDDEN, BAD_USER_INPUT, CONFLICT. */
  async update(ctx: RequestContext, input: UpdateOidcIssuerArgs): Promise<OidcIssuer> {
    const args = await assertValid(UpdateOidcIssuerArgs, input);
    if (args.url != null) await this.assertPublicHost(args.url);
    return this.write(ctx, args.name ?? "", async (manager) => {
      const { issuer, access } = await this.writable(ctx, manager, args.id);
      const before = {
        name: issuer.name,
        url: issuer.url,
        maxExpirationSeconds: issuer.maxExpirationSeconds,
      };
      this.apply(issuer, args);
      issuer.updatedAt = ctx.clock.now();
      await manager.save(issuer);
      await this.audit.record(ctx, manager, {
        type: AuditEventType.OIDC_ISSUER_UPDATED,
        organizationId: access.organization.id,
        payload: {
          issuerId: issuer.id,
          from: before,
          to: {
            name: issuer.name,
            url: issuer.url,
            maxExpirationSeconds: issuer.maxExpirationSeconds,
          },
        },
      });
      return issuer;
    });
  }

  /** Removes an issuer; tokens it minted keep their expiry. Person ADMINs only. Throws NOT_FOUND, FORBIDDEN. */
  async delete(ctx: RequestContext, id: string): Promise<OidcIssuer> {
    return this.dataSource.transaction(async (manager) => {
      const { issuer, access } = await this.writable(ctx, manager, id);
      await manager.delete(OidcJti, { issuerId: issuer.id });
      await manager.delete(OidcIssuer, { id: issuer.id });
      await this.audit.record(ctx, manager, {
        type: AuditEventType.OIDC_ISSUER_DELETED,
        organizationId: access.organization.id,
        payload: { issuerId: issuer.id, name: issuer.name, url: issuer.url },
      });
      return issuer;
    });
  }

  /**
   * Replaces an issuer's policies (at most 40). Person ADMINs only. An ALLOW must pin down `sub`,
   * `repository_id` or `repository_owner_id`, so no policy trusts every repository of a shared issuer.
   * Throws NOT_FOUND, FORBIDDEN, BAD_USER_INPUT.
   */
  async setPolicies(ctx: RequestContext, input: SetOidcIssuerPoliciesArgs): Promise<OidcIssuer> {
    const args = await assertValid(SetOidcIssuerPoliciesArgs, input);
    return this.dataSource.transaction(async (manager) => {
      const { issuer, access } = await this.writable(ctx, manager, args.issuerId);
      const policies = await this.checkPolicies(manager, access, issuer, args.policies);
      issuer.policies = JSON.stringify(policies);
      issuer.updatedAt = ctx.clock.now();
      await manager.save(issuer);
      await this.audit.record(ctx, manager, {
        type: AuditEventType.OIDC_POLICIES_UPDATED,
        organizationId: access.organization.id,
        payload: { issuerId: issuer.id, policies },
      });
      return issuer;
    });
  }

  /** The stored policies. */
  policiesOf(issuer: OidcIssuer): OidcPolicy[] {
    return issuer.policies ? (JSON.parse(issuer.policies) as OidcPolicy[]) : [];
  }

  /**
   * An issuer whose exchanges the caller may simulate, its organization, and the policies to
   * simulate with: `proposed` checked exactly as setPolicies checks them (never saved), else the
   * stored ones. Person ADMINs only. Throws NOT_FOUND, FORBIDDEN, BAD_USER_INPUT.
   */
  async forSimulation(ctx: RequestContext, id: string, proposed?: OidcPolicy[] | null) {
    const manager = this.dataSource.manager;
    const { issuer, access } = await this.writable(ctx, manager, id, Action.SimulateOidcExchange);
    const policies = proposed
      ? await this.checkPolicies(manager, access, issuer, proposed)
      : this.policiesOf(issuer);
    return { issuer, organization: access.organization, policies };
  }

  private async checkPolicies(
    manager: EntityManager,
    access: OrganizationAccess,
    issuer: OidcIssuer,
    policies: OidcPolicy[],
  ): Promise<OidcPolicy[]> {
    if (policies.length > MAX_POLICIES)
      throw badUserInput(`An issuer takes at most ${MAX_POLICIES} policies.`);
    return Promise.all(
      policies.map(async (policy, index) => {
        const at = `policies[${index}]`;
        if (policy.rules.length === 0 || policy.rules.length > MAX_RULES) {
          throw badUserInput(`${at} needs 1 to ${MAX_RULES} rules.`);
        }
        for (const rule of policy.rules) {
          if (
            !/^[A-Za-z0-9_:-]+(\.[A-Za-z0-9_:-]+)*$/.test(rule.claim) ||
            rule.claim.length > 128
          ) {
            throw badUserInput(
              `${at}: "${rule.claim.slice(0, 40)}" is not a claim path (names joined by dots).`,
            );
          }
          if (rule.pattern.length === 0 || rule.pattern.length > 256) {
            throw badUserInput(`${at}: patterns are 1 to 256 characters.`);
          }
        }
        if (policy.decision === PolicyDecision.ALLOW && !pinsOwner(policy, issuer.url)) {
          throw badUserInput(`${at}: ${PIN_ADVICE}`);
        }
        const team = policy.tokenType === TokenKind.TEAM ? policy.team : null;
        const login = policy.tokenType === TokenKind.PERSONAL ? policy.login : null;
        if (
          policy.decision === PolicyDecision.ALLOW &&
          policy.tokenType === TokenKind.TEAM &&
          !team
        ) {
          throw badUserInput(`${at}: a TEAM policy names its team.`);
        }
        if (
          policy.decision === PolicyDecision.ALLOW &&
          policy.tokenType === TokenKind.PERSONAL &&
          !login
        ) {
          throw badUserInput(`${at}: a PERSONAL policy names its login.`);
        }
        if (
          team &&
          !(await manager.existsBy(Team, {
            organizationId: access.organization.id,
            activeName: team,
          }))
        ) {
          throw badUserInput(
            `${at}: no team named "${team}" exists in ${access.organization.name}.`,
          );
        }
        if (login && !(await this.isMember(manager, access, login))) {
          // One answer for "no such user" and "not a member": a policy must not tell an ADMIN
          // which logins exist outside the organization.
          throw badUserInput(
            `${at}: "${login}" is not a member of ${access.organization.name}; a PERSONAL policy names a member.`,
          );
        }
        return {
          decision: policy.decision,
          tokenType: policy.tokenType,
          team,
          login,
          admin: policy.tokenType === TokenKind.ORGANIZATION ? (policy.admin ?? false) : false,
          rules: policy.rules.map((r) => ({ claim: r.claim, pattern: r.pattern })),
        };
      }),
    );
  }

  private async isMember(manager: EntityManager, access: OrganizationAccess, login: string) {
    const user = await manager.findOneBy(User, { login });
    if (!user) return false;
    return manager.existsBy(Membership, {
      organizationId: access.organization.id,
      userId: user.id,
    });
  }

  /**
   * Refuses an issuer URL whose host is, or resolves to, a non-public address unless private
   * issuers are allowed. A host that does not resolve now is let through: every fetch checks again.
   */
  private async assertPublicHost(text: string): Promise<void> {
    if (this.options.allowPrivateIssuers) return;
    const url = assertIssuerUrl(text);
    try {
      await resolvePublic(url, { allowPrivate: false });
    } catch (error) {
      if (error instanceof NonPublicAddress) {
        throw badUserInput(
          `url must name a public host; ${url.hostname} is a loopback, private, link-local or otherwise non-public address (an operator can allow such issuers with LAPSE_OIDC_ALLOW_PRIVATE_ISSUERS=true).`,
        );
      }
    }
  }

  private apply(issuer: OidcIssuer, args: OidcIssuerFieldsArgs): void {
    if (args.name != null) issuer.name = args.name;
    if (args.url != null) {
      // Stored as given: the JWTs' iss must equal it exactly.
      assertIssuerUrl(args.url);
      issuer.url = args.url;
    }
    if (args.jwks != null) {
      if (args.jwks !== "") assertJwks(args.jwks);
      issuer.jwks = args.jwks === "" ? null : args.jwks;
    }
    if (args.maxExpirationSeconds != null) issuer.maxExpirationSeconds = args.maxExpirationSeconds;
  }

  private async write(
    ctx: RequestContext,
    name: string,
    run: (manager: EntityManager) => Promise<OidcIssuer>,
  ): Promise<OidcIssuer> {
    try {
      return await this.dataSource.transaction(run);
    } catch (error) {
      if (isUniqueViolation(error))
        throw conflict(
          `An issuer with that name or url is already registered here${name ? ` ("${name}")` : ""}.`,
        );
      throw error;
    }
  }

  private async writable(
    ctx: RequestContext,
    manager: EntityManager,
    id: string,
    action = Action.ManageOidcIssuers,
  ) {
    const issuer = await manager.findOneBy(OidcIssuer, { id });
    const access = issuer ? await this.accessTo(ctx, manager, issuer) : null;
    if (!issuer || !access || !isAllowed(ctx, Action.ReadOidcIssuers, { access }))
      throw notFound(`No OIDC issuer with id "${id}" exists that you can see.`);
    authorize(ctx, action, { access, names: { organization: access.organization.name } });
    return { issuer, access };
  }

  private async accessTo(ctx: RequestContext, manager: EntityManager, issuer: OidcIssuer) {
    const organization = await manager.findOneByOrFail(Organization, { id: issuer.organizationId });
    return this.organizations.tryAccess(ctx, organization.name, manager);
  }

  private assertReader(ctx: RequestContext, access: OrganizationAccess): void {
    authorize(ctx, Action.ReadOidcIssuers, {
      access,
      names: { organization: access.organization.name },
    });
  }

  private assertWriter(ctx: RequestContext, access: OrganizationAccess): void {
    authorize(ctx, Action.ManageOidcIssuers, {
      access,
      names: { organization: access.organization.name },
    });
  }
}
