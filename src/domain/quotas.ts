// The account's security group quotas, and the one way rules are counted against them.
//
// Amazon VPC user guide, "Amazon VPC quotas", Security groups: "Inbound or outbound rules per
// security group" (default 60, adjustable) is "enforced separately for IPv4 and IPv6 rules"; the
// Service Quotas description of L-0EA8095F adds "A rule that references a security group or prefix
// list ID counts as one rule each for IPv4 and IPv6". "Security groups per network interface"
// (L-2AFB9258, default 5, maximum 16). Both are adjustable, so the account's values are read
// (src/aws/quotaReads.ts) and the defaults are used only, with a note, when the read is refused.
// "Prefix lists", quota "Maximum number of entries per prefix list": a referenced customer-managed
// prefix list counts as its maximum entries; "AWS-managed prefix list weight": an AWS-managed list
// counts as its weight.
import type { AccountLimits, PrefixListInfo, QuotaValue, RegionSnapshot, RulePeer, SecurityGroupRule } from './model';

export type { AccountLimits, QuotaValue } from './model';

export const DEFAULT_RULES_PER_DIRECTION = 60;
export const DEFAULT_GROUPS_PER_INTERFACE = 5;

export const RULES_QUOTA_ACTION = 'servicequotas:GetServiceQuota';
export const GROUPS_QUOTA_ACTION = 'ec2:DescribeAccountAttributes';

/** A quota at AWS's default because the account's value could not be read. */
export function defaultQuota(value: number, action: string): QuotaValue {
  return { value, source: 'default', note: `could not read your account's value: needs ${action}` };
}

/** Before the account's values are read (or when nothing says otherwise): the defaults, said so. */
export const DEFAULT_LIMITS: AccountLimits = {
  rulesPerDirection: defaultQuota(DEFAULT_RULES_PER_DIRECTION, RULES_QUOTA_ACTION),
  groupsPerInterface: defaultQuota(DEFAULT_GROUPS_PER_INTERFACE, GROUPS_QUOTA_ACTION),
};

/** How a quota is named in a message: "account quota of 100", or "default quota 60 (could not read ...)". */
export function quotaText(q: QuotaValue): string {
  return q.source === 'account' ? `account quota of ${q.value}` : `default quota ${q.value}${q.note ? ` (${q.note})` : ''}`;
}

/**
 * "AWS-managed prefix list weight" (VPC user guide, AWS-managed prefix lists): the weight of each
 * AWS-managed list, by name with the Region part removed. A list not in the table counts as its
 * max entries when known.
 */
const AWS_MANAGED_WEIGHTS: readonly (readonly [RegExp, number])[] = [
  [/^com\.amazonaws\.global\.(ipv6\.)?cloudfront\.origin-facing$/, 55],
  [/^com\.amazonaws\.[a-z0-9-]+\.dynamodb$/, 1],
  [/^com\.amazonaws\.[a-z0-9-]+\.(ipv6\.)?ec2-instance-connect$/, 2],
  [/^com\.amazonaws\.global\.groundstation$/, 5],
  [/^com\.amazonaws\.[a-z0-9-]+\.(ipv6\.)?route53-healthchecks$/, 25],
  [/^com\.amazonaws\.[a-z0-9-]+\.s3$/, 1],
  [/^com\.amazonaws\.[a-z0-9-]+\.s3express$/, 6],
  [/^com\.amazonaws\.[a-z0-9-]+\.(ipv6\.)?vpc-lattice$/, 10],
];

export type PrefixListFacts = PrefixListInfo;

/** How many rules a reference to this prefix list takes: its weight (AWS-managed) or its max entries. */
export function prefixListWeight(pl: PrefixListFacts): number {
  if (pl.ownerId === 'AWS' && pl.name) for (const [re, w] of AWS_MANAGED_WEIGHTS) if (re.test(pl.name)) return w;
  return pl.maxEntries ?? 1;
}

/** Prefix list id -> rules it takes; a list not in it counts as 1 (its size is unknown). */
export type PrefixListWeights = ReadonlyMap<string, number>;

const weightsMemo = new WeakMap<RegionSnapshot, PrefixListWeights>();

/** The weights of the prefix lists a snapshot's rules reference (empty when they were not read). */
export function prefixListWeights(snapshot: RegionSnapshot): PrefixListWeights {
  let w = weightsMemo.get(snapshot);
  if (!w) weightsMemo.set(snapshot, (w = new Map((snapshot.prefixLists ?? []).map((pl) => [pl.prefixListId, prefixListWeight(pl)]))));
  return w;
}

/** What one rule (or a rule to be added) takes from each family's quota. */
export function peerWeight(peer: RulePeer, weights?: PrefixListWeights): { v4: number; v6: number } {
  switch (peer.kind) {
    case 'cidr4':
      return { v4: 1, v6: 0 };
    case 'cidr6':
      return { v4: 0, v6: 1 };
    case 'group':
      // "counts as one rule each for IPv4 and IPv6": once in each family's count.
      return { v4: 1, v6: 1 };
    case 'prefixList': {
      const w = weights?.get(peer.prefixListId) ?? 1;
      return { v4: w, v6: w };
    }
  }
}

/** The rules of one group and direction counted against the quota, per IP family. */
export function countRules(rules: readonly SecurityGroupRule[], groupId: string, isEgress: boolean, weights?: PrefixListWeights): { v4: number; v6: number } {
  let v4 = 0;
  let v6 = 0;
  for (const r of rules) {
    if (r.groupId !== groupId || r.isEgress !== isEgress) continue;
    const w = peerWeight(r.peer, weights);
    v4 += w.v4;
    v6 += w.v6;
  }
  return { v4, v6 };
}

/**
 * Why adding a rule to this peer would pass the rules quota, or undefined. Refused before the
 * call: AWS would answer RulesPerSecurityGroupLimitExceeded.
 */
export function ruleQuotaError(
  existing: readonly SecurityGroupRule[],
  d: { readonly groupId: string; readonly isEgress: boolean; readonly peer: RulePeer },
  limits: AccountLimits = DEFAULT_LIMITS,
  weights?: PrefixListWeights,
): string | undefined {
  const q = limits.rulesPerDirection;
  const have = countRules(existing, d.groupId, d.isEgress, weights);
  const add = peerWeight(d.peer, weights);
  const dir = d.isEgress ? 'outbound' : 'inbound';
  for (const [family, n, more] of [
    ['IPv4', have.v4, add.v4],
    ['IPv6', have.v6, add.v6],
  ] as const) {
    if (more > 0 && n + more > q.value)
      return `The group already has ${n} ${dir} ${family} rules${more > 1 ? ` and this rule counts as ${more}` : ''}, the ${quotaText(q)}. Remove or merge rules, use another group, or request a higher quota.`;
  }
  return undefined;
}
