import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const repo = path.resolve(import.meta.dirname, "../..");

/** The built server (`npm run build`) as a real process on a fresh SQLite file, and its first-run token. */
export class LapseProcess {
  url = "";
  adminToken = "";
  private child!: ChildProcess;
  private dir = "";

  /** `env` is added to the process's environment (SSO settings, for example). */
  constructor(private readonly env: Record<string, string> = {}) {}

  async start(): Promise<void> {
    const main = path.join(repo, "server/dist/main.js");
    if (!fs.existsSync(main) || !fs.existsSync(path.join(repo, "web/dist/index.html"))) {
      throw new Error("Build Lapse first (npm run build); npm test does.");
    }
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "lapse-e2e-"));
    this.child = spawn(process.execPath, [main], {
      env: {
        ...process.env,
        PORT: "0",
        DATABASE_URL: `sqlite:${path.join(this.dir, "lapse.sqlite")}`,
        LOG_LEVEL: "info",
        // The webhooks page's tests deliver to a receiver on 127.0.0.1 over plain http.
        LAPSE_WEBHOOK_KEY: "e2e-webhook-key-0123456789abcdef0123456789",
        LAPSE_WEBHOOK_ALLOW_PRIVATE: "true",
        ...this.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Lapse did not start:\n${output}`)), 30_000);
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        const token = /(lapse_pat_[0-9A-Za-z]{38})/.exec(output);
        const port = /localhost:(\d+)/.exec(output);
        if (token && port) {
          clearTimeout(timer);
          this.adminToken = token[1]!;
          this.url = `http://127.0.0.1:${port[1]}`;
          resolve();
        }
      };
      this.child.stdout!.on("data", read);
      this.child.stderr!.on("data", read);
      this.child.once("exit", (code) => reject(new Error(`Lapse exited with ${code}:\n${output}`)));
    });
  }

  async stop(): Promise<void> {
    this.child.kill("SIGTERM");
    await new Promise((resolve) => this.child.once("exit", resolve));
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** A GraphQL call with the admin's token, for setting the scene. */
  async gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const response = await fetch(`${this.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${this.adminToken}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data: T; errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  }
}
