import { expect, it } from "vitest";
import { describeEachStore } from "../../../test/harness";
import {
  CREATE_PERSONAL_TOKEN,
  CREATE_TEAM_TOKEN,
  REVOKE_TOKEN,
  ROTATE_TOKEN,
  SET_POLICY,
  VIEWER,
  auditTrail,
  errorCode,
  mustCreate,
  type Created,
  type TokenNode,
} from "../../../test/operations";
import { seedOrg } from "../../../test/seed";

const DAY = 86_400_000;
type Rotated = { rotateToken: Created & { token: TokenNode & { replacedTokenId: string } } };

describeEachStore("token rotation", (server) => {
  const at = (ms: number) => new Date(server.clock.now().getTime() + ms).toISOString();

  it("issues a new secret for the same token and refuses the old one at once", async () => {
    const org = await seedOrg(server);
    const team = await org.team();
    const old = await mustCreate(
      server,
      CREATE_TEAM_TOKEN,
      { organization: org.name, team, name: "deploy", description: "ci", expiresAt: at(30 * DAY) },
      org.admin.secret,
    );
    server.clock.advance(10 * DAY);
    const rotated = await server.gql<Rotated>(ROTATE_TOKEN, { id: old.token.id }, org.admin.secret);
    expect(rotated.errors).toBeUndefined();
    const fresh = rotated.data!.rotateToken;
    expect(fresh.secret).not.toBe(old.secret);
    expect(fresh.token).toMatchObject({
      kind: "TEAM",
      name: "deploy",
      description: "ci",
      team: { name: team },
      source: "ROTATION",
      replacedTokenId: old.token.id,
      status: "ACTIVE",
      // The old token's 30-day lifetime, from now.
      expiresAt: at(30 * DAY),
    });
    expect((await server.gql(VIEWER, {}, old.secret)).status).toBe(401);
    expect((await server.gql(VIEWER, {}, fresh.secret)).status).toBe(200);

    const trail = await auditTrail(server, org.admin.secret, {
      organization: org.name,
      types: ["TOKEN_ROTATED"],
    });
    expect(trail).toHaveLength(1);
    expect(trail[0]).toMatchObject({
      tokenId: old.token.id,
      tokenName: "deploy",
      actorLogin: org.admin.login,
      payload: { newTokenId: fresh.token.id, gracePeriodSeconds: 0, expiresAt: at(30 * DAY) },
    });
  });

  it("keeps the old token working through the grace period and refuses it exactly when it ends", async () => {
    const org = await seedOrg(server);
    const old = await mustCreate(
      server,
      CREATE_PERSONAL_TOKEN,
      { name: "laptop" },
      org.admin.secret,
    );
    const rotated = await server.gql<Rotated>(
      ROTATE_TOKEN,
      { id: old.token.id, gracePeriodSeconds: 300 },
      org.admin.secret,
    );
    expect(rotated.data!.rotateToken.token.expiresAt).toBeNull();
    const graceEnds = server.clock.now().getTime() + 300_000;
    server.clock.set(new Date(graceEnds - 1));
    expect((await server.gql(VIEWER, {}, old.secret)).status).toBe(200);
    server.clock.set(new Date(graceEnds));
    expect((await server.gql(VIEWER, {}, old.secret)).status).toBe(401);
    expect((await server.gql(VIEWER, {}, rotated.data!.rotateToken.secret)).status).toBe(200);
  });

  it("refuses to rotate a rotated or revoked token, changing nothing", async () => {
    const org = await seedOrg(server);
    const rotatedOnce = await mustCreate(
      server,
      CREATE_PERSONAL_TOKEN,
      { name: "a" },
      org.admin.secret,
    );
    await server.gql(
      ROTATE_TOKEN,
      { id: rotatedOnce.token.id, gracePeriodSeconds: 60 },
      org.admin.secret,
    );
    const revoked = await mustCreate(
      server,
      CREATE_PERSONAL_TOKEN,
      { name: "b" },
      org.admin.secret,
    );
    await server.gql(REVOKE_TOKEN, { id: revoked.token.id }, org.admin.secret);
    const before = await server.tenantRows(org.name);
    for (const id of [rotatedOnce.token.id, revoked.token.id]) {
      const response = await server.gql(ROTATE_TOKEN, { id }, org.admin.secret);
      expect(errorCode(response)).toBe("CONFLICT");
      expect(response.errors![0]!.message).toMatch(/already revoked or rotated/);
    }
    for (const gracePeriodSeconds of [-1, 86401]) {
      const fresh = await mustCreate(
        server,
        CREATE_PERSONAL_TOKEN,
        { name: `c${gracePeriodSeconds}` },
        org.admin.secret,
      );
      const bad = await server.gql(
        ROTATE_TOKEN,
        { id: fresh.token.id, gracePeriodSeconds },
        org.admin.secret,
      );
      expect(errorCode(bad)).toBe("BAD_USER_INPUT");
      expect(bad.errors![0]!.message).toMatch(/from 0 to 86400/);
    }
    expect((await server.tenantRows(org.name)).events).toBe(before.events + 2);
  });

  it("lets exactly one of 50 concurrent rotations of one token succeed", async () => {
    const org = await seedOrg(server);
    const team = await org.team();
    const { token } = await mustCreate(
      server,
      CREATE_TEAM_TOKEN,
      { organization: org.name, team, name: "hot" },
      org.admin.secret,
    );
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        server.gql(ROTATE_TOKEN, { id: token.id }, org.admin.secret),
      ),
    );
    expect(responses.filter((r) => !r.errors)).toHaveLength(1);
    expect(new Set(responses.filter((r) => r.errors).map(errorCode))).toEqual(
      new Set(["CONFLICT"]),
    );
    expect(await server.count("access_tokens", "replaced_token_id = ?", [token.id])).toBe(1);
    const trail = await auditTrail(server, org.admin.secret, {
      organization: org.name,
      types: ["TOKEN_ROTATED"],
    });
    expect(trail).toHaveLength(1);
  });

  it("lets a team token rotate itself without extra rights, but not another token", async () => {
    const org = await seedOrg(server);
    const team = await org.team();
    const self = await mustCreate(
      server,
      CREATE_TEAM_TOKEN,
      { organization: org.name, team, name: "self", expiresAt: at(DAY) },
      org.admin.secret,
    );
    const other = await mustCreate(
      server,
      CREATE_TEAM_TOKEN,
      { organization: org.name, team, name: "other" },
      org.admin.secret,
    );
    const forbidden = await server.gql(ROTATE_TOKEN, { id: other.token.id }, self.secret);
    expect(errorCode(forbidden)).toBe("FORBIDDEN");
    const renewed = await server.gql<Rotated>(
      ROTATE_TOKEN,
      { id: self.token.id, gracePeriodSeconds: 30 },
      self.secret,
    );
    expect(renewed.data!.rotateToken.token).toMatchObject({ name: "self", expiresAt: at(DAY) });
    expect((await server.gql(VIEWER, {}, renewed.data!.rotateToken.secret)).status).toBe(200);
  });

  it("caps the default expiry by policy and refuses an explicit one beyond it", async () => {
    const org = await seedOrg(server);
    const team = await org.team();
    // Made by the never-expiring ADMIN token; rotated by one that meets the 14-day cap exactly, so
    // the cap, not the caller's own expiry, is what bounds the rotation.
    const forever = await mustCreate(
      server,
      CREATE_TEAM_TOKEN,
      { organization: org.name, team, name: "forever" },
      org.admin.secret,
    );
    const explicit = await mustCreate(
      server,
      CREATE_TEAM_TOKEN,
      { organization: org.name, team, name: "explicit" },
      org.admin.secret,
    );
    const admin = await org.adminTokenFor(14);
    await server.gql(SET_POLICY, { organization: org.name, days: 14 }, admin);
    const tooFar = await server.gql(
      ROTATE_TOKEN,
      { id: explicit.token.id, expiresAt: at(15 * DAY) },
      admin,
    );
    expect(errorCode(tooFar)).toBe("POLICY_VIOLATION");
    // The refused rotation left the token rotatable.
    const capped = await server.gql<Rotated>(ROTATE_TOKEN, { id: forever.token.id }, admin);
    expect(capped.data!.rotateToken.token.expiresAt).toBe(at(14 * DAY));
    const again = await server.gql<Rotated>(
      ROTATE_TOKEN,
      { id: explicit.token.id, expiresAt: at(DAY) },
      admin,
    );
    expect(again.data!.rotateToken.token.expiresAt).toBe(at(DAY));
  });
});
