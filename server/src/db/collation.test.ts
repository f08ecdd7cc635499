import { DataSource } from "typeorm";
import { describe, expect, it } from "vitest";
import {
  leaveInterruptedFirstMigration,
  onMysql,
  showCreateTables,
  textCollations,
} from "../../test/mysql-schema";
import { freshDatabase, testStores, type DatabaseDefaults } from "../../test/stores";
import { dataSourceOptions, openDatabase } from "./data-source";
import { MigrationError } from "./migration-run";
import { MIGRATIONS } from "./migrations";

/** SHOW CREATE TABLE after the three released migrations on a utf8mb4_bin database, made by them. */
const RELEASED_SCHEMA = "./__snapshots__/released-schema.mysql.sql";
const LAST_RELEASED = "CoveringTokenIndexes1764288000000";
const EXPLICIT_CHARSET = "ExplicitCharset1764374400000";

const DATABASES: [string, DatabaseDefaults][] = [
  ["utf8mb4_bin", { charset: "utf8mb4", collation: "utf8mb4_bin" }],
  ["utf8mb4_general_ci", { charset: "utf8mb4", collation: "utf8mb4_general_ci" }],
  ["utf8mb4_unicode_ci", { charset: "utf8mb4", collation: "utf8mb4_unicode_ci" }],
  ["latin1", { charset: "latin1" }],
  ["the server's default", {}],
];

/** Applies the migrations up to and including `last`, as a Lapse released with it would. */
async function migrateThrough(url: string, last: string): Promise<void> {
  const end = MIGRATIONS.findIndex((migration) => migration.name === last);
  expect(end).toBeGreaterThanOrEqual(0);
  const dataSource = new DataSource({
    ...dataSourceOptions(url),
    migrations: MIGRATIONS.slice(0, end + 1),
  });
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: "each" });
  } finally {
    await dataSource.destroy();
  }
}

/** Every row of the tables named, as JSON: what "no data lost" compares. */
async function rows(url: string, tables: string[]): Promise<string> {
  const all = await onMysql(url, ...tables.map((t) => `SELECT * FROM \`${t}\` ORDER BY 1`));
  return JSON.stringify(Object.fromEntries(tables.map((t, i) => [t, all[i]])), null, 1);
}

const allBinary = (collations: string[]) =>
  collations.filter((line) => !/: (utf8mb4 )?utf8mb4_bin$/.test(line));

