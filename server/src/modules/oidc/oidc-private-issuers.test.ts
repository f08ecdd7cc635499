import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createTcpServer, type AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createApp, type LapseApp } from "../../app";
import { describeEachStore, type TestServer } from "../../../test/harness";
import { TestOidcIssuer } from "../../../test/oidc-issuer";
import { REGISTER_ISSUER, SET_POLICIES, exchange, tokenType } from "../../../test/oidc-setup";
import { errorCode } from "../../../test/operations";
import { seedOrg, type SeededOrg } from "../../../test/seed";
import { KEYS_UNAVAILABLE } from "./oidc.errors";

const listenOn = async (server: Server | ReturnType<typeof createTcpServer>) => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
};
const close = (server: { close(cb: () => void): unknown }) =>
  new Promise<void>((resolve) => server.close(() => resolve()));

/** Registers an issuer; returns its id and the GraphQL answer. */
async function register(server: TestServer, org: SeededOrg, name: string, issuerUrl: string) {
  const response = await server.gql<{ registerOidcIssuer: { id: string } }>(
    REGISTER_ISSUER,
    { o: org.name, n: name, u: issuerUrl },
    org.admin.secret,
  );
  return { id: response.data?.registerOidcIssuer.id, response };
}

/** Exchanges a JWT that `issuer` signs with `iss` set to `issuerUrl`, over REST and GraphQL. */
async function exchangeBoth(
  server: TestServer,
  org: SeededOrg,
  issuer: TestOidcIssuer,
  issuerUrl: string,
) {
  const audience = `urn:lapse:org:${org.name}`;
  const jwt = () =>
    issuer.sign({ ...issuer.githubClaims(audience, server.clock.now()), iss: issuerUrl });
  const rest = await exchange(server, {
    audience,
    subject_token: await jwt(),
    requested_token_type: tokenType("organization"),
  });
  const graphql = await server.gql(
    `mutation($a: String!, $t: String!) { exchangeOidcToken(audience: $a, subjectToken: $t, requestedTokenType: "${tokenType("organization")}") { accessToken } }`,
    { a: audience, t: await jwt() },
  );
  return {
    rest,
    graphql: { code: errorCode(graphql), message: graphql.errors?.[0]?.message },
  };
}

const allowAcme = [
  {
    decision: "ALLOW",
    tokenType: "ORGANIZATION",
    rules: [{ claim: "sub", pattern: "repo:acme/*" }],
  },
];

