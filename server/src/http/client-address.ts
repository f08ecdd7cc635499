import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";
import type { Request } from "express";
import proxyAddr from "proxy-addr";

/** Which hops to believe, compiled from `trust proxy` (Express's own "trust proxy fn"). */
export type TrustProxy = (address: string, hop: number) => boolean;

/**
 * The client's address: Express's `req.ip` when it is an address, else the socket's. With a proxy
 * trusted (`LAPSE_TRUST_PROXY`), `req.ip` is whatever X-Forwarded-For held at that hop, any string
 * at all; a string that is not an address would give each request a rate-limit counter of its own
 * (and one longer than the key column is not counted at all), so it is ignored.
 */
export function clientAddress(req: Request): string | null {
  // Worked out once per request: authentication and the request's context both ask, and with a
  // proxy trusted `req.ip` walks X-Forwarded-For each time.
  const locals = req.res?.locals;
  const known = locals?.clientAddress as string | null | undefined;
  if (known !== undefined) return known;
  const address = usableAddress(req.ip, req.socket.remoteAddress);
  if (locals) locals.clientAddress = address;
  return address;
}

/**
 * `clientAddress` for a handler outside Express (the gateway check): the address Express's `req.ip`
 * gives with the same `trust`, worked out the same way (proxy-addr is what Express calls).
 */
export function clientAddressOf(req: IncomingMessage, trust: TrustProxy): string | null {
  return usableAddress(proxyAddr(req, trust), req.socket.remoteAddress);
}

/**
 * Whether the client reached Lapse over HTTPS, as Express's `req.secure` says it: the socket's own
 * TLS, or the first X-Forwarded-Proto when the peer is a trusted proxy.
 */
export function reachedOverHttps(req: IncomingMessage, trust: TrustProxy): boolean {
  const own = "encrypted" in req.socket && req.socket.encrypted === true;
  const header = req.headers["x-forwarded-proto"];
  if (typeof header !== "string" || !trust(req.socket.remoteAddress ?? "", 0)) return own;
  return header.split(",")[0]!.trim() === "https";
}

function usableAddress(ip: string | undefined, socket: string | undefined): string | null {
  return ip && isIP(ip) ? ip : socket && isIP(socket) ? socket : null;
}

/**
 * What the failed-authentication limit counts an address as: an IPv4 address as itself (also when
 * written IPv4-mapped, `::ffff:192.0.2.1`), an IPv6 address as its /64, the block one subscriber
 * or host is usually handed whole (counting single IPv6 addresses would give each attacker 2^64
 * counters). Null for a string that is not an address.
 */
export function addressGroup(address: string): string | null {
  const version = isIP(address);
  if (version === 4) return address;
  if (version !== 6) return null;
  const groups = ipv6Groups(address);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [high, low] = [groups[6]!, groups[7]!];
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join(".");
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(":")}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (zone dropped, a dotted IPv4 tail unfolded). */
function ipv6Groups(address: string): number[] {
  let text = address.split("%")[0]!;
  const tail = text.slice(text.lastIndexOf(":") + 1);
  if (tail.includes(".")) {
    const [a, b, c, d] = tail.split(".").map(Number) as [number, number, number, number];
    const hex = (n: number) => n.toString(16);
    text = `${text.slice(0, -tail.length)}${hex((a << 8) | b)}:${hex((c << 8) | d)}`;
  }
  const parse = (part: string) => (part ? part.split(":").map((g) => parseInt(g, 16)) : []);
  const [head, rest] = text.split("::") as [string, string | undefined];
  if (rest === undefined) return parse(head);
  const [before, after] = [parse(head), parse(rest)];
  return [...before, ...Array<number>(8 - before.length - after.length).fill(0), ...after];
}
