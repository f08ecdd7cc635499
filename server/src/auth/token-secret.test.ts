import { describe, expect, it } from "vitest";
import { TokenKind } from "../modules/token/token.types";
import {
  SECRET_PREFIXES,
  digestSecret,
  generateSecret,
  parseSecret,
  secretHint,
} from "./token-secret";

describe("token secrets", () => {
  it("carry the kind's prefix, 32 random base62 characters and a 6-character checksum", () => {
    for (const kind of Object.values(TokenKind)) {
      const secret = generateSecret(kind);
      expect(secret).toMatch(new RegExp(`^${SECRET_PREFIXES[kind]}[0-9A-Za-z]{38}$`));
      expect(parseSecret(secret)).toBe(kind);
    }
  });

  it("hold at least 160 bits of entropy: 32 base62 characters are 190 bits", () => {
    expect(32 * Math.log2(62)).toBeGreaterThan(160);
    const secrets = new Set(Array.from({ length: 2000 }, () => generateSecret(TokenKind.PERSONAL)));
    expect(secrets.size).toBe(2000);
    // Every base62 character shows up in the random part: no alphabet is silently narrowed.
    const seen = new Set([...secrets].flatMap((s) => [...s.slice(10, 42)]));
    expect(seen.size).toBe(62);
  });

  it("refuses a secret with any single character changed, a truncated one or a foreign one", () => {
    const secret = generateSecret(TokenKind.TEAM);
    for (let i = SECRET_PREFIXES.TEAM.length; i < secret.length; i++) {
      const flipped = secret[i] === "a" ? "b" : "a";
      expect(parseSecret(secret.slice(0, i) + flipped + secret.slice(i + 1))).toBeNull();
    }
    expect(parseSecret(secret.slice(0, -1))).toBeNull();
    expect(parseSecret(`${secret}0`)).toBeNull();
    // The prefix is inside the checksum: relabelling a team secret as personal is caught too.
    expect(parseSecret(secret.replace("lapse_tat_", "lapse_pat_"))).toBeNull();
    expect(parseSecret("ghp_abcdefghijklmnopqrstuvwxyz0123456789")).toBeNull();
    expect(parseSecret("")).toBeNull();
  });

  it("are stored as a SHA-256 digest and shown as a hint with the last four characters", () => {
    const secret = generateSecret(TokenKind.ORGANIZATION);
    expect(digestSecret(secret)).toMatch(/^[0-9a-f]{64}$/);
    expect(digestSecret(secret)).not.toContain(secret.slice(10, 20));
    expect(secretHint(secret, TokenKind.ORGANIZATION)).toBe(`lapse_oat_…${secret.slice(-4)}`);
  });
});
