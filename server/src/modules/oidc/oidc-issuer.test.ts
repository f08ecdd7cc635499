import { expect, it } from "vitest";
import { describeEachStore } from "../../../test/harness";
import { REGISTER_ISSUER, SET_POLICIES } from "../../../test/oidc-setup";
import {
  CREATE_ORGANIZATION_TOKEN,
  auditTrail,
  errorCode,
  mustCreate,
} from "../../../test/operations";
import { seedOrg, uniqueName, type SeededOrg } from "../../../test/seed";
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
        /must pin the repository or its owner/,
      ],
      [
        [{ decision: "ALLOW", tokenType: "ORGANIZATION", rules: [{ claim: "sub", pattern: "*" }] }],
        /must pin the repository or its owner/,
      ],
      [
        [
          {
            decision: "ALLOW",
            tokenType: "ORGANIZATION",
            rules: [{ claim: "sub", pattern: "**??" }],
          },
        ],
        /must pin the repository or its owner/,
      ],
      [
        [
          {
            decision: "ALLOW",
            tokenType: "PERSONAL",
            login: "nobody-at-all",
            rules: [{ claim: "sub", pattern: "repo:acme/*" }],
          },
        ],
        /"nobody-at-all" is not a member of/,
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

  it("accepts an ALLOW only if a rule pins the repository or its owner, and says how to pin", async () => {
    const org = await seedOrg(server);
    const github = await register(org, "gh", "https://token.actions.githubusercontent.com");
    const allow = (rules: { claim: string; pattern: string }[]) => [
      { decision: "ALLOW", tokenType: "ORGANIZATION", rules },
    ];
    const sub = (pattern: string) => allow([{ claim: "sub", pattern }]);
    const refused: [string, unknown[]][] = [
      ["repo:*", sub("repo:*")],
      ["*:*", sub("*:*")],
      ["*a*", sub("*a*")],
      ["repo:acme*", sub("repo:acme*")],
      ["repo:*/infra:*", sub("repo:*/infra:*")],
      ["repo:acm?/*", sub("repo:acm?/*")],
      ["repo:/*", sub("repo:/*")],
      ["repository_owner_id 12*", allow([{ claim: "repository_owner_id", pattern: "12*" }])],
      ["repository acme/* alone", allow([{ claim: "repository", pattern: "acme/*" }])],
      // On GitHub an owner picks its own subject template, so an exact sub need not name one.
      ["exact sub without an owner on GitHub", sub("environment:prod")],
    ];
    const before = await server.tenantRows(org.name);
    for (const [label, policies] of refused) {
      const response = await server.gql(
        SET_POLICIES,
        { id: github, p: policies },
        org.admin.secret,
      );
      expect.soft(errorCode(response), label).toBe("BAD_USER_INPUT");
      expect
        .soft(response.errors?.[0]?.message, label)
        .toMatch(
          /an ALLOW policy must pin the repository or its owner: add a rule on repository_owner_id .* such as repo:acme\/\*/,
        );
    }
    expect(await server.tenantRows(org.name)).toEqual(before);

    const accepted: [string, string, unknown[]][] = [
      ["repo:acme/*", github, sub("repo:acme/*")],
      [
        "repository_owner_id 123",
        github,
        allow([{ claim: "repository_owner_id", pattern: "123" }]),
      ],
      ["repository_id", github, allow([{ claim: "repository_id", pattern: "4567" }])],
      [
        "an exact owner beside a wildcard sub",
        github,
        allow([
          { claim: "sub", pattern: "*" },
          { claim: "repository_owner", pattern: "acme" },
        ]),
      ],
      ["GitLab's project_path sub", github, sub("project_path:acme/*")],
      ["GitLab's namespace_id", github, allow([{ claim: "namespace_id", pattern: "42" }])],
    ];
    const generic = await register(org, "ci", "https://ci.example.com");
    accepted.push(["an exact sub on another issuer", generic, sub("pipeline:deploy-prod")]);
    for (const [label, id, policies] of accepted) {
      const response = await server.gql(SET_POLICIES, { id, p: policies }, org.admin.secret);
      expect.soft(response.errors, label).toBeUndefined();
    }
    // Only the exact sub: a wildcard still needs the owner in front, whoever the issuer is.
    const wild = await server.gql(
      SET_POLICIES,
      { id: generic, p: sub("pipeline:*") },
      org.admin.secret,
    );
    expect(errorCode(wild)).toBe("BAD_USER_INPUT");
  });

  it("answers a PERSONAL policy's login alike whether it exists elsewhere or nowhere", async () => {
    const org = await seedOrg(server);
    const elsewhere = await seedOrg(server);
    const member = await org.member();
    const id = await register(org, "gh", "https://token.actions.githubusercontent.com");
    const personal = (login: string) => [
      {
        decision: "ALLOW",
        tokenType: "PERSONAL",
        login,
        rules: [{ claim: "sub", pattern: "repo:acme/*" }],
      },
    ];
    const answer = async (login: string) => {
      const response = await server.gql(SET_POLICIES, { id, p: personal(login) }, org.admin.secret);
      return {
        code: errorCode(response),
        message: response.errors?.[0]?.message.replace(login, "<login>"),
      };
    };
    const existing = await answer(elsewhere.admin.login);
    expect(existing.code).toBe("BAD_USER_INPUT");
    expect(existing.message).toBe(
      `policies[0]: "<login>" is not a member of ${org.name}; a PERSONAL policy names a member.`,
    );
    expect(await answer(uniqueName("ghost"))).toEqual(existing);
    const ok = await server.gql(SET_POLICIES, { id, p: personal(member.login) }, org.admin.secret);
    expect(ok.errors).toBeUndefined();
  });

  /** Registers an issuer for `org`; returns its id. */
  async function register(org: SeededOrg, name: string, url: string): Promise<string> {
    const registered = await server.gql<{ registerOidcIssuer: { id: string } }>(
      REGISTER_ISSUER,
      { o: org.name, n: name, u: url },
      org.admin.secret,
    );
    expect(registered.errors).toBeUndefined();
    return registered.data!.registerOidcIssuer.id;
  }
});
