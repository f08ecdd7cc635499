import { expect, it } from "vitest";
import { describeEachStore } from "../../../test/harness";
import {
  CREATE_ORGANIZATION_TOKEN,
  CREATE_TEAM_TOKEN,
  errorCode,
  mustCreate,
} from "../../../test/operations";
import { seedOrg } from "../../../test/seed";
import { Edition } from "./organization.types";

describeEachStore("edition gate", (server) => {
  it("refuses team and organization tokens outside ENTERPRISE and BUSINESS_CRITICAL, naming the editions", async () => {
    for (const edition of [Edition.INDIVIDUAL, Edition.TEAM]) {
      const org = await seedOrg(server, { edition });
      const team = await org.team();
      const before = await server.tenantRows(org.name);
      for (const [document, variables] of [
        [CREATE_TEAM_TOKEN, { organization: org.name, team, name: "t" }],
        [CREATE_ORGANIZATION_TOKEN, { organization: org.name, name: "o" }],
      ] as const) {
        const response = await server.gql(document, variables, org.admin.secret);
        expect(errorCode(response)).toBe("EDITION_REQUIRED");
        expect(response.errors![0]!.message).toMatch(/ENTERPRISE or BUSINESS_CRITICAL edition/);
        expect(response.errors![0]!.message).toContain(`has the ${edition} edition`);
      }
      expect(await server.tenantRows(org.name)).toEqual(before);
    }
  });

  it("allows them once a site admin moves the organization to BUSINESS_CRITICAL", async () => {
    const org = await seedOrg(server, { edition: Edition.TEAM });
    const siteAdmin = await seedOrg(server, { siteAdmin: true });
    const changed = await server.gql(
      `mutation($o: String!) { setOrganizationEdition(organization: $o, edition: BUSINESS_CRITICAL) { name edition } }`,
      { o: org.name },
      siteAdmin.admin.secret,
    );
    expect(changed.data).toEqual({
      setOrganizationEdition: { name: org.name, edition: "BUSINESS_CRITICAL" },
    });
    await mustCreate(
      server,
      CREATE_ORGANIZATION_TOKEN,
      { organization: org.name, name: "o" },
      org.admin.secret,
    );
  });

  it("lets a site admin create an organization and become its ADMIN", async () => {
    const siteAdmin = await seedOrg(server, { siteAdmin: true });
    const name = `new-${Date.now().toString(36)}`;
    const created = await server.gql<{
      createOrganization: { name: string; edition: string; members: unknown[] };
    }>(
      `mutation($n: String!) { createOrganization(name: $n, edition: ENTERPRISE) { name edition members { role user { login } } } }`,
      { n: name },
      siteAdmin.admin.secret,
    );
    expect(created.data!.createOrganization).toEqual({
      name,
      edition: "ENTERPRISE",
      members: [{ role: "ADMIN", user: { login: siteAdmin.admin.login } }],
    });
    const again = await server.gql(
      `mutation($n: String!) { createOrganization(name: $n, edition: TEAM) { name } }`,
      { n: name },
      siteAdmin.admin.secret,
    );
    expect(errorCode(again)).toBe("CONFLICT");
    const bad = await server.gql(
      `mutation { createOrganization(name: "Not A Slug", edition: TEAM) { name } }`,
      {},
      siteAdmin.admin.secret,
    );
    expect(errorCode(bad)).toBe("BAD_USER_INPUT");
    expect(bad.errors![0]!.message).toMatch(/lower-case letters, digits and hyphens/);
  });
});
