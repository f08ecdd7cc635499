import type { Pool, PoolConnection } from "mysql2";
import type { DataSource } from "typeorm";

/**
 * `LAPSE_DB_SYNC_WAIT`: "auto" sets `wsrep_sync_wait = 1` on a Galera node and nothing elsewhere;
 * a number (0 to 15, Galera's bit mask) is set as it is, and needs a Galera node unless it is 0.
 */
export type SyncWaitSetting = "auto" | number;

/** What Lapse learnt at connect time about the MySQL server it reached. */
export interface DatabaseTopology {
  /** A MariaDB Galera node (wsrep on, a provider loaded): every node takes writes. */
  galera: boolean;
  /** The `wsrep_sync_wait` every session of this data source runs with; 0 when none is set. */
  syncWait: number;
}

const TOPOLOGIES = new WeakMap<DataSource, DatabaseTopology>();

/** What `applyDatabaseTopology` found for this data source; SQLite and untouched ones are plain. */
export function topologyOf(dataSource: DataSource): DatabaseTopology {
  return TOPOLOGIES.get(dataSource) ?? { galera: false, syncWait: 0 };
}

/** The bit of `wsrep_sync_wait` for reads (SELECT, SHOW, BEGIN): what Lapse needs by default. */
const SYNC_READS = 1;

/**
 * Asks the server whether it is a Galera node and, if so (or if told to), makes every session of the
 * data source wait for the cluster before it reads: `SET SESSION wsrep_sync_wait` on each
 * connection as the pool opens it (and on those already open), so the authentication read (a
 * mysql2 prepared statement on the pool) and TypeORM's statements alike see every write the cluster
 * had committed when they started. Without it a node answers from what it has applied so far, and a
 * token revoked through another node was still accepted there (3.5% of the time, right after).
 * Set per connection, not per statement: it costs nothing per request beyond the wait itself.
 */
export async function applyDatabaseTopology(
  dataSource: DataSource,
  setting: SyncWaitSetting = "auto",
): Promise<DatabaseTopology> {
  const rows = (await dataSource.query(
    "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('wsrep_on', 'wsrep_provider')",
  )) as { Variable_name: string; Value: string }[];
  const value = (name: string) => rows.find((r) => r.Variable_name === name)?.Value ?? "";
  const galera = value("wsrep_on") === "ON" && !["", "none"].includes(value("wsrep_provider"));
  const syncWait = setting === "auto" ? (galera ? SYNC_READS : 0) : setting;
  if (syncWait && !galera) {
    throw new Error(
      `LAPSE_DB_SYNC_WAIT=${syncWait} needs a MariaDB Galera node, and this database is not one ` +
        `(wsrep_on is not ON with a provider loaded); unset it, or set it to auto or 0.`,
    );
  }
  const topology = { galera, syncWait };
  TOPOLOGIES.set(dataSource, topology);
  if (galera) setSessionSyncWait((dataSource.driver as unknown as { pool: Pool }).pool, syncWait);
  return topology;
}

/**
 * Sets `wsrep_sync_wait` on each connection before anything else runs on it: the pool announces a
 * new connection before it hands it out, so the SET is queued ahead of the caller's statement. A
 * connection on which the SET fails is closed with that error, failing what was queued behind it,
 * rather than left to read without waiting.
 */
function setSessionSyncWait(pool: Pool, value: number): void {
  const sql = `SET SESSION wsrep_sync_wait = ${Number(value)}`;
  const apply = (connection: PoolConnection) => {
    connection.query(sql, (error) => {
      if (error)
        (connection as unknown as { stream: { destroy(error: Error): void } }).stream.destroy(
          error,
        );
    });
  };
  pool.on("connection", apply);
  // The connections opened before this (TypeORM's first, at initialize) are idle in the pool.
  const open = (pool as unknown as { _allConnections?: { toArray(): PoolConnection[] } })
    ._allConnections;
  for (const connection of open?.toArray() ?? []) apply(connection);
}

/**
 * Whether a Galera node may serve: `wsrep_ready` ON and Synced with its cluster. A node that lost
 * the Primary Component still answers `SELECT 1`, but refuses or serves stale reads; a Donor or a
 * Joiner lags behind. Null when ready, else what the node said.
 */
export async function galeraNotReady(dataSource: DataSource): Promise<string | null> {
  const rows = (await dataSource.query(
    "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_ready', 'wsrep_local_state_comment', 'wsrep_cluster_status')",
  )) as { Variable_name: string; Value: string }[];
  const value = (name: string) => rows.find((r) => r.Variable_name === name)?.Value ?? "unknown";
  const ready = value("wsrep_ready");
  const state = value("wsrep_local_state_comment");
  if (ready === "ON" && state === "Synced") return null;
  return `wsrep_ready=${ready}, wsrep_local_state_comment=${state}, wsrep_cluster_status=${value("wsrep_cluster_status")}`;
}
