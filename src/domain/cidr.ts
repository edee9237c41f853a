// IPv4 and IPv6 CIDR ranges with bigint arithmetic. No dependencies, no vscode, no AWS SDK.
//
// AWS stores a rule's CIDR with the host bits cleared (100.68.0.18/18 becomes 100.68.0.0/18) and
// IPv6 in compressed lowercase, so everything here works on masked networks and prints the
// canonical text (RFC 5952 for IPv6: lowercase, no leading zeros, the longest run of two or more
// zero groups shown as '::', the leftmost run on a tie). IPv4-mapped addresses are printed in hex
// like any other IPv6 address (::ffff:a00:1), the same as the WHATWG URL serialiser.

export type IpVersion = 4 | 6;

/** A range of addresses. `network` always has the host bits cleared. */
export interface Cidr {
  version: IpVersion;
  network: bigint;
  prefix: number;
}

const EXAMPLES = 'like 10.0.0.0/16 or 2001:db8::/32';

/** 32 for IPv4, 128 for IPv6. */
export function addressBits(version: IpVersion): number {
  return version === 4 ? 32 : 128;
}

function hostMask(version: IpVersion, prefix: number): bigint {
  return (1n << BigInt(addressBits(version) - prefix)) - 1n;
}

function maskNetwork(version: IpVersion, address: bigint, prefix: number): bigint {
  const all = (1n << BigInt(addressBits(version))) - 1n;
  return address & (all ^ hostMask(version, prefix));
}

/** The first and last address of the range, as numbers. */
export function cidrRange(c: Cidr): { first: bigint; last: bigint } {
  return { first: c.network, last: c.network | hostMask(c.version, c.prefix) };
}

/** Whether one address (given as a number) lies in the range. */
export function cidrContainsAddress(c: Cidr, version: IpVersion, address: bigint): boolean {
  return c.version === version && maskNetwork(version, address, c.prefix) === c.network;
}

// ---------------------------------------------------------------------------------------------
// Parsing. Each helper answers the address as a bigint or a string saying what is wrong with it.

function parseIpv4(text: string): bigint | string {
  const parts = text.split('.');
  if (parts.length !== 4) {
    const n = parts.length;
    if (n === 1) return 'it is a single number, but needs 4 numbers separated by dots (like 10.0.0.1)';
    return `it has ${n} numbers separated by dots, but needs 4 (like 10.0.0.1)`;
  }
  let value = 0n;
  for (let i = 0; i < 4; i++) {
    const part = parts[i]!;
    if (part === '') return `number ${i + 1} of 4 is missing (two dots in a row, or a dot at an end)`;
    if (!/^[0-9]+$/.test(part)) return `'${part}' is not a number from 0 to 255`;
    if (part.length > 1 && part.startsWith('0')) {
      return `'${part}' has a leading zero, which is not allowed (write ${String(Number(part))})`;
    }
    if (part.length > 3 || Number(part) > 255) return `${part} is more than 255`;
    value = (value << 8n) | BigInt(Number(part));
  }
  return value;
}

function parseGroup(group: string): number | string {
  if (/^[0-9a-fA-F]{1,4}$/.test(group)) return parseInt(group, 16);
  if (/^[0-9a-fA-F]+$/.test(group)) return `group '${group}' has more than 4 hex digits`;
  return `'${group}' is not a group of 1 to 4 hex digits`;
}

/** Groups of one side of '::' (or of the whole address), with an optional IPv4 tail. */
function parseGroups(parts: string[], ipv4AllowedAtEnd: boolean): number[] | string {
  const out: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part.includes('.')) {
      if (!ipv4AllowedAtEnd || i !== parts.length - 1) {
        return `the embedded IPv4 address '${part}' may only come at the end`;
      }
      const v4 = parseIpv4(part);
      if (typeof v4 === 'string') return `the embedded IPv4 address '${part}' is not valid: ${v4}`;
      out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      continue;
    }
    const g = parseGroup(part);
    if (typeof g === 'string') return g;
    out.push(g);
  }
  return out;
}

