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

/**
 * "89 days", "6 h 12 min", "4 min 59 s", "45 s", each rounded to the nearest unit it shows, so a
 * token made to last 7 days reads "7 days" rather than "6 days" a second later. The last minute
 * rounds up, so a live token never reads "0 s".
 */
function span(ms: number): string {
  if (ms >= 2 * DAY) return plural(Math.round(ms / DAY), "day");
  if (ms >= HOUR) return hoursAndMinutes(Math.round(ms / MINUTE));
  const seconds = Math.ceil(ms / SECOND);
  if (seconds < 60) return `${seconds} s`;
  const rest = seconds % 60;
  return rest ? `${Math.floor(seconds / 60)} min ${rest} s` : `${seconds / 60} min`;
}

/** "6 h 12 min", or "6 h" on the hour; whole minutes, so rounding never reads "5 h 60 min". */
function hoursAndMinutes(totalMinutes: number): string {
  const minutes = totalMinutes % 60;
  const hours = (totalMinutes - minutes) / 60;
  return minutes ? `${hours} h ${minutes} min` : `${hours} h`;
}

/** Like span, for the past, to the nearest unit: "3 days ago", "2 h ago", "4 min ago", "just now". */
function ago(ms: number): string {
  if (ms >= 2 * DAY) return `${plural(Math.round(ms / DAY), "day")} ago`;
  const minutes = Math.round(ms / MINUTE);
  if (minutes >= 60) return `${Math.round(ms / HOUR)} h ago`;
  if (ms >= MINUTE) return `${minutes} min ago`;
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

/** The instant in the browser's zone to the minute ("3 Dec 2026, 17:25"), shown under a countdown. */
export function shortInstant(iso: string): string {
  return SHORT.format(new Date(iso));
}

// One formatter for every row: building one per call costs more than the rest of the cell.
const SHORT = new Intl.DateTimeFormat(undefined, {
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});
