import type { MigrationInterface, QueryRunner } from "typeorm";
import { INITIAL_SCHEMA_TABLES } from "./1764115200000-initial-schema";
import { TEXT_CHARSET, TEXT_COLLATION } from "./schema-builders";

/** Every table the migrations before this one create. */
const TABLES = [...INITIAL_SCHEMA_TABLES, "auth_throttle", "job_leases"];

/**
 * Brings an existing MySQL database to the explicit form that schema-builders.ts now gives new
 * tables: every table's default and every text column utf8mb4/utf8mb4_bin, whatever the database's
 * default. On a utf8mb4_bin database (where the released migrations ran) that is already the case
 * and nothing is altered. Elsewhere it pins the defaults of the tables created without one
 * (auth_throttle and job_leases took the database's) and converts any text column a DBA changed.
 *
 * Without data loss: latin1 and utf8mb3 convert into utf8mb4 losslessly, lengths count characters,
 * and values unique under a case- or accent-insensitive collation stay unique under the binary
 * one. Columns of foreign keys cannot differ (the server refuses to change one, errno 1833) and
 * Lapse's text columns have no default, so a column keeps its type and nullability and gains only
 * its character set and collation.
 */
export class ExplicitCharset1764374400000 implements MigrationInterface {
  name = "ExplicitCharset1764374400000";

  async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== "mysql") return;
    const names = TABLES.map(() => "?").join(", ");
    const tables: { name: string; collation: string }[] = await queryRunner.query(
      `SELECT TABLE_NAME AS name, TABLE_COLLATION AS collation FROM information_schema.TABLES
        WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (${names}) ORDER BY TABLE_NAME`,
      TABLES,
    );
    const columns: { table: string; name: string; type: string; nullable: string }[] =
      await queryRunner.query(
        `SELECT TABLE_NAME AS \`table\`, COLUMN_NAME AS name, COLUMN_TYPE AS type,
                IS_NULLABLE AS nullable
           FROM information_schema.COLUMNS
          WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (${names})
            AND COLLATION_NAME IS NOT NULL AND (CHARACTER_SET_NAME <> ? OR COLLATION_NAME <> ?)
          ORDER BY TABLE_NAME, ORDINAL_POSITION`,
        [...TABLES, TEXT_CHARSET, TEXT_COLLATION],
      );
    const explicit = `CHARACTER SET ${TEXT_CHARSET} COLLATE ${TEXT_COLLATION}`;
    for (const table of tables) {
      const changes = columns
        .filter((column) => column.table === table.name)
        .map(
          (column) =>
            `MODIFY \`${column.name}\` ${column.type} ${explicit} ${column.nullable === "YES" ? "NULL" : "NOT NULL"}`,
        );
      if (table.collation !== TEXT_COLLATION || changes.length > 0) {
        await queryRunner.query(
          [`ALTER TABLE \`${table.name}\` DEFAULT ${explicit}`, ...changes].join(", "),
        );
      }
    }
  }

  /** Nothing to undo: the explicit form is what the earlier migrations give a utf8mb4_bin database. */
  async down(): Promise<void> {}
}
