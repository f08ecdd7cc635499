import type { DataSource } from "typeorm";
import {
  INITIAL_SCHEMA_TABLES,
  InitialSchema1764115200000,
} from "./migrations/1764115200000-initial-schema";

/**
 * The database could not be brought to the current schema: a migration failed, or the database is
 * in a state Lapse will not touch. Its message says which, and what to do; it never means the
 * database was unreachable.
 */
export class MigrationError extends Error {
  override name = "MigrationError";
}

/** Told of what a migration run repaired on its own, for the operator. */
export type MigrationNotice = (message: string) => void;

/**
 * Applies pending migrations, each in its own transaction (on MySQL, DDL commits as it goes). First
 * clears what an interrupted first migration left (clearInterruptedInitialSchema). A failure is
 * thrown as a MigrationError naming the migration that failed.
 */
export async function runPendingMigrations(
  dataSource: DataSource,
  notify: MigrationNotice,
): Promise<void> {
  if (dataSource.options.type === "mysql") await clearInterruptedInitialSchema(dataSource, notify);
  try {
    await dataSource.runMigrations({ transaction: "each" });
  } catch (error) {
    const failed = await firstPendingMigration(dataSource).catch(() => undefined);
    const cause = error instanceof Error ? error.message : String(error);
    throw new MigrationError(
      failed ? `Migration ${failed} failed: ${cause}` : `Migrations failed: ${cause}`,
      { cause: error },
    );
  }
}

async function firstPendingMigration(dataSource: DataSource): Promise<string | undefined> {
  const rows: { name: string }[] = await dataSource.query("SELECT name FROM migrations");
  const applied = new Set(rows.map((row) => row.name));
  return dataSource.migrations.map((m) => m.name!).find((name) => !applied.has(name));
}

const INITIAL = new InitialSchema1764115200000().name;

/**
 * MySQL does not roll DDL back, so a first migration that failed part-way (before 1764374400000 it
 * did on every database not made utf8mb4_bin: errno 150) left some of its tables and no record of
 * itself, and every later run stopped at "Table 'organizations' already exists". Such tables were
 * made by a migration that never finished, so no Lapse ever served from them: when they are all
 * empty they are dropped and the migration runs again. Tables with rows are someone's data: the
 * run is refused, saying what to do.
 */
async function clearInterruptedInitialSchema(
  dataSource: DataSource,
  notify: MigrationNotice,
): Promise<void> {
  const existing = new Set(
    (
      (await dataSource.query(
        "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()",
      )) as { name: string }[]
    ).map((row) => row.name),
  );
  if (existing.has("migrations")) {
    const recorded: unknown[] = await dataSource.query("SELECT 1 FROM migrations WHERE name = ?", [
      INITIAL,
    ]);
    if (recorded.length > 0) return;
  }
  const leftovers = INITIAL_SCHEMA_TABLES.filter((table) => existing.has(table));
  if (leftovers.length === 0) return;
  const withRows: string[] = [];
  for (const table of leftovers) {
    const rows: unknown[] = await dataSource.query(`SELECT 1 FROM \`${table}\` LIMIT 1`);
    if (rows.length > 0) withRows.push(table);
  }
  if (withRows.length > 0) {
    throw new MigrationError(
      `The database has Lapse's tables ${leftovers.join(", ")} but no record that migration ` +
        `${INITIAL} completed, and ${withRows.join(", ")} hold rows, so Lapse will not drop them. ` +
        `If a failed first start left them, drop them (DROP TABLE ${leftovers.map((t) => `\`${t}\``).join(", ")};) ` +
        `and run \`npm run lapse -- migrate\`; otherwise point DATABASE_URL at an empty database.`,
    );
  }
  for (const table of leftovers) await dataSource.query(`DROP TABLE \`${table}\``);
  notify(
    `Dropped the empty tables ${leftovers.join(", ")}, left by a first migration that did not ` +
      `finish; migrating again.`,
  );
}
