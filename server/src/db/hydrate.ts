import type { DataSource, EntityMetadata } from "typeorm";
import type { ColumnMetadata } from "typeorm/metadata/ColumnMetadata";

/** Each column of an entity with the raw row's name for it under one alias, worked out once. */
const keysByAlias = new WeakMap<EntityMetadata, Map<string, [string, ColumnMetadata][]>>();

function columnKeys(meta: EntityMetadata, alias: string): [string, ColumnMetadata][] {
  let byAlias = keysByAlias.get(meta);
  if (!byAlias) keysByAlias.set(meta, (byAlias = new Map()));
  let keys = byAlias.get(alias);
  if (!keys) {
    keys = meta.columns.map((column) => [`${alias}_${column.databaseName}`, column]);
    byAlias.set(alias, keys);
  }
  return keys;
}

/**
 * Builds an entity from a raw row whose columns are named `<alias>_<column>` (TypeORM's own naming
 * for selected columns), converting each value with the driver's hydration, so dates and column
 * transformers come out exactly as TypeORM's getMany would give them. The authentication read
 * calls this on every request: the row's names are worked out once per entity and alias.
 */
export function hydrate<T extends object>(
  dataSource: DataSource,
  entity: T,
  meta: EntityMetadata,
  row: Record<string, unknown>,
  alias: string,
): T {
  const driver = dataSource.driver;
  for (const [key, column] of columnKeys(meta, alias)) {
    (entity as Record<string, unknown>)[column.propertyName] = driver.prepareHydratedValue(
      row[key],
      column,
    );
  }
  return entity;
}
