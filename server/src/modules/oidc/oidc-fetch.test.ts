import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FetchFailed,
  NonPublicAddress,
  fetchChecked,
  fetchJson,
  isPublicAddress,
  resolvePublic,
} from "./oidc-fetch";

describe("OIDC issuer addresses", () => {
  it("count as public only outside loopback, private, link-local, CGNAT and other special ranges", () => {
    const nonPublic = [
      "127.0.0.1",
      "127.255.0.9",
      "0.0.0.0",
      "10.1.2.3",
      "172.16.0.1",
      "172.31.255.255",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "100.127.255.254",
      "198.18.0.1",
      "224.0.0.1",
      "255.255.255.255",
      "::",
      "::1",
      "fc00::1",
      "fd12:3456::1",
      "fe80::1",
      "ff02::1",
      "::ffff:127.0.0.1",
      "::ffff:10.0.0.1",
      "64:ff9b::a00:1",
      "2002:7f00:1::",
      "2001:db8::1",
      "not-an-address",
    ];
    for (const address of nonPublic) expect.soft(isPublicAddress(address), address).toBe(false);
    for (const address of [
      "8.8.8.8",
      "140.82.112.3",
      "172.32.0.1",
      "100.128.0.1",
      "2606:4700::1",
    ]) {
      expect.soft(isPublicAddress(address), address).toBe(true);
    }
  });

  it("refuse a name if any address it resolves to is non-public, unless private issuers are allowed", async () => {
    const resolve = async () => [
      { address: "140.82.112.3", family: 4 },
      { address: "10.0.0.7", family: 4 },
    ];
    const url = new URL("https://issuer.invalid/");
    await expect(resolvePublic(url, { allowPrivate: false, resolve })).rejects.toBeInstanceOf(
      NonPublicAddress,
    );
    await expect(resolvePublic(url, { allowPrivate: true, resolve })).resolves.toHaveLength(2);
    await expect(
      resolvePublic(new URL("http://localhost/"), { allowPrivate: false }),
    ).rejects.toBeInstanceOf(NonPublicAddress);
  });
});

describe("OIDC fetches", () => {
  let server: Server;
  let port = 0;
  const requests: { url?: string; host?: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push({ url: req.url, host: req.headers.host });
      if (req.url === "/redirect") {
        res.writeHead(302, { location: "/doc" }).end();
      } else if (req.url === "/large") {
        res.end(JSON.stringify({ padding: "x".repeat(600 * 1024) }));
      } else {
        res.setHeader("content-type", "application/json").end('{"ok":true}');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it("connect to the address that was checked, not to a second answer of the resolver", async () => {
    let resolutions = 0;
    // issuer.invalid resolves nowhere but here: a connection that reached the server used this answer.
    const resolve = async () => {
      resolutions += 1;
      return [{ address: "127.0.0.1", family: 4 }];
    };
    const url = new URL(`http://issuer.invalid:${port}/doc`);
    const before = requests.length;
    await expect(
      fetchChecked(url, { allowPrivate: false, timeoutMs: 2000, resolve }),
    ).rejects.toBeInstanceOf(NonPublicAddress);
    expect(requests.length).toBe(before);

    resolutions = 0;
    const answer = await fetchChecked(url, { allowPrivate: true, timeoutMs: 2000, resolve });
    expect(answer).toEqual({ status: 200, body: '{"ok":true}' });
    expect(resolutions).toBe(1);
    expect(requests.at(-1)).toEqual({ url: "/doc", host: `issuer.invalid:${port}` });
  });

  it("refuse an IP literal on loopback without connecting", async () => {
    const before = requests.length;
    await expect(
      fetchJson(new URL(`http://127.0.0.1:${port}/doc`), { allowPrivate: false, timeoutMs: 2000 }),
    ).rejects.toBeInstanceOf(NonPublicAddress);
    await expect(
      fetchJson(new URL(`http://[::ffff:127.0.0.1]:${port}/doc`), {
        allowPrivate: false,
        timeoutMs: 2000,
      }),
    ).rejects.toBeInstanceOf(NonPublicAddress);
    expect(requests.length).toBe(before);
  });

  it("follow no redirect and read no more than 512 KiB", async () => {
    const policy = { allowPrivate: true, timeoutMs: 2000 };
    await expect(fetchJson(new URL(`http://127.0.0.1:${port}/redirect`), policy)).rejects.toThrow(
      /answered 302/,
    );
    await expect(fetchJson(new URL(`http://127.0.0.1:${port}/large`), policy)).rejects.toThrow(
      FetchFailed,
    );
    expect(await fetchJson(new URL(`http://127.0.0.1:${port}/doc`), policy)).toEqual({ ok: true });
  });
});
