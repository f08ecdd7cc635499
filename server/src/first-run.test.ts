import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../test/clock";
import { VIEWER, type ViewerResult } from "../test/operations";
import { occupiedPort } from "../test/lapse-process";
import { freshDatabase, testStores } from "../test/stores";
import { generateSecret } from "./auth/token-secret";
import { readConfig } from "./config";
import { openDatabase } from "./db/data-source";
import { TokenKind } from "./modules/token/token.types";
import { createLogger } from "./logger";
import { BOOTSTRAP_TOKEN_DAYS, startLapse, type RunningLapse } from "./server";

for (const store of testStores()) {
  describe(`first run [${store.kind}]`, () => {
    const cleanup: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const step of cleanup.splice(0).reverse()) await step();
    });

    it("creates acme with a site admin on an empty database and prints their token once", async () => {
      const database = await freshDatabase(store);
      cleanup.push(database.drop);
      const clock = new ManualClock();
      const logs: string[] = [];
      const logger = createLogger({ destination: { write: (line: string) => logs.push(line) } });
      const printed: string[] = [];
      const config = readConfig({ DATABASE_URL: database.url, PORT: "0" });
      const start = async (): Promise<RunningLapse> => {
        const lapse = await startLapse(config, {
          clock,
          logger,
          print: (text) => printed.push(text),
        });
        cleanup.push(lapse.close);
        return lapse;
      };

      const first = await start();
      expect(printed).toHaveLength(1);
      const secret = /\b(lapse_pat_[0-9A-Za-z]{38})\b/.exec(printed[0]!)![1]!;
      const expires = new Date(clock.now().getTime() + BOOTSTRAP_TOKEN_DAYS * 86_400_000);
      expect(printed[0]).toContain(`expires ${expires.toISOString()}`);
      expect(logs.join("")).not.toContain(secret);

      const response = await fetch(`${first.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `token ${secret}` },
        body: JSON.stringify({
          query: `{ viewer { kind user { login siteAdmin } token { name expiresAt } } organization(name: "acme") { edition members { role user { login } } } }`,
        }),
      });
      const body = (await response.json()) as { data: ViewerResult & Record<string, unknown> };
      expect(body.data).toEqual({
        viewer: {
          kind: "PERSONAL",
          user: { login: "admin", siteAdmin: true },
          token: { name: "bootstrap", expiresAt: expires.toISOString() },
        },
        organization: {
          edition: "ENTERPRISE",
          members: [{ role: "ADMIN", user: { login: "admin" } }],
        },
      });
      await first.close();
      cleanup.pop();

      const second = await start();
      expect(printed).toHaveLength(1);
      const again = await fetch(`${second.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
        body: JSON.stringify({ query: VIEWER }),
      });
      expect(again.status).toBe(200);
    });

    it("applies LAPSE_AUTH_MAX_FAILURES: the failure past the limit is answered 429", async () => {
      const database = await freshDatabase(store);
      cleanup.push(database.drop);
      const lapse = await startLapse(
        readConfig({ DATABASE_URL: database.url, PORT: "0", LAPSE_AUTH_MAX_FAILURES: "2" }),
        { clock: new ManualClock(), logger: createLogger({ level: "silent" }), print: () => {} },
      );
      cleanup.push(lapse.close);
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const response = await fetch(`${lapse.url}/graphql`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            authorization: `Bearer ${generateSecret(TokenKind.PERSONAL)}`,
          },
          body: JSON.stringify({ query: "{ viewer { kind } }" }),
        });
        statuses.push(response.status);
      }
      expect(statuses).toEqual([401, 401, 429]);
    });

    it("names the organization and admin after LAPSE_BOOTSTRAP_ORG and LAPSE_BOOTSTRAP_ADMIN", async () => {
      const database = await freshDatabase(store);
      cleanup.push(database.drop);
      const printed: string[] = [];
      const lapse = await startLapse(
        readConfig({
          DATABASE_URL: database.url,
          PORT: "0",
          LAPSE_BOOTSTRAP_ORG: "globex",
          LAPSE_BOOTSTRAP_ADMIN: "hank",
        }),
        {
          clock: new ManualClock(),
          logger: createLogger({ level: "silent" }),
          print: (t) => printed.push(t),
        },
      );
      cleanup.push(lapse.close);
      expect(printed[0]).toContain(`Lapse created organization "globex" with site admin "hank".`);
    });

    it("refuses a port in use with one sentence, before it creates anything", async () => {
      const database = await freshDatabase(store);
      cleanup.push(database.drop);
      const { port, release } = await occupiedPort();
      cleanup.push(release);
      const printed: string[] = [];
      const started = startLapse(readConfig({ DATABASE_URL: database.url, PORT: String(port) }), {
        clock: new ManualClock(),
        logger: createLogger({ level: "silent" }),
        print: (t) => printed.push(t),
      });
      await expect(started).rejects.toThrow(
        new Error(
          `Port ${port} is already in use: stop what listens there, or set PORT to another port.`,
        ),
      );
      expect(printed).toEqual([]);
      const dataSource = await openDatabase(database.url);
      try {
        expect(await dataSource.query("SELECT id FROM organizations")).toEqual([]);
      } finally {
        await dataSource.destroy();
      }
    });
  });
}
