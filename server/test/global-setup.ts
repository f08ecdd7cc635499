import "reflect-metadata";
import { openDatabase } from "../src/db/data-source";
import { testStores } from "./stores";

/**
 * Applies migrations to the MySQL test database once, before test files run in parallel against it
 * (each file's tenants are isolated by unique names, see seed.ts). A database that cannot be reached
 * or migrated fails the run, saying which of the two it was.
 */
export default async function setup() {
  for (const store of testStores()) {
    if (store.kind !== "mysql") continue;
    const dataSource = await openDatabase(store.url, {
      notify: (message) => console.warn(`\n  TEST_MYSQL_URL: ${message}\n`),
    }).catch((error: unknown) => {
      // openDatabase's message says which: "Cannot connect to the database: ...", or a MigrationError.
      throw new Error(`TEST_MYSQL_URL's database: ${(error as Error).message}`, { cause: error });
    });
    await dataSource.destroy();
  }
  if (!process.env.TEST_MYSQL_URL) {
    console.warn("\n  TEST_MYSQL_URL is not set: data tests run on SQLite only.\n");
  }
}
