import { randomInt } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachStore } from "../../../test/harness";
import { TestOidcIssuer } from "../../../test/oidc-issuer";
import { tokenType, trustIssuer } from "../../../test/oidc-setup";
import { seedOrg, type SeededOrg } from "../../../test/seed";

const LIMITS = { maxFailures: 2, windowMs: 60_000, lockoutMs: 300_000 };

describeEachStore(
  "OIDC token exchange under the failed-authentication limit",
  (server) => {
    const issuer = new TestOidcIssuer();
    let org: SeededOrg;
    beforeAll(async () => {
      await issuer.start();
      org = await seedOrg(server);
      await trustIssuer(server, org.admin.secret, org.name, issuer, [
        {
          decision: "ALLOW",
          tokenType: "ORGANIZATION",
          rules: [{ claim: "sub", pattern: "repo:acme/infra:*" }],
        },
      ]);
    });
    afterAll(() => issuer.stop());

    const exchangeFrom = async (address: string, subjectToken: string) => {
      const response = await fetch(`${server.url}/api/oauth/token`, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "x-forwarded-for": address,
        },
        body: new URLSearchParams({
          grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
          subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
          audience: `urn:lapse:org:${org.name}`,
          requested_token_type: tokenType("organization"),
          subject_token: subjectToken,
        }).toString(),
      });
      return { status: response.status, retryAfter: response.headers.get("retry-after") };
    };
    const validJwt = () =>
      issuer.sign(issuer.githubClaims(`urn:lapse:org:${org.name}`, server.clock.now()));

    it("locks out an address after failed exchanges, a valid JWT included, and no other", async () => {
      const address = `203.0.113.${randomInt(1, 255)}`;
      const statuses = [];
      for (let i = 0; i <= LIMITS.maxFailures; i++) {
        statuses.push((await exchangeFrom(address, "not.a.jwt")).status);
      }
      expect(statuses).toEqual([400, 400, 429]);
      const valid = await exchangeFrom(address, await validJwt());
      expect(valid).toEqual({ status: 429, retryAfter: "300" });
      expect((await exchangeFrom(`198.18.0.${randomInt(1, 255)}`, await validJwt())).status).toBe(
        200,
      );
      server.clock.advance(LIMITS.lockoutMs);
      expect((await exchangeFrom(address, await validJwt())).status).toBe(200);
    });
  },
  { authThrottle: LIMITS },
);
