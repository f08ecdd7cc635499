import { hash, randomBytes } from "node:crypto";
import { crc32 } from "node:zlib";
import { TokenKind } from "../modules/token/token.types";

/**
 * Secrets follow GitHub's token format: a prefix that names the product and the kind (so secret
 * scanners can find a leaked one and tell what it is), 32 random base62 characters (190 bits), and a
 * CRC32 checksum of everything before it as 6 base62 characters, so a mistyped or truncated secret
 * is refused without a database query.
 */
export const SECRET_PREFIXES: Record<TokenKind, string> = {
  [TokenKind.PERSONAL]: "lapse_pat_",
  [TokenKind.TEAM]: "lapse_tat_",
  [TokenKind.ORGANIZATION]: "lapse_oat_",
};

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const RANDOM_LENGTH = 32;
const CHECKSUM_LENGTH = 6;
const BODY = new RegExp(`^[0-9A-Za-z]{${RANDOM_LENGTH + CHECKSUM_LENGTH}}$`);

function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 * 62: rejecting larger bytes keeps every character equally likely.
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

function checksum(text: string): string {
  let value = crc32(text);
  let out = "";
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = ALPHABET[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

/** Invitation codes share the format, with a prefix of their own. */
export const INVITATION_PREFIX = "lapse_inv_";

/** A new random string in the secret format with `prefix`. */
export function generateCode(prefix: string): string {
  const body = prefix + randomBase62(RANDOM_LENGTH);
  return body + checksum(body);
}

/** Whether `text` has the secret format with `prefix` and a matching checksum. */
export function isWellFormed(text: string, prefix: string): boolean {
  if (!text.startsWith(prefix) || !BODY.test(text.slice(prefix.length))) return false;
  return checksum(text.slice(0, -CHECKSUM_LENGTH)) === text.slice(-CHECKSUM_LENGTH);
}

/** A new secret for a token of `kind`. */
export function generateSecret(kind: TokenKind): string {
  return generateCode(SECRET_PREFIXES[kind]);
}

/** The kind a well-formed secret claims, or null if its shape or checksum is wrong. */
export function parseSecret(secret: string): TokenKind | null {
  for (const [kind, prefix] of Object.entries(SECRET_PREFIXES) as [TokenKind, string][]) {
    if (secret.startsWith(prefix)) return isWellFormed(secret, prefix) ? kind : null;
  }
  return null;
}

/** What is stored in place of the secret. */
export function digestSecret(secret: string): string {
  // The one-shot hash: on every authenticated request, it allocates no Hash object.
  return hash("sha256", secret, "hex");
}

/** Shown in lists so a person can recognise a token: its prefix and last four characters. */
export function secretHint(secret: string, kind: TokenKind): string {
  return `${SECRET_PREFIXES[kind]}…${secret.slice(-4)}`;
}
