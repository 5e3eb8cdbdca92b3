/**
 * CIDR matching for IPv4 and IPv6 source addresses, without allocation-heavy libraries.
 *
 * Every address is held as 16 bytes; an IPv4 address is stored as its IPv4-mapped IPv6 form
 * (`::ffff:a.b.c.d`), so `10.0.0.0/8` also matches a client that Node reports as
 * `::ffff:10.1.2.3` (a dual-stack socket), and one set can mix both families.
 * A bare address is accepted as a single-host block (/32 or /128). Host bits are ignored.
 */
import { isIPv4, isIPv6 } from 'node:net';

export interface CidrBlock {
  readonly source: string;
  readonly bytes: Uint8Array;
  /** Prefix length over the 128-bit form. */
  readonly prefix: number;
}

/** Parse an IPv4 or IPv6 address (an IPv6 zone `%eth0` is dropped); undefined when invalid. */
export function parseAddress(address: string): Uint8Array | undefined {
  const zone = address.indexOf('%');
  const text = zone >= 0 ? address.slice(0, zone) : address;
  if (isIPv4(text)) {
    const bytes = new Uint8Array(16);
    bytes[10] = 0xff;
    bytes[11] = 0xff;
    writeIPv4(text, bytes, 12);
    return bytes;
  }
  if (isIPv6(text)) return parseIPv6(text);
  return undefined;
}

/** A problem with a CIDR string, or undefined when it is valid. */
export function cidrProblem(text: unknown): string | undefined {
  if (typeof text !== 'string' || text.length === 0)
    return 'must be a CIDR string such as 10.0.0.0/8 or fd00::/8';
  return parseCidr(text) ? undefined : `"${text}" is not a valid IPv4 or IPv6 CIDR`;
}

export function parseCidr(text: string): CidrBlock | undefined {
  const slash = text.indexOf('/');
  const addressText = slash >= 0 ? text.slice(0, slash) : text;
  if (addressText.includes('%')) return undefined;
  const v4 = isIPv4(addressText);
  const bytes = parseAddress(addressText);
  if (!bytes) return undefined;
  const max = v4 ? 32 : 128;
  let length = max;
  if (slash >= 0) {
    const prefixText = text.slice(slash + 1);
    if (!/^[0-9]{1,3}$/.test(prefixText)) return undefined;
    length = Number(prefixText);
    if (length > max) return undefined;
  }
  return Object.freeze({ source: text, bytes, prefix: v4 ? length + 96 : length });
}

export function blockContains(block: CidrBlock, address: Uint8Array): boolean {
  const full = block.prefix >> 3;
  for (let i = 0; i < full; i++) if (block.bytes[i] !== address[i]) return false;
  const rest = block.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((block.bytes[full]! ^ address[full]!) & mask) === 0;
}

/** An immutable set of CIDR blocks. */
export class CidrSet {
  readonly blocks: readonly CidrBlock[];

  constructor(cidrs: readonly string[]) {
    this.blocks = Object.freeze(
      cidrs.map((text) => {
        const block = parseCidr(text);
        if (!block) throw new TypeError(`invalid CIDR "${text}"`);
        return block;
      }),
    );
  }

  /** Whether a parsed address (see parseAddress) lies in one of the blocks. */
  containsParsed(address: Uint8Array): boolean {
    for (const block of this.blocks) if (blockContains(block, address)) return true;
    return false;
  }

  /** Whether an address string lies in one of the blocks (false for an invalid address). */
  contains(address: string): boolean {
    const parsed = parseAddress(address);
    return parsed !== undefined && this.containsParsed(parsed);
  }

  /** The first block containing the address, for explanations. */
  blockFor(address: Uint8Array): CidrBlock | undefined {
    return this.blocks.find((block) => blockContains(block, address));
  }
}

function writeIPv4(text: string, bytes: Uint8Array, offset: number): void {
  const parts = text.split('.');
  for (let i = 0; i < 4; i++) bytes[offset + i] = Number(parts[i]);
}

/** `text` has already passed isIPv6. */
function parseIPv6(text: string): Uint8Array {
  const bytes = new Uint8Array(16);
  let normalized = text;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hexadecimal groups.
    const [a, b, c, d] = text
      .slice(lastColon + 1)
      .split('.')
      .map(Number) as [number, number, number, number];
    normalized = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const gap = normalized.indexOf('::');
  const head = gap >= 0 ? normalized.slice(0, gap) : normalized;
  const rest = gap >= 0 ? normalized.slice(gap + 2) : '';
  const headGroups = head === '' ? [] : head.split(':');
  const restGroups = rest === '' ? [] : rest.split(':');
  const zeros = new Array<string>(8 - headGroups.length - restGroups.length).fill('0');
  const groups = [...headGroups, ...zeros, ...restGroups];
  for (let i = 0; i < 8; i++) {
    const value = Number.parseInt(groups[i] ?? '0', 16);
    bytes[i * 2] = value >> 8;
    bytes[i * 2 + 1] = value & 0xff;
  }
  return bytes;
}
