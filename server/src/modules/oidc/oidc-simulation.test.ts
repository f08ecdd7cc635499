import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachStore } from "../../../test/harness";
import { TestOidcIssuer } from "../../../test/oidc-issuer";
import { REGISTER_ISSUER, SET_POLICIES, exchange, tokenType } from "../../../test/oidc-setup";
import { seedOrg, type SeededOrg } from "../../../test/seed";
import { OrganizationRole } from "../organization/organization.types";

const SIMULATE = `query($id: ID!, $jwt: String!, $type: TokenKind!, $scope: String, $p: [OidcPolicyInput!]) {
  simulateOidcExchange(issuerId: $id, jwt: $jwt, tokenType: $type, scope: $scope, policies: $p) {
    header claims wellFormed formatReason
    signatureValid signatureReason issuerValid issuerReason audienceValid audienceReason
    lifetimeValid lifetimeReason expiresAt notBefore issuedAt replayed
    decision matchedPolicyIndex decisionReason
    policies { index decision applies matched reason rules { claim pattern value matched } }
    allowed refusalCode refusal
    token { kind team login admin scopes expiresIn expiresAt name }
  }
}`;

interface Simulation {
  header: Record<string, unknown> | null;
  claims: Record<string, unknown> | null;
  wellFormed: boolean;
  formatReason: string | null;
  signatureValid: boolean;
  signatureReason: string;
  issuerValid: boolean;
  audienceValid: boolean;
  audienceReason: string;
  lifetimeValid: boolean;
  lifetimeReason: string;
  expiresAt: string | null;
  replayed: boolean;
  decision: string | null;
  matchedPolicyIndex: number | null;
  decisionReason: string;
  policies: { index: number; matched: boolean; reason: string; rules: { matched: boolean }[] }[];
  allowed: boolean;
  refusalCode: string | null;
  refusal: string | null;
  token: {
    kind: string;
    team: string | null;
    admin: boolean;
    scopes: string[];
    expiresIn: number;
    expiresAt: string;
    name: string;
  } | null;
}

const MAIN = "repo:acme/infra:ref:refs/heads/main";

