import mysql from "mysql2/promise";

/** Runs statements on the MySQL database at `url`, on a connection of its own. */
export async function onMysql<T = unknown>(url: string, ...statements: string[]): Promise<T[]> {
  const connection = await mysql.createConnection({ uri: url, multipleStatements: false });
  try {
    const results: T[] = [];
    for (const sql of statements) results.push((await connection.query(sql))[0] as T);
    return results;
  } finally {
    await connection.end();
  }
}

/** SHOW CREATE TABLE of every table but TypeORM's `migrations`, by name: the schema as MySQL states it. */
export async function showCreateTables(url: string): Promise<string> {
  const [tables] = await onMysql<{ name: string }[]>(
    url,
    `SELECT TABLE_NAME AS name FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> 'migrations' ORDER BY TABLE_NAME`,
  );
  const shown = await onMysql<{ "Create Table": string }[]>(
    url,
    ...tables!.map((table) => `SHOW CREATE TABLE \`${table.name}\``),
  );
  return shown.map(([row]) => `${row!["Create Table"]};\n`).join("\n");
}

/** Each table's default collation and each text column's character set and collation. */
export async function textCollations(url: string): Promise<string[]> {
  const [tables, columns] = await onMysql<Record<string, string>[]>(
    url,
    `SELECT TABLE_NAME AS t, TABLE_COLLATION AS c FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> 'migrations' ORDER BY TABLE_NAME`,
    `SELECT TABLE_NAME AS t, COLUMN_NAME AS n, CHARACTER_SET_NAME AS s, COLLATION_NAME AS c
       FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> 'migrations' AND COLLATION_NAME IS NOT NULL
      ORDER BY TABLE_NAME, ORDINAL_POSITION`,
  );
  return [
    ...tables!.map((row) => `${row.t}: ${row.c}`),
    ...columns!.map((row) => `${row.t}.${row.n}: ${row.s} ${row.c}`),
  ];
}

/**
 * What the released first migration left on a database whose default collation was not utf8mb4_bin:
 * `organizations` and `users` with `id` in the database's collation, an empty `migrations` table,
 * and then errno 150 at `memberships`. These are the statements TypeORM ran. `withRow` adds a user
 * someone inserted by hand, which Lapse must not drop.
 */
export async function leaveInterruptedFirstMigration(url: string, withRow = false): Promise<void> {
  const bin = `CHARACTER SET "utf8mb4" COLLATE "utf8mb4_bin"`;
  await onMysql(
    url,
    "CREATE TABLE `migrations` (`id` int NOT NULL AUTO_INCREMENT, `timestamp` bigint NOT NULL, `name` varchar(255) NOT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB",
    `CREATE TABLE \`organizations\` (\`id\` varchar(36) NOT NULL, \`name\` varchar(40) ${bin} NOT NULL, \`edition\` varchar(32) ${bin} NOT NULL, \`max_token_lifetime_days\` int NULL, \`created_at\` datetime(3) NOT NULL, UNIQUE INDEX \`uq_organizations_name\` (\`name\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
    `CREATE TABLE \`users\` (\`id\` varchar(36) NOT NULL, \`login\` varchar(40) ${bin} NOT NULL, \`site_admin\` tinyint NOT NULL DEFAULT 0, \`created_at\` datetime(3) NOT NULL, UNIQUE INDEX \`uq_users_login\` (\`login\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`,
  );
  if (withRow) await onMysql(url, "INSERT INTO users VALUES ('u1', 'kept', 0, '2026-01-01')");
}
