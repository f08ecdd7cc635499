import { expect, it } from "vitest";
import { describeEachStore } from "../../test/harness";
import { seedOrg } from "../../test/seed";
import { OrganizationRole } from "../modules/organization/organization.types";

describeEachStore("REST enum parameters", (server) => {
  it("refuses the name of an inherited property as an enum value, with a 400 naming the choices", async () => {
    const org = await seedOrg(server);
    const auditor = await org.member(OrganizationRole.AUDITOR);
    const cases: [string, RegExp][] = [
      ["tokens.csv?statuses=constructor", /statuses: "constructor" is not one of ACTIVE, /],
      ["tokens.csv?statuses=ACTIVE,toString", /statuses: "toString" is not one of/],
      ["tokens.csv?kinds=__proto__", /kinds: "__proto__" is not one of PERSONAL, TEAM, /],
      ["tokens.csv?kinds=hasOwnProperty", /kinds: "hasOwnProperty" is not one of/],
      ["tokens.csv?source=constructor", /source: "constructor" is not one of API, /],
      ["tokens.csv?source=valueOf", /source: "valueOf" is not one of/],
      ["auditlog.csv?types=constructor", /types: "constructor" is not one of TOKEN_CREATED/],
      ["auditlog.csv?types=__proto__", /types: "__proto__" is not one of/],
    ];
    for (const [path, message] of cases) {
      const response = await fetch(`${server.url}/api/orgs/${org.name}/${path}`, {
        headers: { authorization: `token ${auditor.secret}` },
      });
      expect.soft(response.status, path).toBe(400);
      const body = (await response.json().catch(() => null)) as { message?: string } | null;
      expect.soft(body?.message, path).toMatch(message);
    }
    // The enum's own values still pass.
    const allowed = await fetch(
      `${server.url}/api/orgs/${org.name}/tokens.csv?statuses=ACTIVE,REVOKED&kinds=TEAM&source=API`,
      { headers: { authorization: `token ${auditor.secret}` } },
    );
    expect(allowed.status).toBe(200);
  });
});
