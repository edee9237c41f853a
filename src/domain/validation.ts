// Validators for what a user types, checked as they type (a VS Code input box's validateInput)
// and again before any AWS call. Each returns undefined when the value is fine, or one sentence
// naming the bad value and the AWS rule it breaks. No vscode, no AWS SDK.
import { canonicalCidr } from './cidr';
import { DATABASE_PORTS, isDatabasePort } from './engines';
import { normaliseIpProtocol } from './rules';

export { DATABASE_PORTS, isDatabasePort };

export const MAX_NAME_LENGTH = 255;
export const MAX_DESCRIPTION_LENGTH = 255;

/** Punctuation AWS accepts in security group names and descriptions (besides letters, digits, space). */
const GROUP_TEXT_PUNCTUATION = '._-:/()#,@[]+=&;{}!$*';
/** The same for rule descriptions, without '&' (allowed only on CIDR rules, see below). */
const RULE_TEXT_PUNCTUATION = '._-:/()#,@[]+=;{}!$*';

export type PeerKind = 'cidr4' | 'cidr6' | 'prefixList' | 'group';

/** An AWS Region code such as us-east-1 or ap-southeast-2 (the settings schema's pattern). */
export const REGION_CODE = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** Whether the value is a Region code (see REGION_CODE). */
export function isRegionCode(s: unknown): s is string {
  return typeof s === 'string' && REGION_CODE.test(s);
}

function describeChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  if (ch === '\t') return `a tab character (${hex})`;
  if (ch === '\n' || ch === '\r') return `a line break (${hex})`;
  if (code < 0x20 || code === 0x7f) return `a control character (${hex})`;
  if (code > 0x7e) return `'${ch}' (${hex})`;
  return `'${ch}'`;
}

function isAllowedChar(ch: string, punctuation: string): boolean {
  return /^[a-zA-Z0-9 ]$/.test(ch) || (ch.length === 1 && punctuation.includes(ch));
}

/** The first character not in the allowed set, or undefined. Iterates by code point. */
function firstBadChar(text: string, punctuation: string): string | undefined {
  for (const ch of text) {
    if (!isAllowedChar(ch, punctuation)) return ch;
  }
  return undefined;
}

function quote(text: string, max = 40): string {
  const chars = Array.from(text);
  return chars.length > max ? `'${chars.slice(0, max).join('')}…'` : `'${text}'`;
}

function allowedList(punctuation: string): string {
  return `letters a-z and A-Z, digits 0-9, spaces and ${punctuation}`;
}

function checkText(what: string, text: string, punctuation: string): string | undefined {
  const length = Array.from(text).length;
  if (length > MAX_NAME_LENGTH) {
    return `${what} is ${length} characters long; AWS allows at most ${MAX_NAME_LENGTH}.`;
  }
  const bad = firstBadChar(text, punctuation);
  if (bad !== undefined) {
    return `${what} ${quote(text)} contains ${describeChar(bad)}, which AWS does not allow. ` + `Allowed: ${allowedList(punctuation)}.`;
  }
  return undefined;
}

/** A new security group's name: required, <= 255, no 'sg-' prefix, AWS's characters, unique in the VPC ignoring case. */
export function validateGroupName(name: string, existingNamesInVpc: readonly string[]): string | undefined {
  if (name.trim() === '') return 'A security group name is required.';
  if (name.toLowerCase().startsWith('sg-')) {
    return `Security group name ${quote(name)} starts with '${name.slice(0, 3)}': ` + "AWS reserves the 'sg-' prefix for security group ids.";
  }
  const textProblem = checkText('Security group name', name, GROUP_TEXT_PUNCTUATION);
  if (textProblem) return textProblem;
  const lower = name.toLowerCase();
  const clash = existingNamesInVpc.find((n) => n.toLowerCase() === lower);
  if (clash !== undefined) {
    return clash === name
      ? `A security group named ${quote(clash)} already exists in this VPC; names must be unique per VPC.`
      : `Security group name ${quote(name)} clashes with the existing group ${quote(clash)} in this VPC: ` +
          'names must be unique per VPC, ignoring upper and lower case.';
  }
  return undefined;
}

/** A new security group's description: required, <= 255, AWS's characters. */
export function validateGroupDescription(d: string): string | undefined {
  if (d.trim() === '') return 'A security group description is required.';
  return checkText('Security group description', d, GROUP_TEXT_PUNCTUATION);
}

