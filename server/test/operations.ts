/** GraphQL documents the tests send, with the shapes of their results. */
import type { TestServer } from "./harness";

export const TOKEN_FIELDS = `id kind name description hint status admin source createdAt expiresAt revokedAt lastUsedAt
  createdBy { login } owner { login } team { name } organization { name }`;

export interface TokenNode {
  id: string;
  kind: "PERSONAL" | "TEAM" | "ORGANIZATION";
  name: string;
  description: string | null;
  hint: string;
  status: "ACTIVE" | "EXPIRED" | "REVOKED";
  admin: boolean;
  source: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  createdBy: { login: string } | null;
  owner: { login: string } | null;
  team: { name: string } | null;
  organization: { name: string } | null;
}

export interface Created {
  secret: string;
  token: TokenNode;
}

export const CREATE_PERSONAL_TOKEN = `mutation CreatePersonalToken($name: String!, $description: String, $expiresAt: DateTime) {
  createPersonalToken(name: $name, description: $description, expiresAt: $expiresAt) { secret token { ${TOKEN_FIELDS} } }
}`;

export const CREATE_PERSONAL_TOKEN_WITH_SCOPES = `mutation CreatePersonalTokenWithScopes($name: String!, $expiresAt: DateTime, $scopes: [String!], $allowedCidrs: [String!]) {
  createPersonalToken(name: $name, expiresAt: $expiresAt, scopes: $scopes, allowedCidrs: $allowedCidrs) { secret token { ${TOKEN_FIELDS} scopes allowedCidrs } }
}`;

export const CREATE_TEAM_TOKEN = `mutation CreateTeamToken($organization: String!, $team: String!, $name: String!, $description: String, $expiresAt: DateTime) {
  createTeamToken(organization: $organization, team: $team, name: $name, description: $description, expiresAt: $expiresAt) {
    secret token { ${TOKEN_FIELDS} }
  }
}`;

export const CREATE_ORGANIZATION_TOKEN = `mutation CreateOrganizationToken($organization: String!, $name: String!, $description: String, $expiresAt: DateTime, $admin: Boolean) {
  createOrganizationToken(organization: $organization, name: $name, description: $description, expiresAt: $expiresAt, admin: $admin) {
    secret token { ${TOKEN_FIELDS} }
  }
}`;

export const REVOKE_TOKEN = `mutation RevokeToken($id: ID!) { revokeToken(id: $id) { ${TOKEN_FIELDS} } }`;

export const TOKEN = `query Token($id: ID!) { token(id: $id) { ${TOKEN_FIELDS} } }`;

export const TOKENS = `query Tokens($filter: TokenFilter, $orderBy: TokenOrder, $first: Int, $after: String) {
  tokens(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { ${TOKEN_FIELDS} } }
  }
}`;

export interface TokensResult {
  tokens: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: { cursor: string; node: TokenNode }[];
  };
}

export const VIEWER = `query Viewer { viewer { kind user { login } team { name } organization { name } token { id name status } } }`;

export interface ViewerResult {
  viewer: {
    kind: string;
    user: { login: string } | null;
    team: { name: string } | null;
    organization: { name: string } | null;
    token: { id: string; name: string; status: string };
  };
}

type Vars = Record<string, unknown>;

/** Calls a create mutation and returns the created token, failing the test on any error. */
export async function mustCreate(
  server: TestServer,
  document: string,
  variables: Vars,
  secret: string,
): Promise<Created> {
  const response = await server.gql<Record<string, Created>>(document, variables, secret);
  if (response.errors) throw new Error(`create failed: ${JSON.stringify(response.errors)}`);
  return Object.values(response.data!)[0]!;
}

/** The first error's code, or undefined when the call succeeded. */
export function errorCode(response: {
  errors?: { extensions?: { code?: string } }[];
}): string | undefined {
  return response.errors?.[0]?.extensions?.code;
}

export const ROTATE_TOKEN = `mutation RotateToken($id: ID!, $expiresAt: DateTime, $gracePeriodSeconds: Int) {
  rotateToken(id: $id, expiresAt: $expiresAt, gracePeriodSeconds: $gracePeriodSeconds) {
    secret token { ${TOKEN_FIELDS} replacedTokenId rotatedAt }
  }
}`;

export const SET_POLICY = `mutation SetPolicy($organization: String!, $days: Int) {
  setTokenExpiryPolicy(organization: $organization, maxTokenLifetimeDays: $days) { name maxTokenLifetimeDays }
}`;

export const AUDIT_EVENTS = `query AuditEvents($filter: AuditEventFilter!, $first: Int, $after: String) {
  auditEvents(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id type createdAt actorLogin actorTokenId actorTokenName actorTokenKind tokenId tokenName team { name } organization { name } ip userAgent requestId clientRequestId payload } }
  }
}`;

export interface AuditNode {
  id: string;
  type: string;
  createdAt: string;
  actorLogin: string | null;
  actorTokenId: string | null;
  actorTokenName: string | null;
  actorTokenKind: string | null;
  tokenId: string | null;
  tokenName: string | null;
  team: { name: string } | null;
  organization: { name: string } | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  clientRequestId: string | null;
  payload: Record<string, unknown> | null;
}

export interface AuditEventsResult {
  auditEvents: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: { cursor: string; node: AuditNode }[];
  };
}

/** The organization's audit events, newest first, as the admin sees them. */
export async function auditTrail(
  server: TestServer,
  secret: string,
  filter: Record<string, unknown>,
): Promise<AuditNode[]> {
  const response = await server.gql<AuditEventsResult>(
    AUDIT_EVENTS,
    { filter, first: 500 },
    secret,
  );
  if (response.errors) throw new Error(`auditEvents failed: ${JSON.stringify(response.errors)}`);
  return response.data!.auditEvents.edges.map((e) => e.node);
}
