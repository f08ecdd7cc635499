import type { DataSource, EntityMetadata } from "typeorm";

/**
 * Builds an entity from a raw row whose columns are named `<alias>_<column>` (TypeORM's own naming
 * for selected columns), converting each value with the driver's hydration, so dates and column
 * transformers come out exactly as TypeORM's getMany would give them.
 */
export function hydrate<T extends object>(
  dataSource: DataSource,
  entity: T,
  meta: EntityMetadata,
  row: Record<string, unknown>,
  alias: string,
): T {
  for (const column of meta.columns) {
    const value = dataSource.driver.prepareHydratedValue(
      row[`${alias}_${column.databaseName}`],
      column,
    );
    (entity as Record<string, unknown>)[column.propertyName] = value;
  }
  return entity;
}
