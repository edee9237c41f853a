// The questions of Add Inbound / Outbound Rule, as steps for src/ui/steps.ts: the group (unless
// given), a protocol and port preset, a custom range (only after "Custom…"), the kind of source,
// the source itself, and a description (unless given).
import { canonicalCidr } from '../domain/cidr';
import { buildRule, type RuleInput, type SourceInput } from '../domain/changes';
import type { RegionIndex } from '../domain/model';
import { reachableGroupVpcs } from '../domain/peering';
import { parsePortRange, validateCidrInput, validatePrefixListId, validateRuleDescription } from '../domain/validation';
import type { OpsContext } from '../ops/context';
import { duplicateError } from '../ops/rules';
import type { PickItem } from '../ui/prompter';
import type { Step } from '../ui/steps';

export interface Preset {
  readonly protocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly custom?: boolean;
}

export function presets(clusterPort: number | undefined): PickItem<Preset>[] {
  const items: PickItem<Preset>[] = [];
  if (clusterPort && clusterPort !== 3306 && clusterPort !== 5432)
    items.push({
      label: `$(database) The cluster's port ${clusterPort}`,
      description: 'tcp',
      value: { protocol: 'tcp', fromPort: clusterPort, toPort: clusterPort },
    });
  items.push(
    { label: '$(database) Aurora MySQL / MySQL', description: 'tcp 3306', value: { protocol: 'tcp', fromPort: 3306, toPort: 3306 } },
    { label: '$(database) Aurora PostgreSQL / PostgreSQL', description: 'tcp 5432', value: { protocol: 'tcp', fromPort: 5432, toPort: 5432 } },
    { label: '$(lock) HTTPS', description: 'tcp 443', value: { protocol: 'tcp', fromPort: 443, toPort: 443 } },
    { label: '$(terminal) SSH', description: 'tcp 22', value: { protocol: 'tcp', fromPort: 22, toPort: 22 } },
    { label: '$(symbol-number) Custom TCP port or range…', description: 'tcp', value: { protocol: 'tcp', custom: true } },
    { label: '$(symbol-number) Custom UDP port or range…', description: 'udp', value: { protocol: 'udp', custom: true } },
    { label: '$(pulse) ICMP (all types)', description: 'icmp', value: { protocol: 'icmp', fromPort: -1, toPort: -1 } },
    { label: '$(warning) All traffic', description: 'all protocols, all ports', value: { protocol: '-1' } },
  );
  return items;
}

export function groupItems(idx: RegionIndex, exclude?: string): PickItem<string>[] {
  const vpcName = new Map(idx.snapshot.vpcs.map((v) => [v.vpcId, v.name ?? v.vpcId]));
  return [...idx.snapshot.groups]
    .filter((g) => g.groupId !== exclude)
    .sort((a, b) => a.groupName.localeCompare(b.groupName))
    .map((g) => ({ label: g.groupName, description: `${g.groupId} · ${vpcName.get(g.vpcId ?? '') ?? 'no VPC'}`, detail: g.description, value: g.groupId }));
}

/**
 * The groups a rule of `groupId` may reference: those of its VPC and, when the peering connections
 * were read, of VPCs actively peered with it in the same Region (domain/peering.ts). AWS refuses any
 * other ("different networks"), so no other group is offered. `note` says when peered VPCs could
 * not be checked.
 */
export function sourceGroupItems(idx: RegionIndex, groupId: string): { items: PickItem<string>[]; note?: string } {
  const own = idx.groupsById.get(groupId);
  if (!own?.vpcId) return { items: groupItems(idx, groupId) };
  const reach = reachableGroupVpcs(own.vpcId, idx.snapshot.peerings, idx.snapshot.region);
  const vpcOf = (i: PickItem<string>) => idx.groupsById.get(i.value)?.vpcId ?? '';
  const items = groupItems(idx, groupId)
    .filter((i) => reach.vpcIds.has(vpcOf(i)))
    .map((i) => {
      const via = reach.peers.get(vpcOf(i));
      return via ? { ...i, description: `${i.description} · peered (${via.peeringId})` } : i;
    });
  return reach.peeringsKnown ? { items } : { items, note: 'groups of peered VPCs could not be checked (no ec2:DescribeVpcPeeringConnections): only this VPC' };
}

export interface AddRuleState {
  groupId?: string;
  preset?: Preset;
  ports?: { fromPort: number; toPort: number };
  kind?: 'cidr' | 'group' | 'prefixList';
  source?: SourceInput;
  description?: string;
}

/** The rule the answers describe (checked by buildRule). */
export function ruleInput(s: AddRuleState, isEgress: boolean): RuleInput {
  const p = s.preset!;
  return {
    groupId: s.groupId!,
    isEgress,
    protocol: p.protocol,
    fromPort: s.ports?.fromPort ?? p.fromPort,
    toPort: s.ports?.toPort ?? p.toPort,
    source: s.source!,
    description: s.description,
  };
}