for (const store of testStores()) {
  if (store.kind !== "mysql") continue;

  describe("MySQL databases of any default collation", () => {
    it("end with one schema, every table and text column utf8mb4_bin, whatever CREATE DATABASE said", async () => {
      const schemas: Record<string, { tables: string; collations: string[] }> = {};
      for (const [label, defaults] of DATABASES) {
        const database = await freshDatabase(store, defaults);
        try {
          await (await openDatabase(database.url)).destroy();
          schemas[label] = {
            tables: await showCreateTables(database.url),
            collations: await textCollations(database.url),
          };
        } finally {
          await database.drop();
        }
      }
      const binary = schemas.utf8mb4_bin!;
      expect(binary.collations.length).toBeGreaterThan(60);
      expect(allBinary(binary.collations)).toEqual([]);
      for (const [label] of DATABASES) {
        expect.soft(schemas[label]!.collations, label).toEqual(binary.collations);
        expect.soft(schemas[label]!.tables, label).toBe(binary.tables);
      }
    });

    it("the released migrations still give a utf8mb4_bin database their released schema, byte for byte", async () => {
      const database = await freshDatabase(store, DATABASES[0]![1]);
      try {
        await migrateThrough(database.url, LAST_RELEASED);
        await expect(await showCreateTables(database.url)).toMatchFileSnapshot(RELEASED_SCHEMA);
      } finally {
        await database.drop();
      }
    });

    it("converts a released utf8mb4_bin database with rows: every row kept, nothing altered", async () => {
      const database = await freshDatabase(store, DATABASES[0]![1]);
      try {
        await migrateThrough(database.url, LAST_RELEASED);
        await onMysql(
          database.url,
          "INSERT INTO organizations VALUES ('o1', 'acme', 'ENTERPRISE', NULL, '2026-01-01 00:00:00.000')",
          "INSERT INTO users VALUES ('u1', 'peter', 0, '2026-01-01'), ('u2', 'Peter', 1, '2026-01-02')",
          "INSERT INTO memberships VALUES ('m1', 'o1', 'u1', 'ADMIN', '2026-01-01')",
          `INSERT INTO access_tokens (id, kind, name, description, digest, hint, source, owner_id, name_key, created_at, expires_at)
           VALUES ('t1', 'PERSONAL', 'deploy 🚀', 'naïve — ünïcode', REPEAT('a', 64), 'lapse_pat_…aYTa', 'API', 'u1', 'deploy 🚀', '2026-01-01', '9999-12-31 23:59:59.999')`,
          "INSERT INTO auth_throttle VALUES ('ip:203.0.113.9', 1, 3, 0)",
        );
        const tables = ["organizations", "users", "memberships", "access_tokens", "auth_throttle"];
        const before = await rows(database.url, tables);
        const schema = await showCreateTables(database.url);

        await migrateThrough(database.url, EXPLICIT_CHARSET);
        expect(await rows(database.url, tables)).toBe(before);
        expect(await showCreateTables(database.url)).toBe(schema);
        expect(allBinary(await textCollations(database.url))).toEqual([]);
      } finally {
        await database.drop();
      }
    });

    it("converts tables and columns that took other collations, keeping every row", async () => {
      const database = await freshDatabase(store, { charset: "latin1" });
      try {
        await migrateThrough(database.url, LAST_RELEASED);
        // auth_throttle and job_leases took the database's latin1; a DBA changed three columns.
        await onMysql(
          database.url,
          "ALTER TABLE audit_events MODIFY ip varchar(64) CHARACTER SET latin1 NULL, MODIFY user_agent varchar(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL",
          "ALTER TABLE users MODIFY login varchar(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL",
          "INSERT INTO users VALUES ('u1', 'peter', 0, '2026-01-01')",
          `INSERT INTO audit_events (id, type, created_at, actor_login, ip, user_agent, payload)
           VALUES ('e1', 'TOKEN_CREATED', '2026-01-01', 'peter', '203.0.113.9', 'Mozilla/5.0 ünï 🦊', '{"a":1}')`,
          "INSERT INTO auth_throttle VALUES ('hint:lapse_pat_…aYTa', 1, 3, 0)",
          "INSERT INTO job_leases VALUES ('expiry-sweep', 'host-1', '2026-01-01')",
        );
        expect(allBinary(await textCollations(database.url))).toEqual([
          "auth_throttle: latin1_swedish_ci",
          "job_leases: latin1_swedish_ci",
          "audit_events.ip: latin1 latin1_swedish_ci",
          "audit_events.user_agent: utf8mb4 utf8mb4_general_ci",
          "users.login: utf8mb4 utf8mb4_unicode_ci",
        ]);
        const tables = ["users", "audit_events", "auth_throttle", "job_leases"];
        const before = await rows(database.url, tables);

        await migrateThrough(database.url, EXPLICIT_CHARSET);
        expect(await rows(database.url, tables)).toBe(before);
        expect(allBinary(await textCollations(database.url))).toEqual([]);
        await expect(await showCreateTables(database.url)).toMatchFileSnapshot(RELEASED_SCHEMA);
        // Binary now: a login that differs only in case is another login.
        await onMysql(database.url, "INSERT INTO users VALUES ('u2', 'Peter', 0, '2026-01-02')");
      } finally {
        await database.drop();
      }
    });

    it("drops the empty tables an interrupted first migration left, and migrates", async () => {
      const database = await freshDatabase(store, {});
      try {
        await leaveInterruptedFirstMigration(database.url);
        const notices: string[] = [];
        const dataSource = await openDatabase(database.url, {
          notify: (message) => notices.push(message),
        });
        await dataSource.destroy();
        expect(notices).toEqual([
          "Dropped the empty tables users, organizations, left by a first migration that did not finish; migrating again.",
        ]);
        const [applied] = await onMysql<{ name: string }[]>(
          database.url,
          "SELECT name FROM migrations ORDER BY id",
        );
        expect(applied!.map((row) => row.name)).toEqual(MIGRATIONS.map((m) => m.name));
        expect(allBinary(await textCollations(database.url))).toEqual([]);
      } finally {
        await database.drop();
      }
    });

    it("refuses to drop leftover tables that hold rows, and says what to do", async () => {
      const database = await freshDatabase(store, {});
      try {
        await leaveInterruptedFirstMigration(database.url, true);
        const error = await openDatabase(database.url).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(MigrationError);
        expect((error as Error).message).toBe(
          "The database has Lapse's tables users, organizations but no record that migration " +
            "InitialSchema1764115200000 completed, and users hold rows, so Lapse will not drop them. " +
            "If a failed first start left them, drop them (DROP TABLE `users`, `organizations`;) and " +
            "run `npm run lapse -- migrate`; otherwise point DATABASE_URL at an empty database.",
        );
        const [kept] = await onMysql<{ login: string }[]>(database.url, "SELECT login FROM users");
        expect(kept).toEqual([{ login: "kept" }]);

        // Doing what it says works.
        await onMysql(database.url, "DROP TABLE `users`, `organizations`");
        await (await openDatabase(database.url)).destroy();
        expect(allBinary(await textCollations(database.url))).toEqual([]);
      } finally {
        await database.drop();
      }
    });
  });
}
