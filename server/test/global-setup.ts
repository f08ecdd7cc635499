import "reflect-metadata";
import { openDatabase } from "../src/db/data-source";
import { testStores } from "./stores";

/**
 * Applies migrations to the MySQL test database once, before test files run in parallel against it
 * (each file's tenants are isolated by unique names, see seed.ts). An unreachable database fails the run.
 */
export default async function setup() {
  for (const store of testStores()) {
    if (store.kind !== "mysql") continue;
    const dataSource = await openDatabase(store.url).catch((error: unknown) => {
      throw new Error(
        `TEST_MYSQL_URL is set but the database is unreachable: ${(error as Error).message}`,
      );
    });
    await dataSource.destroy();
  }
  if (!process.env.TEST_MYSQL_URL) {
    console.warn("\n  TEST_MYSQL_URL is not set: data tests run on SQLite only.\n");
  }
}
