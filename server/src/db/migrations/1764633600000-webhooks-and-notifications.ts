import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";
import { columns, createTable, engineFor } from "./schema-builders";

/**
 * Webhooks and their outbox (webhook_deliveries: one row per event per endpoint, written in the
 * transaction of the change), the sweep's record of expiry warnings (once per token per threshold),
 * the email digests' queue and each person's address for them, the per-organization expiry counts
 * /metrics reads, and each organization's warning thresholds.
 */
export class WebhooksAndNotifications1764633600000 implements MigrationInterface {
  name = "WebhooksAndNotifications1764633600000";

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columns(queryRunner);
    const engine = engineFor(queryRunner);
    const int = (name: string, nullable = false) => ({
      name,
      type: "int",
      isNullable: nullable,
    });
    await queryRunner.addColumn(
      "organizations",
      new TableColumn(c.str("expiry_thresholds", 64, true)),
    );
    await queryRunner.addColumn("users", new TableColumn(c.str("email", 254, true)));
    await createTable(
      queryRunner,
      new Table({
        name: "webhooks",
        engine,
        columns: [
          c.id(),
          c.ref("organization_id"),
          c.str("url", 2048),
          c.str("description", 1024, true),
          { ...c.longText("event_types"), isNullable: false },
          { ...c.longText("secret_cipher"), isNullable: false },
          c.longText("previous_secret_cipher"),
          c.time("previous_secret_until", true),
          { ...c.bool("enabled"), default: true },
          c.time("disabled_at", true),
          c.str("disabled_reason", 255, true),
          c.time("failing_since", true),
          c.time("created_at"),
          c.time("updated_at"),
        ],
        foreignKeys: [
          {
            columnNames: ["organization_id"],
            referencedTableName: "organizations",
            referencedColumnNames: ["id"],
          },
        ],
        indices: [
          new TableIndex({ name: "ix_webhooks_organization", columnNames: ["organization_id"] }),
        ],
      }),
    );
    await createTable(
      queryRunner,
      new Table({
        name: "webhook_deliveries",
        engine,
        columns: [
          c.id(),
          c.ref("webhook_id"),
          c.ref("organization_id"),
          c.str("event_type", 32),
          { ...c.longText("payload"), isNullable: false },
          c.time("created_at"),
          c.str("status", 16),
          { ...int("attempts"), default: 0 },
          c.time("next_attempt_at", true),
          c.str("lease_holder", 64, true),
          c.time("lease_until", true),
          c.time("last_attempt_at", true),
          int("response_code", true),
          int("response_ms", true),
          c.str("last_error", 255, true),
          c.time("delivered_at", true),
        ],
        foreignKeys: [
          {
            columnNames: ["webhook_id"],
            referencedTableName: "webhooks",
            referencedColumnNames: ["id"],
            onDelete: "CASCADE",
          },
        ],
        indices: [
          // The worker's "what is due": finished rows have no next attempt and stay out of it.
          new TableIndex({ name: "ix_webhook_deliveries_due", columnNames: ["next_attempt_at"] }),
          new TableIndex({
            name: "ix_webhook_deliveries_log",
            columnNames: ["webhook_id", "created_at", "id"],
          }),
        ],
      }),
    );
    await createTable(
      queryRunner,
      new Table({
        name: "expiry_notices",
        engine,
        columns: [
          { ...c.ref("token_id"), isPrimary: true },
          { ...int("threshold_days"), isPrimary: true },
          c.bool("warned"),
          c.time("created_at"),
        ],
      }),
    );
    await createTable(
      queryRunner,
      new Table({
        name: "email_notices",
        engine,
        columns: [
          c.id(),
          c.ref("user_id"),
          c.ref("token_id"),
          int("threshold_days"),
          c.time("created_at"),
          c.time("sent_at", true),
        ],
        indices: [
          new TableIndex({ name: "ix_email_notices_user", columnNames: ["user_id", "sent_at"] }),
        ],
      }),
    );
    await createTable(
      queryRunner,
      new Table({
        name: "email_digests",
        engine,
        columns: [
          { ...c.ref("user_id"), isPrimary: true },
          { ...c.str("day", 10), isPrimary: true },
          c.time("sent_at"),
        ],
      }),
    );
    await createTable(
      queryRunner,
      new Table({
        name: "token_expiry_stats",
        engine,
        columns: [
          { ...c.ref("organization_id"), isPrimary: true },
          int("within_1d"),
          int("within_7d"),
          int("within_30d"),
          int("never_expiring"),
          c.time("computed_at"),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      "token_expiry_stats",
      "email_digests",
      "email_notices",
      "expiry_notices",
      "webhook_deliveries",
      "webhooks",
    ]) {
      await queryRunner.dropTable(table);
    }
    await queryRunner.dropColumn("users", "email");
    await queryRunner.dropColumn("organizations", "expiry_thresholds");
  }
}
