import { expect, it } from "vitest";
import { describeEachStore } from "../../../test/harness";
import { REGISTER_ISSUER, SET_POLICIES } from "../../../test/oidc-setup";
import {
  CREATE_ORGANIZATION_TOKEN,
  auditTrail,
  errorCode,
  mustCreate,
} from "../../../test/operations";
import { seedOrg } from "../../../test/seed";
import { OrganizationRole } from "../organization/organization.types";

const ISSUERS = `query($o: String!) { oidcIssuers(organization: $o) { id name url maxExpirationSeconds hasStaticJwks policies { decision } } }`;
const allowSub = {
  decision: "ALLOW",
  tokenType: "ORGANIZATION",
  rules: [{ claim: "sub", pattern: "repo:acme/infra:*" }],
};

describeEachStore("OIDC issuers", (server) => {
  it("are registered, changed and removed by person ADMINs, read by AUDITORs, and audited", async () => {
    const org = await seedOrg(server);
    const auditor = await org.member(OrganizationRole.AUDITOR);
    const member = await org.member();
    const machine = await mustCreate(
      server,
      CREATE_ORGANIZATION_TOKEN,
      { organization: org.name, name: "m", admin: true },
      org.admin.secret,
    );
    const vars = { o: org.name, n: "github", u: "https://token.actions.githubusercontent.com" };
    for (const secret of [machine.secret, auditor.secret, member.secret]) {
      expect(errorCode(await server.gql(REGISTER_ISSUER, vars, secret))).toBe("FORBIDDEN");
    }
    const registered = await server.gql<{
      registerOidcIssuer: { id: string; maxExpirationSeconds: number };
    }>(REGISTER_ISSUER, vars, org.admin.secret);
    expect(registered.data!.registerOidcIssuer.maxExpirationSeconds).toBe(7200);
    const id = registered.data!.registerOidcIssuer.id;
    expect(errorCode(await server.gql(REGISTER_ISSUER, vars, org.admin.secret))).toBe("CONFLICT");

    const listed = await server.gql<{ oidcIssuers: { name: string }[] }>(
      ISSUERS,
      { o: org.name },
      auditor.secret,
    );
    expect(listed.data!.oidcIssuers.map((i) => i.name)).toEqual(["github"]);
    expect(errorCode(await server.gql(ISSUERS, { o: org.name }, member.secret))).toBe("FORBIDDEN");

    const updated = await server.gql(
      `mutation($id: ID!) { updateOidcIssuer(id: $id, maxExpirationSeconds: 900) { maxExpirationSeconds } }`,
      { id },
      org.admin.secret,
    );
    expect(updated.data).toEqual({ updateOidcIssuer: { maxExpirationSeconds: 900 } });
    const removed = await server.gql(
      `mutation($id: ID!) { deleteOidcIssuer(id: $id) { id } }`,
      { id },
      org.admin.secret,
    );
    expect(removed.errors).toBeUndefined();
    expect(
      (await server.gql<{ oidcIssuers: unknown[] }>(ISSUERS, { o: org.name }, org.admin.secret))
        .data!.oidcIssuers,
    ).toEqual([]);
    const trail = await auditTrail(server, org.admin.secret, {
      organization: org.name,
      types: ["OIDC_ISSUER_REGISTERED", "OIDC_ISSUER_UPDATED", "OIDC_ISSUER_DELETED"],
    });
    expect(trail.map((e) => e.type)).toEqual([
      "OIDC_ISSUER_DELETED",
      "OIDC_ISSUER_UPDATED",
      "OIDC_ISSUER_REGISTERED",
    ]);
  });

  it("refuses plain http off loopback, private or symmetric keys, and out-of-range lifetimes", async () => {
    const org = await seedOrg(server);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ u: "http://token.example.com" }, /https \(plain http only on loopback\)/],
      [{ u: "https://token.example.com/?x=1" }, /no query/],
      [{ u: "not a url" }, /absolute URL/],
      [
        {
          u: "https://a.example",
          j: JSON.stringify({ keys: [{ kty: "RSA", n: "x", e: "AQAB", d: "secret" }] }),
        },
        /public keys only/,
      ],
      [
        { u: "https://a.example", j: JSON.stringify({ keys: [{ kty: "oct", k: "c2VjcmV0" }] }) },
        /RSA, EC or OKP/,
      ],
      [{ u: "https://a.example", j: "{not json" }, /JSON Web Key Set/],
      [{ u: "https://a.example", m: 90001 }, /from 60 to 90000/],
      [{ u: "https://a.example", m: 10 }, /from 60 to 90000/],
      [{ u: "https://a.example", n: "Not A Slug" }, /lower-case letters/],
    ];
    const before = await server.tenantRows(org.name);
    for (const [vars, message] of cases) {
      const response = await server.gql(
        REGISTER_ISSUER,
        { o: org.name, n: "x", ...vars },
        org.admin.secret,
      );
      expect.soft(errorCode(response), JSON.stringify(vars)).toBe("BAD_USER_INPUT");
      expect.soft(response.errors?.[0]?.message, JSON.stringify(vars)).toMatch(message);
    }
    expect(await server.tenantRows(org.name)).toEqual(before);
    const loopback = await server.gql(
      REGISTER_ISSUER,
      { o: org.name, n: "local", u: "http://127.0.0.1:9/issuer" },
      org.admin.secret,
    );
    expect(loopback.errors).toBeUndefined();
  });

  it("refuses policies that would trust every repository, name nothing, or number more than 40", async () => {
    const org = await seedOrg(server);
    const team = await org.team();
    const registered = await server.gql<{ registerOidcIssuer: { id: string } }>(
      REGISTER_ISSUER,
      { o: org.name, n: "gh", u: "https://token.actions.githubusercontent.com" },
      org.admin.secret,
    );
    const id = registered.data!.registerOidcIssuer.id;
    const cases: [Record<string, unknown>[], RegExp][] = [
      [
        [
          {
            decision: "ALLOW",
            tokenType: "ORGANIZATION",
            rules: [{ claim: "aud", pattern: `urn:lapse:org:${org.name}` }],
          },
        ],
        /must constrain sub/,
      ],
      [
        [{ decision: "ALLOW", tokenType: "ORGANIZATION", rules: [{ claim: "sub", pattern: "*" }] }],
        /must constrain sub/,
      ],
      [
        [
          {
            decision: "ALLOW",
            tokenType: "ORGANIZATION",
            rules: [{ claim: "sub", pattern: "**??" }],
          },
        ],
        /must constrain sub/,
      ],
      [
        [
          {
            decision: "ALLOW",
            tokenType: "TEAM",
            rules: [{ claim: "sub", pattern: "repo:acme/*" }],
          },
        ],
        /names its team/,
      ],
      [
        [
          {
            decision: "ALLOW",
            tokenType: "TEAM",
            team: "nope",
            rules: [{ claim: "sub", pattern: "repo:acme/*" }],
          },
        ],
        /no team named "nope"/,
      ],
      [
        [
          {
            decision: "ALLOW",
            tokenType: "PERSONAL",
            rules: [{ claim: "sub", pattern: "repo:acme/*" }],
          },
        ],
        /names its login/,
      ],
      [[{ decision: "DENY", tokenType: "TEAM", rules: [] }], /1 to 20 rules/],
      [
        [{ decision: "DENY", tokenType: "TEAM", rules: [{ claim: "bad claim!", pattern: "x" }] }],
        /not a claim path/,
      ],
      [Array(41).fill(allowSub), /at most 40 policies/],
    ];
    for (const [policies, message] of cases) {
      const response = await server.gql(SET_POLICIES, { id, p: policies }, org.admin.secret);
      expect.soft(errorCode(response), message.source).toBe("BAD_USER_INPUT");
      expect.soft(response.errors?.[0]?.message, message.source).toMatch(message);
    }
    const ok = await server.gql<{ setOidcIssuerPolicies: { policies: unknown[] } }>(
      SET_POLICIES,
      {
        id,
        p: [
          ...Array(39).fill(allowSub),
          {
            decision: "ALLOW",
            tokenType: "TEAM",
            team,
            rules: [
              { claim: "repository_owner_id", pattern: "7890" },
              { claim: "context.env", pattern: "prod" },
            ],
          },
        ],
      },
      org.admin.secret,
    );
    expect(ok.data!.setOidcIssuerPolicies.policies).toHaveLength(40);
    const read = await server.gql<{ oidcIssuer: { policies: { team: string | null }[] } }>(
      `query($id: ID!) { oidcIssuer(id: $id) { policies { team } } }`,
      { id },
      org.admin.secret,
    );
    expect(read.data!.oidcIssuer.policies.at(-1)).toEqual({ team });
  });
});