function parseIpv6(text: string): bigint | string {
  if (text.includes('%')) return 'zone ids (the part after %) are not allowed in a CIDR';
  if (text.includes(':::')) return "it has three colons in a row (use '::' once for a run of zero groups)";
  const first = text.indexOf('::');
  if (first !== -1 && text.indexOf('::', first + 1) !== -1) return "'::' may appear only once";

  let groups: number[];
  if (first === -1) {
    const parts = text.split(':');
    if (parts[0] === '') return "it starts with a single ':' (use '::' for leading zero groups)";
    if (parts[parts.length - 1] === '') return "it ends with a single ':' (use '::' for trailing zero groups)";
    const g = parseGroups(parts, true);
    if (typeof g === 'string') return g;
    if (g.length !== 8) {
      return `it has ${g.length} groups of hex digits, but needs 8 (or '::' to stand for a run of zero groups)`;
    }
    groups = g;
  } else {
    const headText = text.slice(0, first);
    const tailText = text.slice(first + 2);
    const headParts = headText === '' ? [] : headText.split(':');
    const tailParts = tailText === '' ? [] : tailText.split(':');
    if (headParts.includes('') || tailParts.includes('')) return 'it has an empty group between colons';
    const head = parseGroups(headParts, false);
    if (typeof head === 'string') return head;
    const tail = parseGroups(tailParts, true);
    if (typeof tail === 'string') return tail;
    const count = head.length + tail.length;
    if (count > 7) {
      return `it has ${count} groups of hex digits plus '::', but an IPv6 address has only 8 groups`;
    }
    groups = [...head, ...new Array<number>(8 - count).fill(0), ...tail];
  }
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(g);
  return value;
}

/**
 * Parses 'a.b.c.d/n', an IPv6 range ('2001:db8::/32', '::/0', full or compressed, with an optional
 * embedded IPv4 tail such as '::ffff:10.0.0.1/128'), or a bare address (taken as /32 or /128).
 * Surrounding whitespace is ignored. Host bits are cleared in the result.
 */
export function parseCidr(text: string): Cidr | { error: string } {
  const t = text.trim();
  if (t === '') return { error: `A CIDR range is required, ${EXAMPLES}.` };
  if (/\s/.test(t)) return { error: `'${t}' is not a valid CIDR: it contains a space.` };

  const slash = t.indexOf('/');
  if (slash !== -1 && t.indexOf('/', slash + 1) !== -1) {
    return { error: `'${t}' is not a valid CIDR: it has more than one '/'.` };
  }
  const addressText = slash === -1 ? t : t.slice(0, slash);
  const prefixText = slash === -1 ? undefined : t.slice(slash + 1);

  let version: IpVersion;
  let address: bigint;
  if (addressText === '') {
    return { error: `'${t}' is not a valid CIDR: the address before '/' is missing.` };
  } else if (addressText.includes(':')) {
    const a = parseIpv6(addressText);
    if (typeof a === 'string') return { error: `'${t}' is not a valid IPv6 address: ${a}.` };
    version = 6;
    address = a;
  } else if (/^[0-9.]+$/.test(addressText) || (addressText.includes('.') && /^[0-9]/.test(addressText))) {
    const a = parseIpv4(addressText);
    if (typeof a === 'string') return { error: `'${t}' is not a valid IPv4 address: ${a}.` };
    version = 4;
    address = a;
  } else {
    return { error: `'${t}' is not a CIDR range: expected an IPv4 or IPv6 range ${EXAMPLES}.` };
  }

  const max = addressBits(version);
  let prefix = max;
  if (prefixText !== undefined) {
    if (prefixText === '') {
      return { error: `'${t}' is not a valid CIDR: the prefix length after '/' is missing.` };
    }
    if (!/^[0-9]+$/.test(prefixText)) {
      return { error: `'${t}' is not a valid CIDR: the prefix length '${prefixText}' is not a whole number.` };
    }
    if (prefixText.length > 1 && prefixText.startsWith('0')) {
      return { error: `'${t}' is not a valid CIDR: the prefix length '${prefixText}' has a leading zero.` };
    }
    if (prefixText.length > 3 || Number(prefixText) > max) {
      return {
        error: `'${t}' is not a valid CIDR: the prefix length ${prefixText} is more than ${max}, ` + `the maximum for IPv${version}.`,
      };
    }
    prefix = Number(prefixText);
  }
  return { version, prefix, network: maskNetwork(version, address, prefix) };
}

// ---------------------------------------------------------------------------------------------
// Formatting.

function formatIpv4(n: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((n >> shift) & 0xffn)).join('.');
}

