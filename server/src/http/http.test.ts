import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type LapseApp } from "../app";
import { openDatabase } from "../db/data-source";
import { createLogger } from "../logger";
import { ManualClock } from "../../test/clock";
import { describeEachStore } from "../../test/harness";
import { errorCode } from "../../test/operations";
import { seedOrg } from "../../test/seed";
import type { Server } from "node:http";
import type { DataSource } from "typeorm";
import type { AddressInfo } from "node:net";

describeEachStore("HTTP surface", (server) => {
  it("answers /healthz and /readyz while the database is reachable", async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: "ok" });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("answers a body that is not JSON with 400 and a coded error", async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{ not json",
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      errors: { message: string; extensions: { code: string } }[];
    };
    expect(body.errors[0]!.extensions.code).toBe("BAD_REQUEST");
    expect(body.errors[0]!.message).toMatch(/not valid JSON/);
  });

  it("refuses a body over 1 MB with 413 and a coded error", async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: "{ viewer { kind } }",
        variables: { pad: "x".repeat(1_100_000) },
      }),
    });
    expect(response.status).toBe(413);
  });

  it("answers parse and validation errors with 400 and Apollo's codes, never a stack", async () => {
    const org = await seedOrg(server);
    const parse = await server.gql("{ viewer {", {}, org.admin.secret);
    expect(parse.status).toBe(400);
    expect(errorCode(parse)).toBe("GRAPHQL_PARSE_FAILED");
    const unknown = await server.gql("{ viewer { secret } }", {}, org.admin.secret);
    expect(unknown.status).toBe(400);
    expect(errorCode(unknown)).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(JSON.stringify(unknown)).not.toMatch(/stacktrace|\bat [A-Za-z.]+ \(/);
    // The digest is not part of the schema, so it cannot be asked for.
    const digest = await server.gql("{ viewer { token { digest } } }", {}, org.admin.secret);
    expect(errorCode(digest)).toBe("GRAPHQL_VALIDATION_FAILED");
  });

  it("gives every response a request id of its own, never the client's, and keeps a safe client id beside it", async () => {
    const org = await seedOrg(server);
    const sent = await server.gql("{ viewer { kind } }", {}, org.admin.secret, {
      "x-request-id": "ci-run-42",
    });
    expect(sent.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(server.logs.join("")).toContain(
      `"requestId":"${sent.headers.get("x-request-id")}","clientRequestId":"ci-run-42"`,
    );
    const unsafe = await server.gql("{ viewer { kind } }", {}, org.admin.secret, {
      "x-request-id": `not safe ${"x".repeat(80)}`,
    });
    expect(unsafe.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(server.logs.join("")).not.toContain("not safe");
  });
});

describe("an unexpected error", () => {
  it("leaves as INTERNAL_SERVER_ERROR with a request id, and is logged without its details reaching the client", async () => {
    const { toGraphQLError } = await import("../errors/error-middleware");
    const logs: string[] = [];
    const logger = createLogger({ destination: { write: (line: string) => logs.push(line) } });
    const error = toGraphQLError(
      new Error("SELECT * FROM access_tokens WHERE digest = 'abc' failed"),
      {
        requestId: "req-1",
        logger,
      } as never,
    );
    expect(error.message).toBe("Internal server error; quote request id req-1 when reporting it.");
    expect(error.extensions).toEqual({ code: "INTERNAL_SERVER_ERROR", requestId: "req-1" });
    expect(logs.join("")).toContain("SELECT * FROM access_tokens");
  });
});

describe("the console", () => {
  let lapse: LapseApp;
  let dataSource: DataSource;
  let listening: Server;
  let url: string;
  const webDir = fs.mkdtempSync(path.join(os.tmpdir(), "lapse-web-"));

  beforeAll(async () => {
    fs.writeFileSync(
      path.join(webDir, "index.html"),
      "<!doctype html><title>Lapse console</title>",
    );
    fs.mkdirSync(path.join(webDir, "assets"));
    fs.writeFileSync(path.join(webDir, "assets", "app.js"), "console.log('lapse')");
    dataSource = await openDatabase("sqlite::memory:");
    lapse = await createApp({
      dataSource,
      clock: new ManualClock(),
      logger: createLogger({ level: "silent" }),
      webDir,
    });
    listening = await new Promise<Server>((resolve) => {
      const s = lapse.app.listen(0, "127.0.0.1", () => resolve(s));
    });
    url = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => listening.close(resolve));
    await lapse.stop();
    fs.rmSync(webDir, { recursive: true, force: true });
  });

  it("is served at / with client-side routes falling back to index.html", async () => {
    for (const route of ["/", "/tokens", "/orgs/acme/audit?status=EXPIRED"]) {
      const response = await fetch(`${url}${route}`);
      expect.soft(response.status, route).toBe(200);
      expect.soft(await response.text(), route).toContain("Lapse console");
    }
    expect(await (await fetch(`${url}/assets/app.js`)).text()).toContain("lapse");
    expect((await fetch(`${url}/assets/missing.js`)).status).toBe(404);
    const csp = (await fetch(`${url}/tokens`)).headers.get("content-security-policy") ?? "";
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "frame-ancestors 'none'",
      "object-src 'none'",
    ]) {
      expect.soft(csp).toContain(directive);
    }
  });

  it("reports not ready with 503 once the database is gone, while /healthz still answers", async () => {
    await dataSource.destroy();
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({
      status: "unavailable",
      message: "The database is not reachable.",
    });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});
