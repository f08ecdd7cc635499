import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachStore } from "../../../test/harness";
import { TestOidcIssuer } from "../../../test/oidc-issuer";
import { exchange, tokenType, trustIssuer } from "../../../test/oidc-setup";
import { seedOrg, type SeededOrg } from "../../../test/seed";

describeEachStore("OIDC policies stored before an ALLOW had to pin its owner", (server) => {
  const issuer = new TestOidcIssuer();
  let org: SeededOrg;
  let issuerId: string;
  const audience = () => `urn:lapse:org:${org.name}`;
  const attackerJwt = () =>
    issuer.sign({
      ...issuer.githubClaims(audience(), server.clock.now()),
      sub: "repo:attacker/infra:ref:refs/heads/main",
      repository: "attacker/infra",
      repository_owner: "attacker",
      repository_owner_id: "666",
    });

  beforeAll(async () => {
    await issuer.start();
    org = await seedOrg(server);
    issuerId = await trustIssuer(server, org.admin.secret, org.name, issuer, [
      {
        decision: "ALLOW",
        tokenType: "ORGANIZATION",
        rules: [{ claim: "sub", pattern: "repo:acme/*" }],
      },
    ]);
  });
  afterAll(() => issuer.stop());

  it("mints nothing from an ALLOW that pins no owner, such as repo:* written by an older Lapse", async () => {
    // What setOidcIssuerPolicies accepted before: one non-wildcard character was enough.
    for (const pattern of ["repo:*", "*:*", "*a*"]) {
      const policies = [
        { decision: "ALLOW", tokenType: "ORGANIZATION", admin: true, team: null, login: null },
      ].map((p) => ({ ...p, rules: [{ claim: "sub", pattern }] }));
      await server.dataSource.query("UPDATE oidc_issuers SET policies = ? WHERE id = ?", [
        JSON.stringify(policies),
        issuerId,
      ]);
      const before = await server.tenantRows(org.name);
      for (const scope of ["admin", undefined]) {
        const answer = await exchange(server, {
          audience: audience(),
          subject_token: await attackerJwt(),
          requested_token_type: tokenType("organization"),
          scope,
        });
        expect.soft(answer.status, pattern).toBe(400);
        expect.soft(answer.body.error, pattern).toBe("unauthorized_client");
        expect
          .soft(String(answer.body.error_description), pattern)
          .toMatch(/pins no repository or owner, so it grants nothing/);
      }
      expect(await server.tenantRows(org.name)).toEqual(before);
    }
  });

  it("still mints from a pinned ALLOW beside it, for its own owner only", async () => {
    const policies = [
      { claim: "sub", pattern: "repo:*" },
      { claim: "sub", pattern: "repo:acme/*" },
    ].map((rule) => ({
      decision: "ALLOW",
      tokenType: "ORGANIZATION",
      admin: false,
      team: null,
      login: null,
      rules: [rule],
    }));
    await server.dataSource.query("UPDATE oidc_issuers SET policies = ? WHERE id = ?", [
      JSON.stringify(policies),
      issuerId,
    ]);
    const request = async (subjectToken: string) =>
      exchange(server, {
        audience: audience(),
        subject_token: subjectToken,
        requested_token_type: tokenType("organization"),
      });
    const own = await request(
      await issuer.sign(issuer.githubClaims(audience(), server.clock.now())),
    );
    expect(own.status).toBe(200);
    const foreign = await request(await attackerJwt());
    expect(foreign.body.error).toBe("unauthorized_client");
  });
});
