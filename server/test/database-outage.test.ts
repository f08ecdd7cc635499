import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestServer } from "./harness";
import { CREATE_PERSONAL_TOKEN, VIEWER } from "./operations";
import { PrivateMariaDb } from "./private-mariadb";
import { seedOrg, type SeededOrg } from "./seed";
import { testStores } from "./stores";

interface Answer {
  at: number;
  ms: number;
  status: number;
  code?: string;
  createdId?: string;
  body: string;
}

const WORKERS = 12;
/** The database timeout this server runs with (LAPSE_DB_TIMEOUT_MS; 10 s by default). */
const TIMEOUT_MS = 1_500;
/** With the database gone, a refused connection fails at once: no request may wait past this. */
const BOUND_MS = TIMEOUT_MS + 1_000;

/**
 * The database dies under load (SIGKILL, as a crash would) and comes back. Runs on a MariaDB of its
 * own so the shared test database is never touched; SQLite is embedded and cannot go away.
 */
/** The outage needs a MariaDB of its own; CI has one, elsewhere the test says why it skips. */
const mariadbd = spawnSync("sh", ["-c", "command -v mariadbd && command -v mariadb-install-db"]);
const canRun = mariadbd.status === 0;
if (!canRun && process.env.CI) {
  throw new Error("CI must run the database outage test: install mariadb-server (mariadbd).");
}

