import type { TokensTable_TokenFragment } from "../__generated__/operations";
import { ExpiryCell } from "../components/ExpiryCell";

const date = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "never");

/** Tokens with their live expiry; each row offers revoke and rotate while the token is live. */
export function TokensTable(props: {
  tokens: TokensTable_TokenFragment[];
  /** Row actions; left out where the table only reads (the audit view). */
  onRevoke?: (token: TokensTable_TokenFragment) => void;
  onRotate?: (token: TokensTable_TokenFragment) => void;
}) {
  if (props.tokens.length === 0) {
    return <p className="empty">No tokens here yet.</p>;
  }
  return (
    <table className="tokens">
      <caption className="visually-hidden">Access tokens, soonest to expire first</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Kind</th>
          <th scope="col">Team or owner</th>
          <th scope="col">Created</th>
          <th scope="col">Last used</th>
          <th scope="col">Expires</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {props.tokens.map((token) => (
          <tr key={token.id} data-token={token.name}>
            <th scope="row">
              {token.name}
              <div className="muted">
                <code>{token.hint}</code> · {token.source.toLowerCase()}
              </div>
            </th>
            <td data-label="Kind">{token.kind.toLowerCase()}</td>
            <td data-label="Team or owner">{token.team?.name ?? token.owner?.login ?? "—"}</td>
            <td data-label="Created">
              {date(token.createdAt)}
              {token.createdBy && <div className="muted">by {token.createdBy.login}</div>}
            </td>
            <td data-label="Last used">{date(token.lastUsedAt)}</td>
            <td data-label="Expires">
              <ExpiryCell expiresAt={token.expiresAt} revokedAt={token.revokedAt} />
            </td>
            <td>
              {token.status === "ACTIVE" && props.onRevoke && props.onRotate && (
                <div className="row-actions">
                  <button
                    type="button"
                    onClick={() => props.onRotate?.(token)}
                    aria-label={`Rotate ${token.name}`}
                  >
                    Rotate
                  </button>
                  <button
                    type="button"
                    className="danger"
                    onClick={() => props.onRevoke?.(token)}
                    aria-label={`Revoke ${token.name}`}
                  >
                    Revoke
                  </button>
                </div>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