describeEachStore("simulating an OIDC exchange", (server) => {
  const issuer = new TestOidcIssuer();
  let org: SeededOrg;
  let team: string;
  let issuerId: string;
  const audience = () => `urn:lapse:org:${org.name}`;
  const jwt = (overrides: Record<string, unknown> = {}) =>
    issuer.sign({ ...issuer.githubClaims(audience(), server.clock.now()), ...overrides });
  const simulate = async (
    token: string,
    variables: Record<string, unknown> = {},
    secret = org.admin.secret,
  ) =>
    server.gql<{ simulateOidcExchange: Simulation }>(
      SIMULATE,
      { id: issuerId, jwt: token, type: "TEAM", scope: `team:${team}`, ...variables },
      secret,
    );
  const simulation = async (token: string, variables: Record<string, unknown> = {}) => {
    const answer = await simulate(token, variables);
    expect(answer.errors).toBeUndefined();
    return answer.data!.simulateOidcExchange;
  };
  /** Everything an exchange would write: tokens and audit events of the tenant, and jti records. */
  const written = async () => ({
    ...(await server.tenantRows(org.name)),
    jtis: await server.count("oidc_jtis", "issuer_id = ?", [issuerId]),
  });

  beforeAll(async () => {
    await issuer.start();
    org = await seedOrg(server);
    team = await org.team();
    // A static JWKS: the simulator judges signatures with the keys the exchange would use.
    const registered = await server.gql<{ registerOidcIssuer: { id: string } }>(
      REGISTER_ISSUER,
      { o: org.name, n: "github", u: issuer.url, j: JSON.stringify(issuer.jwks()), m: 3600 },
      org.admin.secret,
    );
    issuerId = registered.data!.registerOidcIssuer.id;
    const set = await server.gql(
      SET_POLICIES,
      {
        id: issuerId,
        p: [
          {
            decision: "DENY",
            tokenType: "TEAM",
            rules: [{ claim: "ref", pattern: "refs/pull/*" }],
          },
          { decision: "ALLOW", tokenType: "TEAM", team, rules: [{ claim: "sub", pattern: MAIN }] },
        ],
      },
      org.admin.secret,
    );
    expect(set.errors).toBeUndefined();
  });
  afterAll(() => issuer.stop());

  it("shows a good JWT allowed by the policy that matched, and the token it would mint, minting none", async () => {
    const before = await written();
    const token = await jwt();
    const result = await simulation(token);
    expect(result).toMatchObject({
      wellFormed: true,
      signatureValid: true,
      issuerValid: true,
      audienceValid: true,
      lifetimeValid: true,
      replayed: false,
      decision: "ALLOW",
      matchedPolicyIndex: 1,
      allowed: true,
      refusal: null,
      token: {
        kind: "TEAM",
        team,
        admin: false,
        expiresIn: 3600,
        expiresAt: new Date(server.clock.now().getTime() + 3600_000).toISOString(),
        name: "oidc-github-xxxxxxxx",
      },
    });
    expect(result.token!.scopes).toEqual([
      "audit:read",
      "tokens:introspect",
      "tokens:read",
      "tokens:write",
    ]);
    expect(result.claims).toMatchObject({ sub: MAIN, aud: audience() });
    expect(result.header).toMatchObject({ alg: "RS256", kid: issuer.currentKey.kid });
    expect(result.decisionReason).toBe("Policy 2: It matches and grants this token.");
    expect(result.policies[0]!.reason).toMatch(/^Its rule on ref does not match/);
    // Twice: the first simulation claimed no jti, so the second is no replay either.
    expect((await simulation(token)).replayed).toBe(false);
    expect(await written()).toEqual(before);
    expect(server.logs.join("")).not.toContain(token.slice(-40));
  });

  it("says why a JWT for another audience is refused", async () => {
    const result = await simulation(await jwt({ aud: "urn:lapse:org:someone-else" }));
    expect(result).toMatchObject({
      signatureValid: true,
      audienceValid: false,
      audienceReason: `Its aud is not ${audience()}.`,
      allowed: false,
      token: null,
      refusalCode: "invalid_grant",
      refusal: `The JWT was refused: its aud is not ${audience()}.`,
    });
  });

  it("says a JWT signed by another key does not verify, and still shows its claims", async () => {
    const stranger = await TestOidcIssuer.newKey(issuer.currentKey.kid);
    const result = await simulation(
      await issuer.sign(issuer.githubClaims(audience(), server.clock.now()), { key: stranger }),
    );
    expect(result).toMatchObject({
      signatureValid: false,
      signatureReason: "Its signature does not verify.",
      audienceValid: true,
      decision: "ALLOW",
      allowed: false,
      token: null,
      refusal: "The JWT was refused: its signature does not verify.",
    });
    expect(result.claims).toMatchObject({ sub: MAIN });
  });

  it("refuses a JWT 30 seconds after its exp, by the server's clock, and accepts it a second before", async () => {
    const token = await jwt();
    const exp = Math.floor(server.clock.now().getTime() / 1000) + 300;
    server.clock.advance((300 + 29) * 1000);
    expect(await simulation(token)).toMatchObject({ lifetimeValid: true, allowed: true });
    server.clock.advance(1000);
    const expired = await simulation(token);
    expect(expired).toMatchObject({
      lifetimeValid: false,
      lifetimeReason: `It expired at ${new Date(exp * 1000).toISOString()} (30 s leeway).`,
      expiresAt: new Date(exp * 1000).toISOString(),
      allowed: false,
      refusalCode: "invalid_grant",
    });
  });

  it("names the DENY that refused a JWT, and the policy that did not match, rule by rule", async () => {
    const denied = await simulation(await jwt({ ref: "refs/pull/7/merge" }));
    expect(denied).toMatchObject({
      decision: "DENY",
      matchedPolicyIndex: 0,
      decisionReason: "Policy 1: It matches, and a matching DENY always wins.",
      allowed: false,
      refusalCode: "unauthorized_client",
      refusal: 'A DENY policy of issuer "github" matches this JWT.',
    });
    const elsewhere = await simulation(await jwt({ sub: "repo:acme/web:ref:refs/heads/main" }));
    expect(elsewhere).toMatchObject({ decision: "NO_MATCH", matchedPolicyIndex: null });
    expect(elsewhere.policies[1]).toMatchObject({
      matched: false,
      reason: `Its rule on sub does not match: repo:acme/web:ref:refs/heads/main is not ${MAIN}.`,
      rules: [{ matched: false }],
    });
  });

  it("judges unsaved policies, checked as saving checks them, and saves nothing", async () => {
    const before = await written();
    const token = await jwt({ sub: "repo:acme/web:ref:refs/heads/main" });
    const proposed = [
      {
        decision: "ALLOW",
        tokenType: "TEAM",
        team,
        rules: [{ claim: "sub", pattern: "repo:acme/*" }],
      },
    ];
    expect(await simulation(token, { p: proposed })).toMatchObject({
      allowed: true,
      matchedPolicyIndex: 0,
    });
    const unpinned = await simulate(token, {
      p: [
        {
          decision: "ALLOW",
          tokenType: "TEAM",
          team,
          rules: [{ claim: "sub", pattern: "repo:*" }],
        },
      ],
    });
    expect(unpinned.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(unpinned.errors?.[0]?.message).toMatch(
      /^policies\[0\]: an ALLOW policy must pin the repository or its owner/,
    );
    // The stored policies are unchanged: without proposed ones, the same JWT matches nothing.
    expect((await simulation(token)).decision).toBe("NO_MATCH");
    expect(await written()).toEqual(before);
  });

  it("answers a malformed JWT with a result saying why, and a bad request with a sentence", async () => {
    const garbage = await simulation("not-a-jwt");
    expect(garbage).toMatchObject({
      wellFormed: false,
      header: null,
      signatureValid: false,
      decision: null,
      allowed: false,
      refusal: "subject_token is not a JWT.",
    });
    expect(garbage.formatReason).toMatch(/not a JWT/);
    const noScope = await simulate(await jwt(), { scope: null });
    expect(noScope.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(noScope.errors?.[0]?.message).toBe("A team token needs scope team:<name>.");
    const wrongType = await simulation(await jwt({ sub: 5 }));
    expect(wrongType).toMatchObject({
      wellFormed: false,
      formatReason: "claim sub must be a non-empty string",
    });
  });

  it("refuses the issuer of another organization as if it did not exist, and AUDITORs outright", async () => {
    const other = await seedOrg(server);
    const theirs = await simulate(await jwt(), {}, other.admin.secret);
    expect(theirs.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    expect(theirs.errors?.[0]?.message).toBe(
      `No OIDC issuer with id "${issuerId}" exists that you can see.`,
    );
    const auditor = await org.member(OrganizationRole.AUDITOR);
    const refused = await simulate(await jwt(), {}, auditor.secret);
    expect(refused.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("agrees with the exchange on every JWT, and one it allowed is a replay once exchanged", async () => {
    const stranger = await TestOidcIssuer.newKey(issuer.currentKey.kid);
    const now = Math.floor(server.clock.now().getTime() / 1000);
    const cases: [string, string][] = [
      ["wrong aud", await jwt({ aud: "urn:lapse:org:someone-else" })],
      [
        "bad signature",
        await issuer.sign(issuer.githubClaims(audience(), server.clock.now()), { key: stranger }),
      ],
      ["expired", await jwt({ iat: now - 600, nbf: now - 600, exp: now - 30 })],
      ["denied", await jwt({ ref: "refs/pull/1/merge" })],
      ["no policy", await jwt({ sub: "repo:acme/web:ref:refs/heads/main" })],
      ["good", await jwt()],
    ];
    for (const [label, token] of cases) {
      const simulated = await simulation(token);
      const answer = await exchange(server, {
        audience: audience(),
        subject_token: token,
        requested_token_type: tokenType("team"),
        scope: `team:${team}`,
      });
      if (simulated.allowed) {
        expect(answer.status, label).toBe(200);
        expect(answer.body.expires_in, label).toBe(simulated.token!.expiresIn);
        // Now exchanged, the same JWT is a replay, and the simulator says so.
        expect(await simulation(token), label).toMatchObject({
          replayed: true,
          allowed: false,
          refusalCode: "invalid_grant",
        });
      } else {
        expect
          .soft(answer.body, label)
          .toEqual({ error: simulated.refusalCode, error_description: simulated.refusal });
      }
    }
  });

  it("answers keys it cannot fetch with the exchange's one sentence, and no more", async () => {
    const registered = await server.gql<{ registerOidcIssuer: { id: string } }>(
      REGISTER_ISSUER,
      // Port 9 (discard) on loopback refuses at once.
      { o: org.name, n: "unreachable", u: "http://127.0.0.1:9" },
      org.admin.secret,
    );
    const id = registered.data!.registerOidcIssuer.id;
    const result = await simulation(
      await issuer.sign({
        ...issuer.githubClaims(audience(), server.clock.now()),
        iss: "http://127.0.0.1:9",
      }),
      { id, p: null },
    );
    expect(result).toMatchObject({
      signatureValid: false,
      signatureReason: "The issuer's signing keys could not be fetched.",
      allowed: false,
      refusalCode: "temporarily_unavailable",
    });
    expect(result.refusal).toMatch(
      /^The issuer's signing keys could not be fetched; try again later/,
    );
    expect(JSON.stringify(result)).not.toMatch(/ECONNREFUSED|discovery/);
  });
});
