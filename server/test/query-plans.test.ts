import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain ES module shared with the benchmark (bench/scale.mjs)
import { seedScale } from "../../bench/scale-seed.mjs";
import { TestServer } from "./harness";
import { generateSecret } from "../src/auth/token-secret";
import { TokenKind } from "../src/modules/token/token.types";
import { operatorContext } from "./seed";
import { freshDatabase, testStores } from "./stores";

interface Seeded {
  organization: string;
  adminSecret: string;
  memberLogin: string;
}

const TOKENS = 20_000;
const EVENTS = 50_000;

/** Every table access in a MySQL/MariaDB EXPLAIN FORMAT=JSON plan, and whether it sorts. */
function accesses(
  plan: unknown,
): { table: string; type: string; key?: string; covering: boolean }[] {
  const found: { table: string; type: string; key?: string; covering: boolean }[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== "object") return;
    const record = node as Record<string, unknown>;
    const table = record.table as Record<string, unknown> | undefined;
    if (table && typeof table.table_name === "string") {
      found.push({
        table: table.table_name,
        type: String(table.access_type),
        key: table.key as string | undefined,
        covering: table.using_index === true,
      });
    }
    Object.values(record).forEach(walk);
  };
  walk(plan);
  return found;
}

/**
 * The statements behind the auditor's big questions, on a seeded organization (20,000 tokens, 50,000
 * events), must read through indexes: no full scan of tokens or events and no filesort. The
 * benchmark (bench/scale.mjs) times the same questions on 1,000,000 tokens and 5,000,000 events.
 */
