import { expect, it } from "vitest";
import { describeEachStore } from "../../../test/harness";
import {
  VIEWER,
  auditTrail,
  errorCode,
  type Created,
  type ViewerResult,
} from "../../../test/operations";
import { seedOrg, uniqueName } from "../../../test/seed";
import { INVITATION_PREFIX, generateCode } from "../../auth/token-secret";

const INVITE = `mutation($o: String!, $l: String!, $r: OrganizationRole!, $e: DateTime) {
  inviteMember(organization: $o, login: $l, role: $r, expiresAt: $e) { code invitation { id login role expiresAt redeemedAt } }
}`;
const REDEEM = `mutation($c: String!, $n: String!, $e: DateTime) {
  redeemInvitation(code: $c, tokenName: $n, expiresAt: $e) { secret token { id name kind expiresAt owner { login } } }
}`;
interface Invited {
  inviteMember: {
    code: string;
    invitation: { id: string; login: string; role: string; expiresAt: string };
  };
}

describeEachStore("invitations", (server) => {
  const invite = async (
    org: { name: string; admin: { secret: string } },
    login = uniqueName("new"),
    role = "MEMBER",
  ) => {
    const response = await server.gql<Invited>(
      INVITE,
      { o: org.name, l: login, r: role },
      org.admin.secret,
    );
    expect(response.errors).toBeUndefined();
    return { login, ...response.data!.inviteMember };
  };

  it("turns a one-time code into a membership and a first personal token, with no authentication", async () => {
    const org = await seedOrg(server);
    const { code, login, invitation } = await invite(org, undefined, "AUDITOR");
    expect(code).toMatch(/^lapse_inv_[0-9A-Za-z]{38}$/);
    expect(invitation.expiresAt).toBe(
      new Date(server.clock.now().getTime() + 7 * 86_400_000).toISOString(),
    );
    const redeemed = await server.gql<{ redeemInvitation: Created }>(REDEEM, {
      c: code,
      n: "laptop",
    });
    expect(redeemed.errors).toBeUndefined();
    expect(redeemed.data!.redeemInvitation.token).toMatchObject({
      name: "laptop",
      kind: "PERSONAL",
      owner: { login },
    });
    const secret = redeemed.data!.redeemInvitation.secret;
    const viewer = await server.gql<ViewerResult>(VIEWER, {}, secret);
    expect(viewer.data!.viewer.user).toEqual({ login });
    const members = await server.gql<{
      organization: { members: { role: string; user: { login: string } }[] };
    }>(
      `query($n: String!) { organization(name: $n) { members { role user { login } } } }`,
      { n: org.name },
      secret,
    );
    expect(members.data!.organization.members).toContainEqual({ role: "AUDITOR", user: { login } });

    const trail = await auditTrail(server, org.admin.secret, {
      organization: org.name,
      types: ["MEMBER_INVITED", "MEMBER_JOINED"],
    });
    expect(trail.map((e) => [e.type, e.actorLogin])).toEqual([
      ["MEMBER_JOINED", login],
      ["MEMBER_INVITED", org.admin.login],
    ]);
    // The database holds the code's digest only.
    const dump = JSON.stringify(await server.dataSource.query("SELECT * FROM invitations"));
    expect(dump).not.toContain(code.slice(10, 30));
  });

  it("refuses a used, expired, unknown or mistyped code, changing nothing", async () => {
    const org = await seedOrg(server);
    const used = await invite(org);
    await server.gql(REDEEM, { c: used.code, n: "first" });
    const expired = await invite(org);
    const before = await server.tenantRows(org.name);

    const again = await server.gql(REDEEM, { c: used.code, n: "second" });
    expect(errorCode(again)).toBe("CONFLICT");
    expect(again.errors![0]!.message).toBe("This invitation has already been used.");

    server.clock.advance(7 * 86_400_000);
    const late = await server.gql(REDEEM, { c: expired.code, n: "late" });
    expect(errorCode(late)).toBe("BAD_USER_INPUT");
    expect(late.errors![0]!.message).toMatch(/expired at .* ask an ADMIN of/);

    const mistyped = expired.code.slice(0, -1) + (expired.code.endsWith("a") ? "b" : "a");
    let status = 0;
    const queries = await server.queriesDuring(async () => {
      status = (await server.gql(REDEEM, { c: mistyped, n: "x" })).status;
    });
    expect(status).toBe(200);
    expect(queries).toEqual([]);
    // Well-formed, with a valid checksum, but never issued.
    const neverIssued = generateCode(INVITATION_PREFIX);
    for (const c of [mistyped, neverIssued, "nonsense"]) {
      const response = await server.gql(REDEEM, { c, n: "x" });
      expect.soft(errorCode(response), c).toBe("NOT_FOUND");
    }
    expect(await server.tenantRows(org.name)).toEqual(before);
  });

  it("leaves the code usable when redemption fails on the token's name", async () => {
    const org = await seedOrg(server);
    const { code } = await invite(org);
    const bad = await server.gql(REDEEM, { c: code, n: "" });
    expect(errorCode(bad)).toBe("BAD_USER_INPUT");
    const good = await server.gql(REDEEM, { c: code, n: "ok" });
    expect(good.errors).toBeUndefined();
  });

  it("never hands an existing account to whoever holds the code", async () => {
    const org = await seedOrg(server);
    const other = await seedOrg(server);
    const existing = await other.member();
    const { code } = await invite(org, existing.login);
    const anonymous = await server.gql(REDEEM, { c: code, n: "takeover" });
    expect(errorCode(anonymous)).toBe("FORBIDDEN");
    expect(anonymous.errors![0]!.message).toMatch(/already has a Lapse account/);
    const someoneElse = await server.gql(REDEEM, { c: code, n: "takeover" }, other.admin.secret);
    expect(errorCode(someoneElse)).toBe("FORBIDDEN");
    const themselves = await server.gql<{ redeemInvitation: Created }>(
      REDEEM,
      { c: code, n: "joined" },
      existing.secret,
    );
    expect(themselves.data!.redeemInvitation.token.owner).toEqual({ login: existing.login });
  });

  it("is for ADMINs, and not for people who are already members", async () => {
    const org = await seedOrg(server);
    const member = await org.member();
    const byMember = await server.gql(
      INVITE,
      { o: org.name, l: uniqueName("x"), r: "MEMBER" },
      member.secret,
    );
    expect(errorCode(byMember)).toBe("FORBIDDEN");
    const existing = await server.gql(
      INVITE,
      { o: org.name, l: member.login, r: "ADMIN" },
      org.admin.secret,
    );
    expect(errorCode(existing)).toBe("CONFLICT");
    const tooLong = await server.gql(
      INVITE,
      {
        o: org.name,
        l: uniqueName("x"),
        r: "MEMBER",
        e: new Date(server.clock.now().getTime() + 31 * 86_400_000).toISOString(),
      },
      org.admin.secret,
    );
    expect(errorCode(tooLong)).toBe("BAD_USER_INPUT");
  });
});
