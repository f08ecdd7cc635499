import type { DataSource, EntityManager } from "typeorm";
import type {
  AuthenticationResult,
  AuthenticationService,
  RequestOrigin,
} from "../../auth/authentication.service";
import type { Authenticator } from "../../auth/authenticate.middleware";
import { addressKey } from "../../auth/auth-throttle";
import { digestSecret, parseSecret } from "../../auth/token-secret";
import type { Clock } from "../../clock";
import type { AccessToken } from "../token/access-token.entity";

/** The longest LAPSE_VERIFY_CACHE_MS may be: how late another instance's revocation may be seen. */
export const MAX_VERIFY_CACHE_MS = 10_000;

const MAX_ENTRIES = 10_000;

interface Entry {
  token: AccessToken;
  /** Epoch ms (Lapse's clock) after which the entry is read again from the database. */
  freshUntilMs: number;
}

/**
 * Tokens the gateway check accepted in the last `ttlMs` (LAPSE_VERIFY_CACHE_MS), by digest and the
 * address (`addressKey`) they came from, so that a busy gateway's checks need not each read the
 * database. Off (0) by default. Keyed by address too because the full read also reads the
 * address's lockout from the database: a token accepted from one address is read afresh, lockout
 * included, the first time it comes from another.
 *
 * Only what does not change without a write is taken from here: the token's row and its
 * organization's policy. Expiry, the policy's caps, the networks and any lockout are still judged
 * on every request at that moment, and anything short of acceptance goes through the full,
 * audited authentication. Every transaction this process ends empties the cache, so a revocation
 * (or rotation, team deletion or policy change) made through this instance is refused on its very
 * next check. One made through another instance is seen here at most `ttlMs` later: that is the
 * trade, and why it is off unless chosen.
 *
 * A read that began before a transaction ended may carry what that transaction changed: the
 * generation taken before the read must still be current for its answer to be kept.
 */
export class VerifyCache {
  private readonly entries = new Map<string, Entry>();
  private currentGeneration = 0;

  constructor(readonly ttlMs: number) {}

  /** Taken before a read whose answer may be kept (see `keep`). */
  get generation(): number {
    return this.currentGeneration;
  }

  /** The token kept under `key` if it was accepted within the last `ttlMs`. */
  get(key: string, nowMs: number): AccessToken | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.freshUntilMs > nowMs) return entry.token;
    this.entries.delete(key);
    return undefined;
  }

  /** Keeps an accepted token, unless a transaction ended since `generation` was taken. */
  keep(key: string, token: AccessToken, generation: number, nowMs: number): void {
    if (generation !== this.currentGeneration) return;
    // Oldest out once full: Map keeps insertion order.
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { token, freshUntilMs: nowMs + this.ttlMs });
  }

  /** Forgets everything (a transaction ended: whatever it changed is read afresh). */
  clear(): void {
    this.currentGeneration++;
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

type Listener = () => void;
const listenersOf = new WeakMap<DataSource, Set<Listener>>();

/**
 * Calls `listener` each time a transaction on `dataSource`'s manager ends, committed or not (every
 * audited change is one). Returns the way to stop. The manager's `transaction` is wrapped once per
 * data source, however many apps share it.
 */
export function onTransactionEnd(dataSource: DataSource, listener: Listener): () => void {
  let listeners = listenersOf.get(dataSource);
  if (!listeners) {
    const all = new Set<Listener>();
    listeners = all;
    listenersOf.set(dataSource, all);
    const manager = dataSource.manager;
    const transaction = manager.transaction.bind(manager) as (
      ...args: unknown[]
    ) => Promise<unknown>;
    manager.transaction = (async (...args: unknown[]) => {
      try {
        return await transaction(...args);
      } finally {
        for (const notify of all) notify();
      }
    }) as EntityManager["transaction"];
  }
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * The gateway check's authentication with `cache` in front: a token accepted within the cache's
 * lifetime is judged again from memory (`acceptsKnown`); anything else, and every refusal, goes
 * through the full authentication, whose acceptance is then kept. Console sessions are never cached.
 */
export function cachedAuthentication(
  auth: AuthenticationService,
  cache: VerifyCache,
  clock: Clock,
): Authenticator {
  return {
    authenticateSession: (cookie, origin) => auth.authenticateSession(cookie, origin),
    async authenticate(secret: string, origin: RequestOrigin): Promise<AuthenticationResult> {
      if (!parseSecret(secret)) return auth.authenticate(secret, origin);
      const address = addressKey(origin.ip);
      const key = `${digestSecret(secret)} ${address}`;
      const nowMs = clock.now().getTime();
      const known = cache.get(key, nowMs);
      if (known && auth.acceptsKnown(known, origin, nowMs, address)) {
        return { ok: true, token: known };
      }
      // Taken before the read: a transaction that ends while it runs may have changed what it read.
      const generation = cache.generation;
      const result = await auth.authenticate(secret, origin);
      if (result.ok) cache.keep(key, result.token, generation, nowMs);
      return result;
    },
  };
}
