// How a rule reads to a network engineer: "tcp 3306", "all traffic", "icmp echo request".
import type { RulePeer, SecurityGroup, SecurityGroupRule } from './model';

const PROTOCOL_NAMES: Record<string, string> = {
  '-1': 'all traffic',
  '1': 'icmp',
  '6': 'tcp',
  '17': 'udp',
  '58': 'icmpv6',
  '47': 'gre',
  '50': 'esp',
  '51': 'ah',
  '132': 'sctp',
};

const ICMP_TYPES: Record<number, string> = {
  0: 'echo reply',
  3: 'destination unreachable',
  5: 'redirect',
  8: 'echo request',
  11: 'time exceeded',
  12: 'parameter problem',
  13: 'timestamp',
  14: 'timestamp reply',
};
const ICMPV6_TYPES: Record<number, string> = {
  1: 'destination unreachable',
  2: 'packet too big',
  3: 'time exceeded',
  4: 'parameter problem',
  128: 'echo request',
  129: 'echo reply',
  133: 'router solicitation',
  134: 'router advertisement',
  135: 'neighbor solicitation',
  136: 'neighbor advertisement',
};

/** Well-known ports, for a hint next to the number. */
export const WELL_KNOWN_PORTS: Readonly<Record<number, string>> = {
  22: 'SSH',
  80: 'HTTP',
  443: 'HTTPS',
  1433: 'SQL Server',
  1521: 'Oracle',
  3306: 'MySQL/Aurora MySQL',
  3389: 'RDP',
  5432: 'PostgreSQL/Aurora PostgreSQL',
  5439: 'Redshift',
  6379: 'Redis',
  27017: 'MongoDB',
};

/** The protocols that have a name in the model; every other protocol is kept as its number. */
const NAMED_NUMBERS: Readonly<Record<string, string>> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6' };

/**
 * The one protocol normaliser: AWS's IpProtocol (or what a user typed, once checked) as the
 * model holds it: 'tcp', 'udp', 'icmp', 'icmpv6', '-1' (all traffic) or another protocol's
 * number as text. Case and surrounding space are ignored; 'all' and a missing value are '-1';
 * 6, 17, 1 and 58 (also written with leading zeros) become their names. Anything else is
 * returned lower-cased, as it is: validation.ts's normaliseProtocol refuses it for user input.
 */
export function normaliseIpProtocol(p: string | undefined): string {
  // Already in the model's form: the analysis' loops call this once per rule.
  if (p === 'tcp' || p === '-1' || p === 'udp' || p === 'icmp' || p === 'icmpv6') return p;
  const v = (p ?? '-1').trim().toLowerCase();
  if (v === 'all') return '-1';
  if (/^\d{1,3}$/.test(v)) {
    const n = String(Number(v));
    return Object.hasOwn(NAMED_NUMBERS, n) ? NAMED_NUMBERS[n] : n;
  }
  return v;
}

export function protocolName(protocol: string): string {
  return (Object.hasOwn(PROTOCOL_NAMES, protocol) ? PROTOCOL_NAMES[protocol] : undefined) ?? (/^\d+$/.test(protocol) ? `protocol ${protocol}` : protocol);
}

/** "tcp 3306", "tcp 1024-2048", "all traffic", "icmp echo request", "udp all ports". */
export function portLabel(rule: Pick<SecurityGroupRule, 'protocol' | 'fromPort' | 'toPort'>): string {
  const { protocol, fromPort, toPort } = rule;
  if (protocol === '-1') return 'all traffic';
  if (protocol === 'tcp' || protocol === 'udp') {
    if ((fromPort === 0 && toPort === 65535) || fromPort === -1) return `${protocol} all ports`;
    return fromPort === toPort ? `${protocol} ${fromPort}` : `${protocol} ${fromPort}-${toPort}`;
  }
  if (protocol === 'icmp' || protocol === 'icmpv6') {
    if (fromPort === -1) return `${protocol} all`;
    const types = protocol === 'icmp' ? ICMP_TYPES : ICMPV6_TYPES;
    const name = types[fromPort] ?? `type ${fromPort}`;
    return toPort === -1 ? `${protocol} ${name}` : `${protocol} ${name} code ${toPort}`;
  }
  return protocolName(protocol);
}

/** A hint such as "MySQL/Aurora MySQL" for single-port TCP rules. */
export function portHint(rule: Pick<SecurityGroupRule, 'protocol' | 'fromPort' | 'toPort'>): string | undefined {
  if (rule.protocol !== 'tcp' || rule.fromPort !== rule.toPort) return undefined;
  return WELL_KNOWN_PORTS[rule.fromPort];
}

/**
 * The peer as text; a referenced group by name and id when it is known. A group of another account
 * (its UserId) is named by that account's profile when `accountName` knows it (several accounts loaded).
 */
export function peerLabel(
  peer: RulePeer,
  lookup?: (groupId: string) => SecurityGroup | undefined,
  accountName?: (accountId: string) => string | undefined,
): string {
  switch (peer.kind) {
    case 'cidr4':
    case 'cidr6':
      return peer.cidr;
    case 'prefixList':
      return `prefix list ${peer.prefixListId}`;
    case 'group': {
      const g = lookup?.(peer.groupId);
      const name = peer.userId && g === undefined ? accountName?.(peer.userId) : undefined;
      const owner = peer.userId && g === undefined ? ` (account ${name ? `${name}, ${peer.userId}` : peer.userId})` : '';
      const peering = peer.peeringConnectionId ? ` via ${peer.peeringConnectionId}` : '';
      return g ? `${g.groupName} (${peer.groupId})${peering}` : `${peer.groupId}${owner}${peering}`;
    }
  }
}

export function peerKey(peer: RulePeer): string {
  switch (peer.kind) {
    case 'cidr4':
    case 'cidr6':
      return peer.cidr;
    case 'prefixList':
      return peer.prefixListId;
    case 'group':
      return peer.groupId;
  }
}

/** "tcp 3306 from appsrv1 (sg-123)" / "all traffic to 0.0.0.0/0". */
export function ruleLabel(rule: SecurityGroupRule, lookup?: (groupId: string) => SecurityGroup | undefined): string {
  return `${portLabel(rule)} ${rule.isEgress ? 'to' : 'from'} ${peerLabel(rule.peer, lookup)}`;
}

/** Sort order for display: protocol/port first, then peer. */
export function compareRules(a: SecurityGroupRule, b: SecurityGroupRule): number {
  const pa = a.protocol === '-1' ? -1 : a.fromPort;
  const pb = b.protocol === '-1' ? -1 : b.fromPort;
  return pa - pb || a.protocol.localeCompare(b.protocol) || peerKey(a.peer).localeCompare(peerKey(b.peer)) || a.ruleId.localeCompare(b.ruleId);
}

/** "1 rule", "3 rules": a count with its noun, never "rule(s)". */
export function countOf(n: number, word: string, pluralWord = `${word}s`): string {
  return `${n} ${n === 1 ? word : pluralWord}`;
}