/**
 * A rule's description: optional, <= 255, AWS's characters. '&' is accepted only when the source
 * or destination is an IPv4 or IPv6 CIDR; AWS rejects it for security-group and prefix-list peers.
 */
export function validateRuleDescription(d: string, peerKind: PeerKind): string | undefined {
  if (d === '') return undefined;
  const cidrPeer = peerKind === 'cidr4' || peerKind === 'cidr6';
  if (!cidrPeer && d.includes('&')) {
    const peer = peerKind === 'group' ? 'a security group' : 'a prefix list';
    return `Rule description ${quote(d)} contains '&', which AWS does not allow when the peer is ${peer} ` + '(only on IPv4 or IPv6 CIDR rules).';
  }
  return checkText('Rule description', d, cidrPeer ? GROUP_TEXT_PUNCTUATION : RULE_TEXT_PUNCTUATION);
}

const PROTOCOL_HELP = 'use tcp, udp, icmp, icmpv6, all (-1) or a protocol number from 0 to 255';

/**
 * The protocol as AWS's IpProtocol: 'tcp', 'udp', 'icmp', 'icmpv6', '-1' (all) or a number as text.
 * Names are case-insensitive; 'all' becomes '-1'; 6, 17, 1 and 58 become their names (the
 * canonical form is normaliseIpProtocol's; this adds the checks and messages for typed input).
 */
export function normaliseProtocol(p: string): string | { error: string } {
  const v = p.trim().toLowerCase();
  if (v === '') return { error: `A protocol is required: ${PROTOCOL_HELP}.` };
  if (/^[0-9]+$/.test(v) && Number(v) > 255) return { error: `Protocol number ${v} is out of range: ${PROTOCOL_HELP}.` };
  if (v !== '-1' && /^-[0-9]+$/.test(v)) return { error: `Protocol number ${v} is not allowed: only -1 (all) may be negative.` };
  const normal = normaliseIpProtocol(v);
  if (/^(-1|tcp|udp|icmp|icmpv6|[0-9]{1,3})$/.test(normal)) return normal;
  return { error: `${quote(p.trim())} is not a protocol: ${PROTOCOL_HELP}.` };
}

function portProblem(label: string, value: number, protocol: string): string | undefined {
  if (!Number.isInteger(value)) return `${label} ${value} is not a whole number.`;
  if (value < 0 || value > 65535) return `${label} ${value} is out of range: ${protocol} ports must be 0 to 65535.`;
  return undefined;
}

function icmpProblem(label: string, value: number, protocol: string): string | undefined {
  if (!Number.isInteger(value)) return `${label} ${value} is not a whole number.`;
  if (value < -1 || value > 255) return `${label} ${value} is out of range for ${protocol}: use 0 to 255, or -1 for all.`;
  return undefined;
}

/**
 * The FromPort/ToPort pair AWS needs for the (normalised) protocol.
 * tcp/udp: 0-65535 with from <= to; `toPort` defaults to `fromPort`.
 * icmp/icmpv6: from = type, to = code, each -1..255, type -1 needs code -1; undefined means -1.
 * '-1' and other protocol numbers: ports are ignored and the answer is -1/-1.
 */
export function validatePorts(
  protocol: string,
  fromPort: number | undefined,
  toPort: number | undefined,
): { fromPort: number; toPort: number } | { error: string } {
  const normal = normaliseProtocol(protocol);
  if (typeof normal !== 'string') return normal;
  if (normal === 'tcp' || normal === 'udp') {
    if (fromPort === undefined) return { error: `A port or port range is required for ${normal} rules (0 to 65535).` };
    const to = toPort ?? fromPort;
    const problem = portProblem('From port', fromPort, normal) ?? portProblem('To port', to, normal);
    if (problem) return { error: problem };
    if (fromPort > to) return { error: `From port ${fromPort} is greater than to port ${to}.` };
    return { fromPort, toPort: to };
  }
  if (normal === 'icmp' || normal === 'icmpv6') {
    const type = fromPort ?? -1;
    const code = toPort ?? -1;
    const problem = icmpProblem('ICMP type', type, normal) ?? icmpProblem('ICMP code', code, normal);
    if (problem) return { error: problem };
    if (type === -1 && code !== -1) {
      return { error: `ICMP code ${code} needs a specific ICMP type: with type -1 (all types) the code must be -1 too.` };
    }
    return { fromPort: type, toPort: code };
  }
  return { fromPort: -1, toPort: -1 };
}

