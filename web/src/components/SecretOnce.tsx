import { useState } from "react";

/** A new secret, shown this once, with a copy button and the warning that it will not be shown again. */
export function SecretOnce({
  name,
  secret,
  onDone,
  title = `Token “${name}” created`,
}: {
  name: string;
  secret: string;
  onDone: () => void;
  /** The heading; a token's by default. */
  title?: string;
}) {
  const [copied, setCopied] = useState(false);
  return (
    <section className="secret" aria-labelledby="secret-title">
      <h2 id="secret-title">{title}</h2>
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
