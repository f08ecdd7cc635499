import { useQuery } from "@apollo/client/react";
import { useState } from "react";
import { DeliveryLogQueryDocument, type WebhookDeliveryStatus } from "../__generated__/operations";
import { ErrorView } from "../errors/ErrorView";
import { useRedeliverWebhookMutation } from "../hooks/useWebhookMutations";

const STATUSES: WebhookDeliveryStatus[] = ["PENDING", "RETRYING", "DELIVERED", "DEAD"];

/** One webhook's deliveries, newest first, filtered by status, with redelivery for managers. */
export function DeliveryLog({ webhookId, canManage }: { webhookId: string; canManage: boolean }) {
  const [statuses, setStatuses] = useState<WebhookDeliveryStatus[]>([]);
  const { data, error, fetchMore } = useQuery(DeliveryLogQueryDocument, {
    variables: { webhookId, statuses: statuses.length ? statuses : null },
    // Deliveries are sent in the background: keep the log current while it is open.
    pollInterval: 2000,
  });
  const [redeliver] = useRedeliverWebhookMutation();
  if (error) return <ErrorView error={error} />;
  const connection = data?.webhookDeliveries;
  return (
    <section aria-labelledby={`log-${webhookId}`}>
      <h3 id={`log-${webhookId}`}>Deliveries</h3>
      <fieldset className="filters">
        <legend>Status</legend>
        {STATUSES.map((status) => (
          <label key={status}>
            <input
              type="checkbox"
              checked={statuses.includes(status)}
              onChange={(e) =>
                setStatuses((current) =>
                  e.target.checked ? [...current, status] : current.filter((s) => s !== status),
                )
              }
            />
            {status.toLowerCase()}
          </label>
        ))}
      </fieldset>
      {!connection ? (
        <div className="skeleton" aria-busy="true" aria-label="Loading deliveries">
          <div className="skeleton-row" />
        </div>
      ) : connection.edges.length === 0 ? (
        <p className="empty">No deliveries yet.</p>
      ) : (
        <table className="tokens">
          <caption className="visually-hidden">Deliveries, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
              <th scope="col">Response</th>
              <th scope="col">Next attempt</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {connection.edges.map(({ node }) => (
              <tr key={node.id} data-delivery={node.eventType} data-status={node.status}>
                <td data-label="Event">
                  {node.eventType}
                  <div className="muted">{new Date(node.createdAt).toLocaleString()}</div>
                </td>
                <td data-label="Status">{node.status.toLowerCase()}</td>
                <td data-label="Attempts">{node.attempts}</td>
                <td data-label="Response">
                  {node.responseCode !== null
                    ? `HTTP ${node.responseCode} in ${node.responseMs} ms`
                    : (node.lastError ?? "—")}
                </td>
                <td data-label="Next attempt">
                  {node.nextAttemptAt ? new Date(node.nextAttemptAt).toLocaleString() : "—"}
                </td>
                <td>
                  {canManage && node.status !== "PENDING" && (
                    <button
                      type="button"
                      aria-label={`Redeliver ${node.eventType} ${node.id}`}
                      onClick={() => void redeliver({ variables: { deliveryId: node.id } })}
                    >
                      Redeliver
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {connection?.pageInfo.hasNextPage && (
        <button
          type="button"
          onClick={() => void fetchMore({ variables: { after: connection.pageInfo.endCursor } })}
        >
          Load more
        </button>
      )}
    </section>
  );
}
