import { spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { spawnTied } from "./tied-process";

/** A database server process the test may kill, freeze and thaw, as crashes and hangs would. */
export class DatabaseProcess {
  protected child: ChildProcess | null = null;

  /** Kills the server at once, as a crash or a pulled plug would: no clean shutdown. */
  async kill(): Promise<void> {
    await killAtOnce(this.child);
    this.child = null;
  }

  /**
   * Stops the server without closing anything (SIGSTOP), as a hung host or a network that drops
   * packets would: connections stay open and statements go unanswered. `thaw` resumes it.
   */
  freeze(): void {
    this.child?.kill("SIGSTOP");
  }

  thaw(): void {
    this.child?.kill("SIGCONT");
  }
}

/**
 * A MariaDB server of the test's own (its own data directory and port) that the test may kill and
 * restart, so an outage never touches the shared test database. Uses the machine's mariadbd, which
 * CI requires anyway.
 */
export class PrivateMariaDb extends DatabaseProcess {
  port = 0;
  private dir = "";

  get url(): string {
    return `mysql://root@127.0.0.1:${this.port}/lapse`;
  }

  /** Creates the data directory and the `lapse` database, and starts the server. */
  async init(): Promise<void> {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "lapse-mariadb-"));
    const installed = spawnSync(
      "mariadb-install-db",
      [
        "--no-defaults",
        `--datadir=${this.dir}/data`,
        `--user=${os.userInfo().username}`,
        "--auth-root-authentication-method=normal",
        "--skip-test-db",
      ],
      { encoding: "utf8" },
    );
    if (installed.status !== 0) throw new Error(`mariadb-install-db failed:\n${installed.stderr}`);
    this.port = await freePort();
    await this.start();
    const mysql = await import("mysql2/promise");
    const connection = await mysql.createConnection({
      host: "127.0.0.1",
      port: this.port,
      user: "root",
    });
    await connection.query("CREATE DATABASE lapse CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
    await connection.end();
  }

  /** Starts (or restarts) the server on the same data and port; resolves once it answers. */
  async start(): Promise<void> {
    this.child = spawnTied(
      "mariadbd",
      [
        "--no-defaults",
        `--datadir=${this.dir}/data`,
        `--user=${os.userInfo().username}`,
        `--port=${this.port}`,
        "--bind-address=127.0.0.1",
        `--socket=${this.dir}/mysqld.sock`,
        `--pid-file=${this.dir}/mysqld.pid`,
        "--innodb-buffer-pool-size=32M",
        "--skip-log-bin",
      ],
      { stdio: "ignore" },
    );
    const deadline = Date.now() + 20_000;
    while (!(await accepts(this.port))) {
      if (Date.now() > deadline) throw new Error("the private MariaDB did not start in 20 s");
      if (this.child.exitCode !== null) throw new Error("the private MariaDB exited at start");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async destroy(): Promise<void> {
    this.thaw();
    await this.kill();
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Whether the server answers a query (listening is not enough: recovery may still be running). */
async function accepts(port: number): Promise<boolean> {
  const mysql = await import("mysql2/promise");
  try {
    const connection = await mysql.createConnection({ host: "127.0.0.1", port, user: "root" });
    await connection.query("SELECT 1");
    await connection.end();
    return true;
  } catch {
    return false;
  }
}

/** SIGKILLs `child` if it still runs, and resolves once it has exited. */
export async function killAtOnce(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

/** A TCP port nothing listens on at this moment, on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
