import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS } from "../src/db/migrations";
import { ServerProcess } from "./lapse-process";
import { CREATE_PERSONAL_TOKEN, REVOKE_TOKEN, VIEWER } from "./operations";
import { freshDatabase, testStores } from "./stores";

/**
 * Three real server processes on one empty MariaDB database, started at the same moment: what a
 * rolling deploy or an autoscaler does. SQLite is a single-process store and is not run here.
 */
for (const store of testStores().filter((s) => s.kind === "mysql")) {
  describe("several instances on one MySQL database", () => {
    let database: Awaited<ReturnType<typeof freshDatabase>>;
    let instances: ServerProcess[] = [];

    beforeAll(async () => {
      database = await freshDatabase(store);
      instances = [0, 1, 2].map(() => new ServerProcess(database.url));
      await Promise.all(instances.map((i) => i.start()));
    }, 90_000);
    afterAll(async () => {
      await Promise.all(instances.map((i) => i.stop()));
      await database?.drop();
    });

    it("migrate once and bootstrap once, whichever starts first", async () => {
      const printed = instances.map((i) => i.printedToken).filter(Boolean);
      expect(printed).toHaveLength(1);
      const mysql = await import("mysql2/promise");
      const connection = await mysql.createConnection(database.url);
      try {
        const [migrations] = await connection.query("SELECT name FROM migrations ORDER BY id");
        expect((migrations as { name: string }[]).map((m) => m.name)).toEqual(
          MIGRATIONS.map((m) => m.name),
        );
        const [orgs] = await connection.query("SELECT COUNT(*) AS n FROM organizations");
        expect(Number((orgs as { n: number }[])[0]!.n)).toBe(1);
      } finally {
        await connection.end();
      }
    });

    it("refuse a token on every instance the moment one of them revokes it", async () => {
      const admin = instances.map((i) => i.printedToken).find(Boolean)!;
      const [a, b, c] = instances as [ServerProcess, ServerProcess, ServerProcess];
      const created = await a.gql<{
        createPersonalToken: { secret: string; token: { id: string } };
      }>(admin, CREATE_PERSONAL_TOKEN, {
        name: "multi-instance",
        // Within the first-run token's own 30 days: no token outlives the one that makes it.
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      });
      const { secret, token } = created.data!.createPersonalToken;
      for (const instance of instances)
        expect((await instance.gql(secret, VIEWER)).status).toBe(200);

      const revoked = await a.gql(admin, REVOKE_TOKEN, { id: token.id });
      expect(revoked.errors).toBeUndefined();
      for (const instance of [b, c, a]) {
        const refused = await instance.gql(secret, VIEWER);
        expect(refused.status).toBe(401);
        expect(refused.errors![0]!.extensions!.code).toBe("UNAUTHENTICATED");
      }
    });
  });
}
