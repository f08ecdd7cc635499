import { beforeAll, expect, it } from "vitest";
import { describeEachStore } from "../../../test/harness";
import {
  CREATE_ORGANIZATION_TOKEN,
  CREATE_TEAM_TOKEN,
  ROTATE_TOKEN,
  SET_POLICY,
  TOKENS,
  VIEWER,
  mustCreate,
  type TokenNode,
  type TokensResult,
} from "../../../test/operations";
import { personalToken, seedOrg, type Person, type SeededOrg } from "../../../test/seed";
import { systemContext } from "../../context";
import { createLoaders } from "../../loaders";
import { OrganizationRole } from "../organization/organization.types";
import { TokenKind, TokenSource } from "./token.types";

const DAY = 86_400_000;
const T0 = Date.parse("2026-11-26T12:00:00.000Z");
const TN = T0 + 100 * DAY;
const iso = (ms: number) => new Date(ms).toISOString();
const MACHINE = { kinds: ["TEAM", "ORGANIZATION"] };

describeEachStore("auditor queries", (server) => {
  let org: SeededOrg;
  let auditor: Person;

  beforeAll(async () => {
    server.clock.set(iso(T0));
    org = await seedOrg(server);
    auditor = await org.member(OrganizationRole.AUDITOR);
    const team = await org.team();
    const teamToken = (name: string, expiresAt: number | null) =>
      mustCreate(
        server,
        CREATE_TEAM_TOKEN,
        { organization: org.name, team, name, expiresAt: expiresAt && iso(expiresAt) },
        org.admin.secret,
      );
    await teamToken("old-lapse", T0 + 10 * DAY);
    await teamToken("recent-lapse", T0 + 85 * DAY);
    await teamToken("soon", T0 + 103 * DAY);
    const later = await teamToken("later", T0 + 140 * DAY);
    await server.gql(
      ROTATE_TOKEN,
      { id: later.token.id, expiresAt: iso(T0 + 140 * DAY) },
      org.admin.secret,
    );
    const never = await mustCreate(
      server,
      CREATE_ORGANIZATION_TOKEN,
      { organization: org.name, name: "never" },
      org.admin.secret,
    );
    await teamToken("unused-never", null);
    const stale = await teamToken("stale", T0 + 200 * DAY);

    server.clock.set(iso(T0 + DAY));
    await server.gql(VIEWER, {}, stale.secret);
    server.clock.set(iso(T0 + 95 * DAY));
    await server.gql(VIEWER, {}, never.secret);
    // A token from an OIDC exchange, as the OIDC issue will mint them.
    server.clock.set(iso(T0 + 99 * DAY));
    const ctx = systemContext(
      {
        clock: server.clock,
        logger: server.logger,
        services: server.lapse.services,
        loaders: createLoaders(server.dataSource),
      },
      "test",
    );
    const orgId = (
      await server.dataSource.query("SELECT id FROM organizations WHERE name = ?", [org.name])
    )[0].id;
    await server.dataSource.transaction((manager) =>
      server.lapse.services.tokens.issue(ctx, manager, {
        kind: TokenKind.ORGANIZATION,
        name: "oidc",
        organizationId: orgId,
        expiresAt: new Date(T0 + 100 * DAY + 3_600_000),
        source: TokenSource.OIDC,
      }),
    );
  });

  let reader = "";
  const list = async (filter: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    server.clock.set(iso(TN));
    const response = await server.gql<TokensResult>(
      TOKENS,
      { filter: { organization: org.name, ...filter }, first: 500, ...extra },
      reader || auditor.secret,
    );
    if (response.errors) throw new Error(JSON.stringify(response.errors));
    return response.data!.tokens;
  };
  const names = async (filter: Record<string, unknown>) =>
    (await list(filter)).edges.map((e) => e.node.name).sort();

  it("answers each auditor question in one query", async () => {
    // Which expire within 7 days?
    expect(await names({ expiringWithinDays: 7 })).toEqual(["oidc", "soon"]);
    // Which expired in the last 30 days?
    expect(await names({ statuses: ["EXPIRED"], expiresAfter: iso(TN - 30 * DAY) })).toEqual([
      "recent-lapse",
    ]);
    // Which never expire?
    expect(await names({ ...MACHINE, neverExpires: true })).toEqual(["never", "unused-never"]);
    // Which have not been used for 90 days?
    expect(
      await names({ ...MACHINE, statuses: ["ACTIVE"], lastUsedBefore: iso(TN - 90 * DAY) }),
    ).toEqual(["later", "soon", "stale", "unused-never"]);
    expect(await names({ ...MACHINE, neverUsed: false })).toEqual(["never", "stale"]);
    // Who created them?
    expect((await list({ ...MACHINE, createdBy: org.admin.login })).totalCount).toBe(8);
    // Where did they come from?
    expect(await names({ source: "ROTATION" })).toEqual(["later"]);
    expect(await names({ source: "OIDC" })).toEqual(["oidc"]);
  });

  it("finds the tokens that break the current policy (OIDC tokens exempt)", async () => {
    server.clock.set(iso(TN));
    const admin = await org.adminTokenFor(7);
    // Under the cap the auditor's never-expiring token is refused too; they read with a compliant one.
    reader = await personalToken(server, auditor.login, "capped", new Date(TN + 7 * DAY));
    const set = await server.gql(SET_POLICY, { organization: org.name, days: 30 }, admin);
    expect(set.errors).toBeUndefined();
    try {
      expect(await names({ ...MACHINE, violatesPolicy: true })).toEqual([
        "later",
        "never",
        "stale",
        "unused-never",
      ]);
      expect(await names({ ...MACHINE, statuses: ["ACTIVE"], violatesPolicy: false })).toEqual([
        "oidc",
        "soon",
      ]);
    } finally {
      await server.gql(SET_POLICY, { organization: org.name, days: null }, admin);
      reader = "";
    }
    expect(await names({ ...MACHINE, violatesPolicy: true })).toEqual([]);
  });

  it("orders by each field both ways, and pages each order with keyset cursors", async () => {
    const sortKey: Record<string, (n: TokenNode) => number | string | null> = {
      EXPIRES_AT: (n) => (n.expiresAt ? Date.parse(n.expiresAt) : Number.MAX_SAFE_INTEGER),
      CREATED_AT: (n) => Date.parse(n.createdAt),
      LAST_USED_AT: (n) => (n.lastUsedAt ? Date.parse(n.lastUsedAt) : null),
      NAME: (n) => n.name,
    };
    for (const field of Object.keys(sortKey)) {
      for (const direction of ["ASC", "DESC"]) {
        const orderBy = { field, direction };
        const whole = (await list({}, { orderBy })).edges.map((e) => e.node);
        const sign = direction === "ASC" ? 1 : -1;
        const expected = [...whole].sort((a, b) => {
          const [ka, kb] = [sortKey[field]!(a), sortKey[field]!(b)];
          // NULLs sort first ascending, last descending, on both stores.
          const cmp = ka === kb ? 0 : ka === null ? -1 : kb === null ? 1 : ka < kb ? -1 : 1;
          return sign * (cmp !== 0 ? cmp : a.id < b.id ? -1 : 1);
        });
        expect
          .soft(
            whole.map((n) => n.name),
            `${field} ${direction}`,
          )
          .toEqual(expected.map((n) => n.name));

        const paged: string[] = [];
        let after: string | null = null;
        do {
          const page = await list({}, { orderBy, first: 3, after });
          paged.push(...page.edges.map((e) => e.node.id));
          after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
        } while (after);
        expect.soft(paged, `${field} ${direction} pages`).toEqual(whole.map((n) => n.id));
      }
    }
    const foreign = await server.gql(
      TOKENS,
      {
        filter: { organization: org.name },
        orderBy: { field: "NAME", direction: "ASC" },
        after:
          (await list({})).pageInfo.endCursor ?? (await list({}, { first: 1 })).pageInfo.endCursor,
      },
      auditor.secret,
    );
    expect(foreign.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("counts what auditors watch in tokenStats, agreeing with the token queries", async () => {
    server.clock.set(iso(TN));
    const stats = await server.gql<{
      tokenStats: {
        total: number;
        counts: { kind: string; status: string; count: number }[];
        expiringWithin1Day: number;
        expiringWithin7Days: number;
        expiringWithin30Days: number;
        neverExpiring: number;
        unused90Days: number;
      };
    }>(
      `query($o: String!) { tokenStats(organization: $o) { total counts { kind status count } expiringWithin1Day expiringWithin7Days expiringWithin30Days neverExpiring unused90Days } }`,
      { o: org.name },
      auditor.secret,
    );
    const s = stats.data!.tokenStats;
    expect(s.total).toBe((await list({})).totalCount);
    expect(s.expiringWithin1Day).toBe(1); // the OIDC token, in an hour
    expect(s.expiringWithin7Days).toBe((await list({ expiringWithinDays: 7 })).totalCount);
    expect(s.expiringWithin30Days).toBe((await list({ expiringWithinDays: 30 })).totalCount);
    expect(s.neverExpiring).toBe(
      (await list({ statuses: ["ACTIVE"], neverExpires: true })).totalCount,
    );
    expect(s.unused90Days).toBe(
      (await list({ statuses: ["ACTIVE"], lastUsedBefore: iso(TN - 90 * DAY) })).totalCount,
    );
    for (const { kind, status, count } of s.counts) {
      expect
        .soft(count, `${kind} ${status}`)
        .toBe((await list({ kinds: [kind], statuses: [status] })).totalCount);
    }
    expect(s.counts).toContainEqual({ kind: "TEAM", status: "EXPIRED", count: 2 });
    expect(s.counts).toContainEqual({ kind: "TEAM", status: "REVOKED", count: 1 });
    expect(s.counts.reduce((sum, c) => sum + c.count, 0)).toBe(s.total);
  });
});
