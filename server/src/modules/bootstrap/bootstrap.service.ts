import type { DataSource } from "typeorm";
import type { RequestContext } from "../../context";
import { LapseError, badUserInput, notFound } from "../../errors/lapse-error";
import { Organization } from "../organization/organization.entity";
import { LOGIN, LOGIN_RULE } from "../organization/organization.inputs";
import type { OrganizationService } from "../organization/organization.service";
import { Edition } from "../organization/organization.types";
import type { CreatedToken } from "../token/token.objects";
import type { TokenService } from "../token/token.service";
import { TokenKind, TokenSource } from "../token/token.types";
import { User } from "../user/user.entity";
import type { UserService } from "../user/user.service";

export interface BootstrapInput {
  organization: string;
  admin: string;
  edition?: Edition;
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
  async bootstrap(ctx: RequestContext, input: BootstrapInput): Promise<CreatedToken> {
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
        name: input.tokenName ?? "bootstrap",
        expiresAt: input.expiresAt ?? null,
        ownerId: admin.id,
        createdById: admin.id,
        source: TokenSource.CLI,
      });
    });
  }

  /** On an empty database, bootstraps as `bootstrap` does; otherwise does nothing and returns null. */
  async firstRun(ctx: RequestContext, input: BootstrapInput): Promise<CreatedToken | null> {
    if ((await this.dataSource.manager.count(Organization)) > 0) return null;
    try {
      return await this.bootstrap(ctx, input);
    } catch (error) {
      // Instances started together on an empty database: one bootstraps, the others find its work.
      if (error instanceof LapseError && error.code === "CONFLICT") return null;
      throw error;
    }
  }

  /** A new personal token for an existing user. Throws NOT_FOUND, BAD_USER_INPUT, CONFLICT. */
  async userToken(
    ctx: RequestContext,
    input: { login: string; name: string; expiresAt?: Date | null },
  ): Promise<CreatedToken> {
    return this.dataSource.transaction(async (manager) => {
      const user = await manager.findOneBy(User, { login: input.login });
      if (!user) throw notFound(`No user with login "${input.login}" exists.`);
      return this.tokens.issue(ctx, manager, {
        kind: TokenKind.PERSONAL,
        name: input.name,
        expiresAt: input.expiresAt ?? null,
        ownerId: user.id,
        createdById: user.id,
        source: TokenSource.CLI,
      });
    });
  }
}
