import type { Pool as MysqlPool } from "mysql2";
import type { DataSource, EntityMetadata } from "typeorm";
import { storeKind } from "../db/data-source";
import { hydrate } from "../db/hydrate";
import { Organization } from "../modules/organization/organization.entity";
import { AccessToken } from "../modules/token/access-token.entity";
import type { AuthThrottleService } from "./auth-throttle";

/** What one authentication asks: the token with this digest, and the lockouts that bear on it. */
interface Lookup {
  digest: string;
  addressKey: string;
  resolve: (found: LookupResult) => void;
  reject: (error: unknown) => void;
}

export interface LookupResult {
  token: AccessToken | null;
  /** Until when (epoch ms) the request's address key is locked out; 0 when it is not. */
  addressLockedUntilMs: number;
  /** Until when (epoch ms) the token's own key is locked out; 0 when it is not. */
  tokenLockedUntilMs: number;
}

/**
 * Statement sizes: a batch is padded up to the next of these, so each connection prepares at most
 * this many statements however the batches fall.
 */
const MAX_BATCH = 32;
const BATCH_SIZES = [1, 2, 4, 8, 16, MAX_BATCH] as const;

/**
 * The one read on every authenticated request: the token by digest, its organization (for the
 * lifetime policy) and any lockout of the request's address or of the token itself, in one
 * statement.
 *
 * Lookups that start in the same turn of the event loop share that statement: they are queued and
 * sent together once the turn's I/O callbacks have run (`setImmediate`), as one SELECT over a
 * derived table with a row per request. A lone request runs alone, a turn later. Under load the
 * statement's fixed costs (the socket write, the protocol round trip, the server's dispatch) are
 * paid once per batch; they were most of what authentication added to a request (BENCHMARKS.md).
 * Nothing is cached between batches: each request reads the token after it arrived, so a
 * revocation is refused by the very next request on every instance.
 *
 * Written as SQL built once from the entity metadata rather than through the query builder: the
 * builder re-plans the statement and re-hydrates through its generic path on every call, which
 * measured at more than the database round trip itself. Values are still converted by the driver's
 * own hydration (`prepareHydratedValue`), so dates and transformers behave exactly as they do
 * everywhere else.
 */
export class TokenLookup {
  private readonly statements = new Map<number, string>();
  private readonly tokenMeta: EntityMetadata;
  private readonly orgMeta: EntityMetadata;
  private pending: Lookup[] = [];
  private scheduled = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly throttle: AuthThrottleService,
  ) {
    this.tokenMeta = dataSource.getMetadata(AccessToken);
    this.orgMeta = dataSource.getMetadata(Organization);
  }

  /**
   * The statement for a batch of `size` lookups: two parameters each (digest and address key), one
   * row per token found, tagged with the lookup's place in the batch.
   */
  sql(size: number): string {
    let sql = this.statements.get(size);
    if (sql) return sql;
    const q = (name: string) => this.dataSource.driver.escape(name);
    const columns = (alias: string, meta: EntityMetadata) =>
      meta.columns.map(
        (c) => `${alias}.${q(c.databaseName)} AS ${q(`${alias}_${c.databaseName}`)}`,
      );
    const requests = Array.from({ length: size }, (_, i) =>
      i === 0 ? "SELECT 0 AS i, ? AS d, ? AS k" : `SELECT ${i}, ?, ?`,
    ).join(" UNION ALL ");
    sql =
      `SELECT r.i AS ${q("request_index")}, ` +
      `${[...columns("t", this.tokenMeta), ...columns("o", this.orgMeta)].join(", ")}, ` +
      `${this.throttle.lockoutSql("r.k")} AS ${q("address_locked_until")}, ` +
      `${this.throttle.lockoutSql(this.throttle.tokenKeySql(`t.${q("id")}`))} AS ${q("token_locked_until")} ` +
      `FROM (${requests}) r ` +
      `INNER JOIN ${q(this.tokenMeta.tableName)} t ON t.${q("digest")} = r.d ` +
      `LEFT JOIN ${q(this.orgMeta.tableName)} o ON o.${q("id")} = t.${q("organization_id")}`;
    this.statements.set(size, sql);
    return sql;
  }

  /**
   * The token with `digest` (and its organization), and until when (epoch ms) `addressKey` and the
   * token's own key are locked out (0: not). The lockouts are read only when the token exists; a
   * missing token is a failure, and counting it reads the address's lockout anyway.
   */
  find(digest: string, addressKey: string): Promise<LookupResult> {
    return new Promise((resolve, reject) => {
      this.pending.push({ digest, addressKey, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    this.scheduled = false;
    const pending = this.pending;
    this.pending = [];
    for (let start = 0; start < pending.length; start += MAX_BATCH) {
      void this.runBatch(pending.slice(start, start + MAX_BATCH));
    }
  }

  private async runBatch(batch: Lookup[]): Promise<void> {
    const size = BATCH_SIZES.find((s) => s >= batch.length)!;
    const parameters: string[] = [];
    for (const lookup of batch) parameters.push(lookup.digest, lookup.addressKey);
    // Padding rows ask for the empty digest, which no token has: they add no row to the answer.
    for (let i = batch.length; i < size; i++) parameters.push("", "");
    let rows: Record<string, unknown>[];
    try {
      rows = await this.run(this.sql(size), parameters);
    } catch (error) {
      for (const lookup of batch) lookup.reject(error);
      return;
    }
    const found = new Map(rows.map((row) => [Number(row.request_index), row]));
    batch.forEach((lookup, i) => {
      const row = found.get(i);
      if (!row)
        return lookup.resolve({ token: null, addressLockedUntilMs: 0, tokenLockedUntilMs: 0 });
      try {
        lookup.resolve({
          token: this.hydrateToken(row),
          addressLockedUntilMs: Number(row.address_locked_until ?? 0),
          tokenLockedUntilMs: Number(row.token_locked_until ?? 0),
        });
      } catch (error) {
        lookup.reject(error);
      }
    });
  }

  private hydrateToken(row: Record<string, unknown>): AccessToken {
    const token = hydrate(this.dataSource, new AccessToken(), this.tokenMeta, row, "t");
    token.org =
      row.o_id == null
        ? null
        : hydrate(this.dataSource, new Organization(), this.orgMeta, row, "o");
    return token;
  }

  /**
   * On MySQL, a prepared statement (mysql2 `execute`, cached per connection): the server parses and
   * plans it once per connection instead of once per request, which measured at about a third of
   * the lookup's time (BENCHMARKS.md). On SQLite, better-sqlite3 prepares statements anyway.
   */
  private run(sql: string, parameters: string[]): Promise<Record<string, unknown>[]> {
    const pool = this.mysqlPool;
    if (!pool) return this.dataSource.query(sql, parameters);
    return new Promise((resolve, reject) => {
      pool.execute(sql, parameters, (error, rows) =>
        error ? reject(error) : resolve(rows as Record<string, unknown>[]),
      );
    });
  }

  private get mysqlPool(): MysqlPool | undefined {
    return storeKind(this.dataSource) === "mysql"
      ? (this.dataSource.driver as unknown as { pool?: MysqlPool }).pool
      : undefined;
  }
}
