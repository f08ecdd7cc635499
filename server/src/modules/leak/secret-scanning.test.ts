import { randomInt } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TestServer } from "../../../test/harness";
import {
  CREATE_ORGANIZATION_TOKEN,
  CREATE_TEAM_TOKEN,
  REVOKE_TOKEN,
  TOKEN,
  auditTrail,
  mustCreate,
  type TokenNode,
} from "../../../test/operations";
import { rest } from "../../../test/rest-client";
import { TestSecretScanningPartner, type PartnerKey } from "../../../test/secret-scanning-partner";
import { seedOrg, uniqueName, type SeededOrg } from "../../../test/seed";
import { testStores } from "../../../test/stores";
import { generateSecret } from "../../auth/token-secret";
import { TokenKind } from "../token/token.types";
import { KEYS_REFETCH_COOLDOWN_MS, KEYS_TTL_MS } from "./secret-scanning-keys";

const ROUTE = "/api/credentials/github-secret-scanning";
const LIMITS = { maxFailures: 3, windowMs: 60_000, lockoutMs: 300_000 };

/** An address (RFC 2544's benchmarking range) of its own per alert, so limits never meet. */
const someAddress = () => `198.18.${randomInt(256)}.${randomInt(1, 255)}`;

for (const store of testStores()) {
  describe(`GitHub secret-scanning alerts [${store.kind}]`, () => {
    const partner = new TestSecretScanningPartner();
    const keyA = TestSecretScanningPartner.newKey();
    let server: TestServer;
    let org: SeededOrg;
    let team: string;

    beforeAll(async () => {
      await partner.start();
      partner.published = [keyA];
      // The keys URL is only known once the partner listens, so this suite builds its own server.
      server = new TestServer(store, { secretScanningKeysUrl: partner.url, authThrottle: LIMITS });
      await server.start();
      org = await seedOrg(server);
      team = await org.team();
    });
    beforeEach(() => server.clock.reset());
    afterAll(async () => {
      await server?.stop();
      await partner.stop();
    });

    /** Sends `body` as is with `headers`, from an address of its own unless given one. */
    const send = (body: string, headers: Record<string, string>, address = someAddress()) =>
      rest(
        server,
        "post",
        ROUTE,
        {},
        { body, headers: { "x-forwarded-for": address, ...headers } },
      );
    /** Sends `matches`, signed with `key` as GitHub signs. */
    const signed = (matches: unknown, key: PartnerKey = keyA, address?: string) => {
      const body = JSON.stringify(matches);
      return send(body, TestSecretScanningPartner.headers(body, key), address);
    };
    const teamToken = () =>
      mustCreate(
        server,
        CREATE_TEAM_TOKEN,
        { organization: org.name, team, name: uniqueName("leak") },
        org.admin.secret,
      );
    const tokenOf = async (id: string) =>
      (await server.gql<{ token: TokenNode }>(TOKEN, { id }, org.admin.secret)).data!.token;
    const revocations = async (tokenId: string) =>
      (
        await auditTrail(server, org.admin.secret, {
          organization: org.name,
          types: ["TOKEN_REVOKED"],
          tokenId,
        })
      ).map((event) => event.payload);

    it("revokes the live tokens of a signed alert, records where each was found, and labels every match", async () => {
      const live = await teamToken();
      const revoked = await mustCreate(
        server,
        CREATE_ORGANIZATION_TOKEN,
        { organization: org.name, name: uniqueName("old") },
        org.admin.secret,
      );
      await server.gql(REVOKE_TOKEN, { id: revoked.token.id }, org.admin.secret);
      const unknown = generateSecret(TokenKind.PERSONAL);
      const mistyped = `${live.secret.slice(0, -1)}${live.secret.endsWith("A") ? "B" : "A"}`;
      const url = "https://github.com/octocat/hello-world/blob/1234567/deploy/.env";
      const address = someAddress();
      const answer = await signed(
        [
          { token: live.secret, type: "lapse_team_token", url, source: "content" },
          { token: revoked.secret, type: "lapse_org_token", url: "", source: "commit" },
          { token: unknown, type: "lapse_personal_token", url, source: "issue_comment" },
          { token: mistyped, type: "lapse_team_token", url, source: "content" },
          { source: "commit", token: "some_token", type: "some_type", url: "https://example.com/" },
          { type: "no token at all" },
          "not a match",
        ],
        keyA,
        address,
      );
      expect(answer).toEqual({
        status: 200,
        body: [
          { token_raw: live.secret, token_type: "lapse_team_token", label: "true_positive" },
          { token_raw: revoked.secret, token_type: "lapse_org_token", label: "true_positive" },
          { token_raw: unknown, token_type: "lapse_personal_token", label: "false_positive" },
          { token_raw: mistyped, token_type: "lapse_team_token", label: "false_positive" },
          { token_raw: "some_token", token_type: "some_type", label: "false_positive" },
        ],
      });
      expect((await tokenOf(live.token.id)).status).toBe("REVOKED");
      expect(await revocations(live.token.id)).toEqual([
        {
          kind: "TEAM",
          reason: "LEAKED",
          reportedTo: `POST ${ROUTE}`,
          reportedFrom: address,
          foundAt: { type: "lapse_team_token", url, source: "content" },
        },
      ]);
      // The token revoked before keeps its one event; reported again, the live one gains none.
      expect(await revocations(revoked.token.id)).toHaveLength(1);
      const again = await signed([{ token: live.secret, type: "lapse_team_token" }]);
      expect(again.body).toEqual([
        { token_raw: live.secret, token_type: "lapse_team_token", label: "true_positive" },
      ]);
      expect(await revocations(live.token.id)).toHaveLength(1);
    });

    it("verifies the signature over the body as sent: its spacing is kept, a re-serialised body refused", async () => {
      const leaked = await teamToken();
      const matches = [{ token: leaked.secret, type: "lapse_team_token", url: "", source: "npm" }];
      const pretty = JSON.stringify(matches, null, 2);
      const headers = TestSecretScanningPartner.headers(pretty, keyA);
      const compact = await send(JSON.stringify(matches), headers);
      expect(compact.status).toBe(401);
      expect((await tokenOf(leaked.token.id)).status).toBe("ACTIVE");
      expect((await send(pretty, headers)).status).toBe(200);
      expect((await tokenOf(leaked.token.id)).status).toBe("REVOKED");
    });

    it("refuses with 401, changing nothing, alerts unsigned, signed by a key not published, or by one that is not ECDSA P-256", async () => {
      const keyB = TestSecretScanningPartner.newKey();
      const rsa = TestSecretScanningPartner.newKey("rsa");
      const p384 = TestSecretScanningPartner.newKey("p384");
      const unpublished = TestSecretScanningPartner.newKey();
      partner.published = [keyA, rsa, p384, keyB];
      // Past the hour the keys are kept, so the next alert fetches the list above.
      server.clock.advance(KEYS_TTL_MS);
      const leaked = await teamToken();
      const body = JSON.stringify([{ token: leaked.secret, type: "lapse_team_token" }]);
      const { "Github-Public-Key-Signature": signature } = TestSecretScanningPartner.headers(
        body,
        keyA,
      );
      const before = await server.tenantRows(org.name);
      const refused = [
        await send(body, {}),
        await send(body, { "Github-Public-Key-Identifier": keyA.id }),
        await send(body, { "Github-Public-Key-Signature": signature! }),
        await send(body, {
          "Github-Public-Key-Identifier": keyA.id,
          "Github-Public-Key-Signature": "bm90IGEgc2lnbmF0dXJl",
        }),
        await send(body, {
          ...TestSecretScanningPartner.headers(body, unpublished),
          "Github-Public-Key-Identifier": keyA.id,
        }),
        await send(body, TestSecretScanningPartner.headers(body, unpublished)),
        await send(body, TestSecretScanningPartner.headers(body, rsa)),
        await send(body, TestSecretScanningPartner.headers(body, p384)),
      ];
      for (const answer of refused) {
        expect(answer.status).toBe(401);
        expect(answer.body).toMatchObject({ error: "UNAUTHENTICATED" });
        expect(JSON.stringify(answer.body)).not.toContain(leaked.secret);
      }
      expect(refused[0]!.body!.message).toMatch(/not signed.*Github-Public-Key-Signature/);
      expect(await server.tenantRows(org.name)).toEqual(before);
      expect((await tokenOf(leaked.token.id)).status).toBe("ACTIVE");
      // The same fetch brought the new P-256 key, which verifies.
      expect((await send(body, TestSecretScanningPartner.headers(body, keyB))).status).toBe(200);
      expect((await tokenOf(leaked.token.id)).status).toBe("REVOKED");
    });

    it("answers 400 to a signed body that is not a JSON list, changing nothing", async () => {
      const leaked = await teamToken();
      const before = await server.tenantRows(org.name);
      for (const body of [JSON.stringify({ token: leaked.secret }), "[{", ""]) {
        const answer = await send(body, TestSecretScanningPartner.headers(body, keyA));
        expect(answer.status).toBe(400);
        expect(JSON.stringify(answer.body)).not.toContain(leaked.secret);
      }
      expect(await server.tenantRows(org.name)).toEqual(before);
    });

    it("answers a body over 4 MB with 413 before any signature is checked", async () => {
      const fetches = partner.fetches;
      const body = JSON.stringify([{ token: "x".repeat(4 * 1024 * 1024), type: "t" }]);
      const answer = await send(body, TestSecretScanningPartner.headers(body, keyA));
      expect(answer).toMatchObject({ status: 413, body: { error: "BAD_REQUEST" } });
      expect(partner.fetches).toBe(fetches);
    });

    it("keeps the keys an hour, fetches for an unknown key id at most once per cool-down, and uses known keys while the partner is down", async () => {
      partner.published = [keyA];
      // Far past any fetch an earlier test made.
      server.clock.advance(10 * KEYS_TTL_MS);
      const fetches = partner.fetches;
      const status = async (key: PartnerKey) => (await signed([], key)).status;
      expect(await status(keyA)).toBe(200);
      expect(partner.fetches).toBe(fetches + 1);
      server.clock.advance(KEYS_TTL_MS - 1);
      expect(await status(keyA)).toBe(200);
      expect(partner.fetches).toBe(fetches + 1);
      server.clock.advance(1);
      expect(await status(keyA)).toBe(200);
      expect(partner.fetches).toBe(fetches + 2);

      // A key published now is fetched for once the cool-down since the last fetch has passed;
      // made-up key ids meanwhile cost no fetch at all.
      const keyB = TestSecretScanningPartner.newKey();
      partner.published = [keyA, keyB];
      for (let i = 0; i < 5; i++) {
        expect(await status(TestSecretScanningPartner.newKey())).toBe(401);
      }
      expect(await status(keyB)).toBe(401);
      expect(partner.fetches).toBe(fetches + 2);
      server.clock.advance(KEYS_REFETCH_COOLDOWN_MS);
      expect(await status(keyB)).toBe(200);
      expect(partner.fetches).toBe(fetches + 3);

      partner.failing = true;
      try {
        server.clock.advance(KEYS_TTL_MS);
        expect(await status(keyA)).toBe(200);
        expect(partner.fetches).toBe(fetches + 4);
        const unavailable = await signed([], TestSecretScanningPartner.newKey());
        expect(unavailable).toMatchObject({ status: 503, body: { error: "SERVICE_UNAVAILABLE" } });
      } finally {
        partner.failing = false;
      }
      server.clock.advance(KEYS_REFETCH_COOLDOWN_MS);
      expect(await status(TestSecretScanningPartner.newKey())).toBe(401);
      expect(partner.fetches).toBe(fetches + 5);
    });

    it("counts badly signed alerts against the sender's address: 429 past the limit, for signed ones too, and no other address", async () => {
      const address = someAddress();
      const statuses = [];
      for (let i = 0; i <= LIMITS.maxFailures; i++) {
        statuses.push((await send("[]", {}, address)).status);
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
      const leaked = await teamToken();
      const matches = [{ token: leaked.secret, type: "lapse_team_token" }];
      expect((await signed(matches, keyA, address)).status).toBe(429);
      expect((await tokenOf(leaked.token.id)).status).toBe("ACTIVE");
      // Signed alerts count against nothing.
      const github = someAddress();
      for (let i = 0; i <= LIMITS.maxFailures; i++) {
        expect((await signed([], keyA, github)).status).toBe(200);
      }
      expect((await signed(matches, keyA, github)).status).toBe(200);
      expect((await tokenOf(leaked.token.id)).status).toBe("REVOKED");
    });
  });
}
