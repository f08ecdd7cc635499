import { expect, it } from "vitest";
import { describeEachStore } from "../../test/harness";
import { TOKEN_FIELDS, errorCode } from "../../test/operations";
import { seedOrg } from "../../test/seed";
import { LIMITS } from "./operation-limits";

describeEachStore("operation limits", (server) => {
  it("refuses, before running them, operations too deep, too aliased, too wide or too costly", async () => {
    const org = await seedOrg(server);
    let deep = "name";
    for (let i = 0; i < 6; i++) deep = `organization { teams { ${deep} } }`;
    const aliases = Array.from({ length: LIMITS.aliases + 1 }, (_, i) => `a${i}: kind`).join(" ");
    const roots = Array.from(
      { length: LIMITS.rootFields + 1 },
      (_, i) => `r${i}: viewer { kind }`,
    ).join(" ");
    const page = (alias: string) =>
      `${alias}: tokens(first: 500) { edges { node { ${TOKEN_FIELDS} } } }`;
    const cases: [string, RegExp][] = [
      [`{ viewer { token { team { ${deep} } } } }`, /nested \d+ levels deep; the limit is 12/],
      [`{ viewer { ${aliases} } }`, /uses 31 aliases; the limit is 30/],
      [`{ ${roots} }`, /asks for 13 root fields; the limit is 12/],
      [`{ ${page("a")} ${page("b")} ${page("c")} }`, /would cost \d+; the limit is 30000/],
    ];
    for (const [query, message] of cases) {
      const response = await server.gql(query, {}, org.admin.secret);
      expect.soft(response.status, message.source).toBe(400);
      expect.soft(errorCode(response), message.source).toBe("GRAPHQL_VALIDATION_FAILED");
      expect
        .soft(response.errors?.map((e) => e.message).join(" "), message.source)
        .toMatch(message);
    }
    // What the console asks for stays well inside every limit.
    const allowed = await server.gql(
      `{ ${page("a")} viewer { organizations { organization { teams { name } } } } }`,
      {},
      org.admin.secret,
    );
    expect(allowed.errors).toBeUndefined();
  });

  it("counts `first` from variables, so a large page cannot hide in one", async () => {
    const org = await seedOrg(server);
    const query = `query($n: Int) { a: tokens(first: $n) { edges { node { ${TOKEN_FIELDS} } } } b: tokens(first: $n) { edges { node { ${TOKEN_FIELDS} } } } c: tokens(first: $n) { edges { node { ${TOKEN_FIELDS} } } } }`;
    expect((await server.gql(query, { n: 500 }, org.admin.secret)).status).toBe(400);
    expect((await server.gql(query, { n: 10 }, org.admin.secret)).errors).toBeUndefined();
  });

  it("refuses batched requests", async () => {
    const org = await seedOrg(server);
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${org.admin.secret}` },
      body: JSON.stringify([{ query: "{ viewer { kind } }" }, { query: "{ viewer { kind } }" }]),
    });
    expect(response.status).toBe(400);
  });

  it("sends security headers on every answer", async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
  });
});
