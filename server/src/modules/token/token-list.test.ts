import { beforeAll, expect, it } from "vitest";
import { describeEachStore } from "../../../test/harness";
import {
  CREATE_ORGANIZATION_TOKEN,
  CREATE_PERSONAL_TOKEN,
  CREATE_TEAM_TOKEN,
  REVOKE_TOKEN,
  TOKEN,
  TOKENS,
  errorCode,
  mustCreate,
  type TokenNode,
  type TokensResult,
} from "../../../test/operations";
import { seedOrg, type Person, type SeededOrg } from "../../../test/seed";
import { OrganizationRole } from "../organization/organization.types";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describeEachStore("listing tokens", (server) => {
  let org: SeededOrg;
  let member: Person;
  let auditor: Person;
  let teamASecret: string;
  let teamA: string;
  let teamB: string;
  const start = () => server.clock.now().getTime();
  const at = (offset: number) => new Date(start() + offset).toISOString();

  beforeAll(async () => {
    server.clock.reset();
    org = await seedOrg(server);
    teamA = await org.team();
    teamB = await org.team();
    member = await org.member(OrganizationRole.MEMBER);
    auditor = await org.member(OrganizationRole.AUDITOR);
    await org.addToTeam(teamA, member);
    const admin = org.admin.secret;
    const create = (document: string, variables: Record<string, unknown>, secret = admin) =>
      mustCreate(server, document, variables, secret);
    teamASecret = (
      await create(CREATE_TEAM_TOKEN, {
        organization: org.name,
        team: teamA,
        name: "a-day",
        expiresAt: at(DAY),
      })
    ).secret;
    await create(CREATE_TEAM_TOKEN, {
      organization: org.name,
      team: teamA,
      name: "a-day-too",
      expiresAt: at(DAY),
    });
    await create(CREATE_TEAM_TOKEN, {
      organization: org.name,
      team: teamB,
      name: "b-ten-days",
      expiresAt: at(10 * DAY),
    });
    await create(CREATE_ORGANIZATION_TOKEN, { organization: org.name, name: "org-never" });
    await create(CREATE_PERSONAL_TOKEN, { name: "admin-five-days", expiresAt: at(5 * DAY) });
    await create(
      CREATE_PERSONAL_TOKEN,
      { name: "member-three-days", expiresAt: at(3 * DAY) },
      member.secret,
    );
    const revoked = await create(CREATE_ORGANIZATION_TOKEN, {
      organization: org.name,
      name: "org-revoked",
      expiresAt: at(2 * HOUR),
    });
    await server.gql(REVOKE_TOKEN, { id: revoked.token.id }, admin);
    await create(CREATE_TEAM_TOKEN, {
      organization: org.name,
      team: teamB,
      name: "b-expired",
      expiresAt: at(60_000),
    });
    await create(CREATE_TEAM_TOKEN, {
      organization: org.name,
      team: teamB,
      name: "100%_off",
      expiresAt: at(20 * DAY),
    });
    // From here on b-expired has lapsed.
    server.clock.advance(120_000);
  });

  const list = async (secret: string, variables: Record<string, unknown> = {}) => {
    server.clock.set(new Date(Date.parse("2026-11-26T12:00:00.000Z") + 120_000));
    const response = await server.gql<TokensResult>(TOKENS, variables, secret);
    expect(response.errors).toBeUndefined();
    return response.data!.tokens;
  };
  const names = (tokens: TokensResult["tokens"]) => tokens.edges.map((e) => e.node.name);
  const orgFilter = (extra: Record<string, unknown> = {}) => ({
    filter: { organization: org.name, ...extra },
  });

  it("orders by expiresAt ascending, never-expiring last, then id, and counts the whole result", async () => {
    const tokens = await list(org.admin.secret, orgFilter());
    const nodes = tokens.edges.map((e) => e.node);
    const key = (n: TokenNode) => [n.expiresAt ? Date.parse(n.expiresAt) : Infinity, n.id] as const;
    const sorted = [...nodes].sort((a, b) => {
      const [ea, ia] = key(a);
      const [eb, ib] = key(b);
      return ea !== eb ? ea - eb : ia < ib ? -1 : 1;
    });
    expect(nodes.map((n) => n.id)).toEqual(sorted.map((n) => n.id));
    expect(names(tokens).slice(0, 3)).toEqual(["b-expired", "org-revoked", names(tokens)[2]]);
    expect(names(tokens).slice(2, 4).sort()).toEqual(["a-day", "a-day-too"]);
    expect(nodes.at(-1)!.expiresAt).toBeNull();
    expect(tokens.totalCount).toBe(nodes.length);
    expect(tokens.pageInfo.hasNextPage).toBe(false);
  });

  it("pages with keyset cursors that together give the one-page result", async () => {
    const whole = names(await list(org.admin.secret, orgFilter()));
    const paged: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page = await list(org.admin.secret, { ...orgFilter(), first: 3, after });
      paged.push(...names(page));
      expect(page.totalCount).toBe(whole.length);
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      pages += 1;
    } while (after);
    expect(paged).toEqual(whole);
    expect(pages).toBe(Math.ceil(whole.length / 3));
  });

  it("shows ADMINs and AUDITORs every token of the organization, members' personal tokens included", async () => {
    const expected = [
      "a-day",
      "a-day-too",
      "b-ten-days",
      "org-never",
      "admin-five-days",
      "member-three-days",
      "org-revoked",
      "b-expired",
      "100%_off",
      "seed", // the admin's, the member's and the auditor's seed tokens
    ];
    for (const secret of [org.admin.secret, auditor.secret]) {
      const seen = names(await list(secret, orgFilter()));
      expect(new Set(seen)).toEqual(new Set(expected));
      expect(seen.filter((n) => n === "seed")).toHaveLength(3);
    }
  });

  it("shows a MEMBER their own personal tokens and their teams' tokens only", async () => {
    expect(names(await list(member.secret, orgFilter())).sort()).toEqual(
      ["a-day", "a-day-too", "member-three-days", "seed"].sort(),
    );
    // Without an organization: just their personal tokens.
    expect(names(await list(member.secret)).sort()).toEqual(["member-three-days", "seed"]);
    const hidden = (await list(org.admin.secret, orgFilter({ team: teamB }))).edges[0]!.node.id;
    const read = await server.gql<{ token: TokenNode | null }>(
      TOKEN,
      { id: hidden },
      member.secret,
    );
    expect(read.data!.token).toBeNull();
  });

  it("shows a team token its team's tokens, with its organization implied", async () => {
    expect(names(await list(teamASecret)).sort()).toEqual(["a-day", "a-day-too"]);
  });

  it("filters by kind, status, expiry range, never-expiring, creator, owner, team and name prefix", async () => {
    const admin = org.admin.secret;
    const cases: [Record<string, unknown>, string[]][] = [
      [{ kinds: ["ORGANIZATION"] }, ["org-never", "org-revoked"]],
      [{ statuses: ["EXPIRED"] }, ["b-expired"]],
      [{ statuses: ["REVOKED"] }, ["org-revoked"]],
      [{ statuses: ["EXPIRED", "REVOKED"] }, ["b-expired", "org-revoked"]],
      [{ kinds: ["TEAM"], statuses: ["ACTIVE"] }, ["100%_off", "a-day", "a-day-too", "b-ten-days"]],
      [
        { expiresBefore: at(4 * DAY - 120_000), statuses: ["ACTIVE"] },
        ["a-day", "a-day-too", "member-three-days"],
      ],
      [{ expiresAfter: at(4 * DAY - 120_000) }, ["100%_off", "admin-five-days", "b-ten-days"]],
      [{ expiresAfter: at(4 * DAY), expiresBefore: at(6 * DAY) }, ["admin-five-days"]],
      [{ neverExpires: true, kinds: ["ORGANIZATION", "TEAM"] }, ["org-never"]],
      [{ createdBy: member.login }, ["member-three-days", "seed"]],
      [{ owner: org.admin.login }, ["admin-five-days", "seed"]],
      [{ owner: "nobody-has-this-login" }, []],
      [{ team: teamB }, ["100%_off", "b-expired", "b-ten-days"]],
      [{ search: "a-day" }, ["a-day", "a-day-too"]],
      [{ search: "100%" }, ["100%_off"]],
      [{ search: "%" }, []],
      [{ search: "_" }, []],
      [{ search: "A-DAY" }, []],
      [{ expiresBefore: "0001-01-01T00:00:00Z" }, []],
      [{ expiresAfter: "9999-12-31T23:59:59.999Z" }, []],
      [{ expiresBefore: "1970-01-01T00:00:00Z", neverExpires: false }, []],
    ];
    for (const [filter, expected] of cases) {
      const seen = names(await list(admin, orgFilter(filter)));
      expect.soft(seen.sort(), JSON.stringify(filter)).toEqual(expected.sort());
    }
  });

  it("refuses bad page sizes, foreign cursors, a team without an organization and an organization you are not in", async () => {
    for (const variables of [
      { first: 0 },
      { first: 501 },
      { after: "not-a-cursor" },
      { after: Buffer.from("[1,2]").toString("base64url") },
      { after: Buffer.from('[1e300,"x"]').toString("base64url") },
      { filter: { expiresBefore: "9999-12-31T23:59:59-05:00" } },
      { filter: { expiresAfter: "0000-12-31T23:59:59Z" } },
      { filter: { team: teamA } },
    ]) {
      const response = await server.gql(TOKENS, variables, org.admin.secret);
      expect.soft(errorCode(response), JSON.stringify(variables)).toBe("BAD_USER_INPUT");
    }
    const outsider = await seedOrg(server);
    const response = await server.gql(TOKENS, orgFilter(), outsider.admin.secret);
    expect(errorCode(response)).toBe("NOT_FOUND");
    expect(response.errors![0]!.message).toContain(org.name);
  });
});
