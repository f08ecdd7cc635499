import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS } from "../src/db/migrations";
import { MIGRATION_LOCK_TABLE } from "../src/db/migration-lock";
import { TestServer } from "./harness";
import { CREATE_PERSONAL_TOKEN, CREATE_TEAM_TOKEN, REVOKE_TOKEN, VIEWER } from "./operations";
import { galeraAvailable, PrivateGalera, until, type GaleraNode } from "./private-galera";
import { seedOrg, uniqueName, type SeededOrg } from "./seed";

/** The database time each request may take (LAPSE_DB_TIMEOUT_MS). */
const TIMEOUT_MS = 3_000;
/** No answer, from a frozen node's instance either, may take longer than this. */
const BOUND_MS = TIMEOUT_MS + 1_500;
const TRIALS = 500;

interface Answer {
  instance: number;
  at: number;
  ms: number;
  status: number;
  code?: string;
  retryAfter: string | null;
  body: string;
}

const canRun = galeraAvailable();
if (!canRun && process.env.CI) {
  throw new Error(
    "CI must run the Galera cluster test: install galera-4 and rsync (apt-get install galera-4 rsync; .ci/run does).",
  );
}

/**
 * Three Lapse instances, one on each node of a private MariaDB Galera cluster (multi-primary: every
 * node takes writes), as a load balancer would spread them. Every answer any test gets is kept, and
 * the last test checks that none was a 5xx other than 503 SERVICE_UNAVAILABLE.
 */
