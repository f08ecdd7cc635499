import { expect, it } from "vitest";
import { describeEachStore } from "../../../test/harness";
import { CREATE_TEAM_TOKEN, mustCreate } from "../../../test/operations";
import { seedOrg } from "../../../test/seed";
import { OrganizationRole } from "../organization/organization.types";

describeEachStore("the token list as CSV", (server) => {
  it("downloads exactly the filtered view, with the same rights as the tokens query", async () => {
    const org = await seedOrg(server);
    const team = await org.team();
    const soon = new Date(server.clock.now().getTime() + 3 * 86_400_000).toISOString();
    await mustCreate(
      server,
      CREATE_TEAM_TOKEN,
      { organization: org.name, team, name: "=cmd|' /C calc'!A0", expiresAt: soon },
      org.admin.secret,
    );
    await mustCreate(
      server,
      CREATE_TEAM_TOKEN,
      { organization: org.name, team, name: "later" },
      org.admin.secret,
    );
    const auditor = await org.member(OrganizationRole.AUDITOR);
    const url = `${server.url}/api/orgs/${org.name}/tokens.csv?kinds=TEAM&expiringWithinDays=7`;
    const response = await fetch(url, { headers: { authorization: `token ${auditor.secret}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toBe(
      `attachment; filename="${org.name}-tokens.csv"`,
    );
    const lines = (await response.text()).split("\r\n");
    expect(lines[0]).toBe(
      "id,name,kind,status,team,owner,created_by,source,created_at,expires_at,last_used_at,revoked_at",
    );
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(`,'=cmd|' /C calc'!A0,TEAM,ACTIVE,${team},,${org.admin.login},API,`);
    expect(lines[1]).toContain(`,${soon},`);

    const member = await org.member();
    expect(
      (await fetch(url, { headers: { authorization: `token ${member.secret}` } })).status,
    ).toBe(200);
    const memberLines = (
      await (await fetch(url, { headers: { authorization: `token ${member.secret}` } })).text()
    ).split("\r\n");
    expect(memberLines).toHaveLength(2); // a member not on the team sees none of its tokens
    for (const bad of [
      "kinds=ROOT",
      "expiringWithinDays=abc",
      "expiresAfter=soon",
      "source=NOPE",
    ]) {
      const refused = await fetch(`${server.url}/api/orgs/${org.name}/tokens.csv?${bad}`, {
        headers: { authorization: `token ${auditor.secret}` },
      });
      expect.soft(refused.status, bad).toBe(400);
    }
    expect((await fetch(url)).status).toBe(401);
  });
});
