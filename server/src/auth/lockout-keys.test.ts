import { randomBytes, randomInt } from "node:crypto";
import http from "node:http";
import { expect, it } from "vitest";
import { describeEachStore, type TestServer } from "../../test/harness";
import { forgeSecretWithHint } from "../../test/forge-secret";
import { CREATE_ORGANIZATION_TOKEN, REVOKE_TOKEN, VIEWER, mustCreate } from "../../test/operations";
import { seedOrg, type SeededOrg } from "../../test/seed";
import { TokenKind } from "../modules/token/token.types";
import { generateSecret, parseSecret, secretHint } from "./token-secret";

const LIMITS = { maxFailures: 3, windowMs: 60_000, lockoutMs: 300_000 };

/** A documentation address (RFC 5737) of its own per test, so counters never meet across tests. */
const newAddress = () => `203.0.${randomInt(256)}.${randomInt(1, 255)}`;
/** A /64 of the IPv6 documentation prefix (RFC 3849) of its own per test. */
const newPrefix = () =>
  `2001:db8:${randomInt(0x10000).toString(16)}:${randomInt(0x10000).toString(16)}`;
/** A loopback address of its own to connect from: the socket address a request falls back to. */
const newLoopback = () => `127.${randomInt(1, 255)}.${randomInt(256)}.${randomInt(1, 255)}`;

const from = (address: string) => ({ "x-forwarded-for": address });
const wrong = () => generateSecret(TokenKind.PERSONAL);

/** The status of a `viewer` query sent over a socket bound to `localAddress`. */
function statusFromSocket(
  server: TestServer,
  localAddress: string,
  secret: string,
  headers: Record<string, string> = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${server.url}/graphql`,
      {
        method: "POST",
        localAddress,
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${secret}`,
          ...headers,
        },
      },
      (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode!));
      },
    );
    request.on("error", reject);
    request.end(JSON.stringify({ query: VIEWER }));
  });
}

