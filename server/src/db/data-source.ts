import fs from "node:fs";
import type { Pool } from "mysql2";
import path from "node:path";
import { DataSource, type DataSourceOptions } from "typeorm";
import { ENTITIES } from "./entities";
import { runPendingMigrations, type MigrationNotice } from "./migration-run";
import { MIGRATIONS } from "./migrations";
import { takeTurnsWithTransactions } from "./sqlite-turns";
import { retryDeadlocks } from "./transaction-retry";
import { DEFAULT_DB_TIMEOUT_MS, guardPool } from "./pool-guard";
import { applyDatabaseTopology, type SyncWaitSetting } from "./galera";
import { withMigrationLock, type MigrationLockOptions } from "./migration-lock";

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
  /** MySQL: `wsrep_sync_wait` for every session (`LAPSE_DB_SYNC_WAIT`; db/galera.ts). */
  syncWait?: SyncWaitSetting;
  /** MySQL: how long to wait for, and hold, the migration lock (tests shorten them). */
  migrationLock?: MigrationLockOptions;
}

/**
 * Opens the store and applies pending migrations; never `synchronize`. Throws "Cannot connect to the
 * database: ..." when it cannot be reached, and a MigrationError when it cannot be migrated.
 */
export async function openDatabase(
  databaseUrl: string,
  {
    timeoutMs = DEFAULT_DB_TIMEOUT_MS,
    notify = () => {},
    syncWait = "auto",
    migrationLock = {},
  }: OpenOptions = {},
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
    // Before the migrations, so that the lock and the migrations read what the cluster committed.
    if (storeKind(dataSource) === "mysql") await applyDatabaseTopology(dataSource, syncWait);
    await migrateUnderLock(dataSource, notify, migrationLock);
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

/**
 * Applies pending migrations once however many instances start together: on MySQL under the
 * migration lock, a row that holds across a Galera cluster's nodes too (db/migration-lock.ts).
 * SQLite is a single-process store: its file lock is enough.
 */
async function migrateUnderLock(
  dataSource: DataSource,
  notify: MigrationNotice,
  lock: MigrationLockOptions,
): Promise<void> {
  if (storeKind(dataSource) !== "mysql") return runPendingMigrations(dataSource, notify);
  await withMigrationLock(dataSource, () => runPendingMigrations(dataSource, notify), lock);
}
