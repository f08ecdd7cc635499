import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DatabaseProcess, freePort } from "./private-mariadb";
import { spawnTied } from "./tied-process";

export const GALERA_PROVIDER = "/usr/lib/galera/libgalera_smm.so";

/**
 * Whether this machine can run a private Galera cluster: mariadbd, mariadb-install-db, the Galera 4
 * provider and rsync (the state transfer). CI installs them (.ci/run).
 */
export function galeraAvailable(): boolean {
  const tools = spawnSync("sh", [
    "-c",
    "command -v mariadbd && command -v mariadb-install-db && command -v rsync && command -v wsrep_sst_rsync",
  ]);
  return tools.status === 0 && fs.existsSync(GALERA_PROVIDER);
}

/** What `SHOW STATUS` says of a node's place in the cluster. */
export interface NodeState {
  ready: string;
  state: string;
  status: string;
  size: number;
}

/**
 * A three-node (or more) MariaDB Galera cluster of the test's own on loopback: each node its own data
 * directory, SQL port, group port, IST port and rsync SST port, run as the `mysql` user when the
 * test runs as root. The first node bootstraps the cluster (`--wsrep-new-cluster`); the others join
 * it by a state transfer (rsync). Group timeouts are shortened so that a frozen node is evicted
 * within about three seconds rather than fifteen. Every process is killed when the test process
 * exits, whatever happens to the test.
 */
export class PrivateGalera {
  readonly nodes: GaleraNode[] = [];
  private dir = "";

  /** `bufferPool`: each node's innodb_buffer_pool_size (benchmarks give more than the tests). */
  constructor(
    private readonly size = 3,
    private readonly options: { bufferPool?: string } = {},
  ) {}

