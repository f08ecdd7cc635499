import { useApolloClient, useQuery } from "@apollo/client/react";
import { useState } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import {
  TokensPageQueryDocument,
  type TokenKind,
  type TokensTable_TokenFragment,
} from "../__generated__/operations";
import { SecretOnce } from "../components/SecretOnce";
import { ErrorView } from "../errors/ErrorView";
import { signOut } from "../session";
import { CreateTokenForm } from "./CreateTokenForm";
import { RevokeDialog } from "./RevokeDialog";
import { RotateDialog } from "./RotateDialog";
import { TokenSpotlight } from "./TokenSpotlight";
import { TokenListTools, matchesSearch } from "./TokenListTools";
import { TokensTable } from "./TokensTable";

const TABS: { kind: TokenKind; label: string }[] = [
  { kind: "PERSONAL", label: "Personal" },
  { kind: "TEAM", label: "Team" },
  { kind: "ORGANIZATION", label: "Organization" },
];
const MACHINE_EDITIONS = ["ENTERPRISE", "BUSINESS_CRITICAL"];
export const ROTATED_OWN_TOKEN =
  "You rotated the token you were signed in with, so you are signed out. Sign in with its new secret.";

type Pending = { action: "revoke" | "rotate"; token: TokensTable_TokenFragment };
type Shown = { name: string; secret: string; rotated?: boolean; signOutAfter?: boolean };

/** Personal, team and organization tokens of one organization, with live expiry. */
export function TokensPage() {
  const { org = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const spotlight = params.get("token");
  const kind = (TABS.find((t) => t.kind === params.get("kind"))?.kind ?? "PERSONAL") as TokenKind;
  // Active tokens by default; expired and revoked ones on request, after them.
  const [showInactive, setShowInactive] = useState(false);
  const { data, error, loading, fetchMore } = useQuery(TokensPageQueryDocument, {
    variables: {
      organization: kind === "PERSONAL" ? null : org,
      kinds: [kind],
      statuses: showInactive ? ["ACTIVE", "EXPIRED", "REVOKED"] : ["ACTIVE"],
    },
    fetchPolicy: "cache-and-network",
  });
  // The cache appends the page (apollo.ts).
  const loadMore = (after: string | null) => void fetchMore({ variables: { after } });
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<Shown | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [search, setSearch] = useState("");
  const client = useApolloClient();
  const navigate = useNavigate();

  if (error) return <ErrorView error={error} />;
  const membership = data?.viewer.organizations.find((m) => m.organization.name === org);
  const organization = membership?.organization;
  const gated =
    kind !== "PERSONAL" && organization && !MACHINE_EDITIONS.includes(organization.edition);
  const signedInWith = (token: TokensTable_TokenFragment) => token.id === data?.viewer.token?.id;
  const loaded = data?.tokens.edges.map((e) => e.node) ?? [];
  const tokens = loaded
    .filter((token) => matchesSearch(token, search))
    .sort((a, b) => Number(b.status === "ACTIVE") - Number(a.status === "ACTIVE"));

  async function secretDone() {
    const signOutAfter = secret?.signOutAfter;
    setSecret(null);
    if (!signOutAfter) return;
    await signOut();
    navigate(`/sign-in?reason=${encodeURIComponent(ROTATED_OWN_TOKEN)}`, { replace: true });
    await client.clearStore();
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
        <SecretOnce
          name={secret.name}
          secret={secret.secret}
          title={`Token “${secret.name}” ${secret.rotated ? "rotated" : "created"}`}
          onDone={() => void secretDone()}
        />
      )}
      {spotlight && (
        <TokenSpotlight
          id={spotlight}
          closeTo={`?kind=${kind}`}
          onRotate={(token) => setPending({ action: "rotate", token })}
          onRevoke={(token) => setPending({ action: "revoke", token })}
        />
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
          <TokenListTools
            search={search}
            onSearch={setSearch}
            showInactive={showInactive}
            onShowInactive={setShowInactive}
          />
          {loading && !data ? (
            <div className="skeleton" aria-busy="true" aria-label="Loading tokens">
              {Array.from({ length: 4 }, (_, i) => (
                <div key={i} className="skeleton-row" />
              ))}
            </div>
          ) : (
            <>
              <TokensTable
                tokens={tokens}
                empty={
                  loaded.length > 0 ? (
                    <>
                      <p>No tokens match “{search}”.</p>
                      <button type="button" onClick={() => setSearch("")}>
                        Clear search
                      </button>
                    </>
                  ) : showInactive ? undefined : (
                    <p>No active tokens here.</p>
                  )
                }
                onRevoke={(token) => setPending({ action: "revoke", token })}
                onRotate={(token) => setPending({ action: "rotate", token })}
              />
              {data && data.tokens.edges.length > 0 && (
                <p className="muted" aria-live="polite">
                  Showing {data.tokens.edges.length} of {data.tokens.totalCount}
                  {!showInactive && " active"}
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
      {pending?.action === "revoke" && (
        <RevokeDialog
          token={pending.token}
          signedInWith={signedInWith(pending.token)}
          onClose={() => setPending(null)}
        />
      )}
      {pending?.action === "rotate" && (
        <RotateDialog
          token={pending.token}
          signedInWith={signedInWith(pending.token)}
          capDays={organization?.maxTokenLifetimeDays ?? null}
          callerExpiresAt={data?.viewer.token?.expiresAt ?? null}
          onRotated={(name, value, id) => {
            const own = signedInWith(pending.token);
            // A link to the old token now leads to its successor, the one to watch from here on.
            if (spotlight === pending.token.id) setParams({ kind, token: id });
            setPending(null);
            setSecret({ name, secret: value, rotated: true, signOutAfter: own });
          }}
          onCancel={() => setPending(null)}
        />
      )}
    </section>
  );
}
