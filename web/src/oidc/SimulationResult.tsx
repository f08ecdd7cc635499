import type { SimulatorQueryQuery } from "../__generated__/operations";

type Simulation = SimulatorQueryQuery["simulateOidcExchange"];

function Check({ label, ok, reason }: { label: string; ok: boolean; reason: string }) {
  return (
    <li data-check={label} data-ok={ok}>
      <strong>
        {ok ? "✓" : "✗"} {label}:
      </strong>{" "}
      <span className={ok ? undefined : "error-text"}>{reason}</span>
    </li>
  );
}

const when = (iso: string | null) => (iso ? new Date(iso).toISOString() : "not given");

/** A simulation's answer: the verdict, each check, each policy rule by rule, and the claims. */
export function SimulationResult({ result }: { result: Simulation }) {
  const token = result.token;
  return (
    <div className="simulation" aria-live="polite">
      <h3>Verdict</h3>
      {token ? (
        <div className="notice" data-verdict="allowed">
          <p>
            <strong>Allowed.</strong> An exchange would mint a {token.kind.toLowerCase()} token
            {token.team && ` for team ${token.team}`}
            {token.login && ` for ${token.login}`}
            {token.admin && " with admin"} (none was minted):
          </p>
          <dl>
            <dt>Name</dt>
            <dd>{token.name}</dd>
            <dt>Scopes</dt>
            <dd>{token.scopes.join(", ")}</dd>
            <dt>Expires</dt>
            <dd>
              in {Math.round(token.expiresIn / 60)} minutes, at {when(token.expiresAt)}
            </dd>
          </dl>
        </div>
      ) : (
        <div role="alert" className="error" data-verdict="refused">
          <p>
            <strong>Refused</strong>
            {result.refusalCode && ` (${result.refusalCode})`}: {result.refusal}
          </p>
        </div>
      )}
      <h3>Checks</h3>
      <ul>
        {!result.wellFormed && (
          <Check label="Format" ok={false} reason={result.formatReason ?? ""} />
        )}
        <Check label="Signature" ok={result.signatureValid} reason={result.signatureReason} />
        <Check label="Issuer" ok={result.issuerValid} reason={result.issuerReason} />
        <Check label="Audience" ok={result.audienceValid} reason={result.audienceReason} />
        <Check label="Lifetime" ok={result.lifetimeValid} reason={result.lifetimeReason} />
        <Check
          label="Replay"
          ok={!result.replayed}
          reason={result.replayed ? "This jti was exchanged before." : "Never exchanged before."}
        />
      </ul>
      {result.wellFormed && (
        <p className="muted">
          Issued {when(result.issuedAt)}; valid from {when(result.notBefore)} until{" "}
          {when(result.expiresAt)}, by the server&apos;s clock with 30 s leeway.
        </p>
      )}
      <h3>Policies</h3>
      <p data-decision={result.decision ?? "none"}>{result.decisionReason}</p>
      <ol>
        {result.policies.map((policy) => (
          <li key={policy.index} data-matched={policy.matched}>
            <strong>{policy.decision}</strong>: {policy.reason}
            <ul>
              {policy.rules.map((rule, i) => (
                <li key={i}>
                  {rule.matched ? "✓" : "✗"} <code>{rule.claim}</code> is{" "}
                  <code>{rule.value ?? "(absent)"}</code>, pattern <code>{rule.pattern}</code>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
      {result.header && (
        <>
          <h3>Header and claims (decoded, not trusted)</h3>
          <pre tabIndex={0} aria-label="Header and claims">
            {JSON.stringify({ header: result.header, claims: result.claims }, null, 2)}
          </pre>
        </>
      )}
    </div>
  );
}