function formatIpv6(n: bigint): string {
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((n >> shift) & 0xffffn));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestLen < 2) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** Canonical text: dotted IPv4, compressed lowercase IPv6 (RFC 5952), always with '/prefix'. */
export function formatCidr(c: Cidr): string {
  const address = c.version === 4 ? formatIpv4(c.network) : formatIpv6(c.network);
  return `${address}/${c.prefix}`;
}

/**
 * The text AWS would store for a CIDR: host bits cleared, canonical form, with '/prefix'.
 * `changed` says whether that differs from the text given (including surrounding whitespace).
 */
export function canonicalCidr(text: string): { cidr: string; changed: boolean; version: IpVersion } | { error: string } {
  const parsed = parseCidr(text);
  if ('error' in parsed) return parsed;
  const cidr = formatCidr(parsed);
  return { cidr, changed: cidr !== text, version: parsed.version };
}

// ---------------------------------------------------------------------------------------------
// Fast readers for hot loops (the findings pass reads every rule of a Region). They compare
// without bigint: an IPv4 network is an unsigned 32-bit number, an IPv6 network four of them.
// They accept only the plain shapes AWS stores ('a.b.c.d/n', hex groups with at most one '::',
// or a bare address) and answer -1 for anything else, which the caller hands to parseCidr.

/** The network read by the last successful fastIpv4 / fastIpv6 call (out-parameters, so a read allocates nothing). */
export const fastRead = { v4: 0, v6: new Uint32Array(4) };

/** The prefix length of a plain 'a.b.c.d/n' (or bare 'a.b.c.d') with its masked network in fastRead.v4; -1 otherwise. */
export function fastIpv4(text: string): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  let i = 0;
  const len = text.length;
  for (; i < len; i++) {
    const ch = text.charCodeAt(i);
    if (ch >= 48 && ch <= 57) {
      if (digits > 0 && octet === 0) return -1; // leading zero
      octet = octet * 10 + (ch - 48);
      if (++digits > 3 || octet > 255) return -1;
    } else if (ch === 46) {
      if (digits === 0 || ++dots > 3) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
    } else if (ch === 47) {
      break;
    } else {
      return -1;
    }
  }
  if (digits === 0 || dots !== 3) return -1;
  value = value * 256 + octet;
  const prefix = i < len ? prefixAfter(text, i + 1, 32) : 32;
  if (prefix < 0) return -1;
  fastRead.v4 = prefix === 0 ? 0 : (value & (0xffffffff << (32 - prefix))) >>> 0;
  return prefix;
}

