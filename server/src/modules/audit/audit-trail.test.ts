import { expect, it, vi } from "vitest";
import { describeEachStore } from "../../../test/harness";
import {
  AUDIT_EVENTS,
  CREATE_ORGANIZATION_TOKEN,
  CREATE_PERSONAL_TOKEN,
  CREATE_TEAM_TOKEN,
  ROTATE_TOKEN,
  auditTrail,
  errorCode,
  mustCreate,
  type AuditEventsResult,
} from "../../../test/operations";
import { seedOrg } from "../../../test/seed";
import { systemContext } from "../../context";
import { createLoaders } from "../../loaders";
import { OrganizationRole } from "../organization/organization.types";

describeEachStore("the audit trail", (server) => {
  const sweep = () =>
    server.lapse.services.expirySweep.sweep(
      systemContext(
        {
          clock: server.clock,
          logger: server.logger,
          services: server.lapse.services,
          loaders: createLoaders(server.dataSource),
        },
        "test-sweep",
      ),
    );

  it("records who did what, from where, and pages newest first", async () => {
    const org = await seedOrg(server);
    const team = await org.team();
    const created = [];
    for (const name of ["one", "two", "three"]) {
      server.clock.advance(1000);
      created.push(
        await mustCreate(
          server,
          CREATE_TEAM_TOKEN,
          { organization: org.name, team, name },
          org.admin.secret,
        ),
      );
    }
    const machine = await mustCreate(
      server,
      CREATE_ORGANIZATION_TOKEN,
      { organization: org.name, name: "bot", admin: true },
      org.admin.secret,
    );
    await server.gql(ROTATE_TOKEN, { id: created[0]!.token.id }, machine.secret, {
      "user-agent": "deploy-script/1.0",
      "x-request-id": "rotate-1",
    });

    const rotated = await auditTrail(server, org.admin.secret, {
      organization: org.name,
      types: ["TOKEN_ROTATED"],
    });
    expect(rotated[0]).toMatchObject({
      actorLogin: null,
      actorTokenId: machine.token.id,
      actorTokenName: "bot",
      actorTokenKind: "ORGANIZATION",
      tokenId: created[0]!.token.id,
      tokenName: "one",
      team: { name: team },
      organization: { name: org.name },
      userAgent: "deploy-script/1.0",
      // Lapse's own request id, with the client's kept beside it.
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      clientRequestId: "rotate-1",
      ip: expect.stringMatching(/127\.0\.0\.1/),
    });

    const all = await auditTrail(server, org.admin.secret, { organization: org.name });
    const times = all.map((e) => Date.parse(e.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const paged: string[] = [];
    let after: string | null = null;
    do {
      const page: { data?: AuditEventsResult | null } = await server.gql<AuditEventsResult>(
        AUDIT_EVENTS,
        { filter: { organization: org.name }, first: 2, after },
        org.admin.secret,
      );
      paged.push(...page.data!.auditEvents.edges.map((e) => e.node.id));
      after = page.data!.auditEvents.pageInfo.hasNextPage
        ? page.data!.auditEvents.pageInfo.endCursor
        : null;
    } while (after);
    expect(paged).toEqual(all.map((e) => e.id));
  });

  it("filters by type, actor, token, team and time", async () => {
    const org = await seedOrg(server);
    const [red, blue] = [await org.team(), await org.team()];
    const start = server.clock.now();
    const redToken = await mustCreate(
      server,
      CREATE_TEAM_TOKEN,
      { organization: org.name, team: red, name: "r" },
      org.admin.secret,
    );
    server.clock.advance(60_000);
    const bot = await mustCreate(
      server,
      CREATE_ORGANIZATION_TOKEN,
      { organization: org.name, name: "bot", admin: true },
      org.admin.secret,
    );
    server.clock.advance(60_000);
    await mustCreate(
      server,
      CREATE_TEAM_TOKEN,
      { organization: org.name, team: blue, name: "b" },
      bot.secret,
    );
    const names = async (filter: Record<string, unknown>) =>
      (await auditTrail(server, org.admin.secret, { organization: org.name, ...filter })).map(
        (e) => `${e.type}:${e.tokenName ?? e.payload?.name ?? ""}`,
      );
    // The ADMIN's first personal token belongs to no organization; its event shows in the trail of
    // every organization the ADMIN is a member of.
    expect(await names({ types: ["TOKEN_CREATED"] })).toEqual([
      "TOKEN_CREATED:b",
      "TOKEN_CREATED:bot",
      "TOKEN_CREATED:r",
      "TOKEN_CREATED:seed",
    ]);
    expect(await names({ actor: bot.token.id })).toEqual(["TOKEN_CREATED:b"]);
    expect((await names({ actor: org.admin.login })).slice(0, 2)).toEqual([
      "TOKEN_CREATED:bot",
      "TOKEN_CREATED:r",
    ]);
    expect(await names({ tokenId: redToken.token.id })).toEqual(["TOKEN_CREATED:r"]);
    expect(await names({ team: blue, types: ["TOKEN_CREATED"] })).toEqual(["TOKEN_CREATED:b"]);
    expect(await names({ team: "no-such-team" })).toEqual([]);
    const since = new Date(start.getTime() + 60_000).toISOString();
    const until = new Date(start.getTime() + 120_000).toISOString();
    expect(await names({ since, until })).toEqual(["TOKEN_CREATED:bot"]);
  });

  it("is for ADMINs and AUDITORs only", async () => {
    const org = await seedOrg(server);
    const auditor = await org.member(OrganizationRole.AUDITOR);
    const member = await org.member();
    expect(
      (await auditTrail(server, auditor.secret, { organization: org.name })).length,
    ).toBeGreaterThan(0);
    const refused = await server.gql(
      AUDIT_EVENTS,
      { filter: { organization: org.name } },
      member.secret,
    );
    expect(errorCode(refused)).toBe("FORBIDDEN");
    const outsider = await seedOrg(server);
    expect(
      errorCode(
        await server.gql(
          AUDIT_EVENTS,
          { filter: { organization: org.name } },
          outsider.admin.secret,
        ),
      ),
    ).toBe("NOT_FOUND");
  });

  it("records each lapsed token once, from the sweep, and never a token revoked before it lapsed", async () => {
    const org = await seedOrg(server);
    const team = await org.team();
    const soon = new Date(server.clock.now().getTime() + 10_000).toISOString();
    const lapsing = await mustCreate(
      server,
      CREATE_TEAM_TOKEN,
      { organization: org.name, team, name: "lapsing", expiresAt: soon },
      org.admin.secret,
    );
    const revoked = await mustCreate(
      server,
      CREATE_TEAM_TOKEN,
      { organization: org.name, team, name: "revoked", expiresAt: soon },
      org.admin.secret,
    );
    await server.gql(
      `mutation($id: ID!) { revokeToken(id: $id) { id } }`,
      { id: revoked.token.id },
      org.admin.secret,
    );
    const expired = () =>
      auditTrail(server, org.admin.secret, { organization: org.name, types: ["TOKEN_EXPIRED"] });

    await sweep();
    expect(await expired()).toEqual([]);
    server.clock.advance(10_000);
    await sweep();
    await sweep();
    const events = await expired();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      tokenId: lapsing.token.id,
      payload: { kind: "TEAM", expiresAt: soon },
    });
    expect(Date.parse(events[0]!.createdAt) - Date.parse(soon)).toBeLessThan(60_000);
  });

  it("writes nothing when a rotation's event cannot be written, and the rotation does not happen", async () => {
    const org = await seedOrg(server);
    const old = await mustCreate(server, CREATE_PERSONAL_TOKEN, { name: "r" }, org.admin.secret);
    const before = await server.tenantRows(org.name);
    const record = server.lapse.services.audit.record.bind(server.lapse.services.audit);
    const spy = vi
      .spyOn(server.lapse.services.audit, "record")
      .mockImplementation(async (ctx, manager, event) => {
        if (event.type === "TOKEN_ROTATED") throw new Error("disk full");
        return record(ctx, manager, event);
      });
    try {
      expect(
        errorCode(await server.gql(ROTATE_TOKEN, { id: old.token.id }, org.admin.secret)),
      ).toBe("INTERNAL_SERVER_ERROR");
    } finally {
      spy.mockRestore();
    }
    expect(await server.tenantRows(org.name)).toEqual(before);
    expect(
      (await server.gql(ROTATE_TOKEN, { id: old.token.id }, org.admin.secret)).errors,
    ).toBeUndefined();
  });

  it("exports the same filter as CSV, quoted per RFC 4180 with formulas neutralised", async () => {
    const org = await seedOrg(server);
    const team = await org.team();
    const tricky = await server.gql(
      CREATE_TEAM_TOKEN,
      { organization: org.name, team, name: '=HYPERLINK("x"),a' },
      org.admin.secret,
      { "user-agent": 'agent "quoted"' },
    );
    expect(tricky.errors).toBeUndefined();
    await mustCreate(
      server,
      CREATE_TEAM_TOKEN,
      { organization: org.name, team, name: "plain" },
      org.admin.secret,
    );
    const url = `${server.url}/api/orgs/${org.name}/auditlog.csv?types=TOKEN_CREATED`;
    const response = await fetch(url, { headers: { authorization: `token ${org.admin.secret}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe(
      `attachment; filename="${org.name}-auditlog.csv"`,
    );
    const text = await response.text();
    const lines = text.split("\r\n");
    expect(lines[0]).toBe(
      "time,type,organization,actor_login,actor_token_id,actor_token_name,actor_token_kind,token_id,token_name,team,ip,user_agent,request_id,client_request_id,payload",
    );
    // The header, two events, the ADMIN's first personal token's, and the empty string after the last CRLF.
    expect(lines).toHaveLength(5);
    expect(lines[1]).toContain(`,plain,${team},`);
    expect(lines[2]).toContain(`,"'=HYPERLINK(""x""),a",${team},`);
    expect(lines[2]).toContain(`,"agent ""quoted""",`);
    expect(lines[2]).toMatch(/,"\{""kind"":""TEAM"",/);

    const member = await org.member();
    const refused = await fetch(url, { headers: { authorization: `Bearer ${member.secret}` } });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 403, error: "FORBIDDEN" });
    expect((await fetch(url)).status).toBe(401);
    const badType = await fetch(`${url},NOPE`, {
      headers: { authorization: `token ${org.admin.secret}` },
    });
    expect(badType.status).toBe(400);
    const badDate = await fetch(`${url}&since=yesterday`, {
      headers: { authorization: `token ${org.admin.secret}` },
    });
    expect(badDate.status).toBe(400);
    const flipped = org.admin.secret.slice(0, -1) + (org.admin.secret.endsWith("a") ? "b" : "a");
    const unauthenticated = await fetch(url, { headers: { authorization: `token ${flipped}` } });
    expect(unauthenticated.status).toBe(401);
    expect(await unauthenticated.json()).toMatchObject({ code: 401, error: "UNAUTHENTICATED" });
  });
});
