import fs from "node:fs";
import path from "node:path";
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLOutputType,
} from "graphql";
import { expect, it } from "vitest";
import { describeEachStore, type TestServer } from "../../test/harness";
import { seedOrg } from "../../test/seed";
import { digestSecret } from "../auth/token-secret";

const schema = buildSchema(
  fs.readFileSync(path.resolve(__dirname, "../../../schema.graphql"), "utf8"),
);

/** Operations per store. Each is checked; each refused mutation is checked to have changed nothing. */
const OPERATIONS = Number(process.env.FUZZ_OPERATIONS ?? 2000);
/** Vary with FUZZ_SEED=<n> to explore; a failure message names the seed that found it. */
const SEED = Number(process.env.FUZZ_SEED ?? 20261126);

/** mulberry32: a small seeded generator, so a failing run can be replayed exactly. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  return { next, pick, chance: (p: number) => next() < p };
}

const NASTY_STRINGS = [
  "",
  " ",
  "'; DROP TABLE access_tokens; --",
  '" OR "1"="1',
  "1' UNION SELECT digest FROM access_tokens --",
  '=HYPERLINK("http://x")',
  "+cmd|' /C calc'!A0",
  "@SUM(1+1)",
  'a,b\nc,"d"',
  "\u0000",
  "\u0007\u001b[31mred",
  "\u202eevil",
  "\ud800",
  "🚀🔥👩‍👩‍👧‍👦",
  "名前",
  "%",
  "_",
  "\\",
  "../../etc/passwd",
  "<script>alert(1)</script>",
  "${jndi:ldap://x}",
  "{{7*7}}",
  "x".repeat(41),
  "y".repeat(5_000),
  "lapse_pat_0000000000000000000000000000000000000",
  "null",
  "true",
  "0",
  "-1",
  "9".repeat(40),
];
const INTS = [0, 1, -1, 7, 30, 90, 365, 731, 3600, 86_400, 86_401, 2_147_483_647, -2_147_483_648];
const BAD_INTS = [2 ** 53, 1.5, "12", null, Number.MAX_VALUE];
const DATES = (now: Date) => [
  new Date(now.getTime() + 3_600_000).toISOString(),
  new Date(now.getTime() + 30 * 86_400_000).toISOString(),
  new Date(now.getTime() - 86_400_000).toISOString(),
  now.toISOString(),
  "9999-12-31T23:59:59.999Z",
  "10000-01-01T00:00:00Z",
  "0000-01-01T00:00:00Z",
  "1970-01-01T00:00:00Z",
  "2027-02-30T00:00:00Z",
  "2026-12-31T23:59:60Z",
  "2027-01-01T00:00:00+14:00",
  "2027-01-01",
  "not a date",
  "",
  1e20,
  -1,
];

interface Pools {
  strings: string[];
  ids: string[];
  dates: unknown[];
  /** Values that make sense for an argument of this name, so operations get past "not found". */
  byName: Record<string, () => unknown>;
}

class OperationBuilder {
  private variables: Record<string, unknown> = {};
  private definitions: string[] = [];

  constructor(
    private readonly rng: ReturnType<typeof random>,
    private readonly pools: Pools,
  ) {}

  build(root: GraphQLObjectType, kind: "query" | "mutation") {
    const fields = Object.values(root.getFields());
    const count = kind === "mutation" ? 1 : 1 + Math.floor(this.rng.next() * 3);
    const selections: string[] = [];
    for (let i = 0; i < count; i++) {
      selections.push(`f${i}: ${this.field(this.rng.pick(fields), 0)}`);
    }
    const header = this.definitions.length ? `(${this.definitions.join(", ")})` : "";
    return {
      query: `${kind} Fuzz${header} { ${selections.join(" ")} }`,
      variables: this.variables,
    };
  }

  private field(field: GraphQLField<unknown, unknown>, depth: number): string {
    const args = field.args
      .filter((arg) => isNonNullType(arg.type) || this.rng.chance(0.6))
      .map((arg) => {
        const name = `v${this.definitions.length}`;
        this.definitions.push(`$${name}: ${String(arg.type)}`);
        this.variables[name] = this.value(arg.type, 0, arg.name);
        return `${arg.name}: $${name}`;
      });
    const head = args.length ? `${field.name}(${args.join(", ")})` : field.name;
    const selection = this.selection(field.type, depth + 1);
    return selection ? `${head} ${selection}` : head;
  }