describeEachStore(
  "what a failed authentication counts against",
  (server) => {
    const status = async (secret: string, address: string) =>
      (await server.gql(VIEWER, {}, secret, from(address))).status;
    const organizationToken = (org: SeededOrg, name: string) =>
      mustCreate(
        server,
        CREATE_ORGANIZATION_TOKEN,
        { organization: org.name, name },
        org.admin.secret,
      );

    it("never locks out a token with a forged secret that shares its hint, from any number of addresses", async () => {
      const org = await seedOrg(server);
      const victim = await organizationToken(org, "deploy");
      // All the attacker knows: the hint that lists show to auditors and team members.
      const [prefix, lastFour] = victim.token.hint.split("…") as [string, string];
      const forged = forgeSecretWithHint(prefix, lastFour);
      expect(forged).not.toBe(victim.secret);
      expect(parseSecret(forged)).toBe(TokenKind.ORGANIZATION);
      expect(secretHint(forged, TokenKind.ORGANIZATION)).toBe(victim.token.hint);

      const statuses = [];
      for (let i = 0; i < LIMITS.maxFailures * 4; i++) {
        statuses.push(await status(forged, newAddress()));
      }
      expect(statuses).toEqual(statuses.map(() => 401));
      // The victim, from its own address, is served.
      expect(await status(victim.secret, newAddress())).toBe(200);
      expect(await server.count("auth_throttle", "throttle_key LIKE ?", [`%${lastFour}`])).toBe(0);

      // The attacker's own address is still counted and locked out.
      const attacker = newAddress();
      const fromOne = [];
      for (let i = 0; i <= LIMITS.maxFailures; i++) fromOne.push(await status(forged, attacker));
      expect(fromOne).toEqual([401, 401, 401, 429]);
      expect(await status(victim.secret, newAddress())).toBe(200);
    });

    it("on another instance, an address's lockout does not lock out a token sent from it elsewhere", async () => {
      const org = await seedOrg(server);
      const address = newAddress();
      for (let i = 0; i <= LIMITS.maxFailures; i++) await status(wrong(), address);
      await server.withSecondInstance(async (second) => {
        // The second instance learns of the lockout from its own read, with the ADMIN's token...
        expect((await second.gql(VIEWER, {}, org.admin.secret, from(address))).status).toBe(429);
        // ...and holds it against the address only.
        const elsewhere = await second.gql(VIEWER, {}, org.admin.secret, from(newAddress()));
        expect(elsewhere.status).toBe(200);
      });
    });

    it("on another instance, a token's lockout does not lock out the address it was sent from", async () => {
      const org = await seedOrg(server);
      const stale = await organizationToken(org, "stale");
      await server.gql(REVOKE_TOKEN, { id: stale.token.id }, org.admin.secret);
      const statuses = [];
      for (let i = 0; i <= LIMITS.maxFailures; i++) {
        statuses.push(await status(stale.secret, newAddress()));
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
      const address = newAddress();
      await server.withSecondInstance(async (second) => {
        expect((await second.gql(VIEWER, {}, stale.secret, from(address))).status).toBe(429);
        const admin = await second.gql(VIEWER, {}, org.admin.secret, from(address));
        expect(admin.status).toBe(200);
        // Nor does a guess from there meet a lockout it did not earn.
        expect((await second.gql(VIEWER, {}, wrong(), from(address))).status).toBe(401);
      });
    });

    it("counts IPv6 addresses by their /64, however they are written", async () => {
      const org = await seedOrg(server);
      const prefix = newPrefix();
      const [, , third, fourth] = prefix.split(":") as [string, string, string, string];
      const spellings = [
        `${prefix}::1`,
        `${prefix}:ffff:ffff:ffff:ffff`,
        `2001:0DB8:${third.padStart(4, "0")}:${fourth.toUpperCase()}:0:0:0:2`,
      ];
      const statuses = [];
      for (const address of spellings) statuses.push(await status(wrong(), address));
      statuses.push(await status(wrong(), `${prefix}::abcd:1234`));
      expect(statuses).toEqual([401, 401, 401, 429]);
      expect(await status(org.admin.secret, `${prefix}:1:2:3:4`)).toBe(429);
      // The next /64 is another subscriber.
      const next = `2001:db8:${third}:${(parseInt(fourth, 16) ^ 1).toString(16)}::1`;
      expect(await status(org.admin.secret, next)).toBe(200);
    });

    it("counts an IPv4-mapped IPv6 address as the IPv4 address", async () => {
      const org = await seedOrg(server);
      const address = newAddress();
      const statuses = [];
      for (const written of [address, `::ffff:${address}`, address, `::FFFF:${address}`]) {
        statuses.push(await status(wrong(), written));
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
      expect(await status(org.admin.secret, address)).toBe(429);
    });

    it("ignores an X-Forwarded-For that is not an address and counts the socket's address", async () => {
      const org = await seedOrg(server);
      const socket = newLoopback();
      const junk = [
        "unknown",
        `not-an-address-${randomBytes(4).toString("hex")}`,
        "x".repeat(300),
        "1.2.3.4.5",
      ];
      const statuses = [];
      for (const value of junk)
        statuses.push(await statusFromSocket(server, socket, wrong(), from(value)));
      expect(statuses).toEqual([401, 401, 401, 429]);
      // The socket's address is what was locked out: with no header, with other junk, or none.
      expect(await statusFromSocket(server, socket, org.admin.secret)).toBe(429);
      expect(await statusFromSocket(server, socket, org.admin.secret, from("junk"))).toBe(429);
      expect(await server.count("auth_throttle", "throttle_key = ?", [`ip:${socket}`])).toBe(1);
      expect(await server.count("auth_throttle", "throttle_key LIKE ?", ["ip:xxx%"])).toBe(0);
      // Another socket sending the same junk is not.
      const other = newLoopback();
      expect(await statusFromSocket(server, other, org.admin.secret, from(junk[0]!))).toBe(200);
    });
  },
  { authThrottle: LIMITS },
);
