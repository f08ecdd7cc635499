import type { DataSource } from "typeorm";
import { isMinted } from "../../auth/authorization";
import { mintingOrganizationId, organizationAccess } from "../../auth/organization-access";
import { requirePrincipal } from "../../auth/principal";
import { digestSecret, parseSecret } from "../../auth/token-secret";
import type { RequestContext } from "../../context";
import { LapseError } from "../../errors/lapse-error";
import { Membership } from "../organization/membership.entity";
import { Organization } from "../organization/organization.entity";
import { PolicyRefusal, breaksPolicy } from "../organization/token-policy";
import { AccessToken } from "../token/access-token.entity";
import type { TokenService } from "../token/token.service";
import { TokenKind, TokenStatus } from "../token/token.types";
import { SubjectNames } from "./subject-names";

/** What every Lapse token names as its issuer (RFC 7662 `iss`). */
export const LAPSE_ISSUER = "urn:lapse";

/** RFC 7662's answer for an active token; anything else is exactly `{ active: false }`. */
export interface Introspection {
  active: true;
  scope: string;
  token_type: "personal" | "team" | "organization";
  exp?: number;
  iat: number;
  sub: string;
  username?: string;
  org?: string;
  team?: string;
  jti: string;
  iss: string;
}

export const INACTIVE = { active: false } as const;

/** Who a token acts as, for verifying services: `user:<login>`, `team:<org>/<team>` or `org:<org>`. */
export interface TokenSubject {
  subject: string;
  login?: string;
  organization?: string;
  team?: string;
}

/** The questions other services ask Lapse about a token: is it good, and whose is it. */
export class TokenTrustService {
  private readonly names: SubjectNames;

  constructor(
    private readonly dataSource: DataSource,
    private readonly tokens: TokenService,
  ) {
    this.names = new SubjectNames(dataSource);
  }

  /**
   * RFC 7662 for a caller holding tokens:introspect (checked by the route's action): the token
   * behind `secret` if it is usable now and belongs to the caller's organization, else INACTIVE,
   * whatever the reason, so the answer tells nothing of other organizations' tokens.
   */
  async introspect(ctx: RequestContext, secret: string): Promise<Introspection | typeof INACTIVE> {
    const token = await this.find(secret);
    if (!token || !this.usable(ctx, token)) return INACTIVE;
    if (!(await this.sharesOrganization(ctx, token))) return INACTIVE;
    const who = await this.subject(token);
    return {
      active: true,
      scope: token.grantedScopes.join(" "),
      token_type: TYPE[token.kind],
      ...(token.expiresAt ? { exp: seconds(token.expiresAt) } : {}),
      iat: seconds(token.createdAt),
      sub: who.subject,
      ...(who.login ? { username: who.login } : {}),
      ...(who.organization ? { org: who.organization } : {}),
      ...(who.team ? { team: who.team } : {}),
      jti: token.id,
      iss: LAPSE_ISSUER,
    };
  }

  /**
   * RFC 7009: revokes the token behind `secret` if it is the calling token itself, or one the
   * caller may revoke; without a caller, the secret's holder revokes it. Anything else changes
   * nothing, and the caller is not told which it was.
   */
  async revokeBySecret(ctx: RequestContext, secret: string): Promise<void> {
    const token = await this.find(secret);
    if (!token) return;
    if (!ctx.principal || ctx.principal.token?.id === token.id) {
      await this.tokens.revokeHeld(ctx, token);
      return;
    }
    await this.tokens.revoke(ctx, token.id).catch((error: unknown) => {
      // Not the caller's to revoke: RFC 7009 answers alike, so the caller learns nothing.
      if (error instanceof LapseError && (error.code === "NOT_FOUND" || error.code === "FORBIDDEN"))
        return;
      throw error;
    });
  }

  /** Who `token` acts as, for introspection and a gateway's headers; no read once names are known. */
  async subject(token: AccessToken): Promise<TokenSubject> {
    const organization = token.organizationId
      ? (token.org?.name ?? (await this.names.organization(token.organizationId)))
      : undefined;
    if (token.kind === TokenKind.PERSONAL) {
      const login = await this.names.login(token.ownerId!);
      return { subject: `user:${login}`, login };
    }
    if (token.kind === TokenKind.TEAM) {
      const team = await this.names.team(token.teamId!);
      return { subject: `team:${organization}/${team}`, organization, team };
    }
    return { subject: `org:${organization}`, organization };
  }

  /**
   * Whether the calling token acts in `organization`: a machine token in its own, a person's
   * where they are a member (within its policy), a minted one where it was minted. No read for a
   * machine token (its organization comes with its authentication).
   */
  async actsIn(ctx: RequestContext, organization: string): Promise<boolean> {
    const { token } = requirePrincipal(ctx);
    if (token && token.kind !== TokenKind.PERSONAL) return token.org?.name === organization;
    const manager = this.dataSource.manager;
    const found = await manager.findOneBy(Organization, { name: organization });
    if (!found) return false;
    try {
      return (await organizationAccess(ctx, manager, found)).isMember;
    } catch (error) {
      if (error instanceof PolicyRefusal) return false;
      throw error;
    }
  }

  private async find(secret: string): Promise<AccessToken | null> {
    if (!parseSecret(secret)) return null;
    return this.dataSource.manager.findOne(AccessToken, {
      where: { digest: digestSecret(secret) },
      relations: { org: true },
    });
  }

  /** Active now and, for a machine token, within its organization's lifetime policy. */
  private usable(ctx: RequestContext, token: AccessToken): boolean {
    const now = ctx.clock.now();
    if (token.statusAt(now) !== TokenStatus.ACTIVE) return false;
    return !(token.kind !== TokenKind.PERSONAL && token.org && breaksPolicy(token, token.org, now));
  }

  /** Whether `token` belongs to an organization the calling token acts in (see `actsIn`). */
  private async sharesOrganization(ctx: RequestContext, token: AccessToken): Promise<boolean> {
    const acting = await this.callerOrganizations(ctx);
    if (token.kind !== TokenKind.PERSONAL) return acting.includes(token.organizationId!);
    // A personal token belongs to its owner; it is the organization's when its owner is a member.
    if (acting.length === 0) return false;
    const owners = await this.dataSource.manager.findBy(Membership, { userId: token.ownerId! });
    return owners.some((m) => acting.includes(m.organizationId));
  }

  /** The ids of the organizations the calling token acts in. */
  private async callerOrganizations(ctx: RequestContext): Promise<string[]> {
    const { token: caller, userId } = requirePrincipal(ctx);
    const manager = this.dataSource.manager;
    if (caller && caller.kind !== TokenKind.PERSONAL) return [caller.organizationId!];
    if (caller && isMinted(caller)) {
      const minting = await mintingOrganizationId(manager, caller);
      return minting ? [minting] : [];
    }
    const memberships = await manager.findBy(Membership, { userId: userId! });
    const now = ctx.clock.now();
    const organizations = await Promise.all(
      memberships.map((m) => ctx.loaders.organization.load(m.organizationId)),
    );
    return organizations
      .filter((org): org is Organization => !!org && !(caller && breaksPolicy(caller, org, now)))
      .map((org) => org.id);
  }
}

const TYPE = {
  [TokenKind.PERSONAL]: "personal",
  [TokenKind.TEAM]: "team",
  [TokenKind.ORGANIZATION]: "organization",
} as const;

function seconds(at: Date): number {
  return Math.floor(at.getTime() / 1000);
}
