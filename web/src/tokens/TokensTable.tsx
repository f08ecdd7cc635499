import { useWindowVirtualizer } from "@tanstack/react-virtual";
import { useLayoutEffect, useRef, useState, type ReactNode, type Ref } from "react";
import type { TokensTable_TokenFragment } from "../__generated__/operations";
import { ExpiryCell } from "../components/ExpiryCell";

const date = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "never");

/** From this many rows the table renders only those near the viewport (and keeps its height). */
export const VIRTUAL_FROM = 200;

interface RowActions {
  /** Row actions; left out where the table only reads (the audit view). */
  onRevoke?: (token: TokensTable_TokenFragment) => void;
  onRotate?: (token: TokensTable_TokenFragment) => void;
}

/** Tokens with their live expiry; each row offers revoke and rotate while the token is live. */
export function TokensTable(
  props: {
    tokens: TokensTable_TokenFragment[];
    /** What an empty table says instead (filters that match nothing need not mean none exist). */
    empty?: ReactNode;
  } & RowActions,
) {
  const { tokens, empty, ...actions } = props;
  if (tokens.length === 0) {
    return <div className="empty">{empty ?? <p>No tokens here yet.</p>}</div>;
  }
  return (
    // aria-rowcount and aria-rowindex tell assistive technology the whole table's size when only
    // part of it is in the document.
    <table className="tokens" aria-rowcount={tokens.length + 1}>
      <caption className="visually-hidden">Access tokens, soonest to expire first</caption>
      <thead>
        <tr aria-rowindex={1}>
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
      {tokens.length >= VIRTUAL_FROM ? (
        <VirtualRows tokens={tokens} {...actions} />
      ) : (
        <tbody>
          {tokens.map((token, index) => (
            <TokenRow key={token.id} token={token} index={index} {...actions} />
          ))}
        </tbody>
      )}
    </table>
  );
}

/**
 * Only the rows near the viewport, between two spacer rows that keep the table's full height, so
 * 10,000 tokens scroll like 10,000 rows but cost the browser a few dozen.
 */
function VirtualRows(props: { tokens: TokensTable_TokenFragment[] } & RowActions) {
  const { tokens, ...actions } = props;
  const body = useRef<HTMLTableSectionElement>(null);
  const [margin, setMargin] = useState(0);
  useLayoutEffect(() => {
    if (body.current) setMargin(body.current.getBoundingClientRect().top + window.scrollY);
  }, []);
  const virtualizer = useWindowVirtualizer({
    count: tokens.length,
    estimateSize: () => 64,
    overscan: 12,
    scrollMargin: margin,
    getItemKey: (index) => tokens[index]!.id,
  });
  const items = virtualizer.getVirtualItems();
  const before = items.length ? items[0]!.start - margin : 0;
  const after = items.length ? virtualizer.getTotalSize() - (items.at(-1)!.end - margin) : 0;
  return (
    <tbody ref={body}>
      {before > 0 && <tr aria-hidden="true" className="spacer" style={{ height: before }} />}
      {items.map((item) => (
        <TokenRow
          key={item.key}
          ref={virtualizer.measureElement}
          token={tokens[item.index]!}
          index={item.index}
          {...actions}
        />
      ))}
      {after > 0 && <tr aria-hidden="true" className="spacer" style={{ height: after }} />}
    </tbody>
  );
}

function TokenRow({
  ref,
  token,
  index,
  onRevoke,
  onRotate,
}: {
  token: TokensTable_TokenFragment;
  index: number;
  ref?: Ref<HTMLTableRowElement>;
} & RowActions) {
  return (
    <tr
      ref={ref}
      id={`token-${token.id}`}
      data-index={index}
      aria-rowindex={index + 2}
      data-token={token.name}
      data-status={token.status}
    >
      <th scope="row">
        <span className="token-name">{token.name}</span>
        {token.description && <div className="description">{token.description}</div>}
        <div className="muted">
          <code>{token.hint}</code> · {token.source.toLowerCase()}
        </div>
        <div className="muted scopes" aria-label="Scopes">
          {token.scopes.join(" ") || "no scopes"}
          {token.allowedCidrs.length > 0 && <> · only from {token.allowedCidrs.join(", ")}</>}
        </div>
        <Lineage token={token} />
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
        {token.status === "ACTIVE" && onRevoke && onRotate && (
          <div className="row-actions">
            <button
              type="button"
              onClick={() => onRotate(token)}
              aria-label={`Rotate ${token.name}`}
            >
              Rotate
            </button>
            <button
              type="button"
              className="danger"
              onClick={() => onRevoke(token)}
              aria-label={`Revoke ${token.name}`}
            >
              Revoke
            </button>
          </div>
        )}
      </td>
    </tr>
  );
}

/** Which token a rotation replaced, and by which: links to their rows, named by their hints. */
function Lineage({ token }: { token: TokensTable_TokenFragment }) {
  const links = [
    token.rotatedFrom && { label: "rotated from", ...token.rotatedFrom },
    token.replacedBy && { label: "replaced by", ...token.replacedBy },
  ].filter((link) => !!link);
  if (links.length === 0) return null;
  return (
    <div className="muted lineage">
      {links.map((link) => (
        <span key={link.label}>
          {link.label} <a href={`#token-${link.id}`}>{link.hint}</a>{" "}
        </span>
      ))}
    </div>
  );
}
