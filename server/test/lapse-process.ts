import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { spawnTied } from "./tied-process";

const main = path.resolve(__dirname, "../dist/main.js");

/** The built server (`npm run build`) as a real process on `databaseUrl`, and what it printed. */
export class ServerProcess {
  url = "";
  output = "";
  private child!: ChildProcess;

  constructor(
    private readonly databaseUrl: string,
    private readonly env: Record<string, string> = {},
  ) {}

  /** Not started, or ended (by exiting or by a signal). */
  private get exited(): boolean {
    return !this.child || this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** The first-run admin token, if this process was the one that bootstrapped the database. */
  get printedToken(): string | null {
    return /(lapse_pat_[0-9A-Za-z]{38})/.exec(this.output)?.[1] ?? null;
  }

  async start(): Promise<void> {
    if (!fs.existsSync(main))
      throw new Error("Build the server first (npm run build); npm test does.");
    this.child = spawnTied(process.execPath, [main], {
      env: {
        ...process.env,
        PORT: "0",
        DATABASE_URL: this.databaseUrl,
        LOG_LEVEL: "info",
        ...this.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`Lapse did not start:\n${this.output}`)),
        30_000,
      );
      const read = (chunk: Buffer) => {
        this.output += chunk.toString();
        const port = /Lapse listening on http:\/\/localhost:(\d+)/.exec(this.output);
        if (port) {
          clearTimeout(timer);
          this.url = `http://127.0.0.1:${port[1]}`;
          resolve();
        }
      };
      this.child.stdout!.on("data", read);
      this.child.stderr!.on("data", read);
      this.child.once("exit", (code) =>
        reject(new Error(`Lapse exited with ${code}:\n${this.output}`)),
      );
    });
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.kill("SIGTERM");
    await exited;
  }

  /** Kills the process at once (SIGKILL): no shutdown, nothing flushed, as a crash or an OOM kill. */
  async kill(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.kill("SIGKILL");
    await exited;
  }

  /** A GraphQL call with `secret`, answering status and body. */
  async gql<T = Record<string, unknown>>(
    secret: string,
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<{ status: number; data?: T; errors?: { extensions?: { code?: string } }[] }> {
    const response = await fetch(`${this.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, ...((await response.json()) as object) };
  }
}

/** A port something else already listens on, as an operator's busy machine has one. */
export async function occupiedPort(): Promise<{ port: number; release(): Promise<void> }> {
  const holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(0, resolve));
  return {
    port: (holder.address() as net.AddressInfo).port,
    release: () => new Promise((resolve) => holder.close(() => resolve())),
  };
}
