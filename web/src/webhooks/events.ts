import type { WebhookEventType } from "../__generated__/operations";

export const EVENT_TYPES: WebhookEventType[] = [
  "TOKEN_EXPIRING",
  "TOKEN_EXPIRED",
  "TOKEN_CREATED",
  "TOKEN_REVOKED",
  "TOKEN_ROTATED",
  "TOKEN_EXCHANGED",
  "TOKEN_USE_REFUSED",
  "POLICY_UPDATED",
];

/** The name receivers see: TOKEN_USE_REFUSED is token.use_refused. */
export function eventName(type: WebhookEventType): string {
  return type.toLowerCase().replace("_", ".");
}