describeEachStore(
  "OIDC issuers on private addresses, while LAPSE_OIDC_ALLOW_PRIVATE_ISSUERS is off",
  (server) => {
    const idp = new TestOidcIssuer();
    let lenient: LapseApp;
    let lenientServer: Server;
    /** The test server's helpers, aimed at the lenient instance. */
    let lenientAt: TestServer;

    beforeAll(async () => {
      await idp.start();
      // A second instance on the same database with private issuers allowed: how an issuer
      // registered under the flag meets an instance without it.
      lenient = await createApp({
        dataSource: server.dataSource,
        clock: server.clock,
        logger: server.logger,
        services: { oidcAllowPrivateIssuers: true },
      });
      lenientServer = lenient.app.listen(0, "127.0.0.1");
      await new Promise((resolve) => lenientServer.once("listening", resolve));
      lenientAt = Object.assign(Object.create(server) as TestServer, {
        url: `http://127.0.0.1:${(lenientServer.address() as AddressInfo).port}`,
      });
    });
    afterAll(async () => {
      await close(lenientServer);
      await lenient.stop();
      await idp.stop();
    });

    it("refuses to register or move an issuer to loopback, by address or by a name that resolves there", async () => {
      const org = await seedOrg(server);
      const port = new URL(idp.url).port;
      const before = await server.tenantRows(org.name);
      for (const url of [
        `http://127.0.0.1:${port}`,
        `http://localhost:${port}`,
        `http://[::1]:${port}`,
        "https://10.0.0.8/issuer",
        "https://169.254.169.254",
        "https://[fd00::1]",
        "https://100.64.0.1",
      ]) {
        const { response } = await register(server, org, "local", url);
        expect.soft(errorCode(response), url).toBe("BAD_USER_INPUT");
        expect.soft(response.errors?.[0]?.message, url).toMatch(/^url must name a public host; /);
      }
      expect(await server.tenantRows(org.name)).toEqual(before);

      const { id } = await register(lenientAt, org, "idp", idp.url);
      const moved = await server.gql(
        `mutation($id: ID!, $u: String) { updateOidcIssuer(id: $id, url: $u) { url } }`,
        { id, u: `http://localhost:${port}/other` },
        org.admin.secret,
      );
      expect(errorCode(moved)).toBe("BAD_USER_INPUT");
      expect(idp.discoveryFetches + idp.jwksFetches).toBe(0);
    });

    it("fetches nothing from an issuer registered on loopback, and mints from it once allowed", async () => {
      const org = await seedOrg(server);
      const port = new URL(idp.url).port;
      for (const [name, url] of [
        ["by-address", idp.url],
        ["by-name", `http://localhost:${port}`],
      ]) {
        const { id } = await register(lenientAt, org, name!, url!);
        const set = await lenientAt.gql(SET_POLICIES, { id, p: allowAcme }, org.admin.secret);
        expect(set.errors).toBeUndefined();
        const answers = await exchangeBoth(server, org, idp, url!);
        expect(answers.rest).toEqual({
          status: 503,
          body: { error: "temporarily_unavailable", error_description: KEYS_UNAVAILABLE },
        });
        expect(answers.graphql).toEqual({ code: "SERVICE_UNAVAILABLE", message: KEYS_UNAVAILABLE });
      }
      expect(idp.discoveryFetches + idp.jwksFetches).toBe(0);
      expect(server.logs.join("")).toMatch(/resolves to the non-public address 127\.0\.0\.1/);

      const allowed = await exchangeBoth(lenientAt, org, idp, idp.url);
      expect(allowed.rest.status).toBe(200);
    });
  },
  { oidcAllowPrivateIssuers: false },
);

describeEachStore("OIDC key fetch failures", (server) => {
  const idp = new TestOidcIssuer();
  const servers: { close(cb: () => void): unknown }[] = [];
  const urls: Record<string, string> = {};

  beforeAll(async () => {
    await idp.start();
    const closed = createTcpServer();
    urls.closed = `http://127.0.0.1:${await listenOn(closed)}`;
    await close(closed);
    const notFound = createHttpServer((_req, res) => res.writeHead(404).end("Not Found"));
    urls.notFound = `http://127.0.0.1:${await listenOn(notFound)}`;
    const html = createHttpServer((_req, res) => res.end("<html>admin console</html>"));
    urls.html = `http://127.0.0.1:${await listenOn(html)}`;
    // Reads what the client sends (resume), so it sees the client hang up and closes.
    const banner = createTcpServer((socket) => socket.resume().end("SSH-2.0-OpenSSH_9.6\r\n"));
    urls.banner = `http://127.0.0.1:${await listenOn(banner)}`;
    servers.push(notFound, html, banner);
  });
  afterAll(async () => {
    await Promise.all(servers.map(close));
    await idp.stop();
  });

  it("answer one sentence whether the port is closed, open to something else, or not an issuer", async () => {
    const org = await seedOrg(server);
    const answers = [];
    for (const [name, url] of Object.entries(urls)) {
      const { id, response } = await register(server, org, name.toLowerCase(), url);
      expect(response.errors, name).toBeUndefined();
      await server.gql(SET_POLICIES, { id, p: allowAcme }, org.admin.secret);
      answers.push(await exchangeBoth(server, org, idp, url));
    }
    for (const answer of answers) {
      expect(answer).toEqual({
        rest: {
          status: 503,
          body: { error: "temporarily_unavailable", error_description: KEYS_UNAVAILABLE },
        },
        graphql: { code: "SERVICE_UNAVAILABLE", message: KEYS_UNAVAILABLE },
      });
    }
    // How each failed is for the operator's log.
    const logs = server.logs.join("");
    expect(logs).toMatch(/ECONNREFUSED/);
    expect(logs).toMatch(/answered 404/);
  });
});
