import { describe, expect, it } from "vitest";
import { readFilters, toTokenFilter, writeFilters } from "./filters";

describe("audit filters in the URL", () => {
  it("round-trip through the query string in a stable order", () => {
    const filters = {
      status: "ACTIVE",
      kind: "TEAM",
      team: "platform",
      expiringWithinDays: 7,
      violatesPolicy: true,
    } as const;
    const params = writeFilters(filters);
    expect(params.toString()).toBe(
      "expiringWithinDays=7&kind=TEAM&status=ACTIVE&team=platform&violatesPolicy=true",
    );
    expect(readFilters(params)).toEqual(filters);
  });

  it("drop malformed values instead of failing the page", () => {
    const params = new URLSearchParams(
      "status=LOST&kind=team&expiringWithinDays=-3&unusedForDays=abc&expiresAfter=soon&neverExpires=yes",
    );
    expect(readFilters(params)).toEqual({});
  });

  it("turn 'unused for N days' into lastUsedBefore at now", () => {
    const now = Date.parse("2026-11-26T12:00:00.000Z");
    const filter = toTokenFilter("acme", { unusedForDays: 90 }, now);
    expect(filter.lastUsedBefore).toBe("2026-08-28T12:00:00.000Z");
    expect(filter.organization).toBe("acme");
    expect(filter.statuses).toBeNull();
  });
});
