import type { Pool as MysqlPool } from "mysql2";
import type { DataSource, EntityMetadata } from "typeorm";
import { storeKind } from "../db/data-source";
import { hydrate } from "../db/hydrate";
import { Organization } from "../modules/organization/organization.entity";
import { AccessToken } from "../modules/token/access-token.entity";
import { AuthThrottle } from "./auth-throttle.entity";

/**
 * The one read on every authenticated request: the token by digest, its organization (for the
 * lifetime policy) and any lockout of the request's throttle keys, in one statement.
 *
 * Written as SQL built once from the entity metadata rather than through the query builder: the
 * builder re-plans the statement and re-hydrates through its generic path on every call, which
 * measured at more than the database round trip itself (BENCHMARKS.md). Values are still converted
 * by the driver's own hydration (`prepareHydratedValue`), so dates and transformers behave exactly
 * as they do everywhere else.
 */
export class TokenLookup {
  readonly sql: string;
  private readonly tokenMeta: EntityMetadata;
  private readonly orgMeta: EntityMetadata;

  constructor(private readonly dataSource: DataSource) {
    this.tokenMeta = dataSource.getMetadata(AccessToken);
    this.orgMeta = dataSource.getMetadata(Organization);
    const q = (name: string) => dataSource.driver.escape(name);
    const columns = (alias: string, meta: EntityMetadata) =>
      meta.columns.map(
        (c) => `${alias}.${q(c.databaseName)} AS ${q(`${alias}_${c.databaseName}`)}`,
      );
    const throttle = dataSource.getMetadata(AuthThrottle).tableName;
    this.sql =
      `SELECT ${[...columns("t", this.tokenMeta), ...columns("o", this.orgMeta)].join(", ")}, ` +
      `(SELECT MAX(th.${q("blocked_until_ms")}) FROM ${q(throttle)} th ` +
      `WHERE th.${q("throttle_key")} IN (?, ?)) AS ${q("throttled_until")} ` +
      `FROM ${q(this.tokenMeta.tableName)} t ` +
      `LEFT JOIN ${q(this.orgMeta.tableName)} o ON o.${q("id")} = t.${q("organization_id")} ` +
      `WHERE t.${q("digest")} = ?`;
  }

  /**
   * The token with `digest` (and its organization), and until when (epoch ms) any of the one or two
   * `throttleKeys` is locked out (0: none). The lockout is read only when the token exists; a
   * missing token is a failure, and counting it reads the lockout anyway.
   */
  async find(
    digest: string,
    throttleKeys: string[],
  ): Promise<{ token: AccessToken | null; lockedUntilMs: number }> {
    const [first, second = first] = throttleKeys;
    const rows = await this.run([first!, second!, digest]);
    const row = rows[0];
    if (!row) return { token: null, lockedUntilMs: 0 };
    const token = hydrate(this.dataSource, new AccessToken(), this.tokenMeta, row, "t");
    token.org =
      row.o_id == null
        ? null
        : hydrate(this.dataSource, new Organization(), this.orgMeta, row, "o");
    return { token, lockedUntilMs: Number(row.throttled_until ?? 0) };
  }

  /**
   * On MySQL, a prepared statement (mysql2 `execute`, cached per connection): the server parses and
   * plans it once per connection instead of once per request, which measured at about a third of
   * the lookup's time (BENCHMARKS.md). On SQLite, better-sqlite3 prepares statements anyway.
   */
  private run(parameters: string[]): Promise<Record<string, unknown>[]> {
    const pool = this.mysqlPool;
    if (!pool) return this.dataSource.query(this.sql, parameters);
    return new Promise((resolve, reject) => {
      pool.execute(this.sql, parameters, (error, rows) =>
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
