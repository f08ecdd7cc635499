import { describe, expect, it } from "vitest";
import { PRESETS, expiryProblem, nameProblem, presetBlocked } from "./tokenRules";

const now = Date.parse("2026-11-26T12:00:00.000Z");

describe("the create form's rules, as the server has them", () => {
  it("take names of 1 to 40 characters without control characters or outer white space", () => {
    expect(nameProblem("deploy 🚀")).toBeNull();
    expect(nameProblem("")).toMatch(/1 to 40/);
    expect(nameProblem("x".repeat(41))).toMatch(/1 to 40/);
    expect(nameProblem(" padded")).toMatch(/white space/);
    expect(nameProblem("tab\there")).toMatch(/control characters/);
  });

  it("refuse a past expiry, one beyond two years, and one beyond the organization's cap", () => {
    expect(expiryProblem(new Date(now - 1), now, null)).toMatch(/future/);
    expect(expiryProblem(new Date("2028-11-26T12:00:00.001Z"), now, null)).toMatch(/two years/);
    expect(expiryProblem(new Date("2028-11-26T12:00:00.000Z"), now, null)).toBeNull();
    expect(expiryProblem(new Date(now + 15 * 86_400_000), now, 14)).toMatch(/within 14 days/);
  });

  it("disable presets above the cap and 'no expiry' under any cap, saying why", () => {
    const blocked = PRESETS.map((p) => [p.id, presetBlocked(p, 30)]);
    expect(blocked).toEqual([
      ["1d", null],
      ["7d", null],
      ["30d", null],
      ["90d", "Above the organization's 30-day limit."],
      ["1y", "Above the organization's 30-day limit."],
      ["never", "Your organization requires tokens to expire within 30 days."],
    ]);
    expect(PRESETS.every((p) => presetBlocked(p, null) === null)).toBe(true);
  });
});
