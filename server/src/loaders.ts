import DataLoader from "dataloader";
import { In, type DataSource, type EntityTarget, type ObjectLiteral } from "typeorm";
import { Organization } from "./modules/organization/organization.entity";
import { Team } from "./modules/team/team.entity";
import { User } from "./modules/user/user.entity";

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

/** Per-request batching for the entities field resolvers reach, so a page of tokens costs one query per type. */
export function createLoaders(dataSource: DataSource) {
  return {
    user: byId(dataSource, User),
    team: byId(dataSource, Team),
    organization: byId(dataSource, Organization),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
