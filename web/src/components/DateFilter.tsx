/** A labelled date picker for an instant filter: the day's start in UTC, or unset when cleared. */
export function DateFilter(props: {
  label: string;
  value: string | undefined;
  onChange: (instant: string | undefined) => void;
}) {
  return (
    <label>
      {props.label}
      <input
        type="date"
        value={props.value?.slice(0, 10) ?? ""}
        onChange={(e) => props.onChange(e.target.value ? `${e.target.value}T00:00:00Z` : undefined)}
      />
    </label>
  );
}
