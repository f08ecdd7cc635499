import { registerEnumType } from "type-graphql";

/** What a webhook can subscribe to; the wire name (`token.expiring`) is in EVENT_NAMES. */
export enum WebhookEventType {
  TOKEN_EXPIRING = "TOKEN_EXPIRING",
  TOKEN_EXPIRED = "TOKEN_EXPIRED",
  TOKEN_CREATED = "TOKEN_CREATED",
  TOKEN_REVOKED = "TOKEN_REVOKED",
  TOKEN_ROTATED = "TOKEN_ROTATED",
  TOKEN_EXCHANGED = "TOKEN_EXCHANGED",
  TOKEN_USE_REFUSED = "TOKEN_USE_REFUSED",
  POLICY_UPDATED = "POLICY_UPDATED",
}

export const EVENT_NAMES: Record<WebhookEventType, string> = {
  TOKEN_EXPIRING: "token.expiring",
  TOKEN_EXPIRED: "token.expired",
  TOKEN_CREATED: "token.created",
  TOKEN_REVOKED: "token.revoked",
  TOKEN_ROTATED: "token.rotated",
  TOKEN_EXCHANGED: "token.exchanged",
  TOKEN_USE_REFUSED: "token.use_refused",
  POLICY_UPDATED: "policy.updated",
};

/** The event `sendTestWebhook` sends; not subscribable, always delivered to the endpoint tested. */
export const TEST_EVENT = "webhook.test";

export enum WebhookDeliveryStatus {
  /** Not attempted yet. */
  PENDING = "PENDING",
  /** Attempted, failed, and due again at nextAttemptAt. */
  RETRYING = "RETRYING",
  DELIVERED = "DELIVERED",
  /** Every retry failed (or the endpoint was disabled); redeliverWebhook sends it again. */
  DEAD = "DEAD",
}

/** Warnings go out this many days before expiry unless an organization chooses others. */
export const DEFAULT_THRESHOLD_DAYS = [30, 7, 1];
export const MAX_THRESHOLDS = 5;
export const MAX_THRESHOLD_DAYS = 365;

registerEnumType(WebhookEventType, {
  name: "WebhookEventType",
  valuesConfig: {
    TOKEN_EXPIRING: {
      description: "token.expiring: once per token per threshold (30, 7 and 1 days by default).",
    },
    TOKEN_EXPIRED: { description: "token.expired: once, when a token lapses." },
    TOKEN_CREATED: { description: "token.created" },
    TOKEN_REVOKED: {
      description: "token.revoked, with its reason: user, rotation, leaked or team deleted.",
    },
    TOKEN_ROTATED: { description: "token.rotated, with the new token." },
    TOKEN_EXCHANGED: { description: "token.exchanged: minted by an OIDC exchange." },
    TOKEN_USE_REFUSED: { description: "token.use_refused: at most once a minute per token." },
    POLICY_UPDATED: { description: "policy.updated: the organization's expiry policy changed." },
  },
});
registerEnumType(WebhookDeliveryStatus, { name: "WebhookDeliveryStatus" });
