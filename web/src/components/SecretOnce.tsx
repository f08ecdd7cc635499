import { useState } from "react";

/** A new secret, shown this once, with a copy button and the warning that it will not be shown again. */
export function SecretOnce({
  name,
  secret,
  onDone,
}: {
  name: string;
  secret: string;
  onDone: () => void;
}) {
  const [copied, setCopied] = useState(false);
  return (
    <section className="secret" aria-labelledby="secret-title">
      <h2 id="secret-title">Token “{name}” created</h2>
      <p role="alert">Copy it now: this secret will not be shown again.</p>
      <code data-testid="secret">{secret}</code>
      <div className="actions">
        <button
          type="button"
          onClick={() => {
            void navigator.clipboard?.writeText(secret).then(() => setCopied(true));
          }}
        >
          {copied ? "Copied" : "Copy"}
        </button>
        <button type="button" onClick={onDone}>
          Done
        </button>
      </div>
    </section>
  );
}
