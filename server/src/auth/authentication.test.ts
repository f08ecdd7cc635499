import { expect, it } from "vitest";
import { describeEachStore } from "../../test/harness";
import { CREATE_PERSONAL_TOKEN, VIEWER, errorCode, mustCreate } from "../../test/operations";
import { seedOrg } from "../../test/seed";
import { TokenKind } from "../modules/token/token.types";
import { generateSecret } from "./token-secret";

describeEachStore("authentication", (server) => {
  it("refuses a secret with a flipped checksum character without any database query", async () => {
    const org = await seedOrg(server);
    const last = org.admin.secret.at(-1) === "a" ? "b" : "a";
    const flipped = org.admin.secret.slice(0, -1) + last;
    let status = 0;
    const queries = await server.queriesDuring(async () => {
      status = (await server.gql(VIEWER, {}, flipped)).status;
    });
    expect(status).toBe(401);
    expect(queries).toEqual([]);
  });

  it("authenticates with one indexed read and refuses a well-formed unknown secret", async () => {
    const org = await seedOrg(server);
    server.clock.advance(120_000);
    await server.gql(VIEWER, {}, org.admin.secret); // records lastUsedAt
    const queries = await server.queriesDuring(() =>
      server.gql(`{ viewer { kind } }`, {}, org.admin.secret),
    );
    expect(queries).toHaveLength(1);
    expect(queries[0]).toMatch(/^SELECT .* JOIN [`"]access_tokens[`"] t ON t\.[`"]digest[`"]/);

    const unknown = await server.gql(VIEWER, {}, generateSecret(TokenKind.PERSONAL));
    expect(unknown.status).toBe(401);
    expect(errorCode(unknown)).toBe("UNAUTHENTICATED");
    expect(unknown.errors![0]!.message).toBe("This access token is not valid.");
    expect(unknown.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });

  it("accepts `token` and `Bearer` schemes and refuses any other", async () => {
    const org = await seedOrg(server);
    for (const header of [
      `token ${org.admin.secret}`,
      `Bearer ${org.admin.secret}`,
      `bearer ${org.admin.secret}`,
    ]) {
      const response = await server.gql(VIEWER, {}, undefined, { authorization: header });
      expect.soft(response.status, header.split(" ")[0]).toBe(200);
    }
    for (const header of [`Basic ${org.admin.secret}`, org.admin.secret, "Bearer", ""]) {
      const response = await server.gql(VIEWER, {}, undefined, { authorization: header });
      expect.soft(response.status, header.slice(0, 8)).toBe(401);
      expect.soft(errorCode(response)).toBe("UNAUTHENTICATED");
    }
  });

  it("answers an anonymous request for the viewer with 401 UNAUTHENTICATED", async () => {
    const response = await server.gql(VIEWER);
    expect(response.status).toBe(401);
    expect(errorCode(response)).toBe("UNAUTHENTICATED");
    expect(response.errors![0]!.message).toMatch(/Authorization/);
  });

  it("writes lastUsedAt at most once a minute per token, whatever the request rate", async () => {
    const org = await seedOrg(server);
    const { secret, token } = await mustCreate(
      server,
      CREATE_PERSONAL_TOKEN,
      { name: "busy" },
      org.admin.secret,
    );
    const lastUsed = async () =>
      (
        await server.gql<{ token: { lastUsedAt: string | null } }>(
          `query($id: ID!) { token(id: $id) { lastUsedAt } }`,
          { id: token.id },
          org.admin.secret,
        )
      ).data!.token.lastUsedAt;
    expect(await lastUsed()).toBeNull();

    const start = server.clock.now();
    const updates = (queries: string[]) =>
      queries.filter((q) => /^UPDATE .*last_used_at/.test(q)).length;
    const burst = await server.queriesDuring(async () => {
      for (let i = 0; i < 20; i++) {
        await server.gql(`{ viewer { kind } }`, {}, secret);
        server.clock.advance(2000); // 20 requests over 40 seconds
      }
    });
    expect(updates(burst)).toBe(1);
    expect(await lastUsed()).toBe(start.toISOString());

    server.clock.advance(20_000); // 60 s after the first use
    const later = await server.queriesDuring(() => server.gql(`{ viewer { kind } }`, {}, secret));
    expect(updates(later)).toBe(1);
    expect(await lastUsed()).toBe(server.clock.now().toISOString());
  });

  it("never puts a secret in a log line, refused or accepted", async () => {
    const org = await seedOrg(server);
    const { secret } = await mustCreate(
      server,
      CREATE_PERSONAL_TOKEN,
      { name: "quiet" },
      org.admin.secret,
    );
    await server.gql(VIEWER, {}, secret);
    await server.gql(VIEWER, {}, secret.slice(0, -1) + "x");
    await server.gql(`mutation($id: ID!) { revokeToken(id: $id) { id } }`, { id: "nope" }, secret);
    const logs = server.logs.join("");
    expect(logs).toContain("authentication refused");
    for (const s of [secret, org.admin.secret]) {
      expect(logs).not.toContain(s);
      expect(logs).not.toContain(s.slice(10, 42));
    }
  });
});
