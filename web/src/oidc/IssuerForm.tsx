import { useState, type FormEvent } from "react";
import type { Feedback } from "../hooks/useOidcMutations";
import { FormError } from "./FormError";

export interface IssuerFields {
  name: string;
  url: string;
  /** null: leave the keys as they are; "": discover them; else a static JWKS. */
  jwks: string | null;
  maxExpirationSeconds: number;
}

const MIN_SECONDS = 60;
const MAX_SECONDS = 90000;

/**
 * An issuer's name, URL, keys (discovered from the URL, or a static JWKS for an issuer this server
 * cannot reach) and longest token lifetime; for registering and for editing.
 */
export function IssuerForm(props: {
  title: string;
  submitLabel: string;
  initial?: { name: string; url: string; hasStaticJwks: boolean; maxExpirationSeconds: number };
  feedback: Feedback;
  onSubmit: (fields: IssuerFields) => Promise<boolean>;
  onCancel?: () => void;
}) {
  const { initial } = props;
  const [name, setName] = useState(initial?.name ?? "");
  const [url, setUrl] = useState(initial?.url ?? "");
  const [keys, setKeys] = useState<"discover" | "static">(
    initial?.hasStaticJwks ? "static" : "discover",
  );
  const [jwks, setJwks] = useState("");
  const [seconds, setSeconds] = useState(String(initial?.maxExpirationSeconds ?? 7200));
  const [problem, setProblem] = useState<string | null>(null);
  const keepsKeys = initial?.hasStaticJwks && keys === "static" && jwks.trim() === "";

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    const lifetime = Number(seconds);
    if (!Number.isInteger(lifetime) || lifetime < MIN_SECONDS || lifetime > MAX_SECONDS) {
      setProblem(
        `The longest token lifetime must be a whole number of seconds from ${MIN_SECONDS} to ${MAX_SECONDS}.`,
      );
      return;
    }
    if (keys === "static" && !keepsKeys && jwks.trim() === "") {
      setProblem('Paste the issuer\'s public keys as a JWKS: {"keys": [...]}.');
      return;
    }
    const done = await props.onSubmit({
      name: name.trim(),
      url: url.trim(),
      jwks: keys === "discover" ? "" : keepsKeys ? null : jwks.trim(),
      maxExpirationSeconds: lifetime,
    });
    if (done && !initial) {
      setName("");
      setUrl("");
      setJwks("");
    }
  };

  const id = props.title.toLowerCase().replace(/\W+/g, "-");
  return (
    <form className="create" onSubmit={submit} aria-labelledby={id}>
      <h2 id={id}>{props.title}</h2>
      <label>
        Name
        <input required value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        Issuer URL (the JWTs&apos; iss)
        <input
          type="url"
          required
          value={url}
          placeholder="https://token.actions.githubusercontent.com"
          onChange={(e) => setUrl(e.target.value)}
        />
      </label>
      <fieldset>
        <legend>Signing keys</legend>
        <label>
          <input
            type="radio"
            name={`${id}-keys`}
            checked={keys === "discover"}
            onChange={() => setKeys("discover")}
          />
          Discover them from the issuer URL
        </label>
        <label>
          <input
            type="radio"
            name={`${id}-keys`}
            checked={keys === "static"}
            onChange={() => setKeys("static")}
          />
          A static JWKS (for an issuer this server cannot reach)
        </label>
        {keys === "static" && (
          <label>
            JWKS (public keys only)
            <textarea
              rows={5}
              value={jwks}
              placeholder={
                initial?.hasStaticJwks ? "Leave empty to keep the current keys" : '{"keys": [...]}'
              }
              onChange={(e) => setJwks(e.target.value)}
            />
          </label>
        )}
      </fieldset>
      <label>
        Longest token lifetime (seconds)
        <input inputMode="numeric" value={seconds} onChange={(e) => setSeconds(e.target.value)} />
      </label>
      {problem && (
        <p role="alert" className="error-text">
          {problem}
        </p>
      )}
      {!problem && <FormError error={props.feedback.error} />}
      <div className="actions">
        {props.onCancel && (
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
        )}
        <button type="submit" disabled={props.feedback.loading}>
          {props.submitLabel}
        </button>
      </div>
    </form>
  );
}
