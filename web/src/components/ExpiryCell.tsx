import { useClockDerived } from "../clock/useNow";
import { exactInstant, expiryView, shortInstant, type ExpiryState } from "../time/expiry";

// An icon as well as a colour, so the state never rests on colour alone.
const ICONS: Record<ExpiryState, string> = {
  long: "●",
  week: "◐",
  day: "⚠",
  expired: "✕",
  revoked: "⊘",
  never: "∞",
};

const LABELS: Record<ExpiryState, string> = {
  long: "Active",
  week: "Expires within 7 days",
  day: "Expires within 24 hours",
  expired: "Expired",
  revoked: "Revoked",
  never: "Never expires",
};

/** A live countdown to a token's expiry, sharing the page's one clock. */
export function ExpiryCell({
  expiresAt,
  revokedAt,
}: {
  expiresAt: string | null;
  revokedAt: string | null;
}) {
  // The view as one string, so the cell renders only when what it shows changes.
  const key = useClockDerived((now) => {
    const view = expiryView(expiresAt, revokedAt, now);
    return `${view.state}\u0000${view.text}`;
  });
  const [state, text] = key.split("\u0000") as [ExpiryState, string];
  const view = { state, text };
  const instant = expiresAt ? exactInstant(expiresAt) : "This token never expires";
  return (
    <span className={`expiry expiry-${view.state}`} title={instant} data-state={view.state}>
      <span aria-hidden="true">{ICONS[view.state]}</span>{" "}
      <span className="visually-hidden">{LABELS[view.state]}: </span>
      {view.text}
      {/* Visible, not only in the tooltip: a phone has no hover. */}
      {expiresAt && (
        <time className="expiry-exact" dateTime={expiresAt}>
          {shortInstant(expiresAt)}
        </time>
      )}
    </span>
  );
}
