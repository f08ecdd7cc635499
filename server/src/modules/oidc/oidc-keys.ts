import { createLocalJWKSet, createRemoteJWKSet, type JWTVerifyGetKey } from "jose";
import { assertIssuerUrl } from "./oidc-issuer.service";
import type { OidcIssuer } from "./oidc-issuer.entity";

/** After a fetch, an unknown kid triggers no new fetch for this long: a flood of bad JWTs costs one fetch. */
export const KEY_REFETCH_COOLDOWN_MS = 30_000;
const KEY_CACHE_MAX_AGE_MS = 10 * 60_000;
const DISCOVERY_TIMEOUT_MS = 5_000;

export class KeysUnavailable extends Error {}

/**
 * The signing keys of each trusted issuer: a static JWKS when registered with one, else discovered
 * at `<url>/.well-known/openid-configuration` and fetched from its jwks_uri by jose, which caches
 * them and refetches on an unknown kid at most once per cool-down.
 */
export class OidcKeyResolver {
  constructor(private readonly cooldownMs = KEY_REFETCH_COOLDOWN_MS) {}

  private readonly remote = new Map<string, { jwksUri: string; keys: JWTVerifyGetKey }>();
  /** When discovery last failed per issuer, so a failing issuer is not asked again within the cool-down. */
  private readonly failedAt = new Map<string, number>();

  async keysFor(issuer: OidcIssuer): Promise<JWTVerifyGetKey> {
    if (issuer.jwks)
      return createLocalJWKSet(JSON.parse(issuer.jwks) as Parameters<typeof createLocalJWKSet>[0]);
    const cached = this.remote.get(issuer.url);
    if (cached) return cached.keys;
    const failed = this.failedAt.get(issuer.url);
    if (failed !== undefined && Date.now() - failed < this.cooldownMs) {
      throw new KeysUnavailable("the issuer's discovery document failed moments ago");
    }
    let jwksUri: URL;
    try {
      jwksUri = await this.discover(issuer.url);
    } catch (error) {
      this.failedAt.set(issuer.url, Date.now());
      throw error;
    }
    this.failedAt.delete(issuer.url);
    const keys = createRemoteJWKSet(jwksUri, {
      cooldownDuration: this.cooldownMs,
      cacheMaxAge: KEY_CACHE_MAX_AGE_MS,
      timeoutDuration: DISCOVERY_TIMEOUT_MS,
    });
    this.remote.set(issuer.url, { jwksUri: jwksUri.toString(), keys });
    return keys;
  }

  private async discover(issuerUrl: string): Promise<URL> {
    const url = `${issuerUrl.replace(/\/$/, "")}/.well-known/openid-configuration`;
    let document: { issuer?: unknown; jwks_uri?: unknown };
    try {
      const response = await fetch(url, {
        signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS),
        redirect: "error",
      });
      if (!response.ok) throw new KeysUnavailable(`discovery answered ${response.status}`);
      document = (await response.json()) as typeof document;
    } catch (error) {
      throw error instanceof KeysUnavailable
        ? error
        : new KeysUnavailable("the discovery document could not be fetched");
    }
    if (document.issuer !== issuerUrl || typeof document.jwks_uri !== "string") {
      throw new KeysUnavailable("the discovery document does not name this issuer and a jwks_uri");
    }
    try {
      return assertIssuerUrl(document.jwks_uri, "jwks_uri");
    } catch {
      throw new KeysUnavailable("the jwks_uri is not https (or http on loopback)");
    }
  }
}
