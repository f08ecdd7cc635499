import { describe, expect, it } from "vitest";
import { sessionEndReason } from "./session-end";

const ANONYMOUS = "Sign in, or send a valid access token in the Authorization header.";
const at = "2026-11-26T12:00:00.000Z";
const ms = Date.parse(at);

describe("why the sign-in page is shown", () => {
  it("gives no reason to someone who never signed in here", () => {
    expect(sessionEndReason(ANONYMOUS, ms, null)).toBeNull();
  });

  it("names the token's expiry from the second it passes, not before", () => {
    const end = { expiresAt: at, tokenExpiresAt: at };
    expect(sessionEndReason(ANONYMOUS, ms - 1000, end)).toBe("Your session ended; sign in again.");
    expect(sessionEndReason(ANONYMOUS, ms, end)).toMatch(
      /^Your session ended: the token you signed in with expired at .+\. Sign in with another token\.$/,
    );
  });

  it("says a session that outlived its twelve hours ended for that, while the token lives on", () => {
    const end = { expiresAt: at, tokenExpiresAt: "2027-01-01T00:00:00.000Z" };
    expect(sessionEndReason(ANONYMOUS, ms, end)).toMatch(/sessions last 12 hours at most/);
    expect(sessionEndReason(ANONYMOUS, ms, { expiresAt: at, tokenExpiresAt: null })).toMatch(
      /12 hours/,
    );
  });

  it("passes on the server's own sentence for a live session refused for another reason", () => {
    const end = { expiresAt: "2027-01-01T00:00:00.000Z", tokenExpiresAt: null };
    expect(sessionEndReason("This access token has been revoked; create a new one.", ms, end)).toBe(
      "This access token has been revoked; create a new one.",
    );
  });
});
