import { describe, expect, it } from "vitest";
import { expiryView } from "./expiry";

const now = Date.parse("2026-11-26T12:00:00.000Z");
const at = (ms: number) => new Date(now + ms).toISOString();
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe("the expiry cell's words", () => {
  it("counts days, then hours and minutes, then minutes and seconds in the last hour", () => {
    expect(expiryView(at(89 * DAY + 5 * HOUR), null, now)).toEqual({
      state: "long",
      text: "in 89 days",
    });
    expect(expiryView(at(3 * DAY), null, now)).toEqual({ state: "week", text: "in 3 days" });
    expect(expiryView(at(6 * HOUR + 12 * MIN + 29_000), null, now)).toEqual({
      state: "day",
      text: "in 6 h 12 min",
    });
    expect(expiryView(at(26 * HOUR), null, now)).toEqual({ state: "week", text: "in 26 h" });
    expect(expiryView(at(4 * MIN + 59_000), null, now)).toEqual({
      state: "day",
      text: "in 4 min 59 s",
    });
    expect(expiryView(at(2 * MIN), null, now).text).toBe("in 2 min");
    expect(expiryView(at(45_000), null, now).text).toBe("in 45 s");
    expect(expiryView(at(1), null, now)).toEqual({ state: "day", text: "in 1 s" });
  });

  it("turns expired exactly at expiresAt, and says how long ago", () => {
    expect(expiryView(at(0), null, now)).toEqual({ state: "expired", text: "expired just now" });
    expect(expiryView(at(-3 * DAY), null, now)).toEqual({
      state: "expired",
      text: "expired 3 days ago",
    });
    expect(expiryView(at(-80 * MIN), null, now)).toEqual({
      state: "expired",
      text: "expired 1 h ago",
    });
    expect(expiryView(at(-100 * MIN), null, now).text).toBe("expired 2 h ago");
    expect(expiryView(at(-(59 * MIN + 50_000)), null, now).text).toBe("expired 1 h ago");
  });

  it("says never for tokens without expiry and lets a revocation win once it takes effect", () => {
    expect(expiryView(null, null, now)).toEqual({ state: "never", text: "never" });
    expect(expiryView(at(DAY), at(-2 * MIN), now)).toEqual({
      state: "revoked",
      text: "revoked 2 min ago",
    });
    // A revocation scheduled for the end of a rotation grace period has not happened yet.
    expect(expiryView(at(10 * DAY), at(5 * MIN), now).state).toBe("long");
  });

  it("rounds to the nearest unit it shows, so a fresh 7-day token reads 7 days, not 6", () => {
    expect(expiryView(at(7 * DAY - 1000), null, now).text).toBe("in 7 days");
    expect(expiryView(at(3 * DAY - 1000), null, now).text).toBe("in 3 days");
    expect(expiryView(at(2 * DAY + 12 * HOUR), null, now).text).toBe("in 3 days");
    expect(expiryView(at(2 * DAY + 12 * HOUR - 1000), null, now).text).toBe("in 2 days");
    expect(expiryView(at(2 * HOUR + 44 * MIN + 30_000), null, now).text).toBe("in 2 h 45 min");
    expect(expiryView(at(2 * HOUR + 44 * MIN + 29_000), null, now).text).toBe("in 2 h 44 min");
    // Rounding carries into the hour rather than reading "5 h 60 min".
    expect(expiryView(at(5 * HOUR + 59 * MIN + 45_000), null, now).text).toBe("in 6 h");
    expect(expiryView(at(HOUR - 500), null, now).text).toBe("in 60 min");
    expect(expiryView(at(59 * MIN + 1), null, now).text).toBe("in 59 min 1 s");
  });

  it("keeps the 7-day and 24-hour boundaries where the states say", () => {
    expect(expiryView(at(7 * DAY + 1), null, now).state).toBe("long");
    expect(expiryView(at(7 * DAY), null, now).state).toBe("week");
    expect(expiryView(at(DAY + 1), null, now).state).toBe("week");
    expect(expiryView(at(DAY), null, now).state).toBe("day");
  });
});