for (const _store of testStores().filter((s) => s.kind === "mysql")) {
  describe.skipIf(!canRun)("database outage under load [mysql] (needs mariadbd)", () => {
    const db = new PrivateMariaDb();
    let server: TestServer;
    let org: SeededOrg;

    beforeAll(async () => {
      await db.init();
      server = new TestServer({ kind: "mysql", url: db.url }, {}, { timeoutMs: TIMEOUT_MS });
      await server.start();
      org = await seedOrg(server);
    }, 60_000);
    afterAll(async () => {
      // The database first: a test that failed while it was frozen must not leave it running.
      db.thaw();
      await server?.stop().catch(() => undefined);
      await db.destroy();
    });

    /** Keeps WORKERS clients busy (reads and token creations) until `stop()`; returns every answer. */
    function load() {
      const answers: Answer[] = [];
      let running = true;
      const worker = async (n: number) => {
        for (let i = 0; running; i++) {
          const write = (i + n) % 3 === 0;
          const started = Date.now();
          const response = await fetch(`${server.url}/graphql`, {
            method: "POST",
            headers: {
              "content-type": "application/json",
              authorization: `Bearer ${org.admin.secret}`,
            },
            body: JSON.stringify(
              write
                ? { query: CREATE_PERSONAL_TOKEN, variables: { name: `load-${n}-${i}-${started}` } }
                : { query: VIEWER },
            ),
          });
          const body = await response.text();
          const parsed = JSON.parse(body) as {
            data?: { createPersonalToken?: { token: { id: string } } };
            errors?: { extensions?: { code?: string } }[];
          };
          answers.push({
            at: started,
            ms: Date.now() - started,
            status: response.status,
            code: parsed.errors?.[0]?.extensions?.code,
            createdId: parsed.data?.createPersonalToken?.token.id,
            body,
          });
        }
      };
      const workers = Array.from({ length: WORKERS }, (_, n) => worker(n));
      return {
        answers,
        stop: async () => {
          running = false;
          await Promise.all(workers);
        },
      };
    }

    const ready = async () => (await fetch(`${server.url}/readyz`)).status;

    /**
     * The gateway check, answered outside Express (modules/trust/gateway-check.ts), answers 503
     * with Retry-After within `boundMs` too, and says nothing of the failure.
     */
    async function expectGatewayCheckUnavailable(boundMs: number): Promise<void> {
      const started = Date.now();
      const response = await fetch(`${server.url}/api/auth/verify`, {
        headers: { authorization: `Bearer ${org.admin.secret}` },
      });
      const body = await response.text();
      expect(Date.now() - started).toBeLessThan(boundMs);
      expect(response.status, body).toBe(503);
      expect(response.headers.get("retry-after")).toBe("5");
      expect(JSON.parse(body)).toMatchObject({ code: 503, error: "SERVICE_UNAVAILABLE" });
      expect(body).not.toMatch(/ECONNREFUSED|PROTOCOL_|at \w+ \(|SELECT|lapse_pat_/);
    }
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    /** Waits until a request started after `since` has succeeded; how long that took, or -1. */
    async function recovery(answers: Answer[], since: number): Promise<number> {
      while (Date.now() - since < 30_000) {
        const last = answers.at(-1);
        if (last && last.at > since && last.status === 200) return Date.now() - since;
        await pause(50);
      }
      return -1;
    }

    /**
     * While the database was out: every answer a 503 with the code, none slower than `boundMs`,
     * none a 500, none leaking details; afterwards back without a restart of Lapse; and nothing
     * half-written: each token has its TOKEN_CREATED event and each event its token, and every
     * creation that was answered with success is there.
     */
    async function expectOutageHandled(
      label: string,
      answers: Answer[],
      outAnswers: Answer[],
      boundMs: number,
      recoveredAfterMs: number,
    ): Promise<void> {
      expect(outAnswers.length).toBeGreaterThan(WORKERS);
      for (const answer of outAnswers) {
        expect.soft(answer.status, answer.body).toBe(503);
        expect.soft(answer.code, answer.body).toBe("SERVICE_UNAVAILABLE");
        expect.soft(answer.ms).toBeLessThan(boundMs);
        expect
          .soft(answer.body)
          .not.toMatch(/ECONNREFUSED|PROTOCOL_|at \w+ \(|SELECT|INSERT|lapse_pat_/);
      }
      expect(answers.filter((a) => a.status >= 500 && a.status !== 503)).toEqual([]);
      expect(recoveredAfterMs).toBeGreaterThanOrEqual(0);
      expect(await ready()).toBe(200);
      expect(answers.at(-1)!.status).toBe(200);

      const admin = "(SELECT id FROM users WHERE login = ?)";
      const tokens: { id: string }[] = await server.dataSource.query(
        `SELECT id FROM access_tokens WHERE owner_id = ${admin} AND name LIKE 'load-%'`,
        [org.admin.login],
      );
      const events: { token_id: string }[] = await server.dataSource.query(
        `SELECT token_id FROM audit_events WHERE type = 'TOKEN_CREATED' AND actor_user_id = ${admin} AND token_name LIKE 'load-%'`,
        [org.admin.login],
      );
      const tokenIds = tokens.map((t) => t.id).sort();
      expect(events.map((e) => e.token_id).sort()).toEqual(tokenIds);
      const confirmed = answers.flatMap((a) => (a.createdId ? [a.createdId] : []));
      expect(confirmed.length).toBeGreaterThan(0);
      for (const id of confirmed) expect(tokenIds).toContain(id);

      const failed = outAnswers.map((a) => a.ms).sort((x, y) => x - y);
      console.info(
        `${label}: ${answers.length} requests, ${outAnswers.length} while out ` +
          `(p50 ${failed[Math.floor(failed.length / 2)]} ms, max ${failed.at(-1)} ms), ` +
          `recovered ${recoveredAfterMs} ms after the database came back`,
      );
    }

    it("answers 503 SERVICE_UNAVAILABLE at once while it is down, recovers by itself, and loses nothing", async () => {
      const traffic = load();
      await pause(800);
      const killedAt = Date.now();
      await db.kill();
      await pause(1_500);
      expect(await ready()).toBe(503);
      await expectGatewayCheckUnavailable(BOUND_MS);
      const downAnswers = traffic.answers.filter((a) => a.at > killedAt + 200);
      await db.start();
      const recoveredAfterMs = await recovery(traffic.answers, Date.now());
      await pause(500);
      await traffic.stop();
      await expectOutageHandled("killed", traffic.answers, downAnswers, BOUND_MS, recoveredAfterMs);
    }, 90_000);

    it("answers 503 within the timeout while it hangs, recovers when it answers again, and loses nothing", async () => {
      const traffic = load();
      await pause(800);
      const frozenAt = Date.now();
      db.freeze();
      await pause(TIMEOUT_MS * 3);
      const readiness = Date.now();
      expect(await ready()).toBe(503);
      expect(Date.now() - readiness).toBeLessThan(TIMEOUT_MS + 1_000);
      await expectGatewayCheckUnavailable(TIMEOUT_MS + 1_000);
      const thawedAt = Date.now();
      db.thaw();
      const recoveredAfterMs = await recovery(traffic.answers, Date.now());
      await pause(500);
      await traffic.stop();
      const { answers } = traffic;
      await expectOutageHandled(
        "frozen",
        answers,
        answers.filter((a) => a.at > frozenAt + 20 && a.at + a.ms < thawedAt),
        TIMEOUT_MS + 1_000,
        recoveredAfterMs,
      );
      // Requests already waiting on the database when it froze were cut off in time too.
      expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(TIMEOUT_MS + 1_000);
    }, 90_000);
  });
}
