// The Markdown of the Access tree's hovers, as plain text (no vscode: unit-tested in Node). Text
// from AWS reaches them only through md() (escaped) or code() (a code span, where escapes would
// show literally).
import type { DbCluster, DbInstance, QuotaValue, SecurityGroup, Tags } from '../domain/model';
import { quotaText } from '../domain/quotas';
import { clusterKindLabel, engineLabel, isRdsCustom } from '../domain/engines';
import { describeUsers, interfaceOwner, type GroupUsageRead } from '../domain/usage';

export type { GroupUsageRead };

/** Escape text from AWS (names, descriptions) so it never renders as Markdown or HTML. */
export function md(text: string | undefined): string {
  return (text ?? '').replace(/[\\`*_{}[\]()#+\-.!|<>&~]/g, (c) => `\\${c}`);
}

/**
 * Text from AWS as a Markdown code span. Backslash escapes are not processed inside code spans
 * (CommonMark, "Code spans"), so md() there shows its backslashes literally (`vpc\-fc77`): a
 * code span only needs to be longer than any backtick run inside it.
 */
export function code(text: string | undefined): string {
  const t = (text ?? '').replace(/[\r\n]+/g, ' ');
  const longest = Math.max(0, ...(t.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  return longest ? `${fence} ${t} ${fence}` : `${fence}${t}${fence}`;
}

/** A resource's tags as one tooltip line ('' when it has none), sorted by key. */
export function tagsLine(tags: Tags | undefined): string {
  const entries = Object.entries(tags ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return entries.length ? `- Tags: ${entries.map(([k, v]) => (v ? `${md(k)}=${md(v)}` : md(k))).join(', ')}` : '';
}

const lines = (xs: readonly string[]) => xs.filter((l) => l !== '').join('\n');

export interface GroupHover {
  readonly group: SecurityGroup;
  readonly inbound: number;
  readonly outbound: number;
  /** The databases it guards, as Markdown ("cluster orders\-mysql"). */
  readonly guards: readonly string[];
  readonly references: number;
  readonly attachedStatus?: string;
  readonly via: boolean;
  /** "Managed by …" (auroraSg.managedByTags), the hover line; '' or absent when nothing manages it. */
  readonly managed?: string;
  /**
   * The rules counted against the account's quota (src/domain/quotas.ts: per direction and IP family,
   * a group reference once in each, a prefix list as its weight), and that quota; absent: the plain counts.
   */
  readonly quota?: { readonly inbound: { v4: number; v6: number }; readonly outbound: { v4: number; v6: number }; readonly limit: QuotaValue };
}

/** A group's hover; with `usedBy` (usedByText, read when the hover opens) in place of the Guards line. */
export function groupTooltip(h: GroupHover, usedBy?: string): string {
  const g = h.group;
  return lines([
    `$(shield) **${md(g.groupName)}** ${code(g.groupId)}`,
    '',
    md(g.description),
    '',
    `- VPC: ${code(g.vpcId ?? 'none')}`,
    h.managed ?? '',
    tagsLine(g.tags),
    `- Rules: ${h.inbound} inbound, ${h.outbound} outbound`,
    h.quota
      ? `- Quota: inbound ${h.quota.inbound.v4} IPv4 / ${h.quota.inbound.v6} IPv6, outbound ${h.quota.outbound.v4} / ${h.quota.outbound.v6}, of the ${md(quotaText(h.quota.limit))} per direction and family`
      : '',
    usedBy === undefined ? `- Guards: ${h.guards.length ? h.guards.join(', ') : 'no database'}` : '',
    h.references ? `- Referenced by ${h.references} ${h.references === 1 ? 'rule' : 'rules'} of other groups` : '',
    h.attachedStatus ? `- Attachment status: ${md(h.attachedStatus)}` : '',
    usedBy === undefined ? '' : `\n${usedBy}`,
    h.via ? '\nClick to show this group under its VPC.' : '',
  ]);
}

export function clusterTooltip(c: DbCluster, groupName: (id: string) => string | undefined, managed = ''): string {
  const groups = c.securityGroups.map((g) => `${code(g.groupId)} ${md(groupName(g.groupId))}${g.status && g.status !== 'active' ? ` (${md(g.status)})` : ''}`);
  return lines([
    `$(database) **${md(c.clusterId)}** (${clusterKindLabel(c.kind)})`,
    '',
    `- Engine: ${md(engineLabel(c.engine))} ${md(c.engineVersion)}${c.engineMode && c.engineMode !== 'provisioned' ? ` (${md(c.engineMode)})` : ''}`,
    c.instanceClass ? `- Instance class: ${md(c.instanceClass)}` : '',
    `- Status: ${md(c.status)}`,
    `- Port: ${c.port ?? 'unknown'}`,
    c.endpoint ? `- Writer endpoint: ${code(c.endpoint)}` : '',
    c.readerEndpoint ? `- Reader endpoint: ${code(c.readerEndpoint)}` : '',
    `- VPC: ${code(c.vpcId ?? 'unknown')}${c.subnetGroupName ? ` (subnet group ${md(c.subnetGroupName)})` : ''}`,
    `- Instances: ${c.members.length}`,
    `- Security groups: ${groups.length ? groups.join(', ') : 'none'}`,
    managed,
    tagsLine(c.tags),
  ]);
}

export function instanceTooltip(i: DbInstance, role: string | undefined, clusterId: string | undefined, managed = ''): string {
  return lines([
    `$(server) **${md(i.instanceId)}**${role ? ` (${role})` : ''}`,
    '',
    `- Engine: ${md(engineLabel(i.engine))}`,
    isRdsCustom(i.engine) ? '- RDS Custom: its security groups cannot be changed through RDS' : '',
    `- Class: ${md(i.instanceClass)}`,
    `- Status: ${md(i.status)}`,
    i.endpointAddress ? `- Endpoint: ${code(`${i.endpointAddress}:${i.port ?? ''}`)}` : '',
    i.availabilityZone ? `- Availability Zone: ${md(i.availabilityZone)}` : '',
    clusterId
      ? `- Security groups: those of cluster ${md(clusterId)}`
      : `- Security groups: ${i.securityGroups.map((g) => code(g.groupId)).join(', ') || 'none'}`,
    managed,
    tagsLine(i.tags),
  ]);
}

const failed = <T>(x: readonly T[] | { readonly error: string }): x is { readonly error: string } => 'error' in x;

/**
 * The "Used by" part of a group's hover: its EC2 instances by name, the databases it guards, and
 * the network interfaces of other services by type (those of the EC2 instances and of RDS are the
 * ones already named). A part that could not be read says so and what it needs: never "unused".
 */
export function usedByText(u: GroupUsageRead, databases: readonly string[]): string {
  const out: string[] = ['**Used by**', ''];
  let known = 0;
  if (failed(u.ec2)) out.push(`- EC2 instances: could not read: ${md(u.ec2.error)}`);
  else if (u.ec2.length) {
    known += u.ec2.length;
    const names = u.ec2.map((i) => `${md(i.name ?? i.instanceId)}${i.name ? ` ${code(i.instanceId)}` : ''}`);
    out.push(`- ${u.ec2.length === 1 ? 'EC2 instance' : `${u.ec2.length} EC2 instances`}: ${names.join(', ')}`);
  }
  if (databases.length) {
    known += databases.length;
    out.push(`- ${databases.length === 1 ? 'Database' : `${databases.length} databases`}: ${databases.join(', ')}`);
  }
  if (failed(u.interfaces)) out.push(`- Other services: could not read: ${md(u.interfaces.error)}`);
  else {
    const counted = new Set(failed(u.ec2) ? [] : u.ec2.map((i) => i.instanceId));
    const others = u.interfaces.filter(
      (n) => !(n.instanceId && (counted.has(n.instanceId) || failed(u.ec2))) && interfaceOwner(n.interfaceType, n.description) !== 'Amazon RDS',
    );
    if (others.length) {
      known += others.length;
      out.push(`- Other services: ${md(describeUsers(others))}`);
    }
  }
  if (!known && !failed(u.ec2) && !failed(u.interfaces)) out.push('- Nothing: no EC2 instance, database or network interface carries it');
  return lines(out);
}
