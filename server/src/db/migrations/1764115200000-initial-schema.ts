import {
  Table,
  TableForeignKey,
  TableIndex,
  type MigrationInterface,
  type QueryRunner,
} from "typeorm";
import { columns, createTable, engineFor } from "./schema-builders";

const fk = (column: string, table: string) =>
  new TableForeignKey({
    columnNames: [column],
    referencedTableName: table,
    referencedColumnNames: ["id"],
  });

/** The tables this migration creates, in an order that can drop them (referencing tables first). */
export const INITIAL_SCHEMA_TABLES = [
  "audit_events",
  "sessions",
  "invitations",
  "oidc_jtis",
  "oidc_issuers",
  "access_tokens",
  "team_memberships",
  "teams",
  "memberships",
  "users",
  "organizations",
];

/**
 * Edited after release, for databases whose default collation is not utf8mb4_bin: `id` columns and
 * the tables now state utf8mb4/utf8mb4_bin (schema-builders.ts), where they used to take the
 * database's default and so could not be referenced by the utf8mb4_bin foreign key columns
 * (errno 150). On a utf8mb4_bin database, the only kind this migration ever completed on, the
 * result is byte-identical to the released one (collation.test.ts compares SHOW CREATE TABLE with
 * the released schema).
 */
export class InitialSchema1764115200000 implements MigrationInterface {
  name = "InitialSchema1764115200000";

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columns(queryRunner);
    const engine = engineFor(queryRunner);
    await createTable(
      queryRunner,
      new Table({
        name: "organizations",
        engine,
        columns: [
          c.id(),
          c.str("name", 40),
          c.str("edition", 32),
          { name: "max_token_lifetime_days", type: "int", isNullable: true },
          c.time("created_at"),
        ],
        indices: [
          new TableIndex({ name: "uq_organizations_name", columnNames: ["name"], isUnique: true }),
        ],
      }),
    );
    await createTable(
      queryRunner,
      new Table({
        name: "users",
        engine,
        columns: [c.id(), c.str("login", 40), c.bool("site_admin"), c.time("created_at")],
        indices: [
          new TableIndex({ name: "uq_users_login", columnNames: ["login"], isUnique: true }),
        ],
      }),
    );
    await createTable(
      queryRunner,
      new Table({
        name: "memberships",
        engine,
        columns: [
          c.id(),
          c.ref("organization_id"),
          c.ref("user_id"),
          c.str("role", 16),
          c.time("created_at"),
        ],
        indices: [
          new TableIndex({
            name: "uq_memberships_org_user",
            columnNames: ["organization_id", "user_id"],
            isUnique: true,
          }),
          new TableIndex({ name: "ix_memberships_user", columnNames: ["user_id"] }),
        ],
        foreignKeys: [fk("organization_id", "organizations"), fk("user_id", "users")],
      }),
    );
    await createTable(
      queryRunner,
      new Table({
        name: "teams",
        engine,
        columns: [
          c.id(),
          c.ref("organization_id"),
          c.str("name", 40),
          // The name while the team exists; cleared on deletion so the name can be used again.
          c.str("active_name", 40, true),
          c.time("created_at"),
          c.time("deleted_at", true),
        ],
        indices: [
          new TableIndex({
            name: "uq_teams_org_active_name",
            columnNames: ["organization_id", "active_name"],
            isUnique: true,
          }),
        ],
        foreignKeys: [fk("organization_id", "organizations")],
      }),
    );
    await createTable(
      queryRunner,
      new Table({
        name: "team_memberships",
        engine,
        columns: [
          c.id(),
          c.ref("team_id"),
          c.ref("user_id"),
          c.str("role", 16),
          c.time("created_at"),
        ],
        indices: [
          new TableIndex({
            name: "uq_team_memberships_team_user",
            columnNames: ["team_id", "user_id"],
            isUnique: true,
          }),
          new TableIndex({ name: "ix_team_memberships_user", columnNames: ["user_id"] }),
        ],
        foreignKeys: [fk("team_id", "teams"), fk("user_id", "users")],
      }),
    );
    await createTable(
      queryRunner,
      new Table({
        name: "access_tokens",
        engine,
        columns: [
          c.id(),
          c.str("kind", 16),
          c.str("name", 40),
          c.str("description", 1024, true),
          c.str("digest", 64),
          c.str("hint", 32),
          c.bool("admin"),
          c.str("source", 16),
          c.ref("organization_id", true),
          c.ref("team_id", true),
          c.ref("owner_id", true),
          c.ref("created_by_id", true),
          c.str("name_key", 40, true),
          c.ref("replaced_token_id", true),
          c.ref("oidc_issuer_id", true),
          c.str("oidc_subject", 255, true),
          c.time("created_at"),
          c.time("expires_at"),
          c.time("revoked_at", true),
          c.time("rotated_at", true),
          c.time("last_used_at", true),
          c.time("last_refused_at", true),
          c.time("expiry_recorded_at", true),
        ],
        indices: [
          // Authentication is one read through this index.
          new TableIndex({
            name: "uq_access_tokens_digest",
            columnNames: ["digest"],
            isUnique: true,
          }),
          // name_key holds the name while it is taken: for team and organization tokens until the
          // token is rotated (revoked ones keep it), for personal tokens while active. Team and
          // organization tokens have no owner and personal tokens no organization, and NULLs never
          // clash, so each index judges one kind of name.
          new TableIndex({
            name: "uq_access_tokens_org_name",
            columnNames: ["organization_id", "name_key"],
            isUnique: true,
          }),
          new TableIndex({
            name: "uq_access_tokens_owner_name",
            columnNames: ["owner_id", "name_key"],
            isUnique: true,
          }),
          // The list order (expires_at, id) within each scope a listing can start from.
          new TableIndex({
            name: "ix_access_tokens_org_expiry",
            columnNames: ["organization_id", "expires_at", "id"],
          }),
          new TableIndex({
            name: "ix_access_tokens_team_expiry",
            columnNames: ["team_id", "expires_at", "id"],
          }),
          new TableIndex({
            name: "ix_access_tokens_owner_expiry",
            columnNames: ["owner_id", "expires_at", "id"],
          }),
          new TableIndex({
            name: "ix_access_tokens_creator_expiry",
            columnNames: ["created_by_id", "expires_at", "id"],
          }),
          // The other orders auditors page through.
          new TableIndex({
            name: "ix_access_tokens_org_created",
            columnNames: ["organization_id", "created_at", "id"],
          }),
          new TableIndex({
            name: "ix_access_tokens_org_last_used",
            columnNames: ["organization_id", "last_used_at", "id"],
          }),
          new TableIndex({
            name: "ix_access_tokens_org_name_order",
            columnNames: ["organization_id", "name", "id"],
          }),
          // The expiry sweep: lapsed tokens not yet recorded.
          new TableIndex({
            name: "ix_access_tokens_expiry_sweep",
            columnNames: ["expiry_recorded_at", "expires_at"],
          }),
        ],
        foreignKeys: [
          fk("organization_id", "organizations"),
          fk("team_id", "teams"),
          fk("owner_id", "users"),
          fk("created_by_id", "users"),
        ],
      }),
    );
    await createTable(
      queryRunner,
      new Table({
        name: "oidc_issuers",
        engine,
        columns: [
          c.id(),
          c.ref("organization_id"),
          c.str("name", 40),
          c.str("url", 512),
          c.longText("jwks"),
          { name: "max_expiration_seconds", type: "int", isNullable: false },
          c.longText("policies"),
          c.time("created_at"),
          c.time("updated_at"),
        ],
        indices: [
          new TableIndex({
            name: "uq_oidc_issuers_org_name",
            columnNames: ["organization_id", "name"],
            isUnique: true,
          }),
          new TableIndex({
            name: "uq_oidc_issuers_org_url",
            columnNames: ["organization_id", "url"],
            isUnique: true,
          }),
        ],
        foreignKeys: [fk("organization_id", "organizations")],
      }),
    );
    // Each JWT id is accepted once per issuer, across every instance; rows go once the JWT has expired.
    await createTable(
      queryRunner,
      new Table({
        name: "oidc_jtis",
        engine,
        columns: [c.id(), c.ref("issuer_id"), c.str("jti_digest", 64), c.time("expires_at")],
        indices: [
          new TableIndex({
            name: "uq_oidc_jtis_issuer_jti",
            columnNames: ["issuer_id", "jti_digest"],
            isUnique: true,
          }),
          new TableIndex({ name: "ix_oidc_jtis_expiry", columnNames: ["expires_at"] }),
        ],
      }),
    );
    // Console sign-ins: a cookie's digest, tied to the personal token it was traded for.
    await createTable(
      queryRunner,
      new Table({
        name: "sessions",
        engine,
        columns: [
          c.id(),
          c.str("digest", 64),
          c.ref("token_id"),
          c.ref("user_id"),
          c.time("created_at"),
          c.time("expires_at"),
          c.time("ended_at", true),
        ],
        indices: [
          new TableIndex({ name: "uq_sessions_digest", columnNames: ["digest"], isUnique: true }),
          new TableIndex({ name: "ix_sessions_expiry", columnNames: ["expires_at"] }),
        ],
      }),
    );
    await createTable(
      queryRunner,
      new Table({
        name: "invitations",
        engine,
        columns: [
          c.id(),
          c.ref("organization_id"),
          c.str("login", 40),
          c.str("role", 16),
          c.str("code_digest", 64),
          c.ref("created_by_id", true),
          c.time("created_at"),
          c.time("expires_at"),
          c.time("redeemed_at", true),
          c.ref("redeemed_by_id", true),
        ],
        indices: [
          new TableIndex({
            name: "uq_invitations_code",
            columnNames: ["code_digest"],
            isUnique: true,
          }),
          new TableIndex({
            name: "ix_invitations_org_time",
            columnNames: ["organization_id", "created_at"],
          }),
        ],
        foreignKeys: [fk("organization_id", "organizations")],
      }),
    );
    await createTable(
      queryRunner,
      new Table({
        name: "audit_events",
        engine,
        columns: [
          c.id(),
          c.str("type", 40),
          c.time("created_at"),
          c.ref("organization_id", true),
          c.ref("actor_user_id", true),
          c.str("actor_login", 40, true),
          c.ref("actor_token_id", true),
          c.str("actor_token_name", 40, true),
          c.str("actor_token_kind", 16, true),
          c.ref("token_id", true),
          c.str("token_name", 40, true),
          c.ref("team_id", true),
          c.str("ip", 64, true),
          c.str("user_agent", 512, true),
          c.str("request_id", 64, true),
          c.longText("payload"),
        ],
        indices: [
          new TableIndex({
            name: "ix_audit_events_org_time",
            columnNames: ["organization_id", "created_at", "id"],
          }),
          new TableIndex({
            name: "ix_audit_events_token_time",
            columnNames: ["token_id", "created_at"],
          }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of INITIAL_SCHEMA_TABLES) {
      await queryRunner.dropTable(table);
    }
  }
}
