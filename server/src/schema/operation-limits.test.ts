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

  it("counts a variable's default value, so a large page cannot hide in one", async () => {
    const org = await seedOrg(server);
    const page = (alias: string) =>
      `${alias}: tokens(first: $n) { edges { node { ${TOKEN_FIELDS} } } }`;
    const query = `query($n: Int = 500) { ${page("a")} ${page("b")} ${page("c")} }`;
    const defaulted = await server.gql(query, {}, org.admin.secret);
    expect(defaulted.status).toBe(400);
    expect(defaulted.errors?.[0]?.message).toMatch(/would cost \d+; the limit is 30000/);
    // A value sent is counted in place of the default, either way.
    expect((await server.gql(query, { n: 10 }, org.admin.secret)).errors).toBeUndefined();
    const small = query.replace("= 500", "= 10");
    expect((await server.gql(small, {}, org.admin.secret)).errors).toBeUndefined();
    expect((await server.gql(small, { n: 500 }, org.admin.secret)).status).toBe(400);
  });

  it("counts members and teams once per row, so lists nested in pages or in each other are bounded", async () => {
    const org = await seedOrg(server);
    const throughTokens = `{ tokens(first: 500) { edges { node { organization {
      members { role user { login } } teams { name }
    } } } } }`;
    let nested = "members { role user { login } }";
    for (let i = 0; i < 3; i++) nested = `teams { organization { ${nested} } }`;
    for (const query of [throughTokens, `{ organization(name: "${org.name}") { ${nested} } }`]) {
      const response = await server.gql(query, {}, org.admin.secret);
      expect.soft(response.status, query).toBe(400);
      expect.soft(response.errors?.[0]?.message, query).toMatch(/would cost \d+; the limit/);
    }
    // The console's organization page is well inside the limit.
    const page = await server.gql(
      `{ organization(name: "${org.name}") { name members { role user { login } } teams { name } } }`,
      {},
      org.admin.secret,
    );
    expect(page.errors).toBeUndefined();
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
