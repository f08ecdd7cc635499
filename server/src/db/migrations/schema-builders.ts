import type { QueryRunner, Table } from "typeorm";
import type { TableColumnOptions } from "typeorm/schema-builder/options/TableColumnOptions";

/**
 * Every table and every text column states this character set and collation on MySQL, so the
 * database's default (utf8mb4_general_ci on Debian's MariaDB, utf8mb4_0900_ai_ci on MySQL 8, latin1
 * where a DBA chose it) never reaches Lapse's schema. A foreign key needs both of its columns in one
 * collation, and the binary one keeps uniqueness, ordering and LIKE case-sensitive and byte-wise, as
 * SQLite's defaults are (data-source.ts turns on SQLite's case_sensitive_like to match).
 */
export const TEXT_CHARSET = "utf8mb4";
export const TEXT_COLLATION = "utf8mb4_bin";

const isMysql = (queryRunner: QueryRunner) => queryRunner.connection.options.type === "mysql";

/**
 * Column builders that give MySQL and SQLite the same physical types (see db/columns.ts).
 *
 * Released migrations call these, so what a builder produces is frozen: never change one, add a new
 * one. (`id` gained its explicit character set after release; on a utf8mb4_bin database, where the
 * released migrations ran, that is what it had from the database, byte for byte.)
 */
export function columns(queryRunner: QueryRunner) {
  const text = isMysql(queryRunner) ? { charset: TEXT_CHARSET, collation: TEXT_COLLATION } : {};
  return {
    id: (): TableColumnOptions => ({
      name: "id",
      type: "varchar",
      length: "36",
      isPrimary: true,
      ...text,
    }),
    ref: (name: string, nullable = false): TableColumnOptions => ({
      name,
      type: "varchar",
      length: "36",
      isNullable: nullable,
      ...text,
    }),
    str: (name: string, length: number, nullable = false): TableColumnOptions => ({
      name,
      type: "varchar",
      length: String(length),
      isNullable: nullable,
      ...text,
    }),
    time: (name: string, nullable = false): TableColumnOptions => ({
      name,
      type: "datetime",
      precision: 3,
      isNullable: nullable,
    }),
    bool: (name: string): TableColumnOptions => ({ name, type: "boolean", default: false }),
    longText: (name: string): TableColumnOptions => ({
      name,
      type: "text",
      isNullable: true,
      ...text,
    }),
  };
}

/** InnoDB on MySQL (row locks, foreign keys); SQLite has no engines. */
export const engineFor = (queryRunner: QueryRunner) =>
  isMysql(queryRunner) ? "InnoDB" : undefined;

/**
 * Creates `table` and, on MySQL, gives it the explicit default character set and collation (TypeORM's
 * Table cannot say them in CREATE TABLE; the ALTER changes metadata only). Its columns should come
 * from `columns()`, which state theirs too.
 */
export async function createTable(queryRunner: QueryRunner, table: Table): Promise<void> {
  await queryRunner.createTable(table);
  if (isMysql(queryRunner)) {
    await queryRunner.query(
      `ALTER TABLE \`${table.name}\` DEFAULT CHARACTER SET ${TEXT_CHARSET} COLLATE ${TEXT_COLLATION}`,
    );
  }
}
