import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook as StandardWebhook } from "standardwebhooks";
import type { Clock } from "../src/clock";
import type { TestServer } from "./harness";

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  /** The receiver's clock when it arrived (the test clock, as the sender's). */
  at: number;
}

/** What the receiver answers to its n-th request (1-based): a status, or "hang" to never answer. */
export type Answer = (n: number) => number | "hang";

/** An HTTP endpoint on 127.0.0.1 that records what it is sent and answers as a test tells it. */
export class WebhookReceiver {
  readonly received: Received[] = [];
  answer: Answer = () => 204;
  url = "";
  private server!: Server;
  private requests = 0;
  private readonly waiting: (() => void)[] = [];

  /** `clock`: the receiver's, agreeing with the server's as a real receiver's would. */
  constructor(private readonly clock: Clock = { now: () => new Date() }) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        this.requests += 1;
        const answer = this.answer(this.requests);
        this.received.push({
          headers: req.headers,
          body: Buffer.concat(chunks).toString("utf8"),
          at: this.clock.now().getTime(),
        });
        for (const wake of this.waiting.splice(0)) wake();
        if (answer === "hang") return;
        res.statusCode = answer;
        res.end();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** Resolves once `count` requests have arrived. */
  async waitFor(count: number, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > deadline) {
        throw new Error(`expected ${count} requests, got ${this.received.length}`);
      }
      await new Promise<void>((resolve) => {
        this.waiting.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  /**
   * Verifies every request as a receiver would, with the specification's reference implementation,
   * at the instant it arrived. Returns the parsed bodies.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- event bodies are read field by field
  verifyAll(secret: string): any[] {
    return this.received.map((r) => verify(secret, r));
  }
}

/**
 * One request verified with `standardwebhooks`, throwing as it does on a bad signature. The library
 * checks the timestamp against Date.now, so that is the arrival instant while it runs (synchronously).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- event bodies are read field by field
export function verify(secret: string, received: Received): any {
  const realNow = Date.now;
  Date.now = () => received.at;
  try {
    return new StandardWebhook(secret).verify(
      received.body,
      received.headers as Record<string, string>,
    );
  } finally {
    Date.now = realNow;
  }
}

/** Runs the delivery worker of `server` until nothing is due at the current instant. */
export async function deliverAll(server: TestServer): Promise<void> {
  const ctx = {
    clock: server.clock,
    principal: null,
    ip: null,
    userAgent: "test-webhooks",
    requestId: "test-webhooks",
  };
  while ((await server.lapse.services.webhookDelivery.deliverDue(ctx)) > 0) {
    /* until nothing is claimed */
  }
}
