import { useQuery } from "@apollo/client/react";
import { useState } from "react";
import { useParams } from "react-router";
import { WebhooksPageQueryDocument } from "../__generated__/operations";
import { SecretOnce } from "../components/SecretOnce";
import { ErrorView } from "../errors/ErrorView";
import {
  useDeleteWebhookMutation,
  useSendTestWebhookMutation,
  useUpdateWebhookMutation,
} from "../hooks/useWebhookMutations";
import { CreateWebhookForm } from "./CreateWebhookForm";
import { DeliveryLog } from "./DeliveryLog";
import { eventName } from "./events";
import { ThresholdsForm } from "./ThresholdsForm";

/** An organization's webhooks: create (secret once), events, thresholds, test, and the delivery log. */
export function WebhooksPage() {
  const { org = "" } = useParams();
  const { data, error } = useQuery(WebhooksPageQueryDocument, {
    variables: { organization: org },
  });
  const [secret, setSecret] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [update, updated] = useUpdateWebhookMutation();
  const [remove, removed] = useDeleteWebhookMutation();
  const [sendTest, tested] = useSendTestWebhookMutation();
  if (error) return <ErrorView error={error} />;
  if (!data?.organization) {
    return (
      <div className="skeleton" aria-busy="true" aria-label="Loading webhooks">
        <div className="skeleton-row" />
        <div className="skeleton-row" />
      </div>
    );
  }
  const role = data.viewer.organizations.find((o) => o.organization.name === org)?.role;
  const canManage = data.viewer.kind === "PERSONAL" && role === "ADMIN";
  const failure = updated.error ?? removed.error ?? tested.error;

  return (
    <section aria-labelledby="webhooks-title">
      <div className="page-head">
        <h1 id="webhooks-title">Webhooks</h1>
      </div>
      <p className="muted">
        Signed events (Standard Webhooks) for tokens of {org}: expiring, expired, created, revoked,
        rotated, exchanged, refused, and policy changes.
      </p>
      {secret && (
        <SecretOnce
          name="webhook"
          title="Webhook created"
          secret={secret}
          onDone={() => setSecret(null)}
        />
      )}
      {canManage && !secret && <CreateWebhookForm organization={org} onCreated={setSecret} />}
      <ThresholdsForm
        organization={org}
        days={data.organization.expiryNotificationThresholds}
        canManage={canManage}
      />
      {failure && <ErrorView error={failure} />}
      {data.webhooks.length === 0 ? (
        <p className="empty">No webhooks yet.</p>
      ) : (
        <ul className="webhooks">
          {data.webhooks.map((hook) => (
            <li key={hook.id} data-webhook={hook.url}>
              <h2>{hook.url}</h2>
              {hook.description && <p>{hook.description}</p>}
              <p>
                {hook.enabled ? "Enabled" : `Disabled: ${hook.disabledReason ?? ""}`}
                {hook.failingSince &&
                  ` · failing since ${new Date(hook.failingSince).toLocaleString()}`}
              </p>
              <p className="muted">Events: {hook.events.map(eventName).join(", ")}</p>
              <div className="row-actions">
                <button
                  type="button"
                  aria-expanded={open === hook.id}
                  onClick={() => setOpen(open === hook.id ? null : hook.id)}
                >
                  {open === hook.id ? "Hide deliveries" : "Deliveries"}
                </button>
                {canManage && (
                  <>
                    <button
                      type="button"
                      onClick={() => {
                        setOpen(hook.id);
                        void sendTest({ variables: { id: hook.id } });
                      }}
                    >
                      Send test event
                    </button>
                    <button
                      type="button"
                      onClick={() =>
                        void update({ variables: { id: hook.id, enabled: !hook.enabled } })
                      }
                    >
                      {hook.enabled ? "Disable" : "Enable"}
                    </button>
                    <button
                      type="button"
                      onClick={() => {
                        if (window.confirm(`Delete the webhook to ${hook.url}?`))
                          void remove({ variables: { id: hook.id } });
                      }}
                    >
                      Delete
                    </button>
                  </>
                )}
              </div>
              {open === hook.id && <DeliveryLog webhookId={hook.id} canManage={canManage} />}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