  private selection(type: GraphQLOutputType, depth: number): string {
    const named = getNamedType(type);
    if (isLeafType(named)) return "";
    if (!isObjectType(named)) return "{ __typename }";
    const fields = Object.values(named.getFields());
    const leaves = fields.filter((f) => isLeafType(getNamedType(f.type)));
    const objects = fields.filter((f) => !isLeafType(getNamedType(f.type)));
    const chosen = leaves.filter(() => this.rng.chance(0.5));
    if (chosen.length === 0) chosen.push(leaves[0] ?? fields[0]!);
    if (depth < 4) chosen.push(...objects.filter(() => this.rng.chance(0.35)));
    return `{ ${chosen.map((f) => this.field(f, depth)).join(" ")} }`;
  }

  /** A value for an input type: mostly well-typed, sometimes wrong, sometimes hostile. */
  private value(type: GraphQLInputType, depth: number, name = ""): unknown {
    const { rng, pools } = this;
    if (isNonNullType(type)) return rng.chance(0.02) ? null : this.value(type.ofType, depth, name);
    if (rng.chance(0.05)) return null;
    const sensible = pools.byName[name];
    if (sensible && isLeafType(getNamedType(type)) && rng.chance(0.7)) return sensible();
    if (isListType(type)) {
      const length = rng.chance(0.05) ? 60 : Math.floor(rng.next() * 4);
      return Array.from({ length }, () => this.value(type.ofType, depth + 1));
    }
    if (isEnumType(type)) {
      return rng.chance(0.05) ? rng.pick(NASTY_STRINGS) : rng.pick(type.getValues()).name;
    }
    if (isInputObjectType(type)) {
      if (depth > 3) return {};
      const out: Record<string, unknown> = {};
      for (const field of Object.values(type.getFields())) {
        if (isNonNullType(field.type) || rng.chance(0.5))
          out[field.name] = this.value(field.type, depth + 1, field.name);
      }
      if (rng.chance(0.03)) out.unexpected = "field";
      return out;
    }
    switch (type.name) {
      case "Int":
        return rng.chance(0.08) ? rng.pick(BAD_INTS) : rng.pick(INTS);
      case "Boolean":
        return rng.chance(0.03) ? "yes" : rng.chance(0.5);
      case "ID":
        return rng.chance(0.7) ? rng.pick(pools.ids) : rng.pick(NASTY_STRINGS);
      case "DateTime":
        return rng.pick(pools.dates);
      case "JSONObject":
        return rng.chance(0.5) ? { a: rng.pick(NASTY_STRINGS) } : rng.pick(NASTY_STRINGS);
      default:
        return rng.chance(0.75) ? rng.pick(pools.strings) : rng.pick(NASTY_STRINGS);
    }
  }
}

/** The ids a tenant snapshot is keyed by: the organization's and its admin's. */
async function tenantIds(
  server: TestServer,
  org: { name: string; admin: { login: string } },
): Promise<{ orgId: string; adminId: string }> {
  const id = async (sql: string, value: string) =>
    ((await server.dataSource.query(sql, [value])) as { id: string }[])[0]!.id;
  return {
    orgId: await id("SELECT id FROM organizations WHERE name = ?", org.name),
    adminId: await id("SELECT id FROM users WHERE login = ?", org.admin.login),
  };
}

/** What a refused request must not have changed: the tenant's rows, less use bookkeeping. */
async function snapshot(server: TestServer, orgId: string, adminId: string): Promise<string> {
  const parts: unknown[] = [];
  for (const [sql, params] of [
    ["SELECT * FROM organizations ORDER BY id", []],
    ["SELECT * FROM memberships WHERE organization_id = ? ORDER BY id", [orgId]],
    ["SELECT * FROM teams WHERE organization_id = ? ORDER BY id", [orgId]],
    ["SELECT * FROM invitations WHERE organization_id = ? ORDER BY id", [orgId]],
    ["SELECT * FROM oidc_issuers WHERE organization_id = ? ORDER BY id", [orgId]],
    [
      "SELECT * FROM access_tokens WHERE organization_id = ? OR owner_id = ? ORDER BY id",
      [orgId, adminId],
    ],
    [
      // A refused use is audited on purpose (TOKEN_USE_REFUSED); that is the one write a refusal makes.
      "SELECT * FROM audit_events WHERE (organization_id = ? OR actor_user_id = ?) AND type <> 'TOKEN_USE_REFUSED' ORDER BY id",
      [orgId, adminId],
    ],
  ] as const) {
    const rows: Record<string, unknown>[] = await server.dataSource.query(sql, [...params]);
    parts.push(rows.map(({ last_used_at: _u, last_refused_at: _r, ...row }) => row));
  }
  return JSON.stringify(parts);
}

