import "reflect-metadata";
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import type { Server } from "node:http";
import type { DataSource, EntitySubscriberInterface } from "typeorm";
import { afterAll, beforeAll, beforeEach, describe } from "vitest";
import { createApp, type AppOptions, type LapseApp } from "../src/app";
import { DEFAULT_AUTH_THROTTLE } from "../src/auth/auth-throttle";
import { openDatabase, type OpenOptions } from "../src/db/data-source";
import { createLogger, type Logger } from "../src/logger";
import type { ServiceOptions } from "../src/services";
import { ManualClock } from "./clock";
import { freshDatabase, testStores, type TestStore } from "./stores";

export interface GraphQLResponse<T> {
  status: number;
  headers: Headers;
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; requestId?: string } }[];
}

type PoolExecute = (sql: string, ...rest: unknown[]) => unknown;

/** The app's own settings a test may choose. */
export type TestAppOptions = Pick<AppOptions, "metrics" | "verifyCacheMs" | "trustProxy">;

/** A running Lapse on a real store, with a clock the test controls and the log lines it wrote. */
export class TestServer {
  readonly logs: string[] = [];
  readonly clock = new ManualClock();
  url = "";
  dataSource!: DataSource;
  lapse!: LapseApp;
  logger!: Logger;
  private server!: Server;
  private recorded: string[] | null = null;
  private recordedWithParameters: { sql: string; parameters: unknown[] }[] | null = null;
  private sqliteDir: string | null = null;
  /** A MySQL database other than the store's (describeEachFreshStore). */
  mysqlUrl: string | null = null;

  constructor(
    readonly store: TestStore,
    private readonly services: ServiceOptions = {},
    private readonly database: OpenOptions = {},
    private readonly app: TestAppOptions = {},
  ) {}

  async start(): Promise<void> {
    let databaseUrl: string;
    if (this.store.kind === "mysql") {
      databaseUrl = this.mysqlUrl ?? this.store.url;
    } else {
      this.sqliteDir = fs.mkdtempSync(path.join(os.tmpdir(), "lapse-test-"));
      databaseUrl = `sqlite:${path.join(this.sqliteDir, "lapse.sqlite")}`;
    }
    this.dataSource = await openDatabase(databaseUrl, this.database);
    this.dataSource.subscribers.push({
      beforeQuery: (event: { query: string; parameters?: unknown[] }) => {
        this.recorded?.push(event.query);
        this.recordedWithParameters?.push({ sql: event.query, parameters: event.parameters ?? [] });
      },
    } as EntitySubscriberInterface);
    // The authentication read runs as a mysql2 prepared statement, past TypeORM's events.
    const pool = (this.dataSource.driver as unknown as { pool?: { execute: PoolExecute } }).pool;
    if (pool) {
      const execute = pool.execute.bind(pool);
      pool.execute = (sql, ...rest) => {
        this.recorded?.push(sql);
        return execute(sql, ...rest);
      };
    }
    const logs = this.logs;
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(chunk.toString("utf8"));
        done();
      },
    });
    this.logger = createLogger({ level: "debug", destination });
    this.lapse = await this.createInstance();
    this.server = await listen(this.lapse);
    this.url = urlOf(this.server);
  }

  /**
   * Runs `action` against a second Lapse on the same database and clock, with services and memory
   * of its own: another instance behind the same load balancer. `gql` sends to that instance.
   */
  async withSecondInstance<T>(
    action: (second: { url: string; gql: TestServer["gql"] }) => Promise<T>,
  ): Promise<T> {
    const lapse = await this.createInstance();
    const server = await listen(lapse);
    try {
      const url = urlOf(server);
      return await action({ url, gql: (...args) => gqlAt(url, ...args) });
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await lapse.stop();
    }
  }

  private createInstance(): Promise<LapseApp> {
    return createApp({
      ...this.app,
      dataSource: this.dataSource,
      clock: this.clock,
      logger: this.logger,
      // Test files share one MySQL database and every request comes from 127.0.0.1 under a frozen
      // clock, so the failed-authentication limit is out of reach unless a test sets its own.
      services: {
        authThrottle: { ...DEFAULT_AUTH_THROTTLE, maxFailures: 1_000_000 },
        // The test issuers listen on 127.0.0.1; the tests of the refusal turn this off.
        oidcAllowPrivateIssuers: true,
        // Never GitHub's keys from a test: port 9 (discard) on loopback refuses at once.
        secretScanningKeysUrl: "http://127.0.0.1:9/no-keys-in-tests",
        // The test receivers listen on 127.0.0.1 over plain http.
        webhookAllowPrivate: true,
        webhookKey: "test-webhook-key-0123456789abcdef0123456789",
        ...this.services,
      },
    });
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
    await this.lapse?.stop();
    await this.dataSource?.destroy();
    if (this.sqliteDir) fs.rmSync(this.sqliteDir, { recursive: true, force: true });
  }

  /** Sends one GraphQL operation, authenticated with `secret` when given. */
  gql<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
    secret?: string,
    headers: Record<string, string> = {},
  ): Promise<GraphQLResponse<T>> {
    return gqlAt<T>(this.url, query, variables, secret, headers);
  }

  /**
   * Counts the tokens and audit events that belong to one organization or were made by its members:
   * a tenant-scoped "did anything change" that other test files writing at the same time cannot upset.
   */
  async tenantRows(organization: string): Promise<{ tokens: number; events: number }> {
    const org = "(SELECT id FROM organizations WHERE name = ?)";
    const members = `(SELECT user_id FROM memberships WHERE organization_id = ${org})`;
    return {
      tokens: await this.count(
        "access_tokens",
        `organization_id = ${org} OR owner_id IN ${members}`,
        [organization, organization],
      ),
      events: await this.count(
        "audit_events",
        `organization_id = ${org} OR actor_user_id IN ${members}`,
        [organization, organization],
      ),
    };
  }

  /** The SQL statements this server's store ran while `action` ran. */
  async queriesDuring(action: () => Promise<unknown>): Promise<string[]> {
    this.recorded = [];
    try {
      await action();
      return this.recorded;
    } finally {
      this.recorded = null;
    }
  }

  /** The statements, with their parameters, that TypeORM ran while `action` ran. */
  async statementsDuring(
    action: () => Promise<unknown>,
  ): Promise<{ sql: string; parameters: unknown[] }[]> {
    this.recordedWithParameters = [];
    try {
      await action();
      return this.recordedWithParameters;
    } finally {
      this.recordedWithParameters = null;
    }
  }

  /** Counts rows of `table` matching a SQL condition. */
  async count(table: string, where = "1=1", parameters: unknown[] = []): Promise<number> {
    const rows: { n: number | string }[] = await this.dataSource.query(
      `SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`,
      parameters,
    );
    return Number(rows[0]!.n);
  }
}