for (const store of testStores().filter((s) => s.kind === "mysql")) {
  describe("query plans at scale [mysql]", () => {
    let database: Awaited<ReturnType<typeof freshDatabase>>;
    let server: TestServer;
    let seeded: Seeded;

    beforeAll(async () => {
      database = await freshDatabase(store);
      server = new TestServer({ kind: "mysql", url: database.url });
      await server.start();
      seeded = (await seedScale(server.dataSource, {
        tokens: TOKENS,
        events: EVENTS,
        now: server.clock.now().getTime(),
        bootstrap: async (organization: string, admin: string) =>
          (
            await server.lapse.services.bootstrap.bootstrap(operatorContext(server), {
              organization,
              admin,
            })
          ).secret,
      })) as Seeded;
    }, 120_000);
    afterAll(async () => {
      await server?.stop();
      await database?.drop();
    });

    /** EXPLAINs every SELECT on tokens or events that `action` ran; fails on a scan or a sort. */
    async function expectIndexedReads(
      label: string,
      action: () => Promise<unknown>,
      options: { covering?: boolean; key?: string | ((sql: string) => string[]) } = {},
    ) {
      const statements = await server.statementsDuring(action);
      const reads = statements.filter(
        (s) => /^SELECT/i.test(s.sql) && /access_tokens|audit_events/.test(s.sql),
      );
      expect(reads.length, `${label}: statements seen`).toBeGreaterThan(0);
      for (const { sql, parameters } of reads) {
        const [row] = (await server.dataSource.query(`EXPLAIN FORMAT=JSON ${sql}`, parameters)) as {
          EXPLAIN: string;
        }[];
        const plan = JSON.parse(row!.EXPLAIN) as unknown;
        const text = JSON.stringify(plan);
        expect.soft(text.includes("filesort"), `${label}: filesort in ${sql}\n${text}`).toBe(false);
        if (options.key) {
          expect
            .soft(
              accesses(plan).map((access) => access.key),
              `${label}: ${sql}`,
            )
            .toSatisfy((keys: string[]) => {
              const allowed = typeof options.key === "string" ? [options.key] : options.key!(sql);
              return keys.some((key) => allowed.includes(key));
            });
        }
        for (const access of accesses(plan)) {
          if (!["t", "e", "access_tokens", "audit_events"].includes(access.table)) continue;
          expect
            .soft(access.type, `${label}: full scan of ${access.table}\n${sql}\n${text}`)
            .not.toBe("ALL");
          // The counting statements; a page fetched beside them reads whole rows, as it must.
          if (options.covering && /COUNT\(/i.test(sql))
            expect
              .soft(access.covering, `${label}: row lookups on ${access.table}\n${sql}\n${text}`)
              .toBe(true);
          expect
            .soft(access.type, `${label}: index scan of ${access.table}\n${sql}\n${text}`)
            .not.toBe("index");
        }
      }
    }

    const gql = async (query: string, variables: Record<string, unknown>) => {
      const response = await server.gql(query, variables, seeded.adminSecret);
      expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
      return response.data as Record<string, unknown>;
    };

    const TOKENS_PAGE = `query($filter: TokenFilter, $after: String) {
      tokens(filter: $filter, first: 50, after: $after) { edges { node { id name expiresAt } } pageInfo { endCursor } }
    }`;

    it("finds the tokens that crossed an expiry warning threshold through an index", async () => {
      const ctx = operatorContext(server);
      await expectIndexedReads(
        "expiry warnings",
        () => server.lapse.services.expiryWarnings.warn(ctx),
        {
          key: (sql) =>
            /expiry_notices/.test(sql) ? ["ix_access_tokens_expiry_sweep"] : ["PRIMARY"],
        },
      );
    });

    it("pages tokens expiring within 7 days through an index", async () => {
      await expectIndexedReads("expiring within 7 days", () =>
        gql(TOKENS_PAGE, { filter: { organization: seeded.organization, expiringWithinDays: 7 } }),
      );
    });

    it("reads a page deep in the list as a range from the cursor, not by skipping rows", async () => {
      let after: string | null = null;
      for (let page = 0; page < 20; page++) {
        const data = await gql(
          `query($o: String!, $after: String) { tokens(filter: { organization: $o }, first: 500, after: $after) { pageInfo { endCursor } } }`,
          { o: seeded.organization, after },
        );
        after = (data.tokens as { pageInfo: { endCursor: string } }).pageInfo.endCursor;
      }
      await expectIndexedReads("10,000 rows deep", () =>
        gql(TOKENS_PAGE, { filter: { organization: seeded.organization }, after }),
      );
    });

    // tokenStats and totalCount count every token of the organization (here nine tenths of the
    // table): each scope's index carries the columns they read, so they never touch a table row.
    it("counts an ADMIN's tokens scope by scope from the indexes alone, without a sort", async () => {
      await expectIndexedReads(
        "totalCount",
        () =>
          gql(
            `query($o: String!) { tokens(filter: { organization: $o }, first: 1) { totalCount } }`,
            {
              o: seeded.organization,
            },
          ),
        { covering: true },
      );
    });

    it("answers tokenStats from the indexes alone, without a sort", async () => {
      await expectIndexedReads(
        "tokenStats",
        () =>
          gql(`query($o: String!) { tokenStats(organization: $o) { total expiringWithin7Days } }`, {
            o: seeded.organization,
          }),
        { covering: true },
      );
    });

    it("pages the whole audit trail, members' personal tokens' events included, through indexes", async () => {
      await expectIndexedReads(
        "audit trail",
        () =>
          gql(
            `query($f: AuditEventFilter!) { auditEvents(filter: $f, first: 50) { edges { node { id type } } } }`,
            { f: { organization: seeded.organization } },
          ),
        {
          key: (sql) =>
            /subject_user_id` = \?/.test(sql)
              ? ["ix_audit_events_subject_time"]
              : ["ix_audit_events_org_time"],
        },
      );
    });

    it("pages the audit trail of one actor through an index", async () => {
      await expectIndexedReads(
        "audit by actor",
        () =>
          gql(
            `query($f: AuditEventFilter!) { auditEvents(filter: $f, first: 50) { edges { node { id type } } } }`,
            { f: { organization: seeded.organization, actor: seeded.memberLogin } },
          ),
        // The organization's events through its actor index; its members' personal tokens' events
        // (which belong to no organization) through the subject index or the actor one.
        {
          key: (sql) =>
            /subject_user_id` = \?/.test(sql)
              ? ["ix_audit_events_subject_time", "ix_audit_events_org_actor_login_time"]
              : ["ix_audit_events_org_actor_login_time"],
        },
      );
    });

    // 1,000 digests in one IN list: MariaDB turns a list that long into a join with a table of
    // values, which must still find each token through the unique index, never by a scan.
    it("reads the 1,000 secrets of a leak report through the digest's unique index", async () => {
      const reported = Array.from({ length: 1000 }, () => ({
        secret: generateSecret(TokenKind.TEAM),
      }));
      await expectIndexedReads(
        "leak report",
        () => server.lapse.services.leaks.revoke(operatorContext(server), "test", reported),
        { key: "uq_access_tokens_digest" },
      );
    });
  });
}