  /** Data directories, ports and the `lapse` database; resolves once every node is Synced. */
  async init(): Promise<void> {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "lapse-galera-"));
    const user = runAs();
    if (user === "mysql") {
      // mariadbd drops to the mysql user, which must reach its data directory under ours.
      fs.chmodSync(this.dir, 0o755);
    }
    for (let i = 0; i < this.size; i++) {
      const ports = {
        sql: await freePort(),
        group: await freePort(),
        ist: await freePort(),
        sst: await freePort(),
      };
      const dir = path.join(this.dir, `node${i + 1}`);
      this.nodes.push(new GaleraNode(i + 1, dir, ports, user, this.options.bufferPool ?? "32M"));
    }
    const addresses = this.nodes.map((n) => `127.0.0.1:${n.ports.group}`).join(",");
    for (const node of this.nodes) node.clusterAddress = `gcomm://${addresses}`;

    const [first, ...others] = this.nodes as [GaleraNode, ...GaleraNode[]];
    first.install();
    for (const node of others) node.prepareEmpty();
    await first.start({ bootstrap: true });
    await first.admin("CREATE DATABASE lapse CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
    // One joiner at a time: a donor serves one state transfer at once.
    for (const node of others) await node.start();
    await this.waitForSize(this.size);
  }

  /** Resolves once every running node sees a Primary cluster of `size` nodes and is Synced. */
  async waitForSize(size: number, among = this.nodes, timeoutMs = 90_000): Promise<void> {
    let states: (NodeState | null)[] = [];
    await until(
      async () => {
        states = await Promise.all(among.map((n) => n.state().catch(() => null)));
        return states.every(
          (s) => s && s.size === size && s.status === "Primary" && s.state === "Synced",
        );
      },
      timeoutMs,
      () => `the cluster did not reach ${size} Synced nodes: ${JSON.stringify(states)}`,
    );
  }

  async destroy(): Promise<void> {
    for (const node of this.nodes) node.thaw();
    await Promise.all(this.nodes.map((n) => n.kill()));
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export class GaleraNode extends DatabaseProcess {
  clusterAddress = "";

  constructor(
    readonly index: number,
    private readonly dir: string,
    readonly ports: { sql: number; group: number; ist: number; sst: number },
    private readonly user: string,
    private readonly bufferPool: string,
  ) {
    super();
  }

  get url(): string {
    return `mysql://root@127.0.0.1:${this.ports.sql}/lapse`;
  }

  private get datadir(): string {
    return path.join(this.dir, "data");
  }

  /** The first node's system tables; the joiners get theirs by state transfer. */
  install(): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const installed = spawnSync(
      "mariadb-install-db",
      [
        "--no-defaults",
        `--datadir=${this.datadir}`,
        `--user=${this.user}`,
        "--auth-root-authentication-method=normal",
        "--skip-test-db",
      ],
      { encoding: "utf8" },
    );
    if (installed.status !== 0) throw new Error(`mariadb-install-db failed:\n${installed.stderr}`);
    this.own();
  }

  prepareEmpty(): void {
    fs.mkdirSync(this.datadir, { recursive: true });
    this.own();
  }

  private own(): void {
    if (this.user !== "mysql") return;
    const owned = spawnSync("chown", ["-R", "mysql:mysql", this.dir]);
    if (owned.status !== 0) throw new Error(`chown failed: ${owned.stderr}`);
  }

  private args(extra: string[]): string[] {
    const provider = [
      `gmcast.listen_addr=tcp://127.0.0.1:${this.ports.group}`,
      `ist.recv_addr=127.0.0.1:${this.ports.ist}`,
      "gcache.size=64M",
      // Evict a silent node after ~3 s rather than 5 to 15, so the frozen-node test is quick.
      "evs.keepalive_period=PT0.5S",
      "evs.suspect_timeout=PT3S",
      "evs.inactive_timeout=PT6S",
      "evs.inactive_check_period=PT0.5S",
      "evs.install_timeout=PT3S",
    ].join(";");
    return [
      "--no-defaults",
      `--datadir=${this.datadir}`,
      `--user=${this.user}`,
      `--port=${this.ports.sql}`,
      "--bind-address=127.0.0.1",
      `--socket=${this.dir}/mysqld.sock`,
      `--pid-file=${this.dir}/mysqld.pid`,
      `--log-error=${this.dir}/error.log`,
      `--innodb-buffer-pool-size=${this.bufferPool}`,
      "--innodb-log-file-size=16M",
      "--innodb-flush-log-at-trx-commit=2",
      "--skip-log-bin",
      "--binlog-format=ROW",
      "--innodb-autoinc-lock-mode=2",
      "--default-storage-engine=InnoDB",
      "--wsrep-on=ON",
      `--wsrep-provider=${GALERA_PROVIDER}`,
      `--wsrep-provider-options=${provider}`,
      `--wsrep-cluster-address=${this.clusterAddress}`,
      "--wsrep-cluster-name=lapse-test",
      `--wsrep-node-name=node${this.index}`,
      `--wsrep-node-address=127.0.0.1:${this.ports.group}`,
      `--wsrep-node-incoming-address=127.0.0.1:${this.ports.sql}`,
      "--wsrep-sst-method=rsync",
      `--wsrep-sst-receive-address=127.0.0.1:${this.ports.sst}`,
      "--wsrep-slave-threads=2",
      ...extra,
    ];
  }

  /**
   * Starts (or restarts) the node and resolves once it is Synced. After a crash the position it
   * reached is recovered first (as Debian's galera_recovery does), so it rejoins by incremental
   * state transfer (IST) from the others' cache rather than a full copy.
   */
  async start({ bootstrap = false } = {}): Promise<void> {
    const extra: string[] = [];
    if (bootstrap) extra.push("--wsrep-new-cluster");
    const position = this.recoverPosition();
    if (position) extra.push(`--wsrep-start-position=${position}`);
    this.child = spawnTied("mariadbd", this.args(extra), { stdio: "ignore" });
    const child = this.child;
    const deadline = Date.now() + 90_000;
    for (;;) {
      const state = await this.state().catch(() => null);
      if (state?.state === "Synced" && state.ready === "ON") return;
      if (child.exitCode !== null)
        throw new Error(`galera node ${this.index} exited at start:\n${this.errorLog()}`);
      if (Date.now() > deadline)
        throw new Error(`galera node ${this.index} was not Synced in 90 s:\n${this.errorLog()}`);
      await pause(200);
    }
  }

  /** `uuid:seqno` from a data directory whose server stopped without saying (grastate seqno -1). */
  private recoverPosition(): string | null {
    const grastate = path.join(this.datadir, "grastate.dat");
    if (!fs.existsSync(grastate)) return null;
    if (!/seqno:\s+-1/.test(fs.readFileSync(grastate, "utf8"))) return null;
    const recovered = spawnSync("mariadbd", this.args(["--wsrep-recover"]), { encoding: "utf8" });
    if (recovered.status !== 0) return null;
    return /WSREP: Recovered position:\s+(\S+)/.exec(this.errorLog())?.[1] ?? null;
  }

  errorLog(): string {
    try {
      return fs.readFileSync(path.join(this.dir, "error.log"), "utf8");
    } catch {
      return "";
    }
  }

  /** The node's wsrep status; throws when it cannot be asked (down, frozen: 2 s). */
  async state(): Promise<NodeState> {
    const rows = await this.admin<{ Variable_name: string; Value: string }[]>(
      `SHOW GLOBAL STATUS WHERE Variable_name IN
        ('wsrep_ready', 'wsrep_local_state_comment', 'wsrep_cluster_status', 'wsrep_cluster_size')`,
    );
    const value = (name: string) => rows.find((r) => r.Variable_name === name)?.Value ?? "";
    return {
      ready: value("wsrep_ready"),
      state: value("wsrep_local_state_comment"),
      status: value("wsrep_cluster_status"),
      size: Number(value("wsrep_cluster_size")),
    };
  }

  /** One statement on a connection of its own, as root. */
  async admin<T = unknown>(sql: string, values: unknown[] = []): Promise<T> {
    const mysql = await import("mysql2/promise");
    const connection = await mysql.createConnection({
      host: "127.0.0.1",
      port: this.ports.sql,
      user: "root",
      connectTimeout: 2_000,
    });
    try {
      const [rows] = await Promise.race([
        connection.query({ sql, values, timeout: 2_000 }),
        pause(2_500).then(() => {
          throw new Error("no answer in 2.5 s");
        }),
      ]);
      return rows as T;
    } finally {
      connection.destroy();
    }
  }
}

/** Polls `check` every 200 ms until it holds; throws `what()` (or a plain sentence) past `timeoutMs`. */
export async function until(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: () => string = () => "the condition",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what()} (waited ${timeoutMs} ms)`);
    await pause(200);
  }
}

/** Root runs the servers as `mysql`, as a packaged MariaDB does; anyone else as themselves. */
function runAs(): string {
  return process.getuid?.() === 0 ? "mysql" : os.userInfo().username;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
