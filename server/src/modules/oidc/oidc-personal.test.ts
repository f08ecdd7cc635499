import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachStore } from "../../../test/harness";
import { TestOidcIssuer } from "../../../test/oidc-issuer";
import { exchange, tokenType, trustIssuer } from "../../../test/oidc-setup";
import { VIEWER, auditTrail, type ViewerResult } from "../../../test/operations";
import { seedOrg, type Person, type SeededOrg } from "../../../test/seed";
import { OrganizationRole } from "../organization/organization.types";

describeEachStore("OIDC personal tokens", (server) => {
  const issuer = new TestOidcIssuer();
  let org: SeededOrg;
  let member: Person;
  let leaver: Person;
  let auditor: Person;
  const audience = () => `urn:lapse:org:${org.name}`;
  const personal = async (login: string) =>
    exchange(server, {
      audience: audience(),
      subject_token: await issuer.sign(issuer.githubClaims(audience(), server.clock.now())),
      requested_token_type: tokenType("personal"),
      scope: `user:${login}`,
    });

  beforeAll(async () => {
    await issuer.start();
    org = await seedOrg(server);
    member = await org.member();
    leaver = await org.member();
    auditor = await org.member(OrganizationRole.AUDITOR);
    await trustIssuer(
      server,
      org.admin.secret,
      org.name,
      issuer,
      [member, leaver].map((person) => ({
        decision: "ALLOW",
        tokenType: "PERSONAL",
        login: person.login,
        rules: [{ claim: "sub", pattern: "repo:acme/infra:*" }],
      })),
    );
  });
  afterAll(() => issuer.stop());

  it("records the exchange and the creation in the issuer's organization, for its ADMINs and AUDITORs", async () => {
    const answer = await personal(member.login);
    expect(answer.status).toBe(200);
    const viewer = await server.gql<ViewerResult>(VIEWER, {}, answer.body.access_token as string);
    const tokenId = viewer.data!.viewer.token.id;
    for (const reader of [org.admin, auditor]) {
      const trail = await auditTrail(server, reader.secret, { organization: org.name, tokenId });
      expect(trail.map((e) => [e.type, e.organization?.name])).toEqual([
        ["TOKEN_EXCHANGED", org.name],
        ["TOKEN_CREATED", org.name],
      ]);
      expect(trail[1]!.payload).toMatchObject({ kind: "PERSONAL", source: "OIDC" });
    }
  });

  it("mints no personal token for a login that has left the organization", async () => {
    expect((await personal(leaver.login)).status).toBe(200);
    const removed = await server.gql(
      `mutation($o: String!, $l: String!) { removeOrganizationMember(organization: $o, login: $l) { login } }`,
      { o: org.name, l: leaver.login },
      org.admin.secret,
    );
    expect(removed.errors).toBeUndefined();
    const tokens = () =>
      server.count(
        "access_tokens",
        "owner_id = (SELECT id FROM users WHERE login = ?) AND source = 'OIDC'",
        [leaver.login],
      );
    const before = await tokens();
    const answer = await personal(leaver.login);
    expect(answer).toMatchObject({
      status: 400,
      body: {
        error: "invalid_target",
        error_description: `${leaver.login} is not a member of ${org.name}.`,
      },
    });
    expect(await tokens()).toBe(before);
  });
});
