import { randomInt } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createApp } from "../../app";
import { expectDocumented } from "../../../test/rest-client";
import { describeEachStore } from "../../../test/harness";
import { TestOidcIssuer } from "../../../test/oidc-issuer";
import { tokenType, trustIssuer } from "../../../test/oidc-setup";
import { seedOrg, type SeededOrg } from "../../../test/seed";

const LIMITS = { maxFailures: 2, windowMs: 60_000, lockoutMs: 300_000 };

/** An address (RFC 2544's benchmarking range) to lock out, of its own per test and per run. */
const lockedAddress = () => `198.19.${randomInt(256)}.${randomInt(1, 255)}`;

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

    const exchangeFrom = async (address: string, subjectToken: string, url = server.url) => {
      const response = await fetch(`${url}/api/oauth/token`, {
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
      // Every answer, the lockout's 429 included, is the one the OpenAPI document describes.
      expectDocumented(
        "post",
        "/api/oauth/token",
        response.status,
        "application/json",
        await response.json(),
      );
      return { status: response.status, retryAfter: response.headers.get("retry-after") };
    };
    const validJwt = () =>
      issuer.sign(issuer.githubClaims(`urn:lapse:org:${org.name}`, server.clock.now()));

    it("locks out an address after failed exchanges, a valid JWT included, and no other", async () => {
      const address = lockedAddress();
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

    it("counts GraphQL exchanges like REST ones: one limit, one lockout, whichever way they come", async () => {
      const exchangeByGraphQL = async (address: string, subjectToken: string) => {
        const response = await server.gql<{ exchangeOidcToken: { accessToken: string } }>(
          `mutation($a: String!, $t: String!) { exchangeOidcToken(audience: $a, subjectToken: $t, requestedTokenType: "${tokenType("organization")}") { accessToken } }`,
          { a: `urn:lapse:org:${org.name}`, t: subjectToken },
          undefined,
          { "x-forwarded-for": address },
        );
        return response.errors?.[0]?.extensions?.code ?? "OK";
      };
      const address = lockedAddress();
      const codes = [];
      for (let i = 0; i <= LIMITS.maxFailures; i++) {
        codes.push(await exchangeByGraphQL(address, "not.a.jwt"));
      }
      expect(codes).toEqual(["UNAUTHENTICATED", "UNAUTHENTICATED", "RATE_LIMITED"]);
      expect(await exchangeByGraphQL(address, await validJwt())).toBe("RATE_LIMITED");
      expect((await exchangeFrom(address, await validJwt())).status).toBe(429);

      // And a lockout earned over REST holds for GraphQL.
      const other = lockedAddress();
      for (let i = 0; i <= LIMITS.maxFailures; i++) await exchangeFrom(other, "not.a.jwt");
      expect(await exchangeByGraphQL(other, await validJwt())).toBe("RATE_LIMITED");
      server.clock.advance(LIMITS.lockoutMs);
      expect(await exchangeByGraphQL(other, await validJwt())).toBe("OK");
    });

    it("holds across instances: an address locked out on one is refused by another", async () => {
      const second = await createApp({
        dataSource: server.dataSource,
        clock: server.clock,
        logger: server.logger,
        services: { authThrottle: LIMITS },
      });
      const listening = await new Promise<Server>((resolve) => {
        const s = second.app.listen(0, "127.0.0.1", () => resolve(s));
      });
      try {
        const secondUrl = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
        const address = lockedAddress();
        for (let i = 0; i <= LIMITS.maxFailures; i++) await exchangeFrom(address, "not.a.jwt");
        // The second instance has seen nothing from the address: it reads the lockout.
        expect(await exchangeFrom(address, await validJwt(), secondUrl)).toEqual({
          status: 429,
          retryAfter: "300",
        });
      } finally {
        await new Promise((resolve) => listening.close(resolve));
        await second.stop();
      }
    });
  },
  { authThrottle: LIMITS },
);
