import { expect, it } from "vitest";
import { describeEachStore } from "../../test/harness";
import {
  CREATE_ORGANIZATION_TOKEN,
  CREATE_PERSONAL_TOKEN,
  CREATE_TEAM_TOKEN,
  REVOKE_TOKEN,
  TOKEN,
  TOKENS,
  type TokensResult,
} from "../../test/operations";
import { seedOrg } from "../../test/seed";

const NASTY = [
  "'; DROP TABLE access_tokens; --",
  '" OR 1=1 --',
  '=HYPERLINK("http://x")',
  "x".repeat(200_000),
  "\u0000",
  "🚀".repeat(41),
  "%",
  "\\",
  "../../etc/passwd",
  "<script>alert(1)</script>",
  "",
];

describeEachStore("hostile input", (server) => {
  it("never answers a hostile string with a 5xx, a stack or SQL, and stores valid ones verbatim", async () => {
    const org = await seedOrg(server);
    const team = await org.team();
    const calls: [string, (s: string) => Record<string, unknown>][] = [
      [CREATE_PERSONAL_TOKEN, (s) => ({ name: s })],
      [
        CREATE_PERSONAL_TOKEN,
        (s) => ({ name: "n", description: s.length > 1 ? s.repeat(2) : "\u0007" }),
      ],
      [CREATE_TEAM_TOKEN, (s) => ({ organization: s, team, name: "n" })],
      [CREATE_TEAM_TOKEN, (s) => ({ organization: org.name, team: s, name: "n" })],
      [CREATE_ORGANIZATION_TOKEN, (s) => ({ organization: org.name, name: s || "\t" })],
      [REVOKE_TOKEN, (s) => ({ id: s })],
      [TOKEN, (s) => ({ id: s })],
      [
        TOKENS,
        (s) => ({
          filter: { organization: org.name, search: s.slice(0, 40), createdBy: s, owner: s },
        }),
      ],
      [TOKENS, (s) => ({ filter: { organization: org.name, team: s } })],
      [TOKENS, (s) => ({ after: s })],
      [
        `mutation($l: String!) { addOrganizationMember(organization: "${org.name}", login: $l, role: MEMBER) { login } }`,
        (s) => ({ l: s }),
      ],
      [
        `mutation($n: String!) { createTeam(organization: "${org.name}", name: $n) { name } }`,
        (s) => ({ n: s }),
      ],
    ];
    for (const [document, variables] of calls) {
      for (const nasty of NASTY) {
        const response = await server.gql(document, variables(nasty), org.admin.secret);
        const label = `${document.slice(0, 30)} ${JSON.stringify(nasty.slice(0, 12))}`;
        expect.soft(response.status, label).toBeLessThan(500);
        const text = JSON.stringify(response);
        expect
          .soft(text, label)
          .not.toMatch(/INTERNAL_SERVER_ERROR|stacktrace|SELECT |INSERT |SQLITE|\bER_[A-Z]/);
      }
    }
    // Names that pass the rules are data, not SQL: they come back byte for byte.
    const listed = await server.gql<TokensResult>(
      TOKENS,
      { filter: { organization: org.name }, first: 500 },
      org.admin.secret,
    );
    const names = listed.data!.tokens.edges.map((e) => e.node.name);
    for (const nasty of [
      "'; DROP TABLE access_tokens; --",
      '" OR 1=1 --',
      "%",
      "\\",
      "<script>alert(1)</script>",
    ]) {
      expect(names).toContain(nasty);
    }
  });
});
