// A seeded generator of synthetic Regions for benchmarks and tests (only they use it): the same
// options give the same snapshot. Also the harness' one PRNG, mulberry32 (bigSeed.ts uses it too).
import { MAX_RULES_PER_DIRECTION } from '../../src/domain/changes';
import type { DbCluster, DbInstance, RegionSnapshot, RulePeer, SecurityGroup, SecurityGroupRule, Vpc } from '../../src/domain/model';
import type { DbSubnetGroup, NetworkAcl, NetworkAclEntry, NetworkSnapshot, RouteTable, Subnet } from '../../src/domain/network';
import { peerKey } from '../../src/domain/rules';

export interface SyntheticOptions {
  readonly vpcs: number;
  readonly groups: number;
  readonly rules: number;
  readonly clusters: number;
  readonly instancesPerCluster: number;
  readonly region?: string;
  readonly seed?: number;
}

/** mulberry32: a small, fast, seeded PRNG with good enough spread for test data (the harness' one PRNG). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Role = 'default' | 'db' | 'app' | 'web' | 'bastion' | 'misc';

interface SynthGroup {
  readonly group: SecurityGroup;
  readonly role: Role;
  readonly vpcIndex: number;
  readonly dbPort: number;
  readonly weight: number;
  inbound: number;
  outbound: number;
  /** Has the usual allow-all outbound rule (else it gets specific outbound rules). */
  openEgress: boolean;
  /** A web group open to the whole internet on 80/443 (else open to listed addresses). */
  readonly worldWeb: boolean;
}

/**
 * A deterministic Region for benchmarks and tests: the same options give the same snapshot.
 * Each VPC has a default group; the other groups are database, application, web, bastion and
 * miscellaneous groups. Database groups admit their engine port from application groups,
 * private and some public CIDRs, prefix lists and IPv6 ranges, with a few world-open and wide
 * rules, port ranges, udp rules and stale references mixed in; groups vary in size (a few
 * near the quota). Exactly `groups` groups and `rules` rules (as long as `groups` is at least
 * `vpcs`); each cluster gets 1-3 groups and `instancesPerCluster` member instances.
 */
