/** How a token's expiry reads at one instant; the state drives the colour and the icon. */
export type ExpiryState = "long" | "week" | "day" | "expired" | "revoked" | "never";

export interface ExpiryView {
  state: ExpiryState;
  text: string;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
const pad = (n: number) => String(n).padStart(2, "0");

/** "89 days", "6 h 12 min", "04:59" (the last hour counts down in minutes and seconds). */
function span(ms: number): string {
  if (ms >= 2 * DAY) return plural(Math.floor(ms / DAY), "day");
  if (ms >= HOUR) {
    const hours = Math.floor(ms / HOUR);
    const minutes = Math.floor((ms % HOUR) / MINUTE);
    return minutes ? `${hours} h ${minutes} min` : `${hours} h`;
  }
  const seconds = Math.ceil(ms / SECOND);
  return `${pad(Math.floor(seconds / 60))}:${pad(seconds % 60)}`;
}

/** Like span, for the past: "3 days ago", "2 h ago", "4 min ago", "just now". */
function ago(ms: number): string {
  if (ms >= 2 * DAY) return `${plural(Math.floor(ms / DAY), "day")} ago`;
  if (ms >= HOUR) return `${Math.floor(ms / HOUR)} h ago`;
  if (ms >= MINUTE) return `${Math.floor(ms / MINUTE)} min ago`;
  return "just now";
}

/**
 * The expiry cell at `now`: a token is expired from its expiresAt on (as the server judges it), and
 * a revocation that has taken effect wins over everything else.
 */
export function expiryView(
  expiresAt: string | null,
  revokedAt: string | null,
  now: number,
): ExpiryView {
  if (revokedAt && Date.parse(revokedAt) <= now)
    return { state: "revoked", text: `revoked ${ago(now - Date.parse(revokedAt))}` };
  if (!expiresAt) return { state: "never", text: "never" };
  const left = Date.parse(expiresAt) - now;
  if (left <= 0) return { state: "expired", text: `expired ${ago(-left)}` };
  const state: ExpiryState = left > 7 * DAY ? "long" : left > DAY ? "week" : "day";
  return { state, text: `in ${span(left)}` };
}

/** The exact instant, in UTC and in the browser's zone, for the cell's tooltip. */
export function exactInstant(iso: string): string {
  const date = new Date(iso);
  return `${date.toISOString().replace(".000Z", "Z")} UTC · ${date.toLocaleString()} local`;
}
