import { useState } from "react";
import { ErrorView } from "../errors/ErrorView";
import { useSetThresholdsMutation } from "../hooks/useWebhookMutations";

/** When token.expiring and the expiry emails go out, in days before expiry. */
export function ThresholdsForm({
  organization,
  days,
  canManage,
}: {
  organization: string;
  days: number[];
  canManage: boolean;
}) {
  const [text, setText] = useState(days.join(", "));
  const [save, saved] = useSetThresholdsMutation();
  const parsed = text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(Number);
  return (
    <form
      className="filters"
      aria-labelledby="thresholds-title"
      onSubmit={(event) => {
        event.preventDefault();
        void save({ variables: { organization, days: parsed } });
      }}
    >
      <h2 id="thresholds-title">Expiry warnings</h2>
      <p className="muted">
        Warned {days.length ? `${days.join(", ")} days` : "never"} before a token expires.
      </p>
      {canManage && (
        <>
          <label>
            Days before expiry (comma-separated)
            <input value={text} onChange={(e) => setText(e.target.value)} />
          </label>
          <button type="submit">Save thresholds</button>
        </>
      )}
      {saved.error && <ErrorView error={saved.error} />}
    </form>
  );
}
