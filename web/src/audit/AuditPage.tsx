import { useQuery } from "@apollo/client/react";
import { useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { AuditTokensQueryDocument } from "../__generated__/operations";
import { ErrorView } from "../errors/ErrorView";
import { TokensTable } from "../tokens/TokensTable";
import { FilterBar } from "./FilterBar";
import { AuditEvents } from "./AuditEvents";
import {
  filterContradiction,
  readFilters,
  toTokenFilter,
  tokensCsvUrl,
  writeFilters,
  type AuditFilters,
} from "./filters";

/** For auditors: what is about to lapse, what has lapsed, who made it; and the audit trail. */
export function AuditPage() {
  const { org = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const tab = params.get("tab") === "events" ? "events" : "tokens";
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit</h1>
      <nav className="tabs" aria-label="Audit views">
        <Link to={`/orgs/${org}/audit`} aria-current={tab === "tokens" ? "page" : undefined}>
          Tokens
        </Link>
        <Link
          to={`/orgs/${org}/audit?tab=events`}
          aria-current={tab === "events" ? "page" : undefined}
        >
          Events
        </Link>
      </nav>
      {tab === "tokens" ? (
        <AuditTokens org={org} params={params} setParams={setParams} />
      ) : (
        <AuditEvents org={org} params={params} setParams={setParams} />
      )}
    </section>
  );
}

function AuditTokens({
  org,
  params,
  setParams,
}: {
  org: string;
  params: URLSearchParams;
  setParams: (p: URLSearchParams) => void;
}) {
  const filters = readFilters(params);
  // "Unused for N days" is judged from when the page opened, not re-evaluated every second.
  const [openedAt] = useState(() => Date.now());
  const filter = toTokenFilter(org, filters, openedAt);
  const contradiction = filterContradiction(filters);
  const { data, error, loading, fetchMore } = useQuery(AuditTokensQueryDocument, {
    variables: { filter, organization: org },
    skip: contradiction !== null,
  });
  const update = (change: Partial<AuditFilters>) =>
    setParams(writeFilters({ ...filters, ...change }));
  const filtered = Object.keys(filters).length > 0;
  const clear = (
    <button type="button" onClick={() => setParams(writeFilters({}))}>
      Clear filters
    </button>
  );
  if (error) return <ErrorView error={error} />;
  const stats = data?.tokenStats;
  return (
    <>
      <ul className="tiles" aria-label="Token statistics">
        {[
          ["Expiring within 1 day", stats?.expiringWithin1Day],
          ["Within 7 days", stats?.expiringWithin7Days],
          ["Within 30 days", stats?.expiringWithin30Days],
          ["Never expiring", stats?.neverExpiring],
          ["Unused 90 days", stats?.unused90Days],
        ].map(([label, value]) => (
          <li key={label as string}>
            <span className="tile-value">{value ?? "…"}</span> {label}
          </li>
        ))}
      </ul>
      <FilterBar filters={filters} update={update} />
      {contradiction && (
        <div className="notice" role="alert">
          <p>{contradiction}</p>
          {clear}
        </div>
      )}
      <p>
        <a href={tokensCsvUrl(filter)} download>
          Download CSV of this view
        </a>
      </p>
      <p className="muted" aria-live="polite">
        {contradiction
          ? "No token can match these filters."
          : data
            ? `${data.tokens.totalCount} ${data.tokens.totalCount === 1 ? "token matches" : "tokens match"}`
            : "Loading…"}
      </p>
      {contradiction ? null : loading && !data ? (
        <div className="skeleton" aria-busy="true" aria-label="Loading tokens">
          <div className="skeleton-row" />
          <div className="skeleton-row" />
        </div>
      ) : (
        <TokensTable
          tokens={data?.tokens.edges.map((e) => e.node) ?? []}
          empty={
            filtered ? (
              <>
                <p>No tokens match these filters.</p>
                {clear}
              </>
            ) : undefined
          }
        />
      )}
      {data?.tokens.pageInfo.hasNextPage && (
        <button
          type="button"
          onClick={() =>
            // The cache appends the page (apollo.ts).
            void fetchMore({ variables: { after: data.tokens.pageInfo.endCursor } })
          }
        >
          Load more
        </button>
      )}
    </>
  );
}
