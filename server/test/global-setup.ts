import "reflect-metadata";
import { openDatabase } from "../src/db/data-source";
import { MigrationError } from "../src/db/migration-run";
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
      throw new Error(
        error instanceof MigrationError
          ? `TEST_MYSQL_URL's database could not be migrated: ${error.message}`
          : `TEST_MYSQL_URL is set but the database is unreachable: ${(error as Error).message}`,
      );
    });
    await dataSource.destroy();
  }
  if (!process.env.TEST_MYSQL_URL) {
    console.warn("\n  TEST_MYSQL_URL is not set: data tests run on SQLite only.\n");
  }
}
