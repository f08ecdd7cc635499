import { expect, it } from "vitest";
import { describeEachStore } from "../../../test/harness";
import {
  CREATE_ORGANIZATION_TOKEN,
  auditTrail,
  errorCode,
  mustCreate,
} from "../../../test/operations";
import { seedOrg, uniqueName, type SeededOrg } from "../../../test/seed";
import { OrganizationRole } from "../organization/organization.types";

const DAY = 86_400_000;
const INVITE = `mutation($o: String!, $l: String!, $e: DateTime) {
  inviteMember(organization: $o, login: $l, role: MEMBER, expiresAt: $e) { code invitation { id } }
}`;
const PENDING = `query($o: String!) {
  invitations(organization: $o) { id login role createdAt expiresAt redeemedAt createdBy { login } }
}`;
const CANCEL = `mutation($id: ID!) { cancelInvitation(id: $id) { id login } }`;
const REDEEM = `mutation($c: String!) { redeemInvitation(code: $c, tokenName: "first") { secret } }`;

interface Pending {
  invitations: { id: string; login: string; expiresAt: string; createdBy: { login: string } }[];
}

describeEachStore("pending invitations", (server) => {
  const invite = async (org: SeededOrg, days?: number) => {
    const login = uniqueName("new");
    const e = days ? new Date(server.clock.now().getTime() + days * DAY).toISOString() : null;
    const response = await server.gql<{
      inviteMember: { code: string; invitation: { id: string } };
    }>(INVITE, { o: org.name, l: login, e }, org.admin.secret);
    expect(response.errors).toBeUndefined();
    return {
      login,
      code: response.data!.inviteMember.code,
      ...response.data!.inviteMember.invitation,
    };
  };
  const pending = async (org: SeededOrg, secret = org.admin.secret) =>
    server.gql<Pending>(PENDING, { o: org.name }, secret);
  const pendingLogins = async (org: SeededOrg) =>
    (await pending(org)).data!.invitations.map((i) => i.login);

  it("lists the invitations neither redeemed nor expired, soonest to expire first, never their codes", async () => {
    const org = await seedOrg(server);
    const week = await invite(org);
    const soon = await invite(org, 2);
    const redeemed = await invite(org);
    const lapsing = await invite(org, 1);
    expect((await server.gql(REDEEM, { c: redeemed.code })).errors).toBeUndefined();
    expect(await pendingLogins(org)).toEqual([lapsing.login, soon.login, week.login]);

    server.clock.advance(DAY);
    const response = await pending(org);
    expect(response.data!.invitations.map((i) => i.login)).toEqual([soon.login, week.login]);
    expect(response.data!.invitations[0]!.createdBy).toEqual({ login: org.admin.login });
    const dump = JSON.stringify(response);
    for (const code of [week.code, soon.code]) expect(dump).not.toContain(code.slice(10));
    expect(dump).not.toMatch(/digest/i);
  });

  it("cancels an invitation: its code no longer joins, and the audit trail says who cancelled it", async () => {
    const org = await seedOrg(server);
    const kept = await invite(org);
    const cancelled = await invite(org);
    const response = await server.gql<{ cancelInvitation: { id: string; login: string } }>(
      CANCEL,
      { id: cancelled.id },
      org.admin.secret,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.cancelInvitation).toEqual({ id: cancelled.id, login: cancelled.login });
    expect(await pendingLogins(org)).toEqual([kept.login]);

    const redeem = await server.gql(REDEEM, { c: cancelled.code });
    expect(errorCode(redeem)).toBe("NOT_FOUND");
    const trail = await auditTrail(server, org.admin.secret, {
      organization: org.name,
      types: ["INVITATION_CANCELLED"],
    });
    expect(trail.map((e) => [e.type, e.actorLogin])).toEqual([
      ["INVITATION_CANCELLED", org.admin.login],
    ]);
    const again = await server.gql(CANCEL, { id: cancelled.id }, org.admin.secret);
    expect(errorCode(again)).toBe("NOT_FOUND");
  });

  it("refuses to cancel an invitation already redeemed, pointing to removing the member", async () => {
    const org = await seedOrg(server);
    const used = await invite(org);
    await server.gql(REDEEM, { c: used.code });
    const response = await server.gql(CANCEL, { id: used.id }, org.admin.secret);
    expect(errorCode(response)).toBe("CONFLICT");
    expect(response.errors![0]!.message).toMatch(/already redeemed .* remove them/);
  });

  it("refuses another organization's ADMIN, a MEMBER and an admin organization token, changing nothing", async () => {
    const org = await seedOrg(server);
    const target = await invite(org);
    const member = await org.member(OrganizationRole.MEMBER);
    const auditor = await org.member(OrganizationRole.AUDITOR);
    const outsider = await seedOrg(server);
    const machine = (
      await mustCreate(
        server,
        CREATE_ORGANIZATION_TOKEN,
        { organization: org.name, name: uniqueName("machine"), admin: true },
        org.admin.secret,
      )
    ).secret;
    const before = await server.tenantRows(org.name);
    const refusals: [string, string, string][] = [
      ["another organization's ADMIN", outsider.admin.secret, "NOT_FOUND"],
      ["a MEMBER", member.secret, "FORBIDDEN"],
      ["an AUDITOR", auditor.secret, "FORBIDDEN"],
      ["an admin organization token", machine, "FORBIDDEN"],
    ];
    for (const [who, secret, code] of refusals) {
      const listed = await pending(org, secret);
      expect.soft(errorCode(listed), `${who} lists`).toBe(code);
      expect.soft(listed.errors?.[0]?.message, `${who} is told why`).toMatch(/\w+ .*\./);
      const cancelled = await server.gql(CANCEL, { id: target.id }, secret);
      expect.soft(errorCode(cancelled), `${who} cancels`).toBe(code);
    }
    expect(await server.tenantRows(org.name)).toEqual(before);
    expect(await pendingLogins(org)).toContain(target.login);
    expect((await server.gql(REDEEM, { c: target.code })).errors).toBeUndefined();
  });
});
