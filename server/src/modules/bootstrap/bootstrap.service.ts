import type { DataSource, EntityManager } from "typeorm";
import type { RequestContext } from "../../context";
import { LapseError, badUserInput, notFound } from "../../errors/lapse-error";
import { Organization } from "../organization/organization.entity";
import { LOGIN, LOGIN_RULE } from "../organization/organization.inputs";
import type { OrganizationService } from "../organization/organization.service";
import { Edition } from "../organization/organization.types";
import { AccessToken } from "../token/access-token.entity";
import type { CreatedToken } from "../token/token.objects";
import type { TokenService } from "../token/token.service";
import { TokenKind, TokenSource } from "../token/token.types";
import { User } from "../user/user.entity";
import type { UserService } from "../user/user.service";

/** How long a token made by the operator (first start, the CLI) lives unless told otherwise. */
export const OPERATOR_TOKEN_DAYS = 30;

export interface BootstrapInput {
  organization: string;
  admin: string;
  edition?: Edition;
  /** Default: "bootstrap", or "bootstrap-2", ... when the admin already has a token of that name. */
  tokenName?: string;
  expiresAt?: Date | null;
  /** Whether the admin becomes a site admin too (default true: the first person of a new install). */
  siteAdmin?: boolean;
}

/** Operator actions that run without an authenticated caller: first start and the CLI. */
export class BootstrapService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly organizations: OrganizationService,
    private readonly tokens: TokenService,
    private readonly users: UserService,
  ) {}

  /**
   * Creates an organization whose ADMIN is `admin` (made a site admin) and returns that admin's new
   * personal token, all in one transaction. Throws CONFLICT if the organization exists.
   */
  async bootstrap(
    ctx: RequestContext,
    input: BootstrapInput,
    source: TokenSource = TokenSource.CLI,
  ): Promise<CreatedToken> {
    if (!LOGIN.test(input.admin)) throw badUserInput(`admin must be ${LOGIN_RULE}.`);
    return this.dataSource.transaction(async (manager) => {
      await this.organizations.createWithAdmin(
        ctx,
        { name: input.organization, edition: input.edition ?? Edition.ENTERPRISE },
        input.admin,
        { siteAdmin: input.siteAdmin ?? true, manager },
      );
      const admin = await this.users.findOrCreate(ctx, manager, input.admin);
      return this.tokens.issue(ctx, manager, {
        kind: TokenKind.PERSONAL,
        name: input.tokenName ?? (await freeTokenName(ctx, manager, admin.id, "bootstrap")),
        expiresAt: input.expiresAt ?? null,
        ownerId: admin.id,
        createdById: admin.id,
        source,
      });
    });
  }

  /** On an empty database, bootstraps as `bootstrap` does; otherwise does nothing and returns null. */
  async firstRun(ctx: RequestContext, input: BootstrapInput): Promise<CreatedToken | null> {
    if ((await this.dataSource.manager.count(Organization)) > 0) return null;
    try {
      return await this.bootstrap(ctx, input, TokenSource.BOOTSTRAP);
    } catch (error) {
      // Instances started together on an empty database: one bootstraps, the others find its work.
      if (error instanceof LapseError && error.code === "CONFLICT") return null;
      throw error;
    }
  }

  /**
   * A new personal token for an existing user, named `name` or by default `cli-<instant>` (made free
   * as bootstrap's is). Throws NOT_FOUND, BAD_USER_INPUT, CONFLICT (`name` taken).
   */
  async userToken(
    ctx: RequestContext,
    input: { login: string; name?: string; expiresAt?: Date | null },
  ): Promise<CreatedToken> {
    return this.dataSource.transaction(async (manager) => {
      const user = await manager.findOneBy(User, { login: input.login });
      if (!user) throw notFound(`No user with login "${input.login}" exists.`);
      const byDefault = `cli-${ctx.clock.now().toISOString().slice(0, 19)}`;
      return this.tokens.issue(ctx, manager, {
        kind: TokenKind.PERSONAL,
        name: input.name ?? (await freeTokenName(ctx, manager, user.id, byDefault)),
        expiresAt: input.expiresAt ?? null,
        ownerId: user.id,
        createdById: user.id,
        source: TokenSource.CLI,
      });
    });
  }
}

/**
 * `base`, or `base-2`, `base-3`, ... : the first name none of the owner's active personal tokens has,
 * so a name the operator did not choose never clashes (an existing login bootstrapped into a second
 * organization, two CLI tokens in one second).
 */
async function freeTokenName(
  ctx: RequestContext,
  manager: EntityManager,
  ownerId: string,
  base: string,
): Promise<string> {
  // Expired tokens' names count as free: issue() releases them.
  const taken = await manager
    .createQueryBuilder(AccessToken, "t")
    .select("t.name_key", "name")
    .where("t.owner_id = :owner AND t.name_key LIKE :prefix AND t.expires_at > :now", {
      owner: ownerId,
      prefix: `${base}%`,
      now: ctx.clock.now(),
    })
    .getRawMany<{ name: string }>();
  const names = new Set(taken.map((row) => row.name));
  let name = base;
  for (let n = 2; names.has(name); n++) name = `${base}-${n}`;
  return name;
}
