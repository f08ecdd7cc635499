import { createPublicKey, verify, type KeyObject } from "node:crypto";
import { FetchFailed, fetchJson } from "../oidc/oidc-fetch";
import { PartnerKeysUnavailable } from "./leak.errors";

/** Where GitHub publishes the keys its secret-scanning alerts are signed with. */
export const GITHUB_SECRET_SCANNING_KEYS_URL =
  "https://api.github.com/meta/public_keys/secret_scanning";

/** GitHub adds keys rarely and an unknown key id is fetched for at once: an hour is fresh enough. */
export const KEYS_TTL_MS = 60 * 60_000;
/**
 * After a fetch, no other for this long, whatever key ids arrive: anyone may send a made-up id, and
 * GitHub's API allows 60 unauthenticated requests an hour per address.
 */
export const KEYS_REFETCH_COOLDOWN_MS = 5 * 60_000;
const FETCH_TIMEOUT_MS = 5_000;

/**
 * The secret-scanning partner's public keys (`{"public_keys": [{key_identifier, key}]}`, keys in
 * PEM), fetched from the configured URL, kept for KEYS_TTL_MS and fetched again on an unknown key
 * id, at most once per cool-down. Only ECDSA P-256 keys are kept.
 *
 * The URL is the operator's setting, not a client's, so it is not held to the OIDC fetch's rule
 * against non-public addresses (a mirror inside the network is a fair choice, and the tests serve
 * keys on loopback); it is fetched with that fetch's other limits: no redirect, 512 KiB, 5 s.
 */
export class SecretScanningKeys {
  private keys = new Map<string, KeyObject>();
  private fetchedAtMs = Number.NEGATIVE_INFINITY;
  private attemptedAtMs = Number.NEGATIVE_INFINITY;
  private lastFailure: string | null = null;
  private inFlight: Promise<void> | null = null;

  constructor(readonly url: string) {}

  /**
   * The key with `id`, or null when the partner publishes none by that id.
   * Throws PartnerKeysUnavailable when the keys could not be fetched and none by that id is known.
   */
  async key(id: string, nowMs: number): Promise<KeyObject | null> {
    // A clock that went back (a test's, or a step of NTP's) makes the keys stale rather than fresh.
    const since = (then: number) => (nowMs >= then ? nowMs - then : Number.POSITIVE_INFINITY);
    const wanted = since(this.fetchedAtMs) >= KEYS_TTL_MS || !this.keys.has(id);
    if (wanted && since(this.attemptedAtMs) >= KEYS_REFETCH_COOLDOWN_MS) {
      this.inFlight ??= this.fetch(nowMs).finally(() => {
        this.inFlight = null;
      });
    }
    if (wanted && this.inFlight) await this.inFlight;
    const key = this.keys.get(id);
    if (key) return key;
    if (this.lastFailure) throw new PartnerKeysUnavailable(this.lastFailure);
    return null;
  }

  private async fetch(nowMs: number): Promise<void> {
    this.attemptedAtMs = nowMs;
    try {
      const document = await fetchJson(new URL(this.url), {
        allowPrivate: true,
        timeoutMs: FETCH_TIMEOUT_MS,
      });
      this.keys = parseKeys(document);
      this.fetchedAtMs = nowMs;
      this.lastFailure = null;
    } catch (error) {
      // The keys known so far are kept: a partner's outage should not stop alerts signed with them.
      this.lastFailure = error instanceof FetchFailed ? error.message : String(error);
    }
  }
}

/** The ECDSA P-256 keys of a `public_keys` document by key id; throws FetchFailed on another shape. */
function parseKeys(document: unknown): Map<string, KeyObject> {
  const listed = (document as { public_keys?: unknown } | null)?.public_keys;
  if (!Array.isArray(listed)) throw new FetchFailed("the answer has no public_keys list");
  const keys = new Map<string, KeyObject>();
  for (const entry of listed as { key_identifier?: unknown; key?: unknown }[]) {
    if (typeof entry?.key_identifier !== "string" || typeof entry.key !== "string") continue;
    try {
      const key = createPublicKey(entry.key);
      if (key.asymmetricKeyDetails?.namedCurve === "prime256v1")
        keys.set(entry.key_identifier, key);
    } catch {
      // Not a key this verifier reads; the others still serve.
    }
  }
  return keys;
}

/** Whether `signature` (base64 of a DER ECDSA signature) signs `body` with `key`, over SHA-256. */
export function signatureValid(body: Buffer, signature: string, key: KeyObject): boolean {
  try {
    return verify("sha256", body, { key, dsaEncoding: "der" }, Buffer.from(signature, "base64"));
  } catch {
    return false;
  }
}
