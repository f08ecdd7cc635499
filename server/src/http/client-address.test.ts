import { describe, expect, it } from "vitest";
import { addressGroup } from "./client-address";

describe("addressGroup", () => {
  it("keeps an IPv4 address as it is", () => {
    expect(addressGroup("192.0.2.10")).toBe("192.0.2.10");
  });

  it("reads an IPv4-mapped IPv6 address, in either notation, as the IPv4 address", () => {
    expect(addressGroup("::ffff:192.0.2.10")).toBe("192.0.2.10");
    expect(addressGroup("::FFFF:c000:020a")).toBe("192.0.2.10");
    expect(addressGroup("0:0:0:0:0:ffff:192.0.2.10")).toBe("192.0.2.10");
  });

  it("groups an IPv6 address by its /64, however it is written", () => {
    const group = "2001:db8:0:a::/64";
    for (const written of [
      "2001:db8:0:a::1",
      "2001:0DB8:0000:000A:ffff:ffff:ffff:ffff",
      "2001:db8::a:1:2:3:4",
      "2001:db8:0:a:0:0:192.0.2.1",
      "2001:db8:0:a::1%eth0",
    ]) {
      expect(addressGroup(written), written).toBe(group);
    }
    expect(addressGroup("2001:db8:0:b::1")).toBe("2001:db8:0:b::/64");
    expect(addressGroup("::1")).toBe("0:0:0:0::/64");
    expect(addressGroup("::")).toBe("0:0:0:0::/64");
    // A compatible (not mapped) IPv4 tail stays IPv6.
    expect(addressGroup("::192.0.2.10")).toBe("0:0:0:0::/64");
  });

  it("refuses what is not an address", () => {
    for (const junk of [
      "",
      "unknown",
      "1.2.3.4.5",
      "01.2.3.4",
      " 1.2.3.4",
      "2001:db8::g",
      "x".repeat(300),
    ]) {
      expect(addressGroup(junk), junk).toBeNull();
    }
  });
});