function listen(lapse: LapseApp): Promise<Server> {
  return new Promise<Server>((resolve) => {
    const server = lapse.app.listen(0, "127.0.0.1", () => resolve(server));
  });
}

function urlOf(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function gqlAt<T>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  secret?: string,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(secret ? { authorization: `Bearer ${secret}` } : {}),
      ...headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<T>, "status" | "headers">;
  return { status: response.status, headers: response.headers, ...body };
}

/**
 * Runs `suite` once per store (SQLite, and MySQL when configured), each with its own server started
 * before the suite and stopped after it.
 */
export function describeEachStore(
  name: string,
  suite: (server: TestServer) => void,
  services: ServiceOptions = {},
  app: TestAppOptions = {},
): void {
  for (const store of testStores()) {
    describe(`${name} [${store.kind}]`, () => {
      const server = new TestServer(store, services, {}, app);
      beforeAll(() => server.start());
      // Every test starts at the same instant, whatever the one before did to the clock.
      beforeEach(() => server.clock.reset());
      afterAll(() => server.stop());
      suite(server);
    });
  }
}

/**
 * Like describeEachStore, on an empty database of each kind made for the suite (dropped after it):
 * for suites whose background work (the delivery worker, the sweep) acts on every row of the
 * database, so that suites running at the same time on other clocks cannot take their rows.
 */
export function describeEachFreshStore(
  name: string,
  suite: (server: TestServer) => void,
  services: ServiceOptions = {},
): void {
  for (const store of testStores()) {
    describe(`${name} [${store.kind}]`, () => {
      const server = new TestServer(store, services);
      let database: Awaited<ReturnType<typeof freshDatabase>> | null = null;
      beforeAll(async () => {
        if (store.kind === "mysql") {
          database = await freshDatabase(store);
          server.mysqlUrl = database.url;
        }
        await server.start();
      });
      beforeEach(() => server.clock.reset());
      afterAll(async () => {
        await server.stop();
        await database?.drop();
      });
      suite(server);
    });
  }
}

/**
 * Every row that belongs to one organization, as JSON, without use bookkeeping (lastUsedAt): "did
 * anything change" for one tenant.
 */
export async function tenantSnapshot(server: TestServer, organization: string): Promise<string> {
  const org = "(SELECT id FROM organizations WHERE name = ?)";
  const queries: [string, number][] = [
    ["SELECT * FROM organizations WHERE name = ?", 1],
    [`SELECT * FROM memberships WHERE organization_id = ${org} ORDER BY id`, 1],
    [`SELECT * FROM teams WHERE organization_id = ${org} ORDER BY id`, 1],
    [
      `SELECT * FROM team_memberships WHERE team_id IN (SELECT id FROM teams WHERE organization_id = ${org}) ORDER BY id`,
      1,
    ],
    [`SELECT * FROM invitations WHERE organization_id = ${org} ORDER BY id`, 1],
    [
      `SELECT * FROM access_tokens WHERE organization_id = ${org} OR owner_id IN (SELECT user_id FROM memberships WHERE organization_id = ${org}) ORDER BY id`,
      2,
    ],
    [`SELECT * FROM audit_events WHERE organization_id = ${org} ORDER BY id`, 1],
  ];
  const parts: unknown[] = [];
  for (const [sql, uses] of queries) {
    const rows: Record<string, unknown>[] = await server.dataSource.query(
      sql,
      Array(uses).fill(organization),
    );
    // Use bookkeeping moves with every authenticated request; it is not a change.
    parts.push(rows.map(({ last_used_at: _used, last_refused_at: _refused, ...row }) => row));
  }
  return JSON.stringify(parts);
}
