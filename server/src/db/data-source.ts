import fs from "node:fs";
import type { Pool } from "mysql2";
import path from "node:path";
import { DataSource, type DataSourceOptions } from "typeorm";
import { ENTITIES } from "./entities";
import { MigrationError, runPendingMigrations, type MigrationNotice } from "./migration-run";
import { MIGRATIONS } from "./migrations";
import { takeTurnsWithTransactions } from "./sqlite-turns";
import { retryDeadlocks } from "./transaction-retry";
import { DEFAULT_DB_TIMEOUT_MS, guardPool } from "./pool-guard";

export type StoreKind = "mysql" | "sqlite";

/** Reads `mysql://user:pass@host:port/db` or `sqlite:<path>` into TypeORM options. */
export function dataSourceOptions(databaseUrl: string): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    logging: false,
    // TypeORM prints a failed migration to the console whatever `logging` says; openDatabase reports
    // it once, as a MigrationError. DEBUG=typeorm:* shows TypeORM's own lines.
    logger: "debug" as const,
  };
  if (databaseUrl.startsWith("mysql://")) {
    return {
      ...common,
      type: "mysql",
      url: databaseUrl,
      // Dates go in and come out as UTC whatever the server's or the database's zone.
      timezone: "Z",
      charset: "utf8mb4_bin",
      extra: {
        connectionLimit: 10,
        waitForConnections: true,
        queueLimit: 100,
        connectTimeout: 5000,
      },
    };
  }
  if (databaseUrl.startsWith("sqlite:")) {
    const file = databaseUrl.slice("sqlite:".length);
    if (!file)
      throw new Error("DATABASE_URL sqlite:<path> needs a path, e.g. sqlite:./data/lapse.sqlite");
    if (file !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    return {
      ...common,
      type: "better-sqlite3",
      database: file,
      // WAL lets readers go on while a write commits; busy_timeout waits out a short write lock.
      prepareDatabase: (db: { pragma(sql: string): unknown }) => {
        db.pragma("journal_mode = WAL");
        db.pragma("busy_timeout = 5000");
        // LIKE is case-sensitive on MySQL's binary collation; make SQLite's agree.
        db.pragma("case_sensitive_like = ON");
      },
    };
  }
  throw new Error(
    `DATABASE_URL must start with mysql:// or sqlite: (got "${databaseUrl.replace(/\/\/[^@]*@/, "//***@")}").`,
  );
}

export function storeKind(dataSource: DataSource): StoreKind {
  return dataSource.options.type === "mysql" ? "mysql" : "sqlite";
}

export interface OpenOptions {
  /**
   * MySQL: how long one statement may go unanswered, and a request wait for a free connection,
   * before it fails as unavailable (db/pool-guard.ts); 0 for no limit. Migrations are not limited.
   */
  timeoutMs?: number;
  /** Told of what the migration run repaired by itself (db/migration-run.ts). */
  notify?: MigrationNotice;
}

/**
 * Opens the store and applies pending migrations; never `synchronize`. Throws "Cannot connect to the
 * database: ..." when it cannot be reached, and a MigrationError when it cannot be migrated.
 */
export async function openDatabase(
  databaseUrl: string,
  { timeoutMs = DEFAULT_DB_TIMEOUT_MS, notify = () => {} }: OpenOptions = {},
): Promise<DataSource> {
  const dataSource = new DataSource(dataSourceOptions(databaseUrl));
  try {
    await dataSource.initialize();
  } catch (error) {
    throw new Error(`Cannot connect to the database: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    await migrateUnderLock(dataSource, notify);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  // Only after the migrations, which open transactions through the query runner (refused once
  // SQLite's transactions take turns) and may rightly take minutes on a large table.
  if (storeKind(dataSource) === "sqlite") {
    takeTurnsWithTransactions(dataSource);
  } else {
    retryDeadlocks(dataSource);
    guardPool((dataSource.driver as unknown as { pool: Pool }).pool, timeoutMs);
  }
  return dataSource;
}

/** How long an instance waits for another to finish migrating before it gives up. */
const MIGRATION_LOCK_WAIT_S = 120;

/**
 * Applies pending migrations while holding a named lock, so that instances started together migrate
 * once: the first takes the lock and migrates; the others wait, then find nothing pending (TypeORM
 * re-reads the migrations table after the lock is taken). MySQL's GET_LOCK is server-wide, so the
 * name carries the database's. SQLite is a single-process store: its file lock is enough.
 */
async function migrateUnderLock(dataSource: DataSource, notify: MigrationNotice): Promise<void> {
  if (storeKind(dataSource) !== "mysql") {
    await runPendingMigrations(dataSource, notify);
    return;
  }
  const lockHolder = dataSource.createQueryRunner();
  const name = "CONCAT('lapse-migrations-', SHA1(DATABASE()))";
  try {
    const [row] = (await lockHolder.query(
      `SELECT GET_LOCK(${name}, ${MIGRATION_LOCK_WAIT_S}) AS locked`,
    )) as { locked: number | string | null }[];
    if (Number(row?.locked) !== 1) {
      throw new MigrationError(
        `Another instance held the migration lock for ${MIGRATION_LOCK_WAIT_S} s; is one stuck migrating?`,
      );
    }
    try {
      await runPendingMigrations(dataSource, notify);
    } finally {
      await lockHolder.query(`SELECT RELEASE_LOCK(${name})`);
    }
  } finally {
    await lockHolder.release();
  }
}
