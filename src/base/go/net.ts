/**
 * IP addresses and prefixes parsed the way Go's net/netip does, which is what Kubernetes' CEL `ip()`/`cidr()`
 * libraries use: IPv4 octets with leading zeros are errors, IPv6 zones and IPv4-mapped IPv6 addresses are refused
 * by Kubernetes on top of that.
 */

/** 4 bytes for IPv4, 16 for IPv6. */
export type IpBytes = Uint8Array;

export interface Prefix {
  readonly addr: IpBytes;
  readonly bits: number;
}

export class AddressError extends Error {}

/** netip.ParseAddr plus the Kubernetes restrictions (no zone, no IPv4-mapped IPv6). */
export function parseKubernetesIp(text: string): IpBytes {
  let addr: IpBytes;
  try {
    addr = parseAddr(text);
  } catch (error) {
    throw new AddressError(`IP Address "${text}" parse error during conversion from string: ${messageOf(error)}`);
  }
  if (isIpv4MappedIpv6(addr)) throw new AddressError(`IPv4-mapped IPv6 address "${text}" is not allowed`);
  return addr;
}

/** netip.ParsePrefix plus the Kubernetes restriction on IPv4-mapped IPv6; host bits after the mask are kept. */
export function parseKubernetesCidr(text: string): Prefix {
  let prefix: Prefix;
  try {
    prefix = parsePrefix(text);
  } catch (error) {
    throw new AddressError(`network address parse error during conversion from string: ${messageOf(error)}`);
  }
  if (isIpv4MappedIpv6(prefix.addr)) throw new AddressError(`IPv4-mapped IPv6 address "${text}" is not allowed`);
  return prefix;
}

export function isKubernetesIp(text: string): boolean {
  try {
    parseKubernetesIp(text);
    return true;
  } catch {
    return false;
  }
}

export function isKubernetesCidr(text: string): boolean {
  try {
    parseKubernetesCidr(text);
    return true;
  } catch {
    return false;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Go's netip.ParseAddr; zones are rejected outright because Kubernetes refuses them anyway. */
export function parseAddr(text: string): IpBytes {
  for (const char of text) {
    if (char === ".") return parseIpv4(text);
    if (char === ":") return parseIpv6(text);
    if (char === "%") throw new AddressError("missing IPv6 address");
  }
  throw new AddressError("unable to parse IP");
}

function parseIpv4(text: string): IpBytes {
  const out = new Uint8Array(4);
  parseIpv4Fields(text, out, 0);
  return out;
}

function parseIpv4Fields(text: string, out: Uint8Array, offset: number): void {
  let value = 0;
  let digits = 0;
  let field = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits === 1 && value === 0) throw new AddressError("IPv4 field has octet with leading zero");
      value = value * 10 + (c - 48);
      digits++;
      if (value > 255) throw new AddressError("IPv4 field has value >255");
    } else if (c === 46) {
      if (i === 0 || i === text.length - 1 || text[i - 1] === ".") {
        throw new AddressError("IPv4 field must have at least one digit");
      }
      if (field === 3) throw new AddressError("IPv4 address too long");
      out[offset + field++] = value;
      value = 0;
      digits = 0;
    } else {
      throw new AddressError("unexpected character");
    }
  }
  if (field < 3) throw new AddressError("IPv4 address too short");
  out[offset + 3] = value;
}

