import { randomInt } from "node:crypto";
import { crc32 } from "node:zlib";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const RANDOM_LENGTH = 32;
/** The hint shows the last four of the six checksum characters: the CRC32 modulo 62^4. */
const HINT_MODULUS = 62 ** 4;

const CRC_TABLE = Int32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

/** The CRC32 register after `text`, before the final inversion (so it can be carried on). */
function crcRegister(text: string, register = 0xffffffff): number {
  let c = register;
  for (let i = 0; i < text.length; i++) c = CRC_TABLE[(c ^ text.charCodeAt(i)) & 0xff]! ^ (c >>> 8);
  return c;
}

function base62(value: number, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) {
    out = ALPHABET[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

/**
 * What an attacker who can read a token's hint (its prefix and last four characters) makes of it:
 * another well-formed secret, checksum and all, with the same hint. The last four characters are
 * the checksum's low digits, so this is a search over the last four random characters for a CRC32
 * with the right remainder: about 15 million steps, a fraction of a second.
 */
export function forgeSecretWithHint(prefix: string, lastFour: string): string {
  const wanted = [...lastFour].reduce((value, ch) => value * 62 + ALPHABET.indexOf(ch), 0);
  for (;;) {
    const head =
      prefix + Array.from({ length: RANDOM_LENGTH - 4 }, () => ALPHABET[randomInt(62)]).join("");
    const start = crcRegister(head);
    for (const a of ALPHABET) {
      const ra = crcRegister(a, start);
      for (const b of ALPHABET) {
        const rb = crcRegister(b, ra);
        for (const c of ALPHABET) {
          const rc = crcRegister(c, rb);
          for (const d of ALPHABET) {
            const crc = (crcRegister(d, rc) ^ 0xffffffff) >>> 0;
            if (crc % HINT_MODULUS !== wanted) continue;
            const body = head + a + b + c + d;
            // The production checksum, computed the production way, must agree.
            if (crc32(body) !== crc) throw new Error("the forged CRC32 disagrees with zlib's");
            return body + base62(crc, 6);
          }
        }
      }
    }
  }
}
