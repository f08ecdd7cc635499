import { describe, expect, it } from "vitest";
import { rotationPresetBlocked } from "./RotateDialog";
import { matchesSearch } from "./TokenListTools";

const DAY = 86_400_000;
const now = Date.parse("2026-11-26T12:00:00.000Z");
const made = (lifetimeMs: number | null, kind: "PERSONAL" | "TEAM" = "TEAM") => ({
  kind,
  createdAt: new Date(now - DAY).toISOString(),
  expiresAt: lifetimeMs === null ? null : new Date(now - DAY + lifetimeMs).toISOString(),
});
const open = { capDays: null, callerExpiresAt: null, now };

describe("a rotation's new expiry", () => {
  it("offers nothing longer than the lifetime the token had, allowing the moment it took to store", () => {
    const weekish = made(7 * DAY - 250);
    expect(rotationPresetBlocked(weekish, 7, open)).toBeNull();
    expect(rotationPresetBlocked(weekish, 1, open)).toBeNull();
    expect(rotationPresetBlocked(weekish, 30, open)).toBe(
      "Longer than the 7-day lifetime it had: a rotation keeps it.",
    );
    expect(rotationPresetBlocked(made(7 * DAY - 61_000), 7, open)).not.toBeNull();
  });

  it("keeps the organization's cap for team tokens and the signed-in token's expiry", () => {
    expect(rotationPresetBlocked(made(null), 90, { ...open, capDays: 30 })).toMatch(/30-day limit/);
    expect(rotationPresetBlocked(made(null, "PERSONAL"), 90, { ...open, capDays: 30 })).toBeNull();
    const caller = now + 7 * DAY;
    expect(rotationPresetBlocked(made(null), 7, { ...open, callerExpiresAt: caller })).toBeNull();
    expect(rotationPresetBlocked(made(null), 30, { ...open, callerExpiresAt: caller })).toMatch(
      /cannot outlive it/,
    );
  });
});

describe("the tokens page's search", () => {
  it("finds a word in the name or the description, ignoring case", () => {
    const token = { name: "deploy-prod", description: "The CI job that ships" };
    expect(matchesSearch(token, "")).toBe(true);
    expect(matchesSearch(token, "PROD")).toBe(true);
    expect(matchesSearch(token, "ci job")).toBe(true);
    expect(matchesSearch(token, "staging")).toBe(false);
    expect(matchesSearch({ name: "x", description: null }, "null")).toBe(false);
  });
});
