import { useQuery } from "@apollo/client/react";
import { Link } from "react-router";
import {
  TokenSpotlightQueryDocument,
  type TokensTable_TokenFragment,
} from "../__generated__/operations";
import { ExpiryCell } from "../components/ExpiryCell";

/**
 * The one token a link points at (`?token=<id>`, as the expiry emails send): what it is, when it
 * lapses, and rotate or revoke right there, whichever tab or page of the table it would be on.
 */
export function TokenSpotlight({
  id,
  closeTo,
  onRotate,
  onRevoke,
}: {
  id: string;
  /** Where "Close" leads: the same page without the token in its address. */
  closeTo: string;
  onRotate: (token: TokensTable_TokenFragment) => void;
  onRevoke: (token: TokensTable_TokenFragment) => void;
}) {
  const { data, loading, error } = useQuery(TokenSpotlightQueryDocument, {
    variables: { id },
    fetchPolicy: "cache-and-network",
  });
  if (loading && !data)
    return (
      <p className="spotlight" aria-busy="true">
        Loading the token…
      </p>
    );
  const token = data?.token;
  if (error || !token) {
    return (
      <section className="spotlight" aria-labelledby="spotlight-title">
        <h2 id="spotlight-title">Token not found</h2>
        <p>
          The token this link names does not exist, or is not one you may see; sign in as its owner
          or as a maintainer of its team.
        </p>
        <Link to={closeTo}>Close</Link>
      </section>
    );
  }
  const where = token.team ? `team ${token.team.name}` : token.kind.toLowerCase();
  return (
    <section className="spotlight" aria-labelledby="spotlight-title" data-token={token.name}>
      <h2 id="spotlight-title">{token.name}</h2>
      <p>
        A {where} token {token.hint}
        {token.description ? `: ${token.description}` : ""}.{" "}
        <ExpiryCell expiresAt={token.expiresAt} revokedAt={token.revokedAt} />
      </p>
      <div className="spotlight-actions">
        {token.status === "ACTIVE" && (
          <>
            <button type="button" onClick={() => onRotate(token)}>
              Rotate
            </button>
            <button type="button" className="danger" onClick={() => onRevoke(token)}>
              Revoke
            </button>
          </>
        )}
        <Link to={closeTo}>Close</Link>
      </div>
    </section>
  );
}
