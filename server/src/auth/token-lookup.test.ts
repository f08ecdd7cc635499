import { randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import { describeEachStore } from "../../test/harness";
import {
  CREATE_ORGANIZATION_TOKEN,
  CREATE_PERSONAL_TOKEN,
  REVOKE_TOKEN,
  VIEWER,
  mustCreate,
} from "../../test/operations";
import { seedOrg } from "../../test/seed";
import { digestSecret } from "./token-secret";
import { AuthThrottleService, tokenKey } from "./auth-throttle";
import { TokenLookup } from "./token-lookup";

/** An address key no other test uses. */
const newKey = () => `ip:lookup-${randomBytes(6).toString("hex")}`;

describeEachStore("token lookup batching", (server) => {
  const newLookup = () =>
    new TokenLookup(server.dataSource, new AuthThrottleService(server.dataSource));
  const lockOut = (key: string, untilMs: number) =>
    server.dataSource.query(
      "INSERT INTO auth_throttle (throttle_key, window_started_ms, failures, blocked_until_ms) VALUES (?, ?, ?, ?)",
      [key, untilMs - 60_000, 99, untilMs],
    );

  it("answers lookups started in one turn with one statement, each with its own token and lockouts", async () => {
    const org = await seedOrg(server);
    const expiresAt = new Date(server.clock.now().getTime() + 86_400_000);
    const other = await mustCreate(
      server,
      CREATE_ORGANIZATION_TOKEN,
      { organization: org.name, name: "machine", expiresAt: expiresAt.toISOString() },
      org.admin.secret,
    );
    const lookup = newLookup();
    const [free, locked] = [newKey(), newKey()];
    const addressUntil = server.clock.now().getTime() + 300_000;
    const tokenUntil = server.clock.now().getTime() + 200_000;
    await lockOut(locked, addressUntil);
    await lockOut(tokenKey(other.token.id), tokenUntil);

    let results: Awaited<ReturnType<TokenLookup["find"]>>[] = [];
    const statements = await server.queriesDuring(async () => {
      results = await Promise.all([
        lookup.find(digestSecret(org.admin.secret), free),
        lookup.find(digestSecret(other.secret), locked),
        lookup.find("0".repeat(64), locked),
        lookup.find(digestSecret(other.secret), free),
        lookup.find(digestSecret(org.admin.secret), locked),
      ]);
    });
    expect(statements).toHaveLength(1);
    const [admin, otherLocked, missing, otherFree, adminLocked] = results;
    expect(admin!.token!.name).toBe("seed");
    expect(admin!.token!.org).toBeNull(); // a personal token belongs to no organization
    expect(admin).toMatchObject({ addressLockedUntilMs: 0, tokenLockedUntilMs: 0 });
    expect(otherLocked!.token!.id).toBe(other.token.id);
    expect(otherLocked!.token!.org!.name).toBe(org.name);
    expect(otherLocked!.token!.expiresAt).toEqual(expiresAt); // dates hydrate as dates
    expect(admin!.token!.expiresAt).toBeNull(); // and the never-expires sentinel as null
    // Each lockout is reported for its own key.
    expect(otherLocked).toMatchObject({
      addressLockedUntilMs: addressUntil,
      tokenLockedUntilMs: tokenUntil,
    });
    // A missing token gives no row, so no lockout either: counting the failure reads it.
    expect(missing).toEqual({ token: null, addressLockedUntilMs: 0, tokenLockedUntilMs: 0 });
    expect(otherFree!.token!.id).toBe(other.token.id);
    expect(otherFree).toMatchObject({ addressLockedUntilMs: 0, tokenLockedUntilMs: tokenUntil });
    expect(adminLocked!.token!.name).toBe("seed");
    expect(adminLocked).toMatchObject({
      addressLockedUntilMs: addressUntil,
      tokenLockedUntilMs: 0,
    });
    // Each lookup hydrated its own token: no object is shared between requests.
    expect(otherFree!.token).not.toBe(otherLocked!.token);
  });

  it("splits a turn's lookups into statements of at most 32, answering every one", async () => {
    const org = await seedOrg(server);
    const lookup = newLookup();
    const digest = digestSecret(org.admin.secret);
    let results: Awaited<ReturnType<TokenLookup["find"]>>[] = [];
    const statements = await server.queriesDuring(async () => {
      results = await Promise.all(
        Array.from({ length: 70 }, (_, i) =>
          lookup.find(i % 7 === 3 ? "f".repeat(64) : digest, newKey()),
        ),
      );
    });
    expect(statements).toHaveLength(3); // 32 + 32 + 6 (padded to 8)
    results.forEach((result, i) => {
      if (i % 7 === 3) expect.soft(result.token, `lookup ${i}`).toBeNull();
      else expect.soft(result.token?.name, `lookup ${i}`).toBe("seed");
    });
  });

  it("reads the token, its organization and both lockouts by index, whatever the batch size", async () => {
    const org = await seedOrg(server);
    const machine = await mustCreate(
      server,
      CREATE_ORGANIZATION_TOKEN,
      { organization: org.name, name: "machine" },
      org.admin.secret,
    );
    const ip = newKey();
    await lockOut(ip, server.clock.now().getTime() + 1000);
    await lockOut(tokenKey(machine.token.id), server.clock.now().getTime() + 1000);
    const lookup = newLookup();
    for (const size of [1, 4, 32]) {
      const parameters = Array.from({ length: size }, () => [
        digestSecret(machine.secret),
        ip,
      ]).flat();
      if (server.store.kind === "mysql") {
        // EXPLAIN through the same prepared-statement path the lookup takes, with its parameters.
        const pool = (
          server.dataSource.driver as unknown as {
            pool: {
              execute: (s: string, p: unknown[], cb: (e: unknown, r: unknown) => void) => void;
            };
          }
        ).pool;
        const plan = await new Promise<{ table: string | null; type: string | null }[]>(
          (resolve, reject) =>
            pool.execute(`EXPLAIN ${lookup.sql(size)}`, parameters, (error, rows) =>
              error ? reject(error) : resolve(rows as never),
            ),
        );
        // One row (and MariaDB reads it as constants): const; several: eq_ref. Never a scan.
        const reads = plan.filter((row) => row.table && !row.table.startsWith("<"));
        expect(reads.map((row) => row.table).sort(), `batch of ${size}`).toEqual([
          "o",
          "t",
          "th",
          "th",
        ]);
        for (const read of reads) expect(["const", "eq_ref"]).toContain(read.type);
      } else {
        const plan: { detail: string }[] = await server.dataSource.query(
          `EXPLAIN QUERY PLAN ${lookup.sql(size)}`,
          parameters,
        );
        const details = plan.map((row) => row.detail);
        expect(details, `batch of ${size}`).toContainEqual(
          expect.stringMatching(/^SEARCH t USING INDEX .*digest/),
        );
        expect(details).toContainEqual(expect.stringMatching(/^SEARCH o USING INDEX/));
        expect(details).toContainEqual(expect.stringMatching(/^SEARCH th USING INDEX/));
        expect(details.filter((d) => /^SCAN (t|o|th)\b/.test(d))).toEqual([]);
      }
    }
  });

  it("refuses a token revoked between two requests sent together, on the very next request", async () => {
    const org = await seedOrg(server);
    const tokens = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        mustCreate(server, CREATE_PERSONAL_TOKEN, { name: `parallel-${i}` }, org.admin.secret),
      ),
    );
    const viewers = async () =>
      Promise.all(
        tokens.map(async ({ secret }) => {
          const response = await server.gql<{ viewer: { token: { id: string } } }>(
            VIEWER,
            {},
            secret,
          );
          return response.status === 200 ? response.data!.viewer.token.id : response.status;
        }),
      );
    expect(await viewers()).toEqual(tokens.map((t) => t.token.id));
    for (const revoked of [tokens[1]!, tokens[4]!]) {
      const response = await server.gql(REVOKE_TOKEN, { id: revoked.token.id }, org.admin.secret);
      expect(response.errors).toBeUndefined();
    }
    expect(await viewers()).toEqual(tokens.map((t, i) => (i === 1 || i === 4 ? 401 : t.token.id)));
  });
});
