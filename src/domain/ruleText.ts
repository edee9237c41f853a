// A security group's rules as canonical text, for comparing two groups in a diff editor: inbound
// then outbound, each sorted by what the rule allows (never by rule id or the order AWS listed them),
// one rule per line: protocol and ports, the source or destination (a CIDR, a group by name and id,
// a prefix list), then the description. Two groups that allow the same give the same text.
import type { RulePeer, SecurityGroup, SecurityGroupRule } from './model';
import { portLabel } from './rules';
import { parseScope } from './scope';

/** "prod, us-east-1" / "us-east-1": where a scope is, account first. */
export function scopeText(scope: string): string {
  const { profile, region } = parseScope(scope);
  return profile === undefined ? region : `${profile}, ${region}`;
}

type Lookup = (groupId: string) => SecurityGroup | undefined;

/** The rule's peer as the text prints it; a reference to the group itself reads the same in every group. */
function peerText(peer: RulePeer, ownGroupId: string, lookup?: Lookup): string {
  switch (peer.kind) {
    case 'cidr4':
    case 'cidr6':
      return peer.cidr;
    case 'prefixList':
      return `prefix list ${peer.prefixListId}`;
    case 'group': {
      if (peer.groupId === ownGroupId) return 'this group (itself)';
      const g = lookup?.(peer.groupId);
      const account = peer.userId && (!g?.ownerId || g.ownerId !== peer.userId) ? ` of account ${peer.userId}` : '';
      return g ? `group ${g.groupName} (${peer.groupId})${account}` : `group ${peer.groupId}${account}`;
    }
  }
}

/** The sort key of a peer: CIDRs (IPv4, IPv6), then prefix lists, then groups; within a kind by its text. */
const PEER_ORDER: Readonly<Record<RulePeer['kind'], number>> = { cidr4: 0, cidr6: 1, prefixList: 2, group: 3 };

/** Protocol order: all traffic first, then by name (tcp, udp, icmp, icmpv6, numbers). */
const protocolRank = (p: string) => (p === '-1' ? 0 : 1);

interface Line {
  readonly rule: SecurityGroupRule;
  readonly peer: string;
  readonly text: string;
}

function compareLines(a: Line, b: Line): number {
  const x = a.rule;
  const y = b.rule;
  return (
    protocolRank(x.protocol) - protocolRank(y.protocol) ||
    (x.protocol < y.protocol ? -1 : x.protocol > y.protocol ? 1 : 0) ||
    x.fromPort - y.fromPort ||
    x.toPort - y.toPort ||
    PEER_ORDER[x.peer.kind] - PEER_ORDER[y.peer.kind] ||
    (a.peer < b.peer ? -1 : a.peer > b.peer ? 1 : 0) ||
    (a.text < b.text ? -1 : a.text > b.text ? 1 : 0)
  );
}

/** One rule as a line: "tcp 5432  from 10.0.0.0/16  "BI tools"". */
export function ruleLine(rule: SecurityGroupRule, ownGroupId: string, lookup?: Lookup): string {
  const peer = peerText(rule.peer, ownGroupId, lookup);
  const description = rule.description ? `  ${JSON.stringify(rule.description)}` : '';
  return `${portLabel(rule)}  ${rule.isEgress ? 'to' : 'from'} ${peer}${description}`;
}

/**
 * The canonical text of a group's rules (those whose groupId is `groupId`): an "Inbound rules (n)"
 * section then an "Outbound rules (n)" one, each sorted. `lookup` names the referenced groups.
 */
export function rulesText(groupId: string, rules: readonly SecurityGroupRule[], lookup?: Lookup): string {
  const out: string[] = [];
  for (const isEgress of [false, true]) {
    const lines = rules
      .filter((r) => r.groupId === groupId && r.isEgress === isEgress)
      .map((rule) => ({ rule, peer: peerText(rule.peer, groupId, lookup), text: ruleLine(rule, groupId, lookup) }))
      .sort(compareLines);
    out.push(`${isEgress ? 'Outbound' : 'Inbound'} rules (${lines.length})`);
    out.push(...(lines.length ? lines.map((l) => `  ${l.text}`) : ['  (none)']));
    if (!isEgress) out.push('');
  }
  return `${out.join('\n')}\n`;
}