const LEAKS = [
  /\n\s+at [\w.<>]+ \(/, // a stack frame
  /\b(SELECT|INSERT INTO|UPDATE|DELETE FROM)\b[^"]*\b(FROM|VALUES|SET|WHERE)\b/i,
  /\bER_[A-Z_]{4,}|\bSQLITE_[A-Z]+|QueryFailedError|TypeORM/,
];

describeEachStore("schema-driven fuzz", (server) => {
  it(`answers ${OPERATIONS} generated operations without a 5xx, a leak or a change from a refusal`, async () => {
    const rng = random(SEED + (server.store.kind === "mysql" ? 1 : 0));
    const org = await seedOrg(server);
    const team = await org.team();
    const member = await org.member();
    const ids = (sql: string, params: unknown[]) =>
      server.dataSource.query(sql, params) as Promise<{ id: string }[]>;
    const { orgId, adminId } = await tenantIds(server, org);
    const pools: Pools = {
      strings: [org.name, team, member.login, org.admin.login, "deploy", "ci"],
      ids: [orgId, adminId, "00000000-0000-7000-8000-000000000000"],
      dates: DATES(server.clock.now()),
      byName: {
        organization: () => org.name,
        team: () => team,
        login: () => (rng.chance(0.5) ? member.login : `fuzz${Math.floor(rng.next() * 1e6)}`),
        name: () => `fuzz-${Math.floor(rng.next() * 1e9)}`,
        tokenName: () => `fuzz-${Math.floor(rng.next() * 1e9)}`,
        audience: () => `urn:lapse:org:${org.name}`,
        url: () => rng.pick(["https://token.actions.githubusercontent.com", "http://127.0.0.1:9"]),
        maxExpirationSeconds: () => rng.pick([60, 3600, 90_000]),
        maxTokenLifetimeDays: () => rng.pick([1, 30, 365, 3650]),
        gracePeriodSeconds: () => rng.pick([0, 60, 86_400]),
        first: () => rng.pick([1, 10, 100, 500]),
        expiresAt: () => new Date(server.clock.now().getTime() + 86_400_000).toISOString(),
        role: () => rng.pick(["MEMBER", "AUDITOR"]),
      },
    };
    const mutationRoot = schema.getMutationType()!;
    const queryRoot = schema.getQueryType()!;
    const known = [org.admin.secret, member.secret];
    // The fuzzer's own tokens are never offered as targets: revoking one would end the run early.
    const own = await ids("SELECT id FROM access_tokens WHERE digest IN (?, ?)", [
      digestSecret(org.admin.secret),
      digestSecret(member.secret),
    ]);
    const protectedIds = new Set(own.map((row) => row.id));
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let refusedMutations = 0;
    const reasons = new Map<string, number>();

    for (let n = 0; n < OPERATIONS && failures.length < 5; n++) {
      const kind = rng.chance(0.5) ? "mutation" : "query";
      const { query, variables } = new OperationBuilder(rng, pools).build(
        kind === "mutation" ? mutationRoot : queryRoot,
        kind,
      );
      // Never revoke or rotate the fuzzer's own credentials, which would end the run early.
      const secret = rng.chance(0.15) ? member.secret : org.admin.secret;
      const before = kind === "mutation" ? await snapshot(server, orgId, adminId) : "";
      const response = await fetch(`${server.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
        body: JSON.stringify({ query, variables }),
      });
      const text = await response.text();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      const where = `operation ${n} (FUZZ_SEED=${SEED}) ${query.slice(0, 300)} ${JSON.stringify(variables).slice(0, 300)}`;
      if (response.status >= 500) failures.push(`${response.status} for ${where}: ${text}`);
      // Input echoed back in a message ("No organization named …") is not a leak.
      const echoed = NASTY_STRINGS.filter((x) => x.length > 3).reduce(
        (rest, x) => rest.split(JSON.stringify(x).slice(1, -1)).join(""),
        text,
      );
      for (const leak of LEAKS)
        if (leak.test(echoed)) failures.push(`leak ${leak} in ${text.slice(0, 500)} for ${where}`);
      for (const secretKnown of known)
        if (text.includes(secretKnown)) failures.push(`a known secret in the answer to ${where}`);

      const body = JSON.parse(text) as {
        data?: Record<string, unknown> | null;
        errors?: unknown[];
      };
      const refused = !body.data || Object.values(body.data).every((v) => v === null);
      if (process.env.FUZZ_VERBOSE && kind === "mutation") {
        const first = (body.errors?.[0] as { message?: string } | undefined)?.message ?? "ok";
        reasons.set(first.slice(0, 60), (reasons.get(first.slice(0, 60)) ?? 0) + 1);
      }
      if (kind === "mutation" && refused && body.errors?.length) {
        refusedMutations++;
        if ((await snapshot(server, orgId, adminId)) !== before)
          failures.push(`a refused mutation changed the store: ${where}: ${text.slice(0, 300)}`);
      }
      // Let later operations aim at what earlier ones made.
      for (const match of text.matchAll(/"id":"([0-9a-f-]{36})"/g)) {
        const id = match[1]!;
        if (!protectedIds.has(id) && !pools.ids.includes(id) && pools.ids.length < 200)
          pools.ids.push(id);
      }
      for (const match of text.matchAll(/"name":"([A-Za-z0-9_.-]{1,40})"/g)) {
        if (!pools.strings.includes(match[1]!) && pools.strings.length < 200)
          pools.strings.push(match[1]!);
      }
    }
    console.info(
      `fuzz [${server.store.kind}] seed ${SEED}: statuses ${JSON.stringify(Object.fromEntries(statuses))}, ${refusedMutations} refused mutations checked`,
    );
    if (process.env.FUZZ_VERBOSE)
      console.info([...reasons].sort((a, b) => b[1] - a[1]).slice(0, 25));
    expect(failures).toEqual([]);
    // The generator must reach past validation often, or it tests only the parser.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(OPERATIONS / 4);
    // About 20 s alone on two cores; the suite runs beside it (the Galera cluster test among them).
  }, 120_000);

  it("answers hand-picked transport nasties with a 4xx, no leak and no change", async () => {
    const org = await seedOrg(server);
    const { orgId, adminId } = await tenantIds(server, org);
    const auth = { authorization: `Bearer ${org.admin.secret}` };
    const json = { "content-type": "application/json", ...auth };
    const create = (name: string) =>
      JSON.stringify({
        query: "mutation($n: String!) { createPersonalToken(name: $n) { secret } }",
        variables: { n: name },
      });
    const cases: [
      string,
      string,
      string,
      Record<string, string>,
      string | Uint8Array | undefined,
    ][] = [
      ["truncated JSON", "POST", "/graphql", json, '{"query":'],
      ["JSON array of nothing", "POST", "/graphql", json, "[]"],
      ["JSON null", "POST", "/graphql", json, "null"],
      ["JSON string", "POST", "/graphql", json, '"{ viewer { kind } }"'],
      ["query a number", "POST", "/graphql", json, '{"query": 5}'],
      [
        "variables a string",
        "POST",
        "/graphql",
        json,
        '{"query":"{ __typename }","variables":"x"}',
      ],
      ["variables a list", "POST", "/graphql", json, '{"query":"{ __typename }","variables":[1]}'],
      [
        "unknown operationName",
        "POST",
        "/graphql",
        json,
        '{"query":"query A { __typename }","operationName":"B"}',
      ],
      [
        "10,000 nested braces",
        "POST",
        "/graphql",
        json,
        JSON.stringify({ query: "{".repeat(10_000) }),
      ],
      [
        "5,000 aliases",
        "POST",
        "/graphql",
        json,
        JSON.stringify({
          query: `{ ${Array.from({ length: 5000 }, (_, i) => `a${i}: __typename`).join(" ")} }`,
        }),
      ],
      [
        "deeply nested JSON",
        "POST",
        "/graphql",
        json,
        `{"query":"query($a: String) { __typename }","variables":{"a":${"[".repeat(5000)}${"]".repeat(5000)}}}`,
      ],
      ["a 900 KB name", "POST", "/graphql", json, create("n".repeat(900_000))],
      ["a 1 MB name", "POST", "/graphql", json, create("n".repeat(1_048_576))],
      [
        "invalid UTF-8",
        "POST",
        "/graphql",
        json,
        new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
      ],
      [
        "text/plain",
        "POST",
        "/graphql",
        { ...auth, "content-type": "text/plain" },
        create("plain"),
      ],
      [
        "form-encoded",
        "POST",
        "/graphql",
        { ...auth, "content-type": "application/x-www-form-urlencoded" },
        "query=%7B__typename%7D",
      ],
      [
        "multipart",
        "POST",
        "/graphql",
        { ...auth, "content-type": "multipart/form-data; boundary=x" },
        '--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{}\r\n--x--',
      ],
      [
        "application/graphql",
        "POST",
        "/graphql",
        { ...auth, "content-type": "application/graphql" },
        "{ __typename }",
      ],
      ["no content type", "POST", "/graphql", auth, create("none")],
      [
        "UTF-16 charset",
        "POST",
        "/graphql",
        { ...json, "content-type": "application/json; charset=utf-16" },
        create("u16"),
      ],
      [
        "gzip that is not",
        "POST",
        "/graphql",
        { ...json, "content-encoding": "gzip" },
        create("gz"),
      ],
      ["brotli", "POST", "/graphql", { ...json, "content-encoding": "br" }, create("br")],
      ["PUT", "PUT", "/graphql", json, create("put")],
      ["DELETE", "DELETE", "/graphql", json, undefined],
      ["a 20 KB query string", "GET", `/graphql?query=${"a".repeat(20_000)}`, auth, undefined],
      ["REST truncated JSON", "POST", "/api/user/tokens", json, '{"name":'],
      ["REST name a number", "POST", "/api/user/tokens", json, '{"name":5}'],
      ["REST expires a string", "POST", "/api/user/tokens", json, '{"name":"e","expires":"soon"}'],
      ["REST expires huge", "POST", "/api/user/tokens", json, '{"name":"h","expires":1e300}'],
      ["REST expires negative", "POST", "/api/user/tokens", json, '{"name":"h","expires":-5}'],
      [
        "REST a 1 MB name",
        "POST",
        "/api/user/tokens",
        json,
        JSON.stringify({ name: "r".repeat(1_048_576) }),
      ],
      ["REST revoke a path with ..", "DELETE", "/api/user/tokens/..%2F..%2Fetc", auth, undefined],
      ["REST revoke percent junk", "DELETE", "/api/user/tokens/%E0%A4%A", auth, undefined],
      [
        "session with a number",
        "POST",
        "/api/session",
        { "content-type": "application/json" },
        '{"token":5}',
      ],
      [
        "session with a 1 MB token",
        "POST",
        "/api/session",
        { "content-type": "application/json" },
        JSON.stringify({ token: "t".repeat(1_000_000) }),
      ],
      [
        "exchange with JSON junk",
        "POST",
        "/api/oauth/token",
        { "content-type": "application/json" },
        "{",
      ],
      [
        "exchange with a huge JWT",
        "POST",
        "/api/oauth/token",
        { "content-type": "application/x-www-form-urlencoded" },
        `grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&subject_token=${"e".repeat(500_000)}`,
      ],
      [
        "an Authorization header of 8 KB",
        "POST",
        "/graphql",
        { ...json, authorization: `Bearer ${"A".repeat(8_000)}` },
        create("big"),
      ],
      [
        "a control character in Authorization",
        "POST",
        "/graphql",
        { ...json, authorization: "Bearer lapse_pat_\tx" },
        create("ctl"),
      ],
    ];
    const before = await snapshot(server, orgId, adminId);
    const failures: string[] = [];
    for (const [label, method, path, headers, body] of cases) {
      const response = await fetch(`${server.url}${path}`, { method, headers, body });
      const text = await response.text();
      // A 4xx, or GraphQL's 200 with errors and no data.
      const refused =
        (response.status >= 400 && response.status < 500) ||
        (response.status === 200 && /^\{"errors":/.test(text) && !/"data":\{/.test(text));
      if (!refused) failures.push(`${label}: ${response.status} ${text.slice(0, 200)}`);
      for (const leak of LEAKS)
        if (leak.test(text)) failures.push(`${label}: leak ${text.slice(0, 300)}`);
      if (text.includes(org.admin.secret)) failures.push(`${label}: the secret came back`);
    }
    expect(failures).toEqual([]);
    expect(await snapshot(server, orgId, adminId)).toBe(before);
  });
});
