import { DateFilter } from "../components/DateFilter";
import { SOURCES, type AuditFilters } from "./filters";

type Update = (change: Partial<AuditFilters>) => void;

const select = (
  label: string,
  value: string | undefined,
  options: string[],
  onChange: (v: string | undefined) => void,
) => (
  <label>
    {label}
    <select value={value ?? ""} onChange={(e) => onChange(e.target.value || undefined)}>
      <option value="">Any</option>
      {options.map((o) => (
        <option key={o} value={o}>
          {o.toLowerCase()}
        </option>
      ))}
    </select>
  </label>
);

const textInput = (
  label: string,
  value: string | undefined,
  onChange: (v: string | undefined) => void,
) => (
  <label>
    {label}
    <input value={value ?? ""} onChange={(e) => onChange(e.target.value || undefined)} />
  </label>
);

const daysInput = (
  label: string,
  value: number | undefined,
  onChange: (v: number | undefined) => void,
) => (
  <label>
    {label}
    <input
      type="number"
      min={1}
      max={3650}
      value={value ?? ""}
      onChange={(e) => onChange(e.target.value ? Number(e.target.value) : undefined)}
    />
  </label>
);

const checkbox = (
  label: string,
  value: boolean | undefined,
  onChange: (v: boolean | undefined) => void,
) => (
  <label className="check">
    <input
      type="checkbox"
      checked={value ?? false}
      onChange={(e) => onChange(e.target.checked || undefined)}
    />
    {label}
  </label>
);

/** Every filter an auditor asks with; each change lands in the URL. */
export function FilterBar({ filters, update }: { filters: AuditFilters; update: Update }) {
  return (
    <form className="filters" aria-label="Filter tokens" onSubmit={(e) => e.preventDefault()}>
      {select("Status", filters.status, ["ACTIVE", "EXPIRED", "REVOKED"], (v) =>
        update({ status: v as AuditFilters["status"] }),
      )}
      {select("Kind", filters.kind, ["PERSONAL", "TEAM", "ORGANIZATION"], (v) =>
        update({ kind: v as AuditFilters["kind"] }),
      )}
      {select("Source", filters.source, SOURCES, (v) =>
        update({ source: v as AuditFilters["source"] }),
      )}
      {textInput("Team", filters.team, (v) => update({ team: v }))}
      {textInput("Owner", filters.owner, (v) => update({ owner: v }))}
      {textInput("Created by", filters.createdBy, (v) => update({ createdBy: v }))}
      {daysInput("Expiring within (days)", filters.expiringWithinDays, (v) =>
        update({ expiringWithinDays: v }),
      )}
      {daysInput("Unused for (days)", filters.unusedForDays, (v) => update({ unusedForDays: v }))}
      <DateFilter
        label="Expires after"
        value={filters.expiresAfter}
        onChange={(v) => update({ expiresAfter: v })}
      />
      <DateFilter
        label="Expires before"
        value={filters.expiresBefore}
        onChange={(v) => update({ expiresBefore: v })}
      />
      {checkbox("Never expires", filters.neverExpires, (v) => update({ neverExpires: v }))}
      {checkbox("Violates policy", filters.violatesPolicy, (v) => update({ violatesPolicy: v }))}
    </form>
  );
}
