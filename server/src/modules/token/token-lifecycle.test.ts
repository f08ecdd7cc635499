import { expect, it } from "vitest";
import { describeEachStore } from "../../../test/harness";
import {
  CREATE_ORGANIZATION_TOKEN,
  CREATE_PERSONAL_TOKEN,
  CREATE_TEAM_TOKEN,
  REVOKE_TOKEN,
  VIEWER,
  errorCode,
  mustCreate,
  type TokenNode,
  type ViewerResult,
} from "../../../test/operations";
import { seedOrg } from "../../../test/seed";
import { OrganizationRole } from "../organization/organization.types";

interface AuditRow {
  type: string;
  organization_id: string | null;
  actor_login: string | null;
  actor_token_id: string | null;
  token_id: string | null;
  token_name: string | null;
  request_id: string | null;
  client_request_id: string | null;
  created_at: unknown;
}

describeEachStore("token lifecycle", (server) => {
  const auditFor = (tokenId: string): Promise<AuditRow[]> =>
    server.dataSource.query(
      "SELECT type, organization_id, actor_login, actor_token_id, token_id, token_name, request_id, client_request_id, created_at FROM audit_events WHERE token_id = ? ORDER BY created_at, id",
      [tokenId],
    );

  it("creates, uses and revokes each kind of token, recording who did what", async () => {
    const org = await seedOrg(server);
    const team = await org.team();
    const variants = [
      {
        document: CREATE_PERSONAL_TOKEN,
        vars: { name: "laptop" },
        kind: "PERSONAL",
        prefix: "lapse_pat_",
      },
      {
        document: CREATE_TEAM_TOKEN,
        vars: { organization: org.name, team, name: "deploy" },
        kind: "TEAM",
        prefix: "lapse_tat_",
      },
      {
        document: CREATE_ORGANIZATION_TOKEN,
        vars: { organization: org.name, name: "ci", admin: true },
        kind: "ORGANIZATION",
        prefix: "lapse_oat_",
      },
    ];
    for (const variant of variants) {
      const { secret, token } = await mustCreate(
        server,
        variant.document,
        { ...variant.vars, description: "for tests" },
        org.admin.secret,
      );
      expect(secret.startsWith(variant.prefix)).toBe(true);
      expect(token).toMatchObject({
        kind: variant.kind,
        status: "ACTIVE",
        description: "for tests",
        expiresAt: null,
        revokedAt: null,
        hint: `${variant.prefix}…${secret.slice(-4)}`,
        createdBy: { login: org.admin.login },
        source: "API",
      });
      expect(token.owner).toEqual(variant.kind === "PERSONAL" ? { login: org.admin.login } : null);
      expect(token.team).toEqual(variant.kind === "TEAM" ? { name: team } : null);
      expect(token.organization).toEqual(variant.kind === "PERSONAL" ? null : { name: org.name });

      const used = await server.gql<ViewerResult>(VIEWER, {}, secret);
      expect(used.data!.viewer.kind).toBe(variant.kind);
      expect(used.data!.viewer.token.id).toBe(token.id);
      expect(used.headers.get("lapse-token-expiration")).toBeNull();

      server.clock.advance(1000);
      const revoked = await server.gql<{ revokeToken: TokenNode }>(
        REVOKE_TOKEN,
        { id: token.id },
        org.admin.secret,
        { "x-request-id": `revoke-${token.id}` },
      );
      expect(revoked.data!.revokeToken).toMatchObject({
        status: "REVOKED",
        revokedAt: server.clock.now().toISOString(),
      });
      const refused = await server.gql(VIEWER, {}, secret);
      expect(refused.status).toBe(401);
      expect(refused.errors![0]!.message).toMatch(/revoked/);

      const events = await auditFor(token.id);
      // The refused use after revocation is on the trail too.
      expect(events.map((e) => e.type)).toEqual([
        "TOKEN_CREATED",
        "TOKEN_REVOKED",
        "TOKEN_USE_REFUSED",
      ]);
      expect(events[2]).toMatchObject({ actor_token_id: token.id, token_id: token.id });
      for (const event of events.slice(0, 2)) {
        expect(event).toMatchObject({ actor_login: org.admin.login, token_name: token.name });
        expect(event.organization_id === null).toBe(variant.kind === "PERSONAL");
      }
      expect(events[1]!.client_request_id).toBe(`revoke-${token.id}`);
      expect(events[1]!.request_id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it("lets a token revoke itself, and revoking twice records one event", async () => {
    const org = await seedOrg(server);
    const { secret, token } = await mustCreate(
      server,
      CREATE_ORGANIZATION_TOKEN,
      { organization: org.name, name: "self" },
      org.admin.secret,
    );
    const first = await server.gql<{ revokeToken: TokenNode }>(
      REVOKE_TOKEN,
      { id: token.id },
      secret,
    );
    expect(first.data!.revokeToken.status).toBe("REVOKED");
    const second = await server.gql<{ revokeToken: TokenNode }>(
      REVOKE_TOKEN,
      { id: token.id },
      org.admin.secret,
    );
    expect(second.data!.revokeToken.revokedAt).toBe(first.data!.revokeToken.revokedAt);
    const events = await auditFor(token.id);
    expect(events.map((e) => e.type)).toEqual(["TOKEN_CREATED", "TOKEN_REVOKED"]);
    expect(events[1]!.actor_token_id).toBe(token.id);
  });

  it("keeps a team token working after its creator's own token is gone: it belongs to no person", async () => {
    const org = await seedOrg(server);
    const team = await org.team();
    const creator = await org.member(OrganizationRole.ADMIN);
    const teamToken = await mustCreate(
      server,
      CREATE_TEAM_TOKEN,
      { organization: org.name, team, name: "survivor" },
      creator.secret,
    );
    const creatorViewer = await server.gql<ViewerResult>(VIEWER, {}, creator.secret);
    await server.gql(REVOKE_TOKEN, { id: creatorViewer.data!.viewer.token.id }, creator.secret);
    expect((await server.gql(VIEWER, {}, creator.secret)).status).toBe(401);

    const used = await server.gql<ViewerResult>(VIEWER, {}, teamToken.secret);
    expect(used.status).toBe(200);
    expect(used.data!.viewer).toMatchObject({ kind: "TEAM", user: null, team: { name: team } });
    expect(teamToken.token.owner).toBeNull();
    expect(teamToken.token.createdBy).toEqual({ login: creator.login });
  });

  it("answers NOT_FOUND for revoking a token that does not exist", async () => {
    const org = await seedOrg(server);
    const response = await server.gql(
      REVOKE_TOKEN,
      { id: "00000000-0000-0000-0000-000000000000" },
      org.admin.secret,
    );
    expect(errorCode(response)).toBe("NOT_FOUND");
  });
});