function parseIpv6(input: string): IpBytes {
  if (input.includes("%")) {
    const zone = input.slice(input.indexOf("%") + 1);
    throw new AddressError(zone === "" ? "zone must be a non-empty string" : `IP address "${input}" with zone value is not allowed`);
  }
  const ip = new Uint8Array(16);
  let rest = input;
  let ellipsis = -1;
  if (rest.startsWith("::")) {
    ellipsis = 0;
    rest = rest.slice(2);
    if (rest === "") return ip;
  }
  let i = 0;
  while (i < 16) {
    let off = 0;
    let acc = 0;
    for (; off < rest.length; off++) {
      const digit = hexValue(rest.charCodeAt(off));
      if (digit < 0) break;
      if (off > 3) throw new AddressError("each group must have 4 or less digits");
      acc = acc * 16 + digit;
    }
    if (off === 0) throw new AddressError("each colon-separated field must have at least one digit");
    if (off < rest.length && rest[off] === ".") {
      if (ellipsis < 0 && i !== 12) {
        throw new AddressError("embedded IPv4 address must replace the final 2 fields of the address");
      }
      if (i + 4 > 16) throw new AddressError("too many hex fields to fit an embedded IPv4 at the end of the address");
      parseIpv4Fields(rest, ip, i);
      rest = "";
      i += 4;
      break;
    }
    ip[i] = acc >> 8;
    ip[i + 1] = acc & 0xff;
    i += 2;
    rest = rest.slice(off);
    if (rest === "") break;
    if (rest[0] !== ":") throw new AddressError("unexpected character, want colon");
    if (rest.length === 1) throw new AddressError("colon must be followed by more characters");
    rest = rest.slice(1);
    if (rest[0] === ":") {
      if (ellipsis >= 0) throw new AddressError("multiple :: in address");
      ellipsis = i;
      rest = rest.slice(1);
      if (rest === "") break;
    }
  }
  if (rest !== "") throw new AddressError("trailing garbage after address");
  if (i < 16) {
    if (ellipsis < 0) throw new AddressError("address string too short");
    const shift = 16 - i;
    for (let j = i - 1; j >= ellipsis; j--) ip[j + shift] = ip[j]!;
    ip.fill(0, ellipsis, ellipsis + shift);
  } else if (ellipsis >= 0) {
    throw new AddressError("the :: must expand to at least one field of zeros");
  }
  return ip;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Go's netip.ParsePrefix: the bits must be decimal without sign or leading zeros. */
export function parsePrefix(text: string): Prefix {
  const slash = text.lastIndexOf("/");
  if (slash < 0) throw new AddressError(`netip.ParsePrefix("${text}"): no '/'`);
  const addr = parseAddr(text.slice(0, slash));
  const bitsText = text.slice(slash + 1);
  if (!/^(0|[1-9][0-9]*)$/.test(bitsText)) {
    throw new AddressError(`netip.ParsePrefix("${text}"): bad bits after slash: "${bitsText}"`);
  }
  const bits = Number(bitsText);
  if (bits > addr.length * 8) throw new AddressError(`netip.ParsePrefix("${text}"): prefix length out of range`);
  return { addr, bits };
}

export function isIpv4MappedIpv6(addr: IpBytes): boolean {
  if (addr.length !== 16) return false;
  for (let i = 0; i < 10; i++) if (addr[i] !== 0) return false;
  return addr[10] === 0xff && addr[11] === 0xff;
}

/** netip.Addr.String(): dotted IPv4, RFC 5952 IPv6 (the longest run of two or more zero groups becomes `::`). */
export function formatIp(addr: IpBytes): string {
  if (addr.length === 4) return Array.from(addr).join(".");
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((addr[i]! << 8) | addr[i + 1]!);
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength && j - i >= 2) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (isIpv4MappedIpv6(addr)) return `::ffff:${Array.from(addr.slice(12)).join(".")}`;
  const hex = (g: number) => g.toString(16);
  if (bestStart < 0) return groups.map(hex).join(":");
  const head = groups.slice(0, bestStart).map(hex).join(":");
  const tail = groups.slice(bestStart + bestLength).map(hex).join(":");
  return `${head}::${tail}`;
}

export function formatPrefix(prefix: Prefix): string {
  return `${formatIp(prefix.addr)}/${prefix.bits}`;
}

export function maskedPrefix(prefix: Prefix): Prefix {
  return { addr: maskBytes(prefix.addr, prefix.bits), bits: prefix.bits };
}

function maskBytes(addr: IpBytes, bits: number): IpBytes {
  const out = new Uint8Array(addr);
  for (let i = 0; i < out.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    out[i]! &= keep === 0 ? 0 : (0xff << (8 - keep)) & 0xff;
  }
  return out;
}

function sameBytes(a: IpBytes, b: IpBytes): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

export function prefixContainsIp(prefix: Prefix, ip: IpBytes): boolean {
  return ip.length === prefix.addr.length && sameBytes(maskBytes(ip, prefix.bits), maskBytes(prefix.addr, prefix.bits));
}

export function prefixContainsPrefix(outer: Prefix, inner: Prefix): boolean {
  return inner.addr.length === outer.addr.length && inner.bits >= outer.bits && prefixContainsIp(outer, inner.addr);
}

const v4 = (addr: IpBytes) => addr.length === 4;

export const ipPredicates = {
  isUnspecified: (addr: IpBytes) => addr.every((b) => b === 0),
  isLoopback: (addr: IpBytes) => (v4(addr) ? addr[0] === 127 : addr.slice(0, 15).every((b) => b === 0) && addr[15] === 1),
  isMulticast: (addr: IpBytes) => (v4(addr) ? (addr[0]! & 0xf0) === 0xe0 : addr[0] === 0xff),
  isLinkLocalMulticast: (addr: IpBytes) =>
    v4(addr) ? addr[0] === 224 && addr[1] === 0 && addr[2] === 0 : addr[0] === 0xff && (addr[1]! & 0x0f) === 0x02,
  isLinkLocalUnicast: (addr: IpBytes) =>
    v4(addr) ? addr[0] === 169 && addr[1] === 254 : addr[0] === 0xfe && (addr[1]! & 0xc0) === 0x80,
  isGlobalUnicast: (addr: IpBytes): boolean => {
    if (v4(addr) && (addr.every((b) => b === 0) || addr.every((b) => b === 255))) return false;
    return (
      !ipPredicates.isUnspecified(addr) &&
      !ipPredicates.isLoopback(addr) &&
      !ipPredicates.isMulticast(addr) &&
      !ipPredicates.isLinkLocalUnicast(addr)
    );
  },
};
