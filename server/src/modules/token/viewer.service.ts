import type { DataSource } from "typeorm";
import { requirePrincipal } from "../../auth/principal";
import { isMinted } from "../../auth/authorization";
import { mintingOrganizationId } from "../../auth/organization-access";
import type { RequestContext } from "../../context";
import type { Organization } from "../organization/organization.entity";
import type { Team } from "../team/team.entity";
import type { User } from "../user/user.entity";
import { Membership } from "../organization/membership.entity";
import type { ViewerOrganization } from "../organization/organization.objects";
import { OrganizationRole } from "../organization/organization.types";
import type { Viewer } from "./token.objects";
import { TokenKind } from "./token.types";

/** The caller as the Viewer type; its related entities load only when asked for. */
export class ViewerService {
  constructor(private readonly dataSource: DataSource) {}

  /** Throws UNAUTHENTICATED without a token or session. */
  viewer(ctx: RequestContext): Viewer {
    const { token, kind, userId, ssoEmail } = requirePrincipal(ctx);
    return { kind, token, userId, ssoEmail: ssoEmail ?? null };
  }

  user(ctx: RequestContext, viewer: Viewer): Promise<User | null> | null {
    return viewer.userId ? ctx.loaders.user.load(viewer.userId) : null;
  }

  team(ctx: RequestContext, viewer: Viewer): Promise<Team | null> | null {
    return viewer.token?.teamId ? ctx.loaders.team.load(viewer.token.teamId) : null;
  }

  /** The organizations the caller acts in, by name, with the role it has in each. */
  async organizations(ctx: RequestContext, viewer: Viewer): Promise<ViewerOrganization[]> {
    const manager = this.dataSource.manager;
    const { token } = viewer;
    if (!viewer.userId) {
      if (!token) return [];
      const organization = token.organizationId
        ? await ctx.loaders.organization.load(token.organizationId)
        : null;
      const role =
        token.kind === TokenKind.ORGANIZATION && token.admin
          ? OrganizationRole.ADMIN
          : OrganizationRole.MEMBER;
      return organization ? [{ organization, role }] : [];
    }
    // A minted personal token acts in the organization whose issuer minted it, and nowhere else.
    const bound =
      token && isMinted(token) ? await mintingOrganizationId(manager, token) : undefined;
    const memberships = (
      await manager.find(Membership, { where: { userId: viewer.userId } })
    ).filter((m) => bound === undefined || m.organizationId === bound);
    const organizations = await Promise.all(
      memberships.map((m) => ctx.loaders.organization.load(m.organizationId)),
    );
    return memberships
      .map((m, i) => ({ organization: organizations[i]!, role: m.role }))
      .sort((a, b) => (a.organization.name < b.organization.name ? -1 : 1));
  }

  organization(ctx: RequestContext, viewer: Viewer): Promise<Organization | null> | null {
    return viewer.token?.organizationId
      ? ctx.loaders.organization.load(viewer.token.organizationId)
      : null;
  }
}
