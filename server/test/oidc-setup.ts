import { expect } from "vitest";
import type { TestServer } from "./harness";
import type { TestOidcIssuer } from "./oidc-issuer";

export const REGISTER_ISSUER = `mutation($o: String!, $n: String, $u: String, $j: String, $m: Int) {
  registerOidcIssuer(organization: $o, name: $n, url: $u, jwks: $j, maxExpirationSeconds: $m) { id name url maxExpirationSeconds hasStaticJwks }
}`;
export const SET_POLICIES = `mutation($id: ID!, $p: [OidcPolicyInput!]!) {
  setOidcIssuerPolicies(issuerId: $id, policies: $p) { id policies { decision tokenType team login admin rules { claim pattern } } }
}`;

/** Registers `issuer` with the organization and gives it `policies`; returns the issuer id. */
export async function trustIssuer(
  server: TestServer,
  adminSecret: string,
  organization: string,
  issuer: TestOidcIssuer,
  policies: Record<string, unknown>[],
  extra: Record<string, unknown> = {},
): Promise<string> {
  const registered = await server.gql<{ registerOidcIssuer: { id: string } }>(
    REGISTER_ISSUER,
    { o: organization, n: "github", u: issuer.url, ...extra },
    adminSecret,
  );
  expect(registered.errors).toBeUndefined();
  const id = registered.data!.registerOidcIssuer.id;
  const set = await server.gql(SET_POLICIES, { id, p: policies }, adminSecret);
  expect(set.errors).toBeUndefined();
  return id;
}

export interface ExchangeAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** POSTs an RFC 8693 exchange to /api/oauth/token, form-encoded unless `json` is set. */
export async function exchange(
  server: TestServer,
  params: Record<string, string | number | undefined>,
  json = false,
): Promise<ExchangeAnswer> {
  const fields = {
    grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
    subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
    ...params,
  };
  const defined = Object.fromEntries(
    Object.entries(fields).filter(([, v]) => v !== undefined),
  ) as Record<string, string>;
  const response = await fetch(`${server.url}/api/oauth/token`, {
    method: "POST",
    headers: { "content-type": json ? "application/json" : "application/x-www-form-urlencoded" },
    body: json ? JSON.stringify(defined) : new URLSearchParams(defined).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export const tokenType = (kind: "organization" | "team" | "personal") =>
  `urn:lapse:token-type:access_token:${kind}`;

/**
 * Trades a fresh JWT of `issuer` (GitHub's claims for acme/infra on main) for a token of `kind` in
 * `organization`; fails the test unless the exchange succeeds. Returns the secret.
 */
export async function mintToken(
  server: TestServer,
  issuer: TestOidcIssuer,
  organization: string,
  kind: "organization" | "team" | "personal",
  scope?: string,
): Promise<string> {
  const audience = `urn:lapse:org:${organization}`;
  const answer = await exchange(server, {
    audience,
    subject_token: await issuer.sign(issuer.githubClaims(audience, server.clock.now())),
    requested_token_type: tokenType(kind),
    scope,
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.access_token as string;
}
