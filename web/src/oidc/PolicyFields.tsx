import type { PolicyDecision, TokenKind } from "../__generated__/operations";
import type { PolicyDraft } from "./policyDraft";

/** One policy's fields: its decision, the token it is about, and its rules (all must match). */
export function PolicyFields(props: {
  number: number;
  policy: PolicyDraft;
  onChange: (policy: PolicyDraft) => void;
  onRemove: () => void;
}) {
  const { policy, number } = props;
  const set = (change: Partial<PolicyDraft>) => props.onChange({ ...policy, ...change });
  const setRule = (index: number, change: Partial<PolicyDraft["rules"][number]>) =>
    set({ rules: policy.rules.map((r, i) => (i === index ? { ...r, ...change } : r)) });
  return (
    <fieldset className="policy" data-policy={number}>
      <legend>Policy {number}</legend>
      <div className="filters">
        <label>
          Decision
          <select
            value={policy.decision}
            onChange={(e) => set({ decision: e.target.value as PolicyDecision })}
          >
            <option value="ALLOW">ALLOW</option>
            <option value="DENY">DENY</option>
          </select>
        </label>
        <label>
          Token type
          <select
            value={policy.tokenType}
            onChange={(e) => set({ tokenType: e.target.value as TokenKind })}
          >
            <option value="TEAM">team</option>
            <option value="ORGANIZATION">organization</option>
            <option value="PERSONAL">personal</option>
          </select>
        </label>
        {policy.tokenType === "TEAM" && (
          <label>
            Team
            <input value={policy.team} onChange={(e) => set({ team: e.target.value })} />
          </label>
        )}
        {policy.tokenType === "PERSONAL" && (
          <label>
            Login
            <input value={policy.login} onChange={(e) => set({ login: e.target.value })} />
          </label>
        )}
        {policy.tokenType === "ORGANIZATION" && (
          <label className="check">
            <input
              type="checkbox"
              checked={policy.admin}
              onChange={(e) => set({ admin: e.target.checked })}
            />
            Admin
          </label>
        )}
      </div>
      <table className="tokens">
        <caption className="visually-hidden">Rules of policy {number}</caption>
        <thead>
          <tr>
            <th scope="col">Claim</th>
            <th scope="col">Pattern (* any run, ? one character)</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {policy.rules.map((rule, index) => (
            <tr key={index}>
              <td>
                <input
                  aria-label={`Claim of rule ${index + 1}`}
                  value={rule.claim}
                  onChange={(e) => setRule(index, { claim: e.target.value })}
                />
              </td>
              <td>
                <input
                  aria-label={`Pattern of rule ${index + 1}`}
                  value={rule.pattern}
                  placeholder="repo:acme/*"
                  onChange={(e) => setRule(index, { pattern: e.target.value })}
                />
              </td>
              <td>
                <button
                  type="button"
                  aria-label={`Remove rule ${index + 1} of policy ${number}`}
                  onClick={() => set({ rules: policy.rules.filter((_, i) => i !== index) })}
                >
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="row-actions">
        <button
          type="button"
          onClick={() => set({ rules: [...policy.rules, { claim: "", pattern: "" }] })}
        >
          Add rule
        </button>
        <button type="button" className="danger" onClick={props.onRemove}>
          Remove policy {number}
        </button>
      </div>
    </fieldset>
  );
}
