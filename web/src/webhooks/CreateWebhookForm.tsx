import { useState, type FormEvent } from "react";
import type { WebhookEventType } from "../__generated__/operations";
import { ErrorView } from "../errors/ErrorView";
import { useCreateWebhookMutation } from "../hooks/useWebhookMutations";
import { EVENT_TYPES, eventName } from "./events";

/** A new endpoint: its URL, a description and the events it wants; the secret comes back once. */
export function CreateWebhookForm({
  organization,
  onCreated,
}: {
  organization: string;
  onCreated: (secret: string) => void;
}) {
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [events, setEvents] = useState<WebhookEventType[]>(["TOKEN_EXPIRING", "TOKEN_EXPIRED"]);
  const [create, created] = useCreateWebhookMutation();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await create({
      variables: { organization, url, events, description: description || null },
    });
    if (result.data) {
      setUrl("");
      setDescription("");
      onCreated(result.data.createWebhook.secret);
    }
  };
  return (
    <form className="create" onSubmit={submit} aria-labelledby="create-webhook-title">
      <h2 id="create-webhook-title">New webhook</h2>
      <label>
        URL
        <input
          type="url"
          required
          value={url}
          placeholder="https://hooks.example.com/lapse"
          onChange={(e) => setUrl(e.target.value)}
        />
      </label>
      <label>
        Description
        <input value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <fieldset>
        <legend>Events</legend>
        {EVENT_TYPES.map((type) => (
          <label key={type}>
            <input
              type="checkbox"
              checked={events.includes(type)}
              onChange={(e) =>
                setEvents((current) =>
                  e.target.checked ? [...current, type] : current.filter((t) => t !== type),
                )
              }
            />
            {eventName(type)}
          </label>
        ))}
      </fieldset>
      {created.error && <ErrorView error={created.error} />}
      <div className="actions">
        <button type="submit" disabled={events.length === 0}>
          Create webhook
        </button>
      </div>
    </form>
  );
}
