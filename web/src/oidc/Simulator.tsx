import { useApolloClient } from "@apollo/client/react";
import { useState, type FormEvent } from "react";
import {
  SimulatorQueryDocument,
  type SimulatorQueryQuery,
  type TokenKind,
} from "../__generated__/operations";
import { FormError } from "./FormError";
import { toInput, type PolicyDraft } from "./policyDraft";
import { SimulationResult } from "./SimulationResult";

const SCOPE_HINT: Record<TokenKind, string> = {
  TEAM: "team:platform",
  ORGANIZATION: "admin, or empty",
  PERSONAL: "user:alice",
};

/** The exchange's scope for the token a policy grants. */
function scopeOf(policy: PolicyDraft): string {
  if (policy.tokenType === "TEAM") return policy.team ? `team:${policy.team}` : "";
  if (policy.tokenType === "PERSONAL") return policy.login ? `user:${policy.login}` : "";
  return policy.admin ? "admin" : "";
}

/**
 * Paste a CI job's JWT and see what an exchange would make of it, judged by the server's own
 * exchange code, minting nothing. The JWT stays in this form: it is sent once per try and never
 * cached (no-cache), since it is a credential until it expires.
 */
export function Simulator(props: {
  issuerId: string;
  drafts: PolicyDraft[] | null;
  /** The policies when the simulator opens: it starts by asking for what the first ALLOW grants. */
  policies: PolicyDraft[];
}) {
  const { issuerId, drafts } = props;
  const client = useApolloClient();
  const [first] = useState(() => props.policies.find((p) => p.decision === "ALLOW"));
  const [jwt, setJwt] = useState("");
  const [tokenType, setTokenType] = useState<TokenKind>(first?.tokenType ?? "TEAM");
  const [scope, setScope] = useState(first ? scopeOf(first) : "");
  const [result, setResult] = useState<SimulatorQueryQuery["simulateOidcExchange"] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);

  const simulate = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setResult(null);
    setLoading(true);
    try {
      const answer = await client.query({
        query: SimulatorQueryDocument,
        fetchPolicy: "no-cache",
        variables: {
          issuerId,
          jwt: jwt.trim(),
          tokenType,
          scope: scope.trim() || null,
          policies: drafts ? drafts.map(toInput) : null,
        },
      });
      if (answer.error) setError(answer.error);
      else setResult(answer.data?.simulateOidcExchange ?? null);
    } catch (failure) {
      setError(failure);
    } finally {
      setLoading(false);
    }
  };

  return (
    <section aria-labelledby="simulator-title">
      <h2 id="simulator-title">Simulator</h2>
      <p className="muted">
        What would a CI job get for this JWT? The server checks it exactly as an exchange would
        {drafts ? ", with your unsaved policies," : ""} and mints nothing, records nothing.
      </p>
      <form className="create" onSubmit={simulate}>
        {/* Labelled by id, not by nesting: a nested textarea's value would join its name. */}
        <label htmlFor="simulator-jwt">JWT</label>
        <textarea
          id="simulator-jwt"
          required
          rows={4}
          spellCheck={false}
          autoComplete="off"
          value={jwt}
          onChange={(e) => setJwt(e.target.value)}
        />
        <div className="filters">
          <label>
            Token asked for
            <select value={tokenType} onChange={(e) => setTokenType(e.target.value as TokenKind)}>
              <option value="TEAM">team</option>
              <option value="ORGANIZATION">organization</option>
              <option value="PERSONAL">personal</option>
            </select>
          </label>
          <label>
            Scope
            <input
              value={scope}
              placeholder={SCOPE_HINT[tokenType]}
              onChange={(e) => setScope(e.target.value)}
            />
          </label>
        </div>
        <FormError error={error} />
        <div className="actions">
          <button type="submit" disabled={loading}>
            Simulate exchange
          </button>
        </div>
      </form>
      {result && <SimulationResult result={result} />}
    </section>
  );
}
