import { randomInt } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { describeEachStore, type TestServer } from "../../../test/harness";
import {
  CREATE_ORGANIZATION_TOKEN,
  CREATE_PERSONAL_TOKEN,
  CREATE_TEAM_TOKEN,
  REVOKE_TOKEN,
  ROTATE_TOKEN,
  TOKEN,
  VIEWER,
  auditTrail,
  mustCreate,
  type AuditNode,
  type TokenNode,
} from "../../../test/operations";
import { rest } from "../../../test/rest-client";
import { seedOrg, uniqueName, type SeededOrg } from "../../../test/seed";
import { generateSecret } from "../../auth/token-secret";
import { TokenKind } from "../token/token.types";
import { REPORT_ACCEPTED } from "./leak.routes";

const ROUTE = "/api/credentials/revoke";

/** An address (RFC 2544's benchmarking range) of its own per report, so limits never meet. */
const someAddress = () => `198.19.${randomInt(256)}.${randomInt(1, 255)}`;

/** Reports `credentials` from `address`; validated against the OpenAPI document. */
function report(
  server: TestServer,
  credentials: unknown,
  address = someAddress(),
  headers: Record<string, string> = {},
) {
  return rest(
    server,
    "post",
    ROUTE,
    {},
    {
      body: typeof credentials === "string" ? credentials : { credentials },
      headers: { "x-forwarded-for": address, ...headers },
    },
  );
}

async function statusOf(server: TestServer, secret: string, id: string) {
  const response = await server.gql<{ token: TokenNode | null }>(TOKEN, { id }, secret);
  expect(response.errors).toBeUndefined();
  return response.data!.token!.status;
}

const revocations = async (server: TestServer, org: SeededOrg, tokenId: string) =>
  (
    await auditTrail(server, org.admin.secret, {
      organization: org.name,
      types: ["TOKEN_REVOKED"],
      tokenId,
    })
  ).map((event: AuditNode) => event.payload);

