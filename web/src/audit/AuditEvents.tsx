import { useQuery } from "@apollo/client/react";
import { AuditEventsQueryDocument, type AuditEventType } from "../__generated__/operations";
import { DateFilter } from "../components/DateFilter";
import { ErrorView } from "../errors/ErrorView";
import { readEventFilters, type EventFilters } from "./filters";

const EVENT_TYPES = [
  "TOKEN_CREATED",
  "TOKEN_REVOKED",
  "TOKEN_ROTATED",
  "TOKEN_EXCHANGED",
  "TOKEN_EXPIRED",
  "TOKEN_USE_REFUSED",
  "POLICY_UPDATED",
  "MEMBER_INVITED",
  "MEMBER_JOINED",
  "MEMBER_REMOVED",
  "ROLE_CHANGED",
  "TEAM_CREATED",
  "TEAM_DELETED",
];

/** The audit trail, newest first, filtered by type, actor, token and dates kept in the URL. */
export function AuditEvents({
  org,
  params,
  setParams,
}: {
  org: string;
  params: URLSearchParams;
  setParams: (p: URLSearchParams) => void;
}) {
  const filters = readEventFilters(params);
  const set = (change: Partial<EventFilters>) => {
    const next = new URLSearchParams({ tab: "events" });
    for (const [k, v] of Object.entries({ ...filters, ...change })) if (v) next.set(k, v);
    setParams(next);
  };
  const filter = {
    organization: org,
    types: filters.type ? [filters.type as AuditEventType] : null,
    actor: filters.actor ?? null,
    tokenId: filters.tokenId ?? null,
    since: filters.since ?? null,
    until: filters.until ?? null,
  };
  const { data, error, fetchMore } = useQuery(AuditEventsQueryDocument, { variables: { filter } });
  // The cache appends the page (apollo.ts).
  const loadMore = (after: string | null) => void fetchMore({ variables: { after } });
  const csv = new URLSearchParams();
  if (filters.type) csv.set("types", filters.type);
  for (const key of ["actor", "tokenId", "since", "until"] as const)
    if (filters[key]) csv.set(key, filters[key]!);
  if (error) return <ErrorView error={error} />;
  return (
    <>
      <form className="filters" aria-label="Filter events" onSubmit={(e) => e.preventDefault()}>
        <label>
          Type
          <select
            value={filters.type ?? ""}
            onChange={(e) => set({ type: e.target.value || undefined })}
          >
            <option value="">Any</option>
            {EVENT_TYPES.map((t) => (
              <option key={t} value={t}>
                {t.toLowerCase().replaceAll("_", " ")}
              </option>
            ))}
          </select>
        </label>
        <label>
          Actor (login or token id)
          <input
            value={filters.actor ?? ""}
            onChange={(e) => set({ actor: e.target.value || undefined })}
          />
        </label>
        <label>
          Token id
          <input
            value={filters.tokenId ?? ""}
            onChange={(e) => set({ tokenId: e.target.value || undefined })}
          />
        </label>
        <DateFilter label="From" value={filters.since} onChange={(v) => set({ since: v })} />
        <DateFilter label="Until" value={filters.until} onChange={(v) => set({ until: v })} />
      </form>
      <p>
        <a
          href={`/api/orgs/${encodeURIComponent(org)}/auditlog.csv${csv.size ? `?${csv}` : ""}`}
          download
        >
          Download CSV of these events
        </a>
      </p>
      <table className="tokens">
        <caption className="visually-hidden">Audit events, newest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Event</th>
            <th scope="col">Actor</th>
            <th scope="col">Token</th>
          </tr>
        </thead>
        <tbody>
          {data?.auditEvents.edges.map(({ node }) => (
            <tr key={node.id}>
              <td data-label="When" title={node.createdAt}>
                {new Date(node.createdAt).toLocaleString()}
              </td>
              <td data-label="Event">{node.type.toLowerCase().replaceAll("_", " ")}</td>
              <td data-label="Actor">
                {node.actorLogin ??
                  (node.actorTokenName
                    ? `${node.actorTokenName} (${node.actorTokenKind?.toLowerCase()} token)`
                    : "lapse")}
              </td>
              <td data-label="Token">{node.tokenName ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {data?.auditEvents.pageInfo.hasNextPage && (
        <button type="button" onClick={() => loadMore(data.auditEvents.pageInfo.endCursor)}>
          Load more
        </button>
      )}
    </>
  );
}
