/** The stores every data test runs on: SQLite always, MySQL/MariaDB when TEST_MYSQL_URL is set. */
export type TestStore = { kind: "sqlite" } | { kind: "mysql"; url: string };

export function testStores(): TestStore[] {
  const url = process.env.TEST_MYSQL_URL;
  if (!url && process.env.CI) {
    throw new Error(
      "CI must run the MySQL tests: set TEST_MYSQL_URL (e.g. mysql://root@127.0.0.1:3306/lapse_test).",
    );
  }
  return url ? [{ kind: "sqlite" }, { kind: "mysql", url }] : [{ kind: "sqlite" }];
}

/** How a MySQL database is created: its default character set and collation, either left out. */
export interface DatabaseDefaults {
  charset?: string;
  collation?: string;
}

/**
 * An empty database of the store's kind, for tests that need a store of their own (first run, the
 * CLI): a temporary SQLite file, or a new MySQL database beside TEST_MYSQL_URL's, created with
 * `defaults` (`{}`: a plain CREATE DATABASE). Without them it gets the defaults of TEST_MYSQL_URL's
 * database, so a suite run on a database of the server's default collation (as CI's is) runs these
 * tests on one too. `drop` removes it.
 */
export async function freshDatabase(
  store: TestStore,
  defaults?: DatabaseDefaults,
): Promise<{ url: string; drop(): Promise<void> }> {
  const { randomBytes } = await import("node:crypto");
  const suffix = randomBytes(4).toString("hex");
  if (store.kind === "sqlite") {
    const fs = await import("node:fs");
    const os = await import("node:os");
    const path = await import("node:path");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lapse-fresh-"));
    return {
      url: `sqlite:${path.join(dir, "lapse.sqlite")}`,
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const mysql = await import("mysql2/promise");
  const server = new URL(store.url);
  const name = `${server.pathname.slice(1)}_${suffix}`;
  const admin = async <T>(sql: string, values: unknown[] = []) => {
    const connection = await mysql.createConnection({
      host: server.hostname,
      port: Number(server.port || 3306),
      user: decodeURIComponent(server.username),
      password: decodeURIComponent(server.password),
    });
    try {
      return (await connection.query(sql, values))[0] as T;
    } finally {
      await connection.end();
    }
  };
  const [main] = defaults
    ? [defaults]
    : await admin<DatabaseDefaults[]>(
        `SELECT DEFAULT_CHARACTER_SET_NAME AS charset, DEFAULT_COLLATION_NAME AS collation
           FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?`,
        [server.pathname.slice(1)],
      );
  const options = [
    main?.charset && `CHARACTER SET ${main.charset}`,
    main?.collation && `COLLATE ${main.collation}`,
  ].filter(Boolean);
  await admin(`CREATE DATABASE \`${name}\` ${options.join(" ")}`);
  server.pathname = `/${name}`;
  return {
    url: server.toString(),
    drop: async () => void (await admin(`DROP DATABASE IF EXISTS \`${name}\``)),
  };
}
