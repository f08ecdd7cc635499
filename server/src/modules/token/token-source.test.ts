import { expect, it } from "vitest";
import { describeEachFreshStore, describeEachStore } from "../../../test/harness";
import {
  CREATE_PERSONAL_TOKEN,
  CREATE_TEAM_TOKEN,
  TOKEN,
  mustCreate,
  type TokenNode,
} from "../../../test/operations";
import { operatorContext, seedOrg } from "../../../test/seed";

describeEachStore("where a token came from", (server) => {
  const cookieFor = async (secret: string) => {
    const response = await fetch(`${server.url}/api/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: secret }),
    });
    expect(response.status).toBe(200);
    return { cookie: response.headers.get("set-cookie")!.split(";")[0]!, origin: server.url };
  };
  const created = (response: { data?: Record<string, unknown> | null; errors?: unknown }) => {
    expect(response.errors).toBeUndefined();
    return Object.values(response.data!)[0] as { token: TokenNode };
  };

  it("marks tokens made with a console session cookie CONSOLE, and those made with a token API", async () => {
    const org = await seedOrg(server);
    const team = await org.team();
    const headers = await cookieFor(org.admin.secret);
    const personal = created(
      await server.gql(CREATE_PERSONAL_TOKEN, { name: "from-console" }, undefined, headers),
    );
    expect(personal.token.source).toBe("CONSOLE");
    const teamToken = created(
      await server.gql(
        CREATE_TEAM_TOKEN,
        { organization: org.name, team, name: "from-console" },
        undefined,
        headers,
      ),
    );
    expect(teamToken.token.source).toBe("CONSOLE");

    const byApi = await mustCreate(
      server,
      CREATE_PERSONAL_TOKEN,
      { name: "from-api" },
      org.admin.secret,
    );
    const read = await server.gql<{ token: TokenNode }>(
      TOKEN,
      { id: byApi.token.id },
      org.admin.secret,
    );
    expect(read.data!.token.source).toBe("API");
  });

  it("keeps CLI for tokens the operator's command line makes", async () => {
    const org = await seedOrg(server);
    const read = await server.gql<{ viewer: { token: { source: string } } }>(
      "{ viewer { token { source } } }",
      {},
      org.admin.secret,
    );
    expect(read.data!.viewer.token.source).toBe("CLI");
  });
});

describeEachFreshStore("the first-run token", (server) => {
  it("is marked BOOTSTRAP, not CLI", async () => {
    const first = await server.lapse.services.bootstrap.firstRun(operatorContext(server), {
      organization: "firstco",
      admin: "first-admin",
      expiresAt: new Date(server.clock.now().getTime() + 30 * 86_400_000),
    });
    expect(first!.token.source).toBe("BOOTSTRAP");
    const read = await server.gql<{ viewer: { token: { source: string } } }>(
      "{ viewer { token { source } } }",
      {},
      first!.secret,
    );
    expect(read.data!.viewer.token.source).toBe("BOOTSTRAP");
  });
});
