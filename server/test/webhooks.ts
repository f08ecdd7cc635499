/** GraphQL documents and helpers of the webhook tests. */
import { expect } from "vitest";
import type { TestServer } from "./harness";

export const CREATE_WEBHOOK = `mutation CreateWebhook($organization: String!, $url: String!, $events: [WebhookEventType!]!, $description: String) {
  createWebhook(organization: $organization, url: $url, events: $events, description: $description) {
    secret webhook { id url events enabled description }
  }
}`;

export const ALL_EVENTS = [
  "TOKEN_EXPIRING",
  "TOKEN_EXPIRED",
  "TOKEN_CREATED",
  "TOKEN_REVOKED",
  "TOKEN_ROTATED",
  "TOKEN_EXCHANGED",
  "TOKEN_USE_REFUSED",
  "POLICY_UPDATED",
];

export const WEBHOOK_DELIVERIES = `query WebhookDeliveries($webhookId: ID!, $filter: WebhookDeliveryFilter, $first: Int, $after: String) {
  webhookDeliveries(webhookId: $webhookId, filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id eventType status attempts responseCode responseMs nextAttemptAt lastError deliveredAt payload } }
  }
}`;

export interface DeliveryNode {
  id: string;
  eventType: string;
  status: string;
  attempts: number;
  responseCode: number | null;
  responseMs: number | null;
  nextAttemptAt: string | null;
  lastError: string | null;
  deliveredAt: string | null;
  payload: string;
}

/** Registers a webhook as the organization's ADMIN; returns its id and secret. */
export async function createWebhook(
  server: TestServer,
  adminSecret: string,
  organization: string,
  url: string,
  events: string[] = ALL_EVENTS,
): Promise<{ id: string; secret: string }> {
  const created = await server.gql<{
    createWebhook: { secret: string; webhook: { id: string } };
  }>(CREATE_WEBHOOK, { organization, url, events }, adminSecret);
  expect(created.errors).toBeUndefined();
  return { id: created.data!.createWebhook.webhook.id, secret: created.data!.createWebhook.secret };
}

/** Every delivery of a webhook, newest first. */
export async function deliveriesOf(
  server: TestServer,
  secret: string,
  webhookId: string,
  statuses?: string[],
): Promise<DeliveryNode[]> {
  const result = await server.gql<{ webhookDeliveries: { edges: { node: DeliveryNode }[] } }>(
    WEBHOOK_DELIVERIES,
    { webhookId, first: 500, filter: statuses ? { statuses } : null },
    secret,
  );
  expect(result.errors).toBeUndefined();
  return result.data!.webhookDeliveries.edges.map((e) => e.node);
}