describe.skipIf(!canRun)("a three-node MariaDB Galera cluster, one Lapse on each node", () => {
  const cluster = new PrivateGalera(3);
  const servers: TestServer[] = [];
  const answers: Answer[] = [];
  let starts: PromiseSettledResult<void>[] = [];
  let org: SeededOrg;

  beforeAll(async () => {
    await cluster.init();
    servers.push(
      ...cluster.nodes.map(
        (node) => new TestServer({ kind: "mysql", url: node.url }, {}, { timeoutMs: TIMEOUT_MS }),
      ),
    );
    // All three at the same moment, as a deploy starts them: each migrates only what is pending.
    starts = await Promise.allSettled(servers.map((s) => s.start()));
    if (starts.every((s) => s.status === "fulfilled")) org = await seedOrg(servers[0]!);
  }, 180_000);

  afterAll(async () => {
    for (const node of cluster.nodes) node.thaw();
    await Promise.all(servers.map((s) => s.stop().catch(() => undefined)));
    await cluster.destroy();
  }, 60_000);

  const node = (i: number) => cluster.nodes[i] as GaleraNode;
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** One GraphQL request to instance `i`, kept in `answers`. */
  async function call<T = Record<string, unknown>>(
    i: number,
    query: string,
    variables: Record<string, unknown>,
    secret: string | null,
  ): Promise<{ status: number; code?: string; retryAfter: string | null; data?: T }> {
    const at = Date.now();
    const response = await fetch(`${servers[i]!.url}/graphql`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(secret ? { authorization: `Bearer ${secret}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = await response.text();
    const parsed = JSON.parse(body) as { data?: T; errors?: { extensions?: { code?: string } }[] };
    const code = parsed.errors?.[0]?.extensions?.code;
    const retryAfter = response.headers.get("retry-after");
    answers.push({
      instance: i,
      at,
      ms: Date.now() - at,
      status: response.status,
      code,
      retryAfter,
      body,
    });
    return { status: response.status, code, retryAfter, data: parsed.data };
  }

  async function ready(i: number): Promise<{ status: number; ms: number }> {
    const at = Date.now();
    const response = await fetch(`${servers[i]!.url}/readyz`);
    await response.text();
    return { status: response.status, ms: Date.now() - at };
  }

  /** Polls until instance `i` answers a read with 200 (after a node came back); false after 60 s. */
  async function recovers(i: number): Promise<boolean> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if ((await call(i, VIEWER, {}, org.admin.secret)).status === 200) return true;
      await pause(100);
    }
    return false;
  }

  /** Reads and token creations on the instances given, a few clients each, until `stop()`. */
  function load(instances: number[]) {
    const started = answers.length;
    let running = true;
    const worker = async (i: number, n: number) => {
      for (let k = 0; running; k++) {
        const write = k % 3 === 0;
        await call(
          i,
          write ? CREATE_PERSONAL_TOKEN : VIEWER,
          write ? { name: uniqueName(`load-${i}-${n}`) } : {},
          org.admin.secret,
        );
      }
    };
    const workers = instances.flatMap((i) => [0, 1, 2].map((n) => worker(i, n)));
    return {
      answers: () => answers.slice(started),
      stop: async () => {
        running = false;
        await Promise.all(workers);
      },
    };
  }

  it("migrates once when three instances on three nodes start together, and none crashes", async () => {
    expect(starts.filter((s) => s.status === "rejected")).toEqual([]);
    for (const server of servers) {
      const rows: { name: string }[] = await server.dataSource.query(
        "SELECT name FROM migrations ORDER BY id",
      );
      expect(rows.map((r) => r.name)).toEqual(MIGRATIONS.map((m) => m.name));
      expect(await server.count(MIGRATION_LOCK_TABLE)).toBe(0);
    }
  });

  it("sets wsrep_sync_wait on the sessions of every instance, for TypeORM and the prepared authentication read alike", async () => {
    for (const server of servers) {
      const [row] = (await server.dataSource.query("SELECT @@SESSION.wsrep_sync_wait AS w")) as {
        w: number;
      }[];
      expect(Number(row!.w)).toBe(1);
    }
  });

  it(`refuses a token on nodes 2 and 3 at the very next request after node 1 revoked it (${TRIALS} trials), and accepts a fresh one at once`, async () => {
    const failures: string[] = [];
    const trial = async (worker: number, k: number) => {
      const created = await call<{
        createPersonalToken: { secret: string; token: { id: string } };
      }>(0, CREATE_PERSONAL_TOKEN, { name: `ryw-${worker}-${k}` }, org.admin.secret);
      if (!created.data?.createPersonalToken) {
        failures.push(`create: ${created.status} ${created.code}`);
        return;
      }
      const { secret, token } = created.data.createPersonalToken;
      for (const i of [1, 2]) {
        const fresh = await call(i, VIEWER, {}, secret);
        if (fresh.status !== 200) failures.push(`fresh token on node ${i + 1}: ${fresh.status}`);
      }
      const revoked = await call(0, REVOKE_TOKEN, { id: token.id }, org.admin.secret);
      if (revoked.status !== 200 || revoked.code) failures.push(`revoke: ${revoked.code}`);
      for (const i of [1, 2]) {
        const used = await call(i, VIEWER, {}, secret);
        if (used.status !== 401 || used.code !== "UNAUTHENTICATED")
          failures.push(`revoked token on node ${i + 1}: ${used.status} ${used.code}`);
      }
    };
    const WORKERS = 10;
    await Promise.all(
      Array.from({ length: WORKERS }, async (_, worker) => {
        for (let k = worker; k < TRIALS; k += WORKERS) await trial(worker, k);
      }),
    );
    expect(failures).toEqual([]);
  }, 120_000);

  it("gives exactly one token to 50 creations of one name spread over the three nodes, and clean conflicts to the rest", async () => {
    const team = await org.team();
    const name = uniqueName("race");
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, k) =>
        call(k % 3, CREATE_TEAM_TOKEN, { organization: org.name, team, name }, org.admin.secret),
      ),
    );
    expect(results.filter((r) => r.status === 200 && !r.code)).toHaveLength(1);
    expect(results.filter((r) => r.code).map((r) => r.code)).toEqual(Array(49).fill("CONFLICT"));
    expect(await servers[0]!.count("access_tokens", "name = ?", [name])).toBe(1);
  });

  it("records one TOKEN_REVOKED event for a token revoked on all three nodes at once", async () => {
    const created = await call<{ createPersonalToken: { token: { id: string } } }>(
      1,
      CREATE_PERSONAL_TOKEN,
      { name: uniqueName("revoke-race") },
      org.admin.secret,
    );
    const id = created.data!.createPersonalToken.token.id;
    const results = await Promise.all(
      Array.from({ length: 15 }, (_, k) => call(k % 3, REVOKE_TOKEN, { id }, org.admin.secret)),
    );
    expect(results.filter((r) => r.status >= 500)).toEqual([]);
    for (const r of results) expect([undefined, "CONFLICT"]).toContain(r.code);
    expect(
      await servers[0]!.count("audit_events", "type = 'TOKEN_REVOKED' AND token_id = ?", [id]),
    ).toBe(1);
  });

  it("keeps serving on two nodes while the third is frozen; its instance answers 503 in time and recovers when it thaws", async () => {
    const traffic = load([0, 1, 2]);
    await pause(500);
    const frozenAt = Date.now();
    node(2).freeze();
    let evictedAt = 0;
    let readiness: { status: number; ms: number } | undefined;
    let thawedAt = 0;
    try {
      // The others evict the silent node after a few seconds (evs.suspect_timeout); until then
      // their writes wait for it.
      await cluster.waitForSize(2, [node(0), node(1)], 60_000);
      evictedAt = Date.now();
      await pause(1_500);
      readiness = await ready(2);
    } finally {
      thawedAt = Date.now();
      node(2).thaw();
    }
    await cluster.waitForSize(3, cluster.nodes, 90_000);
    expect(await recovers(2)).toBe(true);
    await traffic.stop();

    expect(readiness!.status).toBe(503);
    expect(readiness!.ms).toBeLessThan(BOUND_MS);
    const seen = traffic.answers();
    const frozen = seen.filter(
      (a) => a.instance === 2 && a.at > frozenAt + 50 && a.at + a.ms < thawedAt,
    );
    expect(frozen.length).toBeGreaterThanOrEqual(3);
    for (const a of frozen) {
      expect.soft(a.status, a.body).toBe(503);
      expect.soft(a.code, a.body).toBe("SERVICE_UNAVAILABLE");
    }
    for (const a of seen) expect.soft(a.ms, a.body).toBeLessThan(BOUND_MS);
    const others = seen.filter((a) => a.instance !== 2 && a.at > evictedAt && a.at < thawedAt);
    expect(others.length).toBeGreaterThan(10);
    expect(others.filter((a) => a.status !== 200)).toEqual([]);
    for (const i of [0, 1, 2]) expect((await ready(i)).status).toBe(200);
  }, 180_000);

  it("answers 503 on a node cut off from the cluster (not Primary), /readyz included, while the others serve; recovers when it is back", async () => {
    // An invitation to redeem there: no authentication, so the resolver itself meets the node.
    const invited = await call<{ inviteMember: { code: string } }>(
      0,
      `mutation($organization: String!, $login: String!) {
        inviteMember(organization: $organization, login: $login, role: MEMBER) { code }
      }`,
      { organization: org.name, login: uniqueName("cut-off") },
      org.admin.secret,
    );
    const code = invited.data!.inviteMember.code;
    const isolate = (on: boolean) =>
      node(2).admin(`SET GLOBAL wsrep_provider_options = 'gmcast.isolate=${on ? 1 : 0}'`);
    await isolate(true);
    try {
      await cluster.waitForSize(2, [node(0), node(1)], 60_000);
      // The cut-off node notices on its own schedule; until then it still thinks it is Primary.
      await until(async () => (await node(2).state()).status !== "Primary", 60_000);
      // A cut-off node still answers SELECT 1; it must not be called ready.
      expect((await ready(2)).status).toBe(503);
      const refused = await call(2, VIEWER, {}, org.admin.secret);
      expect(refused).toMatchObject({ status: 503, code: "SERVICE_UNAVAILABLE", retryAfter: "5" });
      const redeemed = await call(
        2,
        `mutation($code: String!) { redeemInvitation(code: $code, tokenName: "t") { secret } }`,
        { code },
        null,
      );
      expect(redeemed).toMatchObject({ status: 503, code: "SERVICE_UNAVAILABLE", retryAfter: "5" });
      expect((await call(0, VIEWER, {}, org.admin.secret)).status).toBe(200);
    } finally {
      // Whatever failed above, the tests after this one need the node back.
      await isolate(false);
    }
    await cluster.waitForSize(3, cluster.nodes, 90_000);
    expect(await recovers(2)).toBe(true);
    expect((await ready(2)).status).toBe(200);
  }, 180_000);

  it("brings back a node that was killed: it rejoins by incremental state transfer and its instance recovers without a restart", async () => {
    const traffic = load([0, 1, 2]);
    await pause(500);
    const killedAt = Date.now();
    await node(1).kill();
    await cluster.waitForSize(2, [node(0), node(2)], 60_000);
    await pause(1_000);
    const logBefore = node(1).errorLog().length;
    const restartedAt = Date.now();
    await node(1).start();
    await cluster.waitForSize(3, cluster.nodes, 90_000);
    expect(await recovers(1)).toBe(true);
    await traffic.stop();

    const rejoin = node(1).errorLog().slice(logBefore);
    // The SST script runs in IST mode ("rsync IST completed"); a full copy says "rsync SST".
    expect(rejoin).toMatch(/Receiving IST: \d+ writesets/);
    expect(rejoin).not.toMatch(/rsync SST completed/);
    const down = traffic
      .answers()
      .filter((a) => a.instance === 1 && a.at > killedAt + 50 && a.at < restartedAt);
    expect(down.length).toBeGreaterThan(3);
    for (const a of down) expect.soft(a.status, a.body).toBe(503);
    expect((await ready(1)).status).toBe(200);
  }, 180_000);

  it("answered nothing in the 5xx range but 503 SERVICE_UNAVAILABLE with Retry-After, in every test above", () => {
    expect(answers.length).toBeGreaterThan(TRIALS * 5);
    expect(answers.filter((a) => a.status === 503).length).toBeGreaterThan(0);
    const wrong = answers.filter(
      (a) =>
        a.status >= 500 &&
        !(a.status === 503 && a.code === "SERVICE_UNAVAILABLE" && a.retryAfter === "5"),
    );
    expect(wrong.map((a) => `${a.status} ${a.body}`)).toEqual([]);
  });
});
