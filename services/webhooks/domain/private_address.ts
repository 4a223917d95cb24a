/**
 * Addresses a webhook may not reach unless the operator allows it: loopback, private,
 * link-local (cloud metadata lives there), carrier-grade NAT, multicast, reserved and
 * unspecified ranges, IPv4 and IPv6 (an IPv4-mapped IPv6 address is judged as its IPv4). So a
 * tenant admin cannot point Ticketd at services inside its own network.
 * @module
 */

const V4_BLOCKED: [number, number][] = [
  [0x00000000, 8], // 0.0.0.0/8 "this network"
  [0x0a000000, 8], // 10/8
  [0x64400000, 10], // 100.64/10 carrier-grade NAT
  [0x7f000000, 8], // 127/8 loopback
  [0xa9fe0000, 16], // 169.254/16 link-local, cloud metadata
  [0xac100000, 12], // 172.16/12
  [0xc0000000, 24], // 192.0.0/24 protocol assignments
  [0xc0a80000, 16], // 192.168/16
  [0xc6120000, 15], // 198.18/15 benchmarking
  [0xe0000000, 4], // 224/4 multicast
  [0xf0000000, 4], // 240/4 reserved, broadcast
];

/** True when `address` (an IPv4 or IPv6 literal, brackets allowed) is not a public address. */
export function isPrivateAddress(address: string): boolean {
  const ip = address.replace(/^\[|\]$/g, "").toLowerCase();
  const v4 = ipv4(ip);
  if (v4 !== null) {
    return V4_BLOCKED.some(([net, bits]) => (v4 >>> (32 - bits)) === net >>> (32 - bits));
  }
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (mapped) return isPrivateAddress(mapped[1]);
  // URLs write a mapped address in hex: [::ffff:192.168.1.1] becomes [::ffff:c0a8:101].
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(ip);
  if (hex) {
    const [high, low] = [parseInt(hex[1], 16), parseInt(hex[2], 16)];
    return isPrivateAddress(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
  }
  if (!ip.includes(":")) return false; // a name, not an address
  if (ip === "::" || ip === "::1") return true;
  const first = parseInt(ip.split(":")[0] || "0", 16);
  return (first & 0xfe00) === 0xfc00 || // fc00::/7 unique local
    (first & 0xffc0) === 0xfe80 || // fe80::/10 link-local
    (first & 0xff00) === 0xff00; // ff00::/8 multicast
}

/** `text` as a 32-bit IPv4 address, or null when it is not a dotted quad. */
export function ipv4(text: string): number | null {
  const parts = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!parts) return null;
  const octets = parts.slice(1).map(Number);
  if (octets.some((octet) => octet > 255)) return null;
  return ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
}

/** True when `host` (a URL's hostname) is an address literal rather than a name. */
export function isAddressLiteral(host: string): boolean {
  return ipv4(host) !== null || host.startsWith("[");
}
