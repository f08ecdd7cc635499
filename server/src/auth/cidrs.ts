import ipaddr from "ipaddr.js";
import { badUserInput } from "../errors/lapse-error";

export const MAX_CIDRS = 20;

/**
 * The networks a token may be used from, normalised (`10.0.0.0/8`, `2001:db8::/32`; a bare address
 * is its /32 or /128), each once. Throws BAD_USER_INPUT for anything that is not an IPv4 or IPv6
 * network, or more than MAX_CIDRS of them.
 */
export function parseCidrs(requested: readonly string[] | null | undefined): string[] {
  if (requested == null) return [];
  if (requested.length > MAX_CIDRS) {
    throw badUserInput(`A token allows at most ${MAX_CIDRS} networks; got ${requested.length}.`);
  }
  const networks = requested.map((text) => {
    const trimmed = text.trim();
    try {
      const [address, bits] = trimmed.includes("/")
        ? ipaddr.parseCIDR(trimmed)
        : [ipaddr.parse(trimmed), ipaddr.parse(trimmed).kind() === "ipv4" ? 32 : 128];
      const network =
        address.kind() === "ipv4"
          ? ipaddr.IPv4.networkAddressFromCIDR(`${address.toString()}/${bits}`)
          : ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/${bits}`);
      return `${network.toString()}/${bits}`;
    } catch {
      throw badUserInput(
        `"${trimmed.slice(0, 64)}" is not a network: write an IPv4 or IPv6 address, optionally with a prefix length, such as 203.0.113.0/24 or 2001:db8::/32.`,
      );
    }
  });
  return [...new Set(networks)];
}

/** Whether `ip` (as Express gives it) lies in one of `cidrs`; an IPv4-mapped IPv6 counts as IPv4. */
export function addressAllowed(ip: string | null, cidrs: readonly string[]): boolean {
  if (cidrs.length === 0) return true;
  if (!ip || !ipaddr.isValid(ip)) return false;
  let address = ipaddr.parse(ip);
  if (address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    address = (address as ipaddr.IPv6).toIPv4Address();
  }
  return cidrs.some((cidr) => {
    const [network, bits] = ipaddr.parseCIDR(cidr);
    return network.kind() === address.kind() && address.match([network, bits]);
  });
}

/** Whether network `inner` lies wholly within network `outer`. */
function within(inner: string, outer: string): boolean {
  const [address, bits] = ipaddr.parseCIDR(inner);
  const [network, outerBits] = ipaddr.parseCIDR(outer);
  return (
    address.kind() === network.kind() && bits >= outerBits && address.match([network, outerBits])
  );
}

/**
 * The networks a new token may be used from. A token made by (or rotated from) a token bound to
 * networks stays within them: omitted, it inherits them; given, each must lie within one of them.
 * Throws BAD_USER_INPUT.
 */
export function networksForNewToken(
  requested: readonly string[] | null | undefined,
  bounds: readonly (readonly string[])[],
): string[] {
  const binding = bounds.filter((networks) => networks.length > 0);
  const networks = requested == null ? [...(binding[0] ?? [])] : parseCidrs(requested);
  for (const networksOfBound of binding) {
    const outside = networks.filter((n) => !networksOfBound.some((b) => within(n, b)));
    if (outside.length || networks.length === 0) {
      throw badUserInput(
        `The token is bound to ${networksOfBound.join(", ")}; a token made from it must be too, and ${outside.length ? outside.join(", ") : "no network"} is not within ${networksOfBound.length > 1 ? "them" : "it"}.`,
      );
    }
  }
  return networks;
}
