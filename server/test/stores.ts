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