const portRangeError = (v: string) => {
  const p = parsePortRange(v);
  return 'error' in p ? p.error : undefined;
};

/** The CIDR step: a range whose host bits AWS would clear is shown cleared, and "no" asks for the range again. */
async function askCidr(ctx: OpsContext, at: { title: string; step?: number; totalSteps?: number }): Promise<string> {
  let typed: string | undefined;
  for (;;) {
    const text = await ctx.ui.input({
      ...at,
      prompt: 'CIDR range; host bits are cleared as AWS does (shown here before anything is sent)',
      placeholder: '203.0.113.0/24',
      value: typed,
      validate: (v) => validateCidrInput(v),
    });
    const c = canonicalCidr(text);
    if ('error' in c || !c.changed || text.trim() === c.cidr || !text.includes('/')) return text;
    if (
      await ctx.ui.confirm(
        `AWS will store ${text.trim()} as ${c.cidr}.`,
        'The host bits of a CIDR range are cleared. Continue with this range?',
        `Use ${c.cidr}`,
      )
    )
      return text;
    typed = text;
  }
}

export function addRuleSteps(ctx: OpsContext, region: string, idx: RegionIndex, isEgress: boolean, clusterPort: number | undefined): Step<AddRuleState>[] {
  return [
    {
      prompts: (s) => s.groupId === undefined,
      run: async (s, at) => {
        s.groupId = await ctx.ui.pick({ ...at, placeholder: 'Security group to add the rule to', items: groupItems(idx) });
      },
    },
    {
      run: async (s, at) => {
        s.preset = await ctx.ui.pick({ ...at, placeholder: 'Protocol and port', items: presets(clusterPort) });
      },
    },
    {
      prompts: (s) => !!s.preset?.custom,
      run: async (s, at) => {
        const text = await ctx.ui.input({
          ...at,
          prompt: `${s.preset!.protocol.toUpperCase()} port or range (e.g. 8080 or 8000-8100)`,
          validate: portRangeError,
        });
        s.ports = parsePortRange(text) as { fromPort: number; toPort: number };
      },
    },
    {
      run: async (s, at) => {
        s.kind = await ctx.ui.pick<'cidr' | 'group' | 'prefixList'>({
          ...at,
          placeholder: isEgress ? 'Destination' : 'Source',
          items: [
            { label: '$(shield) Another security group', description: 'everything that carries that group (e.g. the app servers)', value: 'group' },
            { label: '$(symbol-number) IPv4 or IPv6 CIDR range', description: 'e.g. 203.0.113.0/24 or 2001:db8::/32', value: 'cidr' },
            { label: '$(list-unordered) Prefix list', description: 'pl-…', value: 'prefixList' },
          ],
        });
      },
    },
    {
      run: async (s, at) => {
        if (s.kind === 'group') {
          const { items, note } = sourceGroupItems(idx, s.groupId!);
          const vpc = idx.groupsById.get(s.groupId!)?.vpcId;
          const placeholder = `Security group of ${vpc ?? 'the same VPC'} or an actively peered VPC of ${region}${note ? `; ${note}` : ''}`;
          s.source = { groupId: await ctx.ui.pick({ ...at, placeholder, items }) };
        } else if (s.kind === 'cidr') {
          s.source = { cidr: await askCidr(ctx, at) };
        } else {
          // The previous box stays up, busy, while the lists are read.
          let lists: PickItem<string>[] = [];
          try {
            lists = (await ctx.gateway().listPrefixLists(region)).map((p) => ({
              label: p.name ?? p.prefixListId,
              description: `${p.prefixListId}${p.maxEntries ? ` · counts as ${p.maxEntries} rules` : ''}`,
              value: p.prefixListId,
            }));
          } catch (e) {
            ctx.log.warn(`Could not list prefix lists: ${(e as Error).message}`);
          }
          s.source = {
            prefixListId: lists.length
              ? await ctx.ui.pick({ ...at, placeholder: 'Prefix list', items: lists })
              : await ctx.ui.input({ ...at, prompt: 'Prefix list id', placeholder: 'pl-0123456789abcdef0', validate: validatePrefixListId }),
          };
        }
        // An existing rule already allowing this is said now, before the description is asked.
        const draft = buildRule(ruleInput({ ...s, description: undefined }, isEgress));
        const dup = draft.ok ? duplicateError(idx, draft.value) : undefined;
        if (dup) throw dup;
      },
    },
    {
      prompts: (s) => s.description === undefined,
      run: async (s, at) => {
        const kind = s.kind === 'cidr' ? 'cidr4' : s.kind === 'group' ? 'group' : 'prefixList';
        s.description = await ctx.ui.input({
          ...at,
          prompt: 'Description (optional)',
          placeholder: 'e.g. From app servers',
          validate: (v) => validateRuleDescription(v, kind),
        });
      },
    },
  ];
}
