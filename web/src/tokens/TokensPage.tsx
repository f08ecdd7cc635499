import { useQuery } from "@apollo/client/react";
import { useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import {
  TokensPageQueryDocument,
  type TokenKind,
  type TokensTable_TokenFragment,
} from "../__generated__/operations";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { SecretOnce } from "../components/SecretOnce";
import { ErrorView } from "../errors/ErrorView";
import { useRevokeTokenMutation, useRotateTokenMutation } from "../hooks/useTokenMutations";
import { CreateTokenForm } from "./CreateTokenForm";
import { TokensTable } from "./TokensTable";

const TABS: { kind: TokenKind; label: string }[] = [
  { kind: "PERSONAL", label: "Personal" },
  { kind: "TEAM", label: "Team" },
  { kind: "ORGANIZATION", label: "Organization" },
];
const MACHINE_EDITIONS = ["ENTERPRISE", "BUSINESS_CRITICAL"];

type Pending = { action: "revoke" | "rotate"; token: TokensTable_TokenFragment };

/** Personal, team and organization tokens of one organization, with live expiry. */
export function TokensPage() {
  const { org = "" } = useParams();
  const [params] = useSearchParams();
  const kind = (TABS.find((t) => t.kind === params.get("kind"))?.kind ?? "PERSONAL") as TokenKind;
  const { data, error, loading, fetchMore } = useQuery(TokensPageQueryDocument, {
    variables: { organization: kind === "PERSONAL" ? null : org, kinds: [kind] },
    fetchPolicy: "cache-and-network",
  });
  // The cache appends the page (apollo.ts).
  const loadMore = (after: string | null) => void fetchMore({ variables: { after } });
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [revoke] = useRevokeTokenMutation();
  const [rotate] = useRotateTokenMutation();

  if (error) return <ErrorView error={error} />;
  const membership = data?.viewer.organizations.find((m) => m.organization.name === org);
  const organization = membership?.organization;
  const gated =
    kind !== "PERSONAL" && organization && !MACHINE_EDITIONS.includes(organization.edition);

  async function confirm() {
    if (!pending) return;
    const { action, token } = pending;
    setPending(null);
    if (action === "revoke") await revoke({ variables: { id: token.id } });
    else {
      const result = await rotate({ variables: { id: token.id } });
      const rotated = result.data?.rotateToken;
      if (rotated) setSecret({ name: rotated.token.name, secret: rotated.secret });
    }
  }

  return (
    <section aria-labelledby="tokens-title">
      <div className="page-head">
        <h1 id="tokens-title">Access tokens</h1>
        {!gated && !creating && (
          <button type="button" onClick={() => setCreating(true)}>
            New {kind.toLowerCase()} token
          </button>
        )}
      </div>
      <nav className="tabs" aria-label="Token kinds">
        {TABS.map((tab) => (
          <Link
            key={tab.kind}
            to={`?kind=${tab.kind}`}
            aria-current={tab.kind === kind ? "page" : undefined}
          >
            {tab.label}
          </Link>
        ))}
      </nav>
      {secret && (
        <SecretOnce name={secret.name} secret={secret.secret} onDone={() => setSecret(null)} />
      )}
      {gated ? (
        <p className="notice">
          {kind === "TEAM" ? "Team" : "Organization"} tokens need the ENTERPRISE or
          BUSINESS_CRITICAL edition; {org} has the {organization.edition} edition.
        </p>
      ) : (
        <>
          {creating && (
            <CreateTokenForm
              kind={kind}
              organization={org}
              teams={organization?.teams.map((t) => t.name) ?? []}
              capDays={organization?.maxTokenLifetimeDays ?? null}
              callerExpiresAt={data?.viewer.token?.expiresAt ?? null}
              scopeSuggestions={organization?.tokenScopes ?? []}
              callerScopes={data?.viewer.token?.scopes}
              onCreated={(name, value) => {
                setCreating(false);
                setSecret({ name, secret: value });
              }}
              onCancel={() => setCreating(false)}
            />
          )}
          {loading && !data ? (
            <div className="skeleton" aria-busy="true" aria-label="Loading tokens">
              {Array.from({ length: 4 }, (_, i) => (
                <div key={i} className="skeleton-row" />
              ))}
            </div>
          ) : (
            <>
              <TokensTable
                tokens={data?.tokens.edges.map((e) => e.node) ?? []}
                onRevoke={(token) => setPending({ action: "revoke", token })}
                onRotate={(token) => setPending({ action: "rotate", token })}
              />
              {data && data.tokens.edges.length > 0 && (
                <p className="muted" aria-live="polite">
                  Showing {data.tokens.edges.length} of {data.tokens.totalCount}
                  {data.tokens.pageInfo.hasNextPage && (
                    <>
                      {" "}
                      <button
                        type="button"
                        onClick={() => loadMore(data.tokens.pageInfo.endCursor)}
                      >
                        Load more
                      </button>
                    </>
                  )}
                </p>
              )}
            </>
          )}
        </>
      )}
      {pending && (
        <ConfirmDialog
          title={`${pending.action === "revoke" ? "Revoke" : "Rotate"} “${pending.token.name}”?`}
          body={
            pending.action === "revoke"
              ? `“${pending.token.name}” stops working at once. This cannot be undone.`
              : `“${pending.token.name}” gets a new secret, and the old one stops working at once.`
          }
          confirmLabel={pending.action === "revoke" ? "Revoke" : "Rotate"}
          onConfirm={() => void confirm()}
          onCancel={() => setPending(null)}
        />
      )}
    </section>
  );
}