const RANGE_HELP = 'enter a port like 3306 or a range like 1024-2048';

function portNumber(text: string, whole: string): number | string {
  if (!/^[0-9]+$/.test(text)) return `${quote(whole)} is not a port: '${text}' is not a whole number (${RANGE_HELP}).`;
  const n = Number(text);
  if (n > 65535) return `Port ${text} is out of range: ports are 0 to 65535.`;
  return n;
}

/** '3306', '1024-2048', ' 80 ' -> the range. Rejects a missing end, non-numbers, ports over 65535 and from > to. */
export function parsePortRange(text: string): { fromPort: number; toPort: number } | { error: string } {
  const t = text.trim();
  if (t === '') return { error: `A port is required: ${RANGE_HELP}.` };
  if (/^-[0-9]+$/.test(t)) return { error: `Port ${t} is negative: ports are 0 to 65535.` };
  if (/^[-\u2013]\s*[0-9]/.test(t)) return { error: `${quote(t)} is missing the start port before '-': ${RANGE_HELP}.` };
  const parts = t.split(/\s*[-\u2013]\s*/);
  if (parts.length > 2) return { error: `${quote(t)} has more than one '-': ${RANGE_HELP}.` };
  if (parts.length === 2) {
    const [a, b] = parts as [string, string];
    if (a === '' && b === '') return { error: `${quote(t)} is not a port range: ${RANGE_HELP}.` };
    if (a === '') return { error: `${quote(t)} is missing the start port before '-': ${RANGE_HELP}.` };
    if (b === '') return { error: `${quote(t)} is missing the end port after '-': ${RANGE_HELP}.` };
    const from = portNumber(a, t);
    if (typeof from === 'string') return { error: from };
    const to = portNumber(b, t);
    if (typeof to === 'string') return { error: to };
    if (from > to) return { error: `In ${quote(t)} the start port ${from} is greater than the end port ${to}.` };
    return { fromPort: from, toPort: to };
  }
  const port = portNumber(t, t);
  if (typeof port === 'string') return { error: port };
  return { fromPort: port, toPort: port };
}

function validateResourceId(id: string, prefix: string, what: string, example: string): string | undefined {
  const t = id.trim();
  if (t === '') return `A ${what} id is required, like ${example}.`;
  if (!t.toLowerCase().startsWith(prefix)) {
    return `${quote(t)} is not a ${what} id: it must start with '${prefix}', like ${example}.`;
  }
  const rest = t.slice(prefix.length);
  const badHex = Array.from(rest).find((ch) => !/^[0-9a-fA-F]$/.test(ch));
  if (badHex !== undefined) {
    return `${quote(t)} is not a ${what} id: ${describeChar(badHex)} is not a hexadecimal digit (0-9, a-f).`;
  }
  if (rest.length !== 8 && rest.length !== 17) {
    return `${quote(t)} is not a ${what} id: it has ${rest.length} hex digits after '${prefix}', but needs 8 or 17.`;
  }
  if (t !== t.toLowerCase()) return `${quote(t)} is not a ${what} id: AWS ids are lowercase (${t.toLowerCase()}).`;
  return undefined;
}

/** 'pl-' followed by 8 or 17 lowercase hex digits. Surrounding whitespace is ignored (trim before use). */
export function validatePrefixListId(id: string): string | undefined {
  return validateResourceId(id, 'pl-', 'prefix list', 'pl-0123456789abcdef0');
}

/** 'sg-' followed by 8 or 17 lowercase hex digits. Surrounding whitespace is ignored (trim before use). */
export function validateGroupId(id: string): string | undefined {
  return validateResourceId(id, 'sg-', 'security group', 'sg-0123456789abcdef0');
}

/** 'vpc-' followed by 8 or 17 lowercase hex digits. Surrounding whitespace is ignored (trim before use). */
export function validateVpcId(id: string): string | undefined {
  return validateResourceId(id, 'vpc-', 'VPC', 'vpc-0123456789abcdef0');
}

/**
 * An IPv4 or IPv6 CIDR (or bare address). Host bits are fine: AWS clears them, and callers should
 * send canonicalCidr(text).cidr. Surrounding whitespace is ignored.
 */
export function validateCidrInput(text: string): string | undefined {
  const c = canonicalCidr(text);
  return 'error' in c ? c.error : undefined;
}