/** Decimal digits from text[from] to the end: 1 to 3 of them, no leading zero, at most max; -1 otherwise. */
function prefixAfter(text: string, from: number, max: number): number {
  const len = text.length - from;
  if (len < 1 || len > 3 || (len > 1 && text.charCodeAt(from) === 48)) return -1;
  let n = 0;
  for (let k = from; k < text.length; k++) {
    const d = text.charCodeAt(k) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n <= max ? n : -1;
}

const GROUPS = new Int32Array(8);

/**
 * The prefix length of an IPv6 'groups/n' (or a bare address) with its masked network in
 * fastRead.v6 (four 32-bit words, most significant first); -1 for anything else, including an
 * embedded IPv4 tail and surrounding whitespace.
 */
export function fastIpv6(text: string): number {
  const g = GROUPS;
  const len = text.length;
  let n = 0; // groups read
  let gap = -1; // the number of groups before '::'
  let value = 0;
  let digits = 0;
  let i = 0;
  if (len >= 2 && text.charCodeAt(0) === 58) {
    if (text.charCodeAt(1) !== 58) return -1;
    gap = 0;
    i = 2;
  }
  for (; i < len; i++) {
    const ch = text.charCodeAt(i);
    let d: number;
    if (ch >= 48 && ch <= 57) d = ch - 48;
    else if (ch >= 97 && ch <= 102) d = ch - 87;
    else if (ch >= 65 && ch <= 70) d = ch - 55;
    else if (ch === 58) {
      if (digits === 0 || n === 8) return -1;
      g[n++] = value;
      value = 0;
      digits = 0;
      if (i + 1 < len && text.charCodeAt(i + 1) === 58) {
        if (gap >= 0) return -1;
        gap = n;
        i++;
      }
      continue;
    } else if (ch === 47) break;
    else return -1;
    if (++digits > 4) return -1;
    value = value * 16 + d;
  }
  if (digits > 0) {
    if (n === 8) return -1;
    g[n++] = value;
  } else if (gap !== n) {
    return -1; // empty, or a single ':' at the end
  }
  if (gap < 0 ? n !== 8 : n > 7) return -1;
  const prefix = i < len ? prefixAfter(text, i + 1, 128) : 128;
  if (prefix < 0) return -1;
  const w = fastRead.v6;
  w.fill(0);
  for (let k = 0; k < n; k++) {
    const pos = gap < 0 || k < gap ? k : k + 8 - n;
    w[pos >> 1] |= (pos & 1) === 0 ? g[k]! << 16 : g[k]!;
  }
  for (let k = 0, bits = prefix; k < 4; k++, bits -= 32) {
    if (bits <= 0) w[k] = 0;
    else if (bits < 32) w[k] = w[k]! & (0xffffffff << (32 - bits));
  }
  return prefix;
}

/** Whether two networks (four words each, at a and b in `words`) agree on their first `prefix` bits. */
export function samePrefix6(words: Uint32Array, a: number, b: number, prefix: number): boolean {
  for (let k = 0, bits = prefix; k < 4 && bits > 0; k++, bits -= 32) {
    const x = words[a + k]! ^ words[b + k]!;
    if (bits >= 32 ? x !== 0 : x >>> (32 - bits) !== 0) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Set arithmetic.

/** Whether every address of `inner` is in `outer` (false across IP versions). */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return outer.version === inner.version && outer.prefix <= inner.prefix && maskNetwork(outer.version, inner.network, outer.prefix) === outer.network;
}

/** Whether the two ranges share at least one address. CIDR ranges overlap only by nesting. */
export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}

/** The number of addresses in the range. */
export function cidrSize(c: Cidr): bigint {
  return 1n << BigInt(addressBits(c.version) - c.prefix);
}

/** 0.0.0.0/0 or ::/0. */
export function isWorld(c: Cidr): boolean {
  return c.prefix === 0;
}

function must(text: string): Cidr {
  const c = parseCidr(text);
  if ('error' in c) throw new Error(c.error);
  return c;
}

export const PRIVATE_RANGES: readonly Cidr[] = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  'fc00::/7',
  'fe80::/10',
  '::1/128',
].map(must);

/**
 * True when the whole range is private or otherwise off the internet: RFC 1918, CGNAT
 * (100.64.0.0/10), loopback and link-local for IPv4; unique-local (fc00::/7), link-local
 * (fe80::/10) and ::1 for IPv6.
 */
export function isPrivateCidr(c: Cidr): boolean {
  return PRIVATE_RANGES.some((p) => cidrContains(p, c));
}

function log2(n: bigint): number {
  let bits = 0;
  while (n > 1n) {
    n >>= 1n;
    bits++;
  }
  return bits;
}

/** The fewest CIDRs covering exactly [start, end], in address order. */
function rangeToCidrs(version: IpVersion, start: bigint, end: bigint): Cidr[] {
  const bits = addressBits(version);
  const out: Cidr[] = [];
  while (start <= end) {
    let size = start === 0n ? 1n << BigInt(bits) : start & -start;
    while (start + size - 1n > end) size >>= 1n;
    out.push({ version, network: start, prefix: bits - log2(size) });
    start += size;
  }
  return out;
}

/**
 * The union of the ranges as the fewest CIDRs: contained ranges are dropped, neighbours joined
 * (10.0.0.0/25 + 10.0.0.128/25 = 10.0.0.0/24). IPv4 first, then IPv6, each in address order.
 */
export function mergeCidrs(list: Cidr[]): Cidr[] {
  const out: Cidr[] = [];
  for (const version of [4, 6] as const) {
    const ranges = list
      .filter((c) => c.version === version)
      .map((c) => {
        // Tolerate an unmasked network from a caller that built the object by hand.
        const network = maskNetwork(version, c.network, c.prefix);
        return cidrRange({ version, network, prefix: c.prefix });
      })
      .sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
    let current: { first: bigint; last: bigint } | undefined;
    for (const r of ranges) {
      if (current && r.first <= current.last + 1n) {
        if (r.last > current.last) current.last = r.last;
      } else {
        if (current) out.push(...rangeToCidrs(version, current.first, current.last));
        current = { ...r };
      }
    }
    if (current) out.push(...rangeToCidrs(version, current.first, current.last));
  }
  return out;
}
