import { shortInstant } from "./time/expiry";

/**
 * What this browser remembers of its session: only when it ends, never a secret. It is how the
 * sign-in page tells a session that ended ("the token you signed in with expired at …") from a
 * first visit, which gets a plain sign-in: once a session's cookie is dropped, the server sees an
 * anonymous request either way.
 */
export interface SessionEnd {
  /** When the session ends: the token's expiry, or twelve hours after sign-in. */
  expiresAt: string;
  /** When the token it was opened with expires; null: never. */
  tokenExpiresAt: string | null;
}

const KEY = "lapse.session";

export function rememberSession(end: SessionEnd): void {
  localStorage.setItem(KEY, JSON.stringify(end));
}

export function forgetSession(): void {
  localStorage.removeItem(KEY);
}

function remembered(): SessionEnd | null {
  try {
    const value = JSON.parse(localStorage.getItem(KEY) ?? "null") as SessionEnd | null;
    return value && typeof value.expiresAt === "string" ? value : null;
  } catch {
    return null;
  }
}

/** The server's sentence for a request that came with no credential at all. */
const ANONYMOUS = /^Sign in, or send a valid access token/;

/**
 * Why the sign-in page is shown, at `now`, after the server refused a request with `message`: null
 * for someone who never signed in here (a plain sign-in, no error), else a sentence saying how the
 * session ended.
 */
export function sessionEndReason(
  message: string,
  // The instant of the refusal itself, not the shared clock's last tick: that may be minutes old
  // when no countdown is on screen.
  now = Date.now(),
  end = remembered(),
): string | null {
  if (!end) return null;
  if (end.tokenExpiresAt && Date.parse(end.tokenExpiresAt) <= now) {
    return `Your session ended: the token you signed in with expired at ${shortInstant(end.tokenExpiresAt)}. Sign in with another token.`;
  }
  if (Date.parse(end.expiresAt) <= now) {
    return `Your session ended at ${shortInstant(end.expiresAt)}: sessions last 12 hours at most. Sign in again.`;
  }
  return ANONYMOUS.test(message) ? "Your session ended; sign in again." : message;
}
