import { requirePrincipal } from "../../auth/principal";
import type { RequestContext } from "../../context";
import type { Organization } from "../organization/organization.entity";
import type { Team } from "../team/team.entity";
import type { User } from "../user/user.entity";
import type { Viewer } from "./token.objects";

/** The caller as the Viewer type; its related entities load only when asked for. */
export class ViewerService {
  /** Throws UNAUTHENTICATED without a token. */
  viewer(ctx: RequestContext): Viewer {
    const { token, kind, userId } = requirePrincipal(ctx);
    return { kind, token, userId };
  }

  user(ctx: RequestContext, viewer: Viewer): Promise<User | null> | null {
    return viewer.userId ? ctx.loaders.user.load(viewer.userId) : null;
  }

  team(ctx: RequestContext, viewer: Viewer): Promise<Team | null> | null {
    return viewer.token.teamId ? ctx.loaders.team.load(viewer.token.teamId) : null;
  }

  organization(ctx: RequestContext, viewer: Viewer): Promise<Organization | null> | null {
    return viewer.token.organizationId
      ? ctx.loaders.organization.load(viewer.token.organizationId)
      : null;
  }
}
