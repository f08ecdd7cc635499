import { describe, expect, it } from "vitest";
import {
  filterContradiction,
  readEventFilters,
  readFilters,
  toTokenFilter,
  tokensCsvUrl,
  writeFilters,
} from "./filters";

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

  it("give the CSV link the same filter as the view", () => {
    const filter = toTokenFilter(
      "acme",
      { kind: "TEAM", expiringWithinDays: 7 },
      Date.parse("2026-11-26T12:00:00.000Z"),
    );
    expect(tokensCsvUrl(filter)).toBe("/api/orgs/acme/tokens.csv?expiringWithinDays=7&kinds=TEAM");
  });

  it("read the events tab's filters, dropping malformed ones", () => {
    expect(
      readEventFilters(
        new URLSearchParams("type=TOKEN_REVOKED&actor=alice&since=2026-11-01T00:00:00Z"),
      ),
    ).toEqual({
      type: "TOKEN_REVOKED",
      actor: "alice",
      since: "2026-11-01T00:00:00Z",
    });
    expect(readEventFilters(new URLSearchParams("type=drop table&since=yesterday"))).toEqual({});
  });

  it("turn 'unused for N days' into lastUsedBefore at now", () => {
    const now = Date.parse("2026-11-26T12:00:00.000Z");
    const filter = toTokenFilter("acme", { unusedForDays: 90 }, now);
    expect(filter.lastUsedBefore).toBe("2026-08-28T12:00:00.000Z");
    expect(filter.organization).toBe("acme");
    expect(filter.statuses).toBeNull();
  });
});

describe("contradictory audit filters", () => {
  it("explains filters that no token could meet together, naming both", () => {
    expect(filterContradiction({ expiringWithinDays: 7, neverExpires: true })).toMatch(
      /^"Expiring within 7 days" and "never expires" cannot both hold/,
    );
    expect(
      filterContradiction({ expiresBefore: "2026-12-01T00:00:00Z", neverExpires: true }),
    ).toMatch(/expiry range and "never expires"/);
    expect(filterContradiction({ status: "EXPIRED", neverExpires: true })).toMatch(/cannot both/);
    expect(filterContradiction({ status: "REVOKED", expiringWithinDays: 3 })).toMatch(
      /no revoked token matches/,
    );
    expect(
      filterContradiction({
        expiresAfter: "2026-12-02T00:00:00Z",
        expiresBefore: "2026-12-01T00:00:00Z",
      }),
    ).toMatch(/must come before/);
  });

  it("accepts filters that can hold together", () => {
    expect(filterContradiction({})).toBeNull();
    expect(filterContradiction({ status: "ACTIVE", expiringWithinDays: 7 })).toBeNull();
    expect(filterContradiction({ neverExpires: true, status: "REVOKED" })).toBeNull();
  });
});
