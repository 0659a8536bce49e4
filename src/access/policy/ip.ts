// IP addresses and CIDR ranges for the IpAddress / NotIpAddress operators.
//
// IAM: "The value must be in the standard CIDR format (for example,
// 203.0.113.0/24 or 2001:DB8:1234:5678::/64). If you specify an IP address
// without the associated routing prefix, IAM uses the default prefix value of
// /32." (/128 for IPv6.)
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress
import { isIPv4, isIPv6 } from 'node:net';

export interface Cidr {
  /** 4 bytes for IPv4, 16 for IPv6. */
  readonly bytes: Uint8Array;
  readonly prefix: number;
}

/** A policy value (`203.0.113.0/24`, `2001:db8::/32`, `198.51.100.7`); undefined when it is not one. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const address = parseAddress(slash < 0 ? text : text.slice(0, slash), false);
  if (address === undefined) return undefined;
  const bits = address.length * 8;
  if (slash < 0) return { bytes: address, prefix: bits };
  const prefixText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  return prefix <= bits ? { bytes: address, prefix } : undefined;
}

/**
 * A request's address as 4 or 16 bytes. An IPv4-mapped IPv6 address
 * (`::ffff:192.0.2.1`, what Node reports for IPv4 clients of a dual-stack
 * listener) becomes its IPv4 address, so IPv4 ranges in a policy match it;
 * the zone of a link-local address (`fe80::1%eth0`) is dropped.
 * `request` false (a policy value): no brackets, no zone, no unmapping.
 */
export function parseAddress(text: string, request = true): Uint8Array | undefined {
  if (isIPv4(text)) return Uint8Array.from(text.split('.').map(Number));
  let bare = text;
  if (request) {
    if (bare.startsWith('[') && bare.endsWith(']')) bare = bare.slice(1, -1);
    const zone = bare.indexOf('%');
    if (zone >= 0) bare = bare.slice(0, zone);
  }
  if (!isIPv6(bare) || bare.includes('%')) return undefined;
  const bytes = ipv6Bytes(bare);
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return request && mapped ? bytes.slice(12) : bytes;
}

/** Whether the address lies in the range (an IPv4 address is never in an IPv6 range and the other way round). */
export function cidrContains(range: Cidr, address: Uint8Array): boolean {
  if (range.bytes.length !== address.length) return false;
  let bits = range.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((range.bytes[i]! & mask) !== (address[i]! & mask)) return false;
  }
  return true;
}

/** 16 bytes of a valid IPv6 text (node:net has checked it): expands `::` and a trailing dotted IPv4 part. */
function ipv6Bytes(text: string): Uint8Array {
  let groups: string[];
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  const head = text.slice(0, lastColon + 1);
  const words: number[] = [];
  if (tail.includes('.')) {
    const [a, b, c, d] = tail.split('.').map(Number) as [number, number, number, number];
    words.push((a << 8) | b, (c << 8) | d);
    groups = splitGroups(head.endsWith('::') ? head : head.slice(0, -1));
  } else {
    groups = splitGroups(text);
  }
  const doubleAt = groups.indexOf('');
  const known = groups.filter((group) => group !== '').map((group) => parseInt(group, 16));
  const zeros = 8 - words.length - known.length;
  const before = doubleAt < 0 ? known : known.slice(0, doubleAt);
  const after = doubleAt < 0 ? [] : known.slice(doubleAt);
  const all = [...before, ...new Array<number>(doubleAt < 0 ? 0 : zeros).fill(0), ...after, ...words];
  const bytes = new Uint8Array(16);
  all.forEach((word, i) => {
    bytes[i * 2] = word >> 8;
    bytes[i * 2 + 1] = word & 0xff;
  });
  return bytes;
}

/** Groups of an IPv6 text, with one '' standing for the `::` (if any). */
function splitGroups(text: string): string[] {
  const double = text.indexOf('::');
  if (double < 0) return text.split(':');
  const left = text.slice(0, double);
  const right = text.slice(double + 2);
  return [...(left === '' ? [] : left.split(':')), '', ...(right === '' ? [] : right.split(':'))];
}
