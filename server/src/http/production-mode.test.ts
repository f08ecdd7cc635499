import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../test/clock";
import { createApp, type LapseApp } from "../app";
import { openDatabase } from "../db/data-source";
import { createLogger } from "../logger";

async function start(production: boolean) {
  const dataSource = await openDatabase("sqlite::memory:");
  const lapse = await createApp({
    dataSource,
    clock: new ManualClock(),
    logger: createLogger({ level: "silent" }),
    production,
  });
  const server = await new Promise<Server>((resolve) => {
    const s = lapse.app.listen(0, "127.0.0.1", () => resolve(s));
  });
  return {
    lapse,
    server,
    dataSource,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
  };
}

const ask = async (url: string, query: string) =>
  (
    await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query }),
    })
  ).json() as Promise<{
    errors?: { message: string }[];
    data?: unknown;
  }>;

describe("NODE_ENV=production", () => {
  let production: Awaited<ReturnType<typeof start>>;
  let development: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    [production, development] = await Promise.all([start(true), start(false)]);
  });
  afterAll(async () => {
    for (const { server, lapse, dataSource } of [production, development]) {
      await new Promise((resolve) => server.close(resolve));
      await (lapse as LapseApp).stop();
      await dataSource.destroy();
    }
  });

  it("turns introspection and field suggestions off, and leaves them on otherwise", async () => {
    const typo = "{ viewr { kind } }";
    expect((await ask(development.url, typo)).errors![0]!.message).toMatch(
      /Did you mean "viewer"\?/,
    );
    expect((await ask(production.url, typo)).errors![0]!.message).not.toMatch(/Did you mean/);
    const introspection = "{ __schema { queryType { name } } }";
    expect((await ask(development.url, introspection)).data).toEqual({
      __schema: { queryType: { name: "Query" } },
    });
    expect((await ask(production.url, introspection)).errors![0]!.message).toMatch(
      /introspection/i,
    );
  });
});
