import dns, { type LookupAddress, type LookupAllOptions } from "node:dns";
import http from "node:http";
import https from "node:https";
import { BlockList, isIP } from "node:net";

/**
 * Addresses an issuer may not live at unless private issuers are allowed: loopback, RFC 1918,
 * CGNAT, link-local, unspecified, multicast, reserved and documentation ranges, and the IPv6 forms
 * that reach IPv4 or a local network (mapped, NAT64, 6to4, Teredo, unique local, link-local).
 */
const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 3],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["2001::", 23],
  ["2001:db8::", 32],
  ["2002::", 16],
  ["3fff::", 20],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, "ipv6");
}
/** IPv6 unicast on the Internet is 2000::/3; everything else (::1, fc00::/7, fe80::/10, …) is not. */
const GLOBAL_UNICAST_V6 = new BlockList();
GLOBAL_UNICAST_V6.addSubnet("2000::", 3, "ipv6");

/** Whether `address` (an IP literal) is a public Internet address. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !NON_PUBLIC.check(address, "ipv4");
  if (family !== 6) return false;
  return GLOBAL_UNICAST_V6.check(address, "ipv6") && !NON_PUBLIC.check(address, "ipv6");
}

/** A fetch that failed; the message is for the log, never for the client. */
export class FetchFailed extends Error {
  override name = "FetchFailed";
}

/** The host is, or resolves to, an address that private issuers only may have. */
export class NonPublicAddress extends FetchFailed {
  override name = "NonPublicAddress";
}

export interface FetchPolicy {
  /** Whether issuers on loopback, private and other non-public addresses may be fetched. */
  allowPrivate: boolean;
  timeoutMs: number;
  /** The resolver (tests hand their own; default: the system's, as every connection uses). */
  resolve?: (hostname: string, options: LookupAllOptions) => Promise<LookupAddress[]>;
}

const MAX_BODY_BYTES = 512 * 1024;
const systemResolve = (hostname: string, options: LookupAllOptions) =>
  dns.promises.lookup(hostname, options);

/** The URL's host without IPv6 brackets. */
const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, "$1");

/**
 * Resolves `url`'s host and checks every address it resolves to; returns them. Throws FetchFailed
 * for a host that does not resolve, NonPublicAddress (unless allowed) for one that resolves to a
 * non-public address (any of them: a name that also resolves privately is not trusted).
 */
export async function resolvePublic(
  url: URL,
  policy: Pick<FetchPolicy, "allowPrivate" | "resolve">,
): Promise<LookupAddress[]> {
  const host = hostOf(url);
  const family = isIP(host);
  let addresses: LookupAddress[];
  if (family) {
    addresses = [{ address: host, family }];
  } else {
    try {
      addresses = await (policy.resolve ?? systemResolve)(host, { all: true });
    } catch (error) {
      throw new FetchFailed(`${host} did not resolve (${(error as Error).message})`);
    }
  }
  if (addresses.length === 0) throw new FetchFailed(`${host} resolved to no address`);
  const refused = addresses.find((a) => !isPublicAddress(a.address));
  if (refused && !policy.allowPrivate) {
    throw new NonPublicAddress(`${host} resolves to the non-public address ${refused.address}`);
  }
  return addresses;
}

/** What fetchChecked sends: a GET by default; webhook deliveries POST a signed body. */
export interface CheckedRequest {
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
}

/**
 * GETs (or POSTs) `url` and returns its status and body, connecting only to an address that was checked:
 * the check and the connection share one resolution (the socket's `lookup` answers with the
 * checked addresses), so a DNS answer that changes in between (rebinding) cannot redirect it.
 * Follows no redirect, reads at most 512 KiB, gives up after `timeoutMs`. Throws FetchFailed.
 */
export async function fetchChecked(
  url: URL,
  policy: FetchPolicy,
  signal?: AbortSignal,
  request: CheckedRequest = {},
): Promise<{ status: number; body: string }> {
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new FetchFailed(`${url.protocol} is not fetched`);
  }
  const timeout = AbortSignal.timeout(policy.timeoutMs);
  const abort = signal ? AbortSignal.any([signal, timeout]) : timeout;
  const addresses = await resolvePublic(url, policy);
  const lookup = (
    _hostname: string,
    options: { all?: boolean },
    callback: (...args: unknown[]) => void,
  ) => {
    if (options.all) callback(null, addresses);
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  };
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const fail = (reason: string) => reject(new FetchFailed(`${url.origin}: ${reason}`));
    const outgoing = client.request(
      url,
      {
        method: request.method ?? "GET",
        // A connection of its own each time: a pooled socket would outlive the check it was made under.
        agent: false,
        lookup: lookup as unknown as typeof dns.lookup,
        signal: abort,
        headers: request.headers ?? {
          accept: "application/json, application/jwk-set+json",
          "user-agent": "lapse",
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES) {
            response.destroy();
            fail(`the answer is larger than ${MAX_BODY_BYTES} bytes`);
          } else chunks.push(chunk);
        });
        response.on("error", (error) => fail(error.message));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
      },
    );
    outgoing.on("error", (error) =>
      fail(abort.aborted ? `no answer within ${policy.timeoutMs} ms` : error.message),
    );
    outgoing.end(request.body);
  });
}

/** GETs a JSON document; anything but a 200 with JSON is a FetchFailed. */
export async function fetchJson(
  url: URL,
  policy: FetchPolicy,
  signal?: AbortSignal,
): Promise<unknown> {
  const { status, body } = await fetchChecked(url, policy, signal);
  if (status !== 200) throw new FetchFailed(`${url.origin} answered ${status}`);
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new FetchFailed(`${url.origin} answered with something other than JSON`);
  }
}
