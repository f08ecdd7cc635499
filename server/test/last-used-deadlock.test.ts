import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestServer } from "./harness";
import { VIEWER } from "./operations";
import { seedOrg, type SeededOrg } from "./seed";
import { freshDatabase, testStores } from "./stores";

/**
 * The write of `lastUsedAt` during authentication is retried when the database picks it as a
 * deadlock's victim, as every transaction is. On Galera that is what a certification conflict looks
 * like (the same token used through two nodes at once); here a trigger on a database of the test's
 * own makes the server answer the write with a real 1213 the first times it runs. SQLite has no
 * deadlocks to retry.
 */
for (const store of testStores().filter((s) => s.kind === "mysql")) {
  describe("recording token use when the write loses a deadlock [mysql]", () => {
    let database: Awaited<ReturnType<typeof freshDatabase>>;
    let server: TestServer;
    let org: SeededOrg;

    beforeAll(async () => {
      database = await freshDatabase(store);
      server = new TestServer({ kind: "mysql", url: database.url });
      await server.start();
      org = await seedOrg(server);
      // A MEMORY table is not transactional: the count survives the statement the trigger fails.
      await server.dataSource.query(
        "CREATE TABLE deadlocks_left (token_id VARCHAR(36) PRIMARY KEY, n INT NOT NULL) ENGINE=MEMORY",
      );
      await server.dataSource.query(`
        CREATE TRIGGER lose_deadlocks BEFORE UPDATE ON access_tokens FOR EACH ROW
        BEGIN
          IF NOT (NEW.last_used_at <=> OLD.last_used_at)
             AND (SELECT n FROM deadlocks_left WHERE token_id = OLD.id) > 0 THEN
            UPDATE deadlocks_left SET n = n - 1 WHERE token_id = OLD.id;
            SIGNAL SQLSTATE '40001' SET MYSQL_ERRNO = 1213,
              MESSAGE_TEXT = 'Deadlock found when trying to get lock; try restarting transaction';
          END IF;
        END`);
    }, 60_000);
    afterAll(async () => {
      await server?.stop();
      await database?.drop();
    });

    async function adminToken(): Promise<{ id: string; last_used_at: Date | null }> {
      const [row] = (await server.dataSource.query(
        `SELECT t.id, t.last_used_at FROM access_tokens t JOIN users u ON u.id = t.owner_id
          WHERE u.login = ?`,
        [org.admin.login],
      )) as { id: string; last_used_at: Date | null }[];
      return row!;
    }

    it("records lastUsedAt though its first two writes were deadlock victims, and answers the request", async () => {
      const token = await adminToken();
      expect(token.last_used_at).toBeNull();
      await server.dataSource.query("INSERT INTO deadlocks_left VALUES (?, 2)", [token.id]);

      const answer = await server.gql(VIEWER, {}, org.admin.secret);
      expect(answer.status).toBe(200);
      expect(answer.errors).toBeUndefined();

      const [left] = (await server.dataSource.query(
        "SELECT n FROM deadlocks_left WHERE token_id = ?",
        [token.id],
      )) as { n: number }[];
      expect(left!.n).toBe(0);
      expect((await adminToken()).last_used_at).toEqual(server.clock.now());
      expect(server.logs.join("")).not.toMatch(/could not record token use/);
    });
  });
}