describeEachStore("reporting leaked credentials", (server) => {
  let org: SeededOrg;
  let team: string;
  const teamToken = (name = uniqueName("leak")) =>
    mustCreate(server, CREATE_TEAM_TOKEN, { organization: org.name, team, name }, org.admin.secret);

  beforeAll(async () => {
    org = await seedOrg(server);
    team = await org.team();
  });

  it("revokes the live ones of a mix of live, revoked, expired, unknown and malformed secrets, each with a LEAKED event", async () => {
    const personal = await mustCreate(
      server,
      CREATE_PERSONAL_TOKEN,
      { name: uniqueName("laptop") },
      org.admin.secret,
    );
    const machine = await mustCreate(
      server,
      CREATE_ORGANIZATION_TOKEN,
      { organization: org.name, name: uniqueName("deploy") },
      org.admin.secret,
    );
    const live = await teamToken();
    const revoked = await teamToken();
    await server.gql(REVOKE_TOKEN, { id: revoked.token.id }, org.admin.secret);
    const expiring = await mustCreate(
      server,
      CREATE_TEAM_TOKEN,
      {
        organization: org.name,
        team,
        name: uniqueName("short"),
        expiresAt: new Date(server.clock.now().getTime() + 60_000).toISOString(),
      },
      org.admin.secret,
    );
    server.clock.advance(60_000);
    const reporter = someAddress();
    const valid = live.secret;
    const answer = await report(
      server,
      [
        personal.secret,
        machine.secret,
        live.secret,
        revoked.secret,
        expiring.secret,
        generateSecret(TokenKind.TEAM),
        `${valid.slice(0, -1)}${valid.endsWith("A") ? "B" : "A"}`,
        "lapse_pat_short",
        "",
        42,
        null,
        { secret: valid },
        ["nested"],
      ],
      reporter,
    );
    expect(answer).toEqual({ status: 202, body: REPORT_ACCEPTED });
    await server.lapse.services.leaks.settled();

    for (const created of [personal, machine, live]) {
      expect(await statusOf(server, org.admin.secret, created.token.id)).toBe("REVOKED");
      expect(await revocations(server, org, created.token.id)).toEqual([
        {
          kind: created.token.kind,
          reason: "LEAKED",
          reportedTo: `POST ${ROUTE}`,
          reportedFrom: reporter,
        },
      ]);
    }
    const [event] = await auditTrail(server, org.admin.secret, {
      organization: org.name,
      tokenId: live.token.id,
      types: ["TOKEN_REVOKED"],
    });
    expect(event).toMatchObject({ ip: reporter, actorTokenId: null, actorLogin: null });
    // The revoked and the expired token keep their state, and gain no event.
    expect(await statusOf(server, org.admin.secret, revoked.token.id)).toBe("REVOKED");
    expect(await revocations(server, org, revoked.token.id)).toHaveLength(1);
    expect(await statusOf(server, org.admin.secret, expiring.token.id)).toBe("EXPIRED");
    expect(await revocations(server, org, expiring.token.id)).toEqual([]);
    // A revoked personal token frees its name, as revoking it any other way does.
    await mustCreate(
      server,
      CREATE_PERSONAL_TOKEN,
      { name: personal.token.name },
      org.admin.secret,
    );
  });

  it("answers a report of live secrets exactly as it answers one of unknown ones", async () => {
    const answerTo = async (credentials: string[]) => {
      const response = await fetch(`${server.url}${ROUTE}`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": someAddress() },
        body: JSON.stringify({ credentials }),
      });
      const headers = [...response.headers.entries()]
        .filter(([name]) => !["date", "x-request-id", "etag"].includes(name))
        .sort();
      return { status: response.status, headers, body: await response.text() };
    };
    const live = await answerTo([(await teamToken()).secret, (await teamToken()).secret]);
    const unknown = await answerTo([
      generateSecret(TokenKind.TEAM),
      generateSecret(TokenKind.TEAM),
    ]);
    const malformed = await answerTo(["lapse_tat_x", "not a secret"]);
    expect(live.status).toBe(202);
    expect(live).toEqual(unknown);
    expect(malformed).toEqual(unknown);
    await server.lapse.services.leaks.settled();
  });

  it("answers before it looks at the secrets: the 202 does not wait for the revocation", async () => {
    const leaked = await teamToken();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    // Holds the token's row (MySQL) or the store's one writer (SQLite) until released.
    const holder = server.dataSource.transaction(async (manager) => {
      const lock = server.store.kind === "mysql" ? " FOR UPDATE" : "";
      await manager.query(`SELECT id FROM access_tokens WHERE id = ?${lock}`, [leaked.token.id]);
      locked();
      await released;
    });
    await isLocked;
    try {
      expect((await report(server, [leaked.secret])).status).toBe(202);
      expect(await statusOf(server, org.admin.secret, leaked.token.id)).toBe("ACTIVE");
    } finally {
      release();
      await holder;
    }
    await server.lapse.services.leaks.settled();
    expect(await statusOf(server, org.admin.secret, leaked.token.id)).toBe("REVOKED");
  });

  it("revokes a secret reported twice, in one report or two, once, with one event", async () => {
    const leaked = await teamToken();
    expect((await report(server, [leaked.secret, leaked.secret])).status).toBe(202);
    await server.lapse.services.leaks.settled();
    const revokedAt = (
      await server.gql<{ token: TokenNode }>(TOKEN, { id: leaked.token.id }, org.admin.secret)
    ).data!.token.revokedAt;
    server.clock.advance(5_000);
    expect((await report(server, [leaked.secret])).status).toBe(202);
    await server.lapse.services.leaks.settled();
    const after = await server.gql<{ token: TokenNode }>(
      TOKEN,
      { id: leaked.token.id },
      org.admin.secret,
    );
    expect(after.data!.token).toMatchObject({ status: "REVOKED", revokedAt });
    expect(await revocations(server, org, leaked.token.id)).toHaveLength(1);
  });

  it("revokes the secrets of several organizations in one report, each event in its own organization's trail", async () => {
    const other = await seedOrg(server);
    const otherToken = await mustCreate(
      server,
      CREATE_ORGANIZATION_TOKEN,
      { organization: other.name, name: uniqueName("ci") },
      other.admin.secret,
    );
    const ours = await teamToken();
    expect((await report(server, [otherToken.secret, ours.secret])).status).toBe(202);
    await server.lapse.services.leaks.settled();
    expect(await revocations(server, other, otherToken.token.id)).toHaveLength(1);
    expect(await revocations(server, org, ours.token.id)).toHaveLength(1);
    // Neither organization sees the other's event.
    const trail = async (seeded: SeededOrg) =>
      (await auditTrail(server, seeded.admin.secret, { organization: seeded.name })).map(
        (e) => e.tokenId,
      );
    expect(await trail(org)).not.toContain(otherToken.token.id);
    expect(await trail(other)).not.toContain(ours.token.id);
  });

  it("revokes a rotated token still in its grace period at once", async () => {
    const old = await teamToken();
    const rotated = await server.gql<{ rotateToken: { secret: string; token: TokenNode } }>(
      ROTATE_TOKEN,
      { id: old.token.id, gracePeriodSeconds: 3600 },
      org.admin.secret,
    );
    expect(rotated.errors).toBeUndefined();
    expect(await statusOf(server, org.admin.secret, old.token.id)).toBe("ACTIVE");
    expect((await report(server, [old.secret])).status).toBe(202);
    await server.lapse.services.leaks.settled();
    expect(await statusOf(server, org.admin.secret, old.token.id)).toBe("REVOKED");
    expect(await statusOf(server, org.admin.secret, rotated.data!.rotateToken.token.id)).toBe(
      "ACTIVE",
    );
  });

  it("ignores an Authorization header: a bad credential sent along does not stop the report", async () => {
    const leaked = await teamToken();
    const answer = await report(server, [leaked.secret], someAddress(), {
      authorization: `token ${generateSecret(TokenKind.PERSONAL)}`,
    });
    expect(answer.status).toBe(202);
    await server.lapse.services.leaks.settled();
    expect(await statusOf(server, org.admin.secret, leaked.token.id)).toBe("REVOKED");
  });

  it("refuses with 400 a body that is not a list of at most 1,000, changing nothing and echoing no secret", async () => {
    const leaked = await teamToken();
    const before = await server.tenantRows(org.name);
    const refusals = [
      await report(server, Array<string>(1001).fill(leaked.secret)),
      await report(server, leaked.secret),
      await rest(server, "post", ROUTE, {}, { body: { secrets: [leaked.secret] } }),
      await rest(server, "post", ROUTE, {}, { body: `{"credentials": ["${leaked.secret}"` }),
      await rest(server, "post", ROUTE, {}, { body: [leaked.secret] }),
    ];
    await server.lapse.services.leaks.settled();
    for (const refused of refusals) {
      expect(refused.status).toBe(400);
      expect(JSON.stringify(refused.body)).not.toContain(leaked.secret);
    }
    expect(refusals[0]!.body!.message).toMatch(/at most 1,000/);
    expect(await server.tenantRows(org.name)).toEqual(before);
    expect(await statusOf(server, org.admin.secret, leaked.token.id)).toBe("ACTIVE");
  });

  it("answers a body over 1 MB with 413, and an unknown encoding with 415, as documented", async () => {
    const large = await report(server, ["x".repeat(1024 * 1024)]);
    expect(large).toMatchObject({ status: 413, body: { error: "BAD_REQUEST" } });
    const encoded = await rest(
      server,
      "post",
      ROUTE,
      {},
      {
        body: JSON.stringify({ credentials: [] }),
        headers: { "content-encoding": "compress", "x-forwarded-for": someAddress() },
      },
    );
    expect(encoded.status).toBe(415);
  });

  it("reads 1,000 reported secrets in one statement (SQLite: through the digest's unique index)", async () => {
    const leaked = [await teamToken(), await teamToken()];
    const credentials = [
      ...leaked.map((c) => c.secret),
      ...Array.from({ length: 998 }, () => generateSecret(TokenKind.PERSONAL)),
    ];
    const statements = await server.statementsDuring(async () => {
      expect((await report(server, credentials)).status).toBe(202);
      await server.lapse.services.leaks.settled();
    });
    const reads = statements.filter(
      (s) =>
        /FROM [`"]?access_tokens/i.test(s.sql) && /digest/i.test(s.sql.split("WHERE")[1] ?? ""),
    );
    expect(reads).toHaveLength(1);
    for (const c of leaked)
      expect(await statusOf(server, org.admin.secret, c.token.id)).toBe("REVOKED");
    // MySQL's plan for it is checked on a table of 20,000 tokens (test/query-plans.test.ts): on a
    // table this small the planner may rightly prefer a scan.
    if (server.store.kind === "sqlite") {
      const read = reads[0]!;
      const plan = (await server.dataSource.query(
        `EXPLAIN QUERY PLAN ${read.sql}`,
        read.parameters,
      )) as { detail: string }[];
      expect(plan.map((row) => row.detail).join("\n")).toMatch(
        /USING INDEX uq_access_tokens_digest/,
      );
    }
  });
});

describeEachStore(
  "reporting leaked credentials under the per-address limit",
  (server) => {
    let org: SeededOrg;
    beforeAll(async () => {
      org = await seedOrg(server);
    });
    const newToken = () =>
      mustCreate(
        server,
        CREATE_ORGANIZATION_TOKEN,
        { organization: org.name, name: uniqueName("ci") },
        org.admin.secret,
      );

    it("counts every report against its address, refuses the one over the limit with 429, and no other address", async () => {
      const address = someAddress();
      const statuses = [];
      for (let i = 0; i < 3; i++) {
        statuses.push((await report(server, [generateSecret(TokenKind.TEAM)], address)).status);
      }
      expect(statuses).toEqual([202, 202, 429]);
      const leaked = await newToken();
      const refused = await fetch(`${server.url}${ROUTE}`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": address },
        body: JSON.stringify({ credentials: [leaked.secret] }),
      });
      expect(refused.status).toBe(429);
      expect(refused.headers.get("retry-after")).toBe("300");
      expect(await refused.json()).toMatchObject({ error: "RATE_LIMITED" });
      // A refused report revokes nothing, even afterwards.
      await server.lapse.services.leaks.settled();
      expect(await statusOf(server, org.admin.secret, leaked.token.id)).toBe("ACTIVE");
      // Another address reports it, and the locked-out address comes back after the lockout.
      expect((await report(server, [generateSecret(TokenKind.TEAM)], someAddress())).status).toBe(
        202,
      );
      server.clock.advance(300_000);
      expect((await report(server, [leaked.secret], address)).status).toBe(202);
      await server.lapse.services.leaks.settled();
      expect(await statusOf(server, org.admin.secret, leaked.token.id)).toBe("REVOKED");
    });

    it("keeps reports and authentication apart: a locked-out reporter still authenticates, and the reverse", async () => {
      const reporter = someAddress();
      for (let i = 0; i < 3; i++) await report(server, [], reporter);
      expect((await report(server, [], reporter)).status).toBe(429);
      const viewer = await server.gql(VIEWER, {}, org.admin.secret, {
        "x-forwarded-for": reporter,
      });
      expect(viewer.errors).toBeUndefined();

      const guesser = someAddress();
      for (let i = 0; i < 3; i++) {
        await server.gql(VIEWER, {}, generateSecret(TokenKind.PERSONAL), {
          "x-forwarded-for": guesser,
        });
      }
      const locked = await server.gql(VIEWER, {}, org.admin.secret, { "x-forwarded-for": guesser });
      expect(locked.status).toBe(429);
      expect((await report(server, [], guesser)).status).toBe(202);
    });
  },
  { authThrottle: { maxFailures: 2, windowMs: 60_000, lockoutMs: 300_000 } },
);

describe("the README's regular expression for secret scanners", () => {
  const readme = fs.readFileSync(path.join(__dirname, "../../../../README.md"), "utf8");
  const pattern = /^\\blapse_.*$/m.exec(readme)?.[0];

  it("finds every kind of Lapse secret in text, and only whole ones", () => {
    expect(pattern, "README gives the expression on a line of its own").toBeDefined();
    const regex = new RegExp(pattern!, "g");
    const secrets = Object.values(TokenKind).map((kind) => generateSecret(kind));
    const text = `TOKEN=${secrets[0]}\n"key": "${secrets[1]}", ${secrets[2]}.`;
    expect(text.match(regex)).toEqual(secrets);
    expect(`x${secrets[0]}`.match(regex)).toBeNull();
    expect(`${secrets[0]}x`.match(regex)).toBeNull();
    expect("lapse_pat_tooShort".match(regex)).toBeNull();
  });
});
