import { Table, TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";
import { columns } from "./schema-builders";

/**
 * Two tables of shared state for running several instances on one database: failed-authentication
 * counters (so the rate limit holds whichever instance a request reaches) and job leases (so a
 * periodic job runs once per period across instances). Both are keyed by primary key only, which
 * every MySQL-compatible engine (Group Replication, TiDB, Vitess) serves without a cross-shard read.
 * And two indexes for the audit trail filtered by actor.
 */
export class ThrottleAndLeases1764201600000 implements MigrationInterface {
  name = "ThrottleAndLeases1764201600000";

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columns(queryRunner);
    const engine = queryRunner.connection.options.type === "mysql" ? "InnoDB" : undefined;
    await queryRunner.createTable(
      new Table({
        name: "auth_throttle",
        engine,
        columns: [
          { ...c.str("throttle_key", 100), isPrimary: true },
          // Epoch milliseconds: compared in the application against the injected clock.
          { name: "window_started_ms", type: "bigint" },
          { name: "failures", type: "int" },
          { name: "blocked_until_ms", type: "bigint", default: 0 },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "job_leases",
        engine,
        columns: [
          { ...c.str("name", 64), isPrimary: true },
          c.str("holder", 64),
          c.time("lease_until"),
        ],
      }),
    );
    // An auditor's "what did this person (or token) do": newest first, read in index order.
    await queryRunner.createIndex(
      "audit_events",
      new TableIndex({
        name: "ix_audit_events_org_actor_login_time",
        columnNames: ["organization_id", "actor_login", "created_at", "id"],
      }),
    );
    await queryRunner.createIndex(
      "audit_events",
      new TableIndex({
        name: "ix_audit_events_org_actor_token_time",
        columnNames: ["organization_id", "actor_token_id", "created_at", "id"],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex("audit_events", "ix_audit_events_org_actor_token_time");
    await queryRunner.dropIndex("audit_events", "ix_audit_events_org_actor_login_time");
    await queryRunner.dropTable("job_leases");
    await queryRunner.dropTable("auth_throttle");
  }
}
