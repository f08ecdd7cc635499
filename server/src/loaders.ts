import DataLoader from "dataloader";
import { In, IsNull, type DataSource, type EntityTarget, type ObjectLiteral } from "typeorm";
import { Membership } from "./modules/organization/membership.entity";
import { Organization } from "./modules/organization/organization.entity";
import type { OrganizationMember } from "./modules/organization/organization.objects";
import { TeamMembership } from "./modules/team/team-membership.entity";
import type { TeamMember } from "./modules/team/team.objects";
import { Team } from "./modules/team/team.entity";
import { AccessToken } from "./modules/token/access-token.entity";
import { User } from "./modules/user/user.entity";

/** Plain string order, the same whichever store the rows came from. */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function byId<T extends ObjectLiteral & { id: string }>(
  dataSource: DataSource,
  entity: EntityTarget<T>,
) {
  return new DataLoader<string, T | null>(async (ids) => {
    const rows = await dataSource.getRepository(entity).findBy({ id: In([...ids]) } as never);
    const found = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

/**
 * A loader of the lists that belong to an organization (by its id), one query per batch: `read`
 * gets the distinct ids and returns every row of them, each with the id it belongs to. Not cached
 * across the request, unlike `byId`: a list changes with the mutations a request may run before
 * reading it again.
 */
function listsByOrganization<T>(
  read: (organizationIds: string[]) => Promise<{ organizationId: string; row: T }[]>,
) {
  return new DataLoader<string, T[]>(
    async (ids) => {
      const lists = new Map<string, T[]>();
      for (const { organizationId, row } of await read([...new Set(ids)])) {
        const list = lists.get(organizationId) ?? [];
        list.push(row);
        lists.set(organizationId, list);
      }
      return ids.map((id) => lists.get(id) ?? []);
    },
    { cache: false },
  );
}

/**
 * Per-request batching for the entities and lists field resolvers reach, so a page of tokens or
 * organizations costs one query per type, not one per row.
 */
export function createLoaders(dataSource: DataSource) {
  return {
    user: byId(dataSource, User),
    team: byId(dataSource, Team),
    organization: byId(dataSource, Organization),
    token: byId(dataSource, AccessToken),
    /** The token made by rotating a token (by the rotated token's id). */
    replacement: new DataLoader<string, AccessToken | null>(
      async (ids) => {
        const rows = await dataSource.manager.findBy(AccessToken, {
          replacedTokenId: In([...ids]),
        });
        const found = new Map(rows.map((row) => [row.replacedTokenId, row]));
        return ids.map((id) => found.get(id) ?? null);
      },
      // A rotation in the same request makes a replacement that was not there a moment before.
      { cache: false },
    ),
    /** An organization's members with their roles, by login. */
    members: listsByOrganization<OrganizationMember>(async (ids) => {
      const rows = await dataSource.manager.find(Membership, {
        where: { organizationId: In(ids) },
        relations: { user: true },
      });
      return rows
        .sort((a, b) => compare(a.user!.login, b.user!.login))
        .map((m) => ({ organizationId: m.organizationId, row: { user: m.user!, role: m.role } }));
    }),
    /** An organization's teams (not deleted ones), by name. */
    teams: listsByOrganization<Team>(async (ids) => {
      const rows = await dataSource.manager.find(Team, {
        where: { organizationId: In(ids), deletedAt: IsNull() },
        order: { name: "ASC" },
      });
      return rows.map((team) => ({ organizationId: team.organizationId, row: team }));
    }),
    /** A team's members with their roles, by login; not cached, as `members` is not. */
    teamMembers: new DataLoader<string, TeamMember[]>(
      async (ids) => {
        const rows = await dataSource.manager.find(TeamMembership, {
          where: { teamId: In([...new Set(ids)]) },
          relations: { user: true },
        });
        rows.sort((a, b) => compare(a.user!.login, b.user!.login));
        return ids.map((id) =>
          rows.filter((m) => m.teamId === id).map((m) => ({ user: m.user!, role: m.role })),
        );
      },
      { cache: false },
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
