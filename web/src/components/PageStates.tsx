/** A page's placeholder while its query loads: rows in the page's shape, announced as busy. */
export function Skeleton({ label, rows = 2 }: { label: string; rows?: number }) {
  return (
    <div className="skeleton" aria-busy="true" aria-label={label}>
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="skeleton-row" />
      ))}
    </div>
  );
}

/** What an organization page says when the organization is not one the viewer is in. */
export function NotAMember({ organization }: { organization: string }) {
  return (
    <p className="notice">
      No organization named “{organization}” exists that you are a member of.
    </p>
  );
}
