import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  errors as joseErrors,
  type JWTVerifyGetKey,
} from "jose";
import { FetchFailed, fetchJson, type FetchPolicy } from "./oidc-fetch";
import { assertIssuerUrl } from "./oidc-issuer.service";
import type { OidcIssuer } from "./oidc-issuer.entity";

/** After a fetch, an unknown kid triggers no new fetch for this long: a flood of bad JWTs costs one fetch. */
export const KEY_REFETCH_COOLDOWN_MS = 30_000;
const KEY_CACHE_MAX_AGE_MS = 10 * 60_000;
const DISCOVERY_TIMEOUT_MS = 5_000;

/** The issuer's keys could not be had; the message says why, for the log only. */
export class KeysUnavailable extends Error {}

export interface KeyResolverOptions {
  cooldownMs?: number;
  /** Whether issuers on loopback, private and other non-public addresses may be fetched. */
  allowPrivate?: boolean;
  /** Tests hand their own resolver; default: the system's. */
  resolve?: FetchPolicy["resolve"];
}

/**
 * The signing keys of each trusted issuer: a static JWKS when registered with one, else discovered
 * at `<url>/.well-known/openid-configuration` and fetched from its jwks_uri by jose, which caches
 * them and refetches on an unknown kid at most once per cool-down. Every fetch, discovery and JWKS
 * alike, goes through fetchChecked: to a public address only (unless allowed), checked after DNS.
 */
export class OidcKeyResolver {
  private readonly cooldownMs: number;
  private readonly fetchPolicy: FetchPolicy;

  constructor(options: KeyResolverOptions = {}) {
    this.cooldownMs = options.cooldownMs ?? KEY_REFETCH_COOLDOWN_MS;
    this.fetchPolicy = {
      allowPrivate: options.allowPrivate ?? false,
      timeoutMs: DISCOVERY_TIMEOUT_MS,
      resolve: options.resolve,
    };
  }

  private readonly remote = new Map<string, { jwksUri: string; keys: JWTVerifyGetKey }>();
  /** When discovery last failed per issuer, so a failing issuer is not asked again within the cool-down. */
  private readonly failedAt = new Map<string, number>();

  /** Throws KeysUnavailable; so does the key function it returns, when a JWKS fetch fails. */
  async keysFor(issuer: OidcIssuer): Promise<JWTVerifyGetKey> {
    if (issuer.jwks)
      return createLocalJWKSet(JSON.parse(issuer.jwks) as Parameters<typeof createLocalJWKSet>[0]);
    const cached = this.remote.get(issuer.url);
    if (cached) return cached.keys;
    const failed = this.failedAt.get(issuer.url);
    if (failed !== undefined && Date.now() - failed < this.cooldownMs) {
      throw new KeysUnavailable("discovery failed moments ago; not asked again yet");
    }
    let jwksUri: URL;
    try {
      jwksUri = await this.discover(issuer.url);
    } catch (error) {
      this.failedAt.set(issuer.url, Date.now());
      throw error;
    }
    this.failedAt.delete(issuer.url);
    const remote = createRemoteJWKSet(jwksUri, {
      cooldownDuration: this.cooldownMs,
      cacheMaxAge: KEY_CACHE_MAX_AGE_MS,
      timeoutDuration: DISCOVERY_TIMEOUT_MS,
      [customFetch]: async (url, init) => {
        const jwks = await fetchJson(new URL(url), this.fetchPolicy, init.signal);
        return Response.json(jwks);
      },
    });
    const keys: JWTVerifyGetKey = async (header, token) => {
      try {
        return await remote(header, token);
      } catch (error) {
        if (error instanceof FetchFailed) throw new KeysUnavailable(`jwks: ${error.message}`);
        if (error instanceof joseErrors.JWKSInvalid || error instanceof joseErrors.JWKSTimeout) {
          throw new KeysUnavailable(`jwks: ${error.message}`);
        }
        throw error;
      }
    };
    this.remote.set(issuer.url, { jwksUri: jwksUri.toString(), keys });
    return keys;
  }

  private async discover(issuerUrl: string): Promise<URL> {
    const url = new URL(`${issuerUrl.replace(/\/$/, "")}/.well-known/openid-configuration`);
    let document: { issuer?: unknown; jwks_uri?: unknown };
    try {
      document = ((await fetchJson(url, this.fetchPolicy)) ?? {}) as typeof document;
    } catch (error) {
      throw new KeysUnavailable(
        `discovery: ${error instanceof FetchFailed ? error.message : String(error)}`,
      );
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
