import { describe, expect, it } from "vitest";
import { AccessToken } from "../token/access-token.entity";
import { TokenKind, TokenSource } from "../token/token.types";
import { Organization } from "./organization.entity";
import { breaksPolicy, policyDeadline } from "./token-policy";

const now = new Date("2026-11-26T12:00:00.000Z");
const DAY = 86_400_000;
const org = (days: number | null) =>
  Object.assign(new Organization(), { name: "acme", maxTokenLifetimeDays: days });
const token = (expiresAt: Date | null, source = TokenSource.API) =>
  Object.assign(new AccessToken(), { kind: TokenKind.TEAM, expiresAt, source });

describe("the lifetime policy", () => {
  it("judges the remaining lifetime against the cap, to the millisecond", () => {
    expect(policyDeadline(org(14), now)).toEqual(new Date(now.getTime() + 14 * DAY));
    expect(breaksPolicy(token(new Date(now.getTime() + 14 * DAY)), org(14), now)).toBe(false);
    expect(breaksPolicy(token(new Date(now.getTime() + 14 * DAY + 1)), org(14), now)).toBe(true);
    expect(breaksPolicy(token(null), org(14), now)).toBe(true);
  });

  it("binds nothing without a cap, and exempts tokens minted by OIDC exchange", () => {
    expect(policyDeadline(org(null), now)).toBeNull();
    expect(breaksPolicy(token(null), org(null), now)).toBe(false);
    expect(breaksPolicy(token(null, TokenSource.OIDC), org(1), now)).toBe(false);
  });
});