export function syntheticRegion(opts: SyntheticOptions): RegionSnapshot {
  const region = opts.region ?? 'us-east-1';
  const rnd = mulberry32(opts.seed ?? 1);
  const int = (n: number): number => Math.floor(rnd() * n);
  const chance = (p: number): boolean => rnd() < p;
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;
  const hex = (n: number, width = 17): string => n.toString(16).padStart(width, '0');
  const owner = '123456789012';

  const vpcCount = Math.max(1, Math.floor(opts.vpcs));
  const vpcs: Vpc[] = [];
  for (let i = 0; i < vpcCount; i++) {
    const isDefault = i === 0;
    vpcs.push({
      region,
      vpcId: `vpc-${hex(0xa000 + i)}`,
      ownerId: owner,
      name: isDefault ? undefined : `vpc-${i}`,
      cidrBlocks: [isDefault ? '172.31.0.0/16' : `10.${i & 255}.0.0/16`],
      ipv6CidrBlocks: i % 3 === 1 ? [`2600:1f18:${(i + 1).toString(16)}:ff00::/56`] : [],
      isDefault,
      state: 'available',
      tags: isDefault ? {} : { Name: `vpc-${i}` },
    });
  }
  const vpcPrivate = (vi: number, prefix: 16 | 24 | 28): string => {
    const base = vi === 0 ? '172.31' : `10.${vi & 255}`;
    if (prefix === 16) return `${base}.0.0/16`;
    if (prefix === 24) return `${base}.${int(256)}.0/24`;
    return `${base}.${int(256)}.${int(16) * 16}/28`;
  };

  // Groups.
  const synth: SynthGroup[] = [];
  const byRole = new Map<string, SynthGroup[]>();
  const addGroup = (role: Role, vpcIndex: number): SynthGroup => {
    const n = synth.length;
    const groupId = `sg-${hex(0xb0000 + n)}`;
    const name = role === 'default' ? 'default' : `${role}-${n}`;
    const dbPort = role === 'db' ? (chance(0.6) ? 3306 : 5432) : 0;
    // A few big groups (near the quota), most small.
    const weight = role === 'default' ? 0.2 : chance(0.03) ? 6 : 0.3 + rnd() * 1.7;
    const s: SynthGroup = {
      group: {
        region,
        groupId,
        groupName: name,
        description: role === 'default' ? 'default VPC security group' : `${role} tier`,
        vpcId: vpcs[vpcIndex]!.vpcId,
        ownerId: owner,
        tags: role === 'default' ? {} : { Name: name, Tier: role },
      },
      role,
      vpcIndex,
      dbPort,
      weight,
      inbound: 0,
      outbound: 0,
      openEgress: false,
      worldWeb: role === 'web' && chance(0.5),
    };
    synth.push(s);
    for (const key of [role, `${role}:${vpcIndex}`]) {
      let l = byRole.get(key);
      if (!l) byRole.set(key, (l = []));
      l.push(s);
    }
    return s;
  };
  const groupTotal = Math.max(0, Math.floor(opts.groups));
  for (let i = 0; i < vpcCount && synth.length < groupTotal; i++) addGroup('default', i);
  const roleTable: Array<[Role, number]> = [
    ['db', 0.16],
    ['app', 0.3],
    ['web', 0.1],
    ['bastion', 0.05],
    ['misc', 0.39],
  ];
  while (synth.length < groupTotal) {
    let x = rnd();
    let role: Role = 'misc';
    for (const [r, p] of roleTable) {
      if (x < p) {
        role = r;
        break;
      }
      x -= p;
    }
    addGroup(role, int(vpcCount));
  }
  const inVpc = (role: Role, vi: number): SynthGroup | undefined => {
    const local = byRole.get(`${role}:${vi}`);
    if (local?.length) return pick(local);
    const any = byRole.get(role);
    return any?.length ? pick(any) : undefined;
  };

  // Rules.
  const ruleTotal = Math.max(0, Math.floor(opts.rules));
  const rules: SecurityGroupRule[] = [];
  const seen = new Set<string>();
  let staleN = 0;
  type Spec = { egress?: boolean; protocol: string; from: number; to: number; peer: RulePeer; description?: string };
  const add = (s: SynthGroup, spec: Spec): boolean => {
    if (rules.length >= ruleTotal) return false;
    const egress = !!spec.egress;
    const key = `${s.group.groupId}|${egress}|${spec.protocol}|${spec.from}|${spec.to}|${peerKey(spec.peer)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    if (egress) s.outbound++;
    else s.inbound++;
    rules.push({
      region,
      ruleId: `sgr-${hex(0xc00000 + rules.length)}`,
      groupId: s.group.groupId,
      isEgress: egress,
      protocol: spec.protocol,
      fromPort: spec.from,
      toPort: spec.to,
      peer: spec.peer,
      ...(spec.description ? { description: spec.description } : {}),
    });
    return true;
  };
  const groupPeer = (g: SynthGroup | undefined, fallback: SynthGroup): RulePeer => ({ kind: 'group', groupId: (g ?? fallback).group.groupId, userId: owner });
  const cidr4 = (cidr: string): RulePeer => ({ kind: 'cidr4', cidr });
  const cidr6 = (cidr: string): RulePeer => ({ kind: 'cidr6', cidr });
  const publicHost = (): string => `${pick([3, 13, 18, 34, 35, 44, 52, 54, 63, 99, 198, 203])}.${int(256)}.${int(256)}.${1 + int(254)}/32`;
  const publicWide = (): string => {
    const a = pick([3, 13, 18, 34, 35, 52, 54, 99]);
    switch (int(4)) {
      case 0:
        return `${a}.0.0.0/8`;
      case 1:
        return `${a}.${int(256)}.0.0/16`;
      case 2:
        return `${a}.${int(256)}.${int(16) * 16}.0/20`;
      default:
        return `${a}.${int(256)}.${int(128) * 2}.0/23`;
    }
  };
  const public6 = (): string => `2600:1f18:${(1 + int(0xfffe)).toString(16)}:${(1 + int(0xfffe)).toString(16)}::/64`;
  const private6 = (): string => `fd00:${(1 + int(0xfffe)).toString(16)}::/48`;
  const prefixList = (): RulePeer => ({ kind: 'prefixList', prefixListId: `pl-${hex(0xd00 + int(12), 8)}` });
  // A group across a peering connection that was deleted: what AWS leaves stale (a same-VPC reference cannot dangle).
  const stalePeer = (): RulePeer => ({
    kind: 'group',
    groupId: `sg-${hex(0xdead0000 + staleN++)}`,
    userId: owner,
    vpcId: 'vpc-0dead0000dead0000',
    peeringConnectionId: 'pcx-0dead0000dead0000',
    peeringStatus: 'deleted',
  });

  const single = (port: number, peer: RulePeer, egress = false): Spec => ({ egress, protocol: 'tcp', from: port, to: port, peer });

  // Base rules every group has: the default group's self rule, and allow-all outbound for most.
  for (const s of synth) {
    if (s.role === 'default') {
      add(s, { protocol: '-1', from: -1, to: -1, peer: groupPeer(s, s) });
      add(s, { egress: true, protocol: '-1', from: -1, to: -1, peer: cidr4('0.0.0.0/0') });
      s.openEgress = true;
    } else if (chance(0.85)) {
      s.openEgress = true;
      add(s, { egress: true, protocol: '-1', from: -1, to: -1, peer: cidr4('0.0.0.0/0') });
      if (vpcs[s.vpcIndex]!.ipv6CidrBlocks.length) add(s, { egress: true, protocol: '-1', from: -1, to: -1, peer: cidr6('::/0') });
    }
    if (s.role === 'db') add(s, { ...single(s.dbPort, groupPeer(inVpc('app', s.vpcIndex), s)), description: 'app servers' });
    if (s.worldWeb) {
      for (const p of [80, 443]) add(s, single(p, cidr4('0.0.0.0/0')));
      if (vpcs[s.vpcIndex]!.ipv6CidrBlocks.length) add(s, single(443, cidr6('::/0')));
    }
  }

  // Mostly clean data with a realistic sprinkling of problems: a few percent of rules are wide,
  // world-open, stale or redundant, as in a long-lived account.
  const randomSpec = (s: SynthGroup): Spec => {
    const vi = s.vpcIndex;
    if (!s.openEgress && chance(0.3)) {
      // Groups without allow-all outbound list what they may reach.
      const y = rnd();
      if (y < 0.35) return { egress: true, protocol: 'tcp', from: 443, to: 443, peer: chance(0.6) ? cidr4('0.0.0.0/0') : prefixList() };
      if (y < 0.8) {
        const db = inVpc('db', vi);
        return single(db?.dbPort ?? 3306, groupPeer(db, s), true);
      }
      if (y < 0.95) return single(pick([53, 123, 6379, 9200]), cidr4(vpcPrivate(vi, 24)), true);
      return { egress: true, protocol: 'tcp', from: 1024, to: 65535, peer: cidr4(vpcPrivate(vi, 16)) };
    }
    const port = s.dbPort;
    const y = rnd();
    switch (s.role) {
      case 'db': {
        if (y < 0.3) return single(port, groupPeer(inVpc(pick(['app', 'app', 'bastion', 'misc'] as const), vi), s));
        if (y < 0.62) return { ...single(port, cidr4(chance(0.8) ? vpcPrivate(vi, 24) : vpcPrivate(vi, 28))), description: 'private subnet' };
        if (y < 0.76) return { ...single(port, cidr4(publicHost())), description: 'office' };
        if (y < 0.8) return single(port, prefixList());
        if (y < 0.85) return single(port, cidr6(chance(0.5) ? public6() : private6()));
        if (y < 0.855) return single(port, chance(0.7) ? cidr4('0.0.0.0/0') : cidr6('::/0'));
        if (y < 0.865) return single(port, cidr4(publicWide()));
        if (y < 0.93) return single(22, groupPeer(inVpc('bastion', vi), s));
        if (y < 0.94) return single(port, stalePeer());
        if (y < 0.95) return { protocol: 'udp', from: port, to: port, peer: cidr4(vpcPrivate(vi, 24)) };
        if (y < 0.965) return { protocol: 'tcp', from: port - 6, to: port + 4, peer: cidr4(vpcPrivate(vi, 24)) };
        if (y < 0.97) return { protocol: '-1', from: -1, to: -1, peer: cidr4(vpcPrivate(vi, 24)) };
        if (y < 0.975) return single(pick([22, 443]), cidr4('0.0.0.0/0'));
        return { protocol: 'icmp', from: -1, to: -1, peer: cidr4(vpcPrivate(vi, 16)) };
      }
      case 'app': {
        if (y < 0.3) return single(443, groupPeer(inVpc('web', vi), s));
        if (y < 0.5) return { protocol: 'tcp', from: 8080, to: 8090, peer: cidr4(vpcPrivate(vi, 24)) };
        if (y < 0.65) return single(22, groupPeer(inVpc('bastion', vi), s));
        if (y < 0.82) return single(pick([80, 443, 8443, 9000]), groupPeer(inVpc('app', vi), s));
        if (y < 0.95) return single(443, cidr4(publicHost()));
        if (y < 0.96) return { protocol: '-1', from: -1, to: -1, peer: groupPeer(inVpc('app', vi), s) };
        return { protocol: 'udp', from: 53, to: 53, peer: cidr4(vpcPrivate(vi, 16)) };
      }
      case 'web': {
        // A public site (open to the world, see the base rules) or a partner endpoint (listed addresses).
        if (s.worldWeb) {
          if (y < 0.4) return single(pick([8080, 8443]), groupPeer(inVpc('web', vi), s));
          if (y < 0.9) return single(22, groupPeer(inVpc('bastion', vi), s));
          return { protocol: 'icmp', from: 8, to: -1, peer: cidr4('0.0.0.0/0') };
        }
        if (y < 0.6) return single(443, cidr4(publicHost()));
        if (y < 0.63) return single(443, cidr4(publicWide()));
        if (y < 0.8) return single(443, prefixList());
        return single(443, cidr6(public6()));
      }
      case 'bastion': {
        if (y < 0.85) return { ...single(22, cidr4(publicHost())), description: 'admin home' };
        if (y < 0.9) return single(22, cidr4(publicWide()));
        return single(22, cidr6(public6()));
      }
      default: {
        if (y < 0.365) return single(pick([443, 6379, 9200, 11211]), cidr4(vpcPrivate(vi, 24)));
        if (y < 0.37) return { protocol: 'tcp', from: 1024, to: 65535, peer: cidr4(vpcPrivate(vi, 16)) };
        if (y < 0.7) return single(443, groupPeer(inVpc(pick(['app', 'web', 'misc'] as const), vi), s));
        if (y < 0.8) return { protocol: 'udp', from: 500, to: 500, peer: cidr4(publicHost()) };
        if (y < 0.987) return single(pick([443, 8443]), cidr4(publicHost()));
        if (y < 0.99) return { protocol: '-1', from: -1, to: -1, peer: cidr4(vpcPrivate(vi, 16)) };
        return single(443, stalePeer());
      }
    }
  };

  // Weighted choice of a group for each further rule (cumulative weights + binary search).
  const cumulative: number[] = [];
  let totalWeight = 0;
  for (const s of synth) cumulative.push((totalWeight += s.weight));
  const weightedGroup = (): SynthGroup => {
    const x = rnd() * totalWeight;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    return synth[lo]!;
  };
  // Stay under the quota of 60 per direction while there is room anywhere.
  const capacity = synth.length * 2 * (MAX_RULES_PER_DIRECTION - 2);
  let guard = 0;
  while (rules.length < ruleTotal && synth.length) {
    let s = weightedGroup();
    const spec = randomSpec(s);
    if (rules.length < capacity) {
      for (let tries = 0; tries < 20 && (spec.egress ? s.outbound : s.inbound) >= MAX_RULES_PER_DIRECTION - 2; tries++) s = pick(synth);
    }
    if (!add(s, spec) && ++guard % 8 === 0) {
      // Repeated duplicates: a fresh public /32 is always new.
      add(s, { protocol: 'tcp', from: 443, to: 443, peer: cidr4(`${pick([52, 54])}.${int(256)}.${int(256)}.${int(256)}/32`) });
    }
  }

  // Clusters and their member instances.
  const clusters: DbCluster[] = [];
  const instances: DbInstance[] = [];
  const dbGroups = byRole.get('db') ?? [];
  for (let i = 0; i < Math.max(0, Math.floor(opts.clusters)); i++) {
    const primary = dbGroups.length ? pick(dbGroups) : synth.length ? pick(synth) : undefined;
    const vi = primary ? primary.vpcIndex : int(vpcCount);
    const postgres = primary?.role === 'db' ? primary.dbPort === 5432 : chance(0.4);
    const engine = postgres ? 'aurora-postgresql' : 'aurora-mysql';
    const y = rnd();
    const port = y < 0.85 ? (postgres ? 5432 : 3306) : y < 0.95 ? undefined : postgres ? 6543 : 13306;
    const groupIds = primary ? [primary.group.groupId] : [];
    if (chance(0.3)) {
      const second = inVpc('db', vi);
      if (second && !groupIds.includes(second.group.groupId)) groupIds.push(second.group.groupId);
    }
    if (chance(0.15)) {
      const def = byRole.get(`default:${vi}`)?.[0];
      if (def && !groupIds.includes(def.group.groupId)) groupIds.push(def.group.groupId);
    }
    const clusterId = `${postgres ? 'pg' : 'mysql'}-cluster-${i}`;
    const attached = groupIds.map((groupId) => ({ groupId, status: 'active' }));
    const members = Array.from({ length: Math.max(0, Math.floor(opts.instancesPerCluster)) }, (_, k) => ({
      instanceId: `${clusterId}-instance-${k + 1}`,
      isWriter: k === 0,
      promotionTier: 1,
    }));
    const vpcId = vpcs[vi]!.vpcId;
    clusters.push({
      region,
      clusterId,
      kind: 'aurora',
      arn: `arn:aws:rds:${region}:${owner}:cluster:${clusterId}`,
      engine,
      engineVersion: postgres ? '16.4' : '8.0.mysql_aurora.3.08.0',
      ...(port !== undefined ? { port } : {}),
      status: 'available',
      endpoint: `${clusterId}.cluster-abc.${region}.rds.amazonaws.com`,
      readerEndpoint: `${clusterId}.cluster-ro-abc.${region}.rds.amazonaws.com`,
      members,
      securityGroups: attached,
      subnetGroupName: `db-subnets-${vi}`,
      vpcId,
    });
    for (const [k, m] of members.entries()) {
      instances.push({
        region,
        instanceId: m.instanceId,
        arn: `arn:aws:rds:${region}:${owner}:db:${m.instanceId}`,
        clusterId,
        engine,
        instanceClass: 'db.r6g.large',
        status: 'available',
        securityGroups: attached,
        vpcId,
        endpointAddress: `${m.instanceId}.abc.${region}.rds.amazonaws.com`,
        ...(port !== undefined ? { port } : {}),
        // Not from the PRNG, so the rest of the Region stays what it was: every seventh cluster's writer is public.
        availabilityZone: `${region}${'abc'[k % 3]}`,
        publiclyAccessible: k === 0 && i % 7 === 0,
      });
    }
  }

  return {
    region,
    vpcs,
    groups: synth.map((s) => s.group),
    rules,
    clusters,
    instances,
    loadedAt: 1_700_000_000_000,
  };
}

export interface SyntheticNetworkOptions {
  /** Subnets per VPC (the 600 over 30 VPCs: 20). */
  readonly subnetsPerVpc: number;
  /** Entries of each custom network ACL (besides the '*' ones). */
  readonly aclEntries: number;
  readonly seed?: number;
}

/**
 * The network part for a synthetic Region: per VPC `subnetsPerVpc` subnets over zones a-c, a main
 * route table (local only) and a public one (0.0.0.0/0 to an internet gateway) for the first
 * quarter of the subnets, the default ACL (allow all) and a custom ACL of `aclEntries` numbered
 * entries (allows and denies, ports and the ephemeral range) on half of them, the DB subnet groups
 * the clusters name (db-subnets-<vpc>, six subnets), and prefix list entries (one list holds
 * 0.0.0.0/0). 30 VPCs, 20 subnets each: 600 subnets, 60 route tables, 60 ACLs.
 */
export function syntheticNetwork(snap: RegionSnapshot, opts: SyntheticNetworkOptions): NetworkSnapshot {
  const rnd = mulberry32(opts.seed ?? 11);
  const int = (n: number): number => Math.floor(rnd() * n);
  const subnets: Subnet[] = [];
  const routeTables: RouteTable[] = [];
  const networkAcls: NetworkAcl[] = [];
  const dbSubnetGroups: DbSubnetGroup[] = [];
  const entry = (ruleNumber: number, egress: boolean, allow: boolean, cidr: string, ports?: [number, number]): NetworkAclEntry => ({
    ruleNumber,
    egress,
    protocol: ports ? '6' : '-1',
    allow,
    cidr,
    ...(ports ? { fromPort: ports[0], toPort: ports[1] } : {}),
  });
  const star = [entry(32767, false, false, '0.0.0.0/0'), entry(32767, true, false, '0.0.0.0/0')];
  snap.vpcs.forEach((v, vi) => {
    const base = v.cidrBlocks[0]!.split('.').slice(0, 2).join('.');
    const ids: string[] = [];
    for (let k = 0; k < opts.subnetsPerVpc; k++) {
      const subnetId = `subnet-${(0xe0000 + vi * 1000 + k).toString(16).padStart(17, '0')}`;
      ids.push(subnetId);
      subnets.push({ subnetId, vpcId: v.vpcId, availabilityZone: `${snap.region}${'abc'[k % 3]}`, cidrBlock: `${base}.${k}.0/24`, ipv6CidrBlocks: [] });
    }
    const pub = ids.slice(0, Math.ceil(ids.length / 4));
    routeTables.push({
      routeTableId: `rtb-main-${vi}`,
      vpcId: v.vpcId,
      main: true,
      subnetIds: [],
      routes: [{ destination: v.cidrBlocks[0]!, target: 'local', state: 'active' }],
    });
    routeTables.push({
      routeTableId: `rtb-public-${vi}`,
      vpcId: v.vpcId,
      main: false,
      subnetIds: pub,
      routes: [
        { destination: v.cidrBlocks[0]!, target: 'local', state: 'active' },
        { destination: '0.0.0.0/0', target: `igw-${vi}`, state: 'active' },
      ],
    });
    const custom = ids.filter((_, k) => k % 2 === 1);
    const entries: NetworkAclEntry[] = [];
    for (let n = 0; n < opts.aclEntries; n++) {
      const egress = n % 2 === 1;
      const y = rnd();
      const port = [22, 443, 3306, 5432, 8080][int(5)]!;
      entries.push(
        y < 0.15
          ? entry(10 + n * 10, egress, false, `${base}.${int(256)}.0/24`, [port, port])
          : y < 0.5
            ? entry(10 + n * 10, egress, true, v.cidrBlocks[0]!, [port, port])
            : y < 0.8
              ? entry(10 + n * 10, egress, true, '0.0.0.0/0', [1024, 65535])
              : entry(10 + n * 10, egress, true, v.cidrBlocks[0]!),
      );
    }
    networkAcls.push({
      networkAclId: `acl-default-${vi}`,
      vpcId: v.vpcId,
      isDefault: true,
      subnetIds: ids.filter((_, k) => k % 2 === 0),
      entries: [entry(100, false, true, '0.0.0.0/0'), entry(100, true, true, '0.0.0.0/0'), ...star],
    });
    networkAcls.push({ networkAclId: `acl-custom-${vi}`, vpcId: v.vpcId, isDefault: false, subnetIds: custom, entries: [...entries, ...star] });
    dbSubnetGroups.push({ name: `db-subnets-${vi}`, vpcId: v.vpcId, subnetIds: ids.slice(0, 6) });
  });
  const lists = new Map<string, string[]>();
  for (let i = 0; i < 12; i++) lists.set(`pl-${(0xd00 + i).toString(16).padStart(8, '0')}`, i === 3 ? ['0.0.0.0/0'] : [`198.51.${i}.0/24`, `10.${i}.0.0/16`]);
  return { region: snap.region, subnets, routeTables, networkAcls, dbSubnetGroups, prefixLists: lists, failures: [], loadedAt: 1_700_000_000_000 };
}
