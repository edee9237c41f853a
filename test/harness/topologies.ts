// The topologies of issue 15, each with the answer AWS documents for it (not the code's): who the
// internet reaches, whether the app server reaches the database, and the finding. The unit layer
// builds them as snapshots (buildTopology); the AWS and extension-host layers seed them in moto
// (seedTopologies.ts) and must give the same answers.
//
// The documents behind the expected answers:
// - RDS User Guide, "Working with a DB instance in a VPC" / "Hiding a DB instance in a VPC from the
//   internet": reachable from the internet only with PubliclyAccessible on AND subnets routed to an
//   internet gateway; "Amazon RDS disables internet gateway access" for the IPv6 endpoint of a
//   dual-stack DB instance that is not publicly accessible; an IPv4-only (NetworkType IPV4) instance
//   has no IPv6 address.
// - Amazon VPC User Guide, "Control subnet traffic with network access control lists": rules are
//   evaluated lowest number first, the first match decides, '*' denies the rest; ACLs are stateless,
//   so the reply on the client's ephemeral port (1024-65535) needs an outbound entry.
// - "Configure route tables": a subnet without an explicit association uses the main table; a
//   subnet is public when its table routes 0.0.0.0/0 (or ::/0) to an internet gateway.
// - VPC Peering Guide, "Update your route tables for a VPC peering connection": traffic crosses a
//   peering only when it is active and both sides route the other's range to it.
import type { FindingKind, Severity } from '../../src/domain/analysis';
import type { HopState, NetHopKind } from '../../src/domain/analysis/network';
import type { DbCluster, DbInstance, Ec2Instance, RegionSnapshot, SecurityGroup, SecurityGroupRule, Vpc, VpcPeering } from '../../src/domain/model';
import type { NetworkAcl, NetworkAclEntry, NetworkSnapshot, RouteTable, Subnet } from '../../src/domain/network';

export interface TopoAcl {
  readonly key: string;
  readonly vpc: string;
  readonly subnets: readonly string[];
  /** Numbered entries; '*' (deny all) is added as AWS does. */
  readonly entries: readonly { n: number; egress: boolean; allow: boolean; cidr: string; ports?: readonly [number, number] }[];
}

export interface Topology {
  readonly name: string;
  readonly vpcs: readonly { key: string; cidr: string; ipv6?: boolean }[];
  /** Subnets: `ipv6` gives the subnet the VPC's first /64 (only one per VPC here). */
  readonly subnets: readonly { key: string; vpc: string; cidr: string; az: 'a' | 'b'; ipv6?: boolean }[];
  /** VPCs with an internet gateway attached. */
  readonly igws?: readonly string[];
  /** Route tables with explicit associations; the main table of each VPC has the local route only. */
  readonly routeTables?: readonly { key: string; vpc: string; subnets: readonly string[]; routes: readonly { dest: string; to: 'igw' | 'pcx' }[] }[];
  /** Custom network ACLs; every other subnet keeps its VPC's default ACL (allow all both ways). */
  readonly acls?: readonly TopoAcl[];
  /** A peering connection from the app's VPC to the database's: accepted (active) or not. */
  readonly peering?: { readonly from: string; readonly to: string; readonly active: boolean };
  readonly prefixList?: readonly string[];
  readonly db: {
    readonly vpc: string;
    readonly subnets: readonly string[];
    readonly networkType?: 'IPV4' | 'DUAL';
    readonly instances: readonly { id: string; writer: boolean; az: 'a' | 'b'; public: boolean }[];
    /** Inbound rules of the database group on 3306: a CIDR, 'app' (the app group) or 'pl' (the prefix list). */
    readonly rules: readonly string[];
  };
  /** An EC2 instance carrying the app group. */
  readonly app?: { readonly vpc: string; readonly subnet: string; readonly ip: string };
  readonly expect: {
    /** whoCanReach's exposure for this source (a CIDR block or 'pl'): its state and the instances the internet reaches. */
    readonly internet?: { readonly from: string; readonly state: HopState; readonly reached: readonly string[]; readonly blockedAt?: NetHopKind };
    /** Explain Path from the app instance. */
    readonly app?: { readonly verdict: 'open' | 'closed' | 'partial' | 'unknown'; readonly blockedAt?: NetHopKind };
    readonly finding?: { readonly kind: FindingKind; readonly severity: Severity };
  };
}

export const PORT = 3306;
const ALL: readonly [number, number] = [0, 65535];

const oneVpc = [{ key: 'main', cidr: '10.0.0.0/16' }];
const dbSubnets = [
  { key: 'db-a', vpc: 'main', cidr: '10.0.1.0/24', az: 'a' as const },
  { key: 'db-b', vpc: 'main', cidr: '10.0.2.0/24', az: 'b' as const },
];
const appSubnet = { key: 'app', vpc: 'main', cidr: '10.0.10.0/24', az: 'a' as const };
const publicRt = { key: 'public', vpc: 'main', subnets: ['db-a', 'db-b'], routes: [{ dest: '0.0.0.0/0', to: 'igw' as const }] };
const writer = (pub: boolean) => [{ id: 'w1', writer: true, az: 'a' as const, public: pub }];
/** A database in the two public subnets of one VPC with an internet gateway. */
const inPublicSubnets = { vpcs: oneVpc, subnets: dbSubnets, igws: ['main'], routeTables: [publicRt] };
const dbIn = { vpc: 'main', subnets: ['db-a', 'db-b'] };

export const TOPOLOGIES: readonly Topology[] = [
  {
    name: 'public instance in a public subnet',
    ...inPublicSubnets,
    db: { ...dbIn, instances: writer(true), rules: ['0.0.0.0/0'] },
    expect: {
      internet: { from: '0.0.0.0/0', state: 'allowed', reached: ['w1'] },
      finding: { kind: 'db-port-world', severity: 'critical' },
    },
  },
  {
    name: 'private instance with an open group',
    vpcs: oneVpc,
    subnets: dbSubnets,
    db: { ...dbIn, instances: writer(false), rules: ['0.0.0.0/0'] },
    expect: {
      internet: { from: '0.0.0.0/0', state: 'blocked', reached: [], blockedAt: 'public' },
      finding: { kind: 'db-port-world', severity: 'medium' },
    },
  },
  {
    name: 'public flag but no internet route',
    vpcs: oneVpc,
    subnets: dbSubnets,
    igws: ['main'],
    db: { ...dbIn, instances: writer(true), rules: ['0.0.0.0/0'] },
    expect: {
      internet: { from: '0.0.0.0/0', state: 'blocked', reached: [], blockedAt: 'route' },
      finding: { kind: 'db-port-world', severity: 'medium' },
    },
  },
  {
    name: 'an ACL denying the port',
    vpcs: oneVpc,
    subnets: [...dbSubnets, appSubnet],
    acls: [
      {
        key: 'db',
        vpc: 'main',
        subnets: ['db-a', 'db-b'],
        entries: [
          { n: 90, egress: false, allow: false, cidr: '10.0.0.0/16', ports: [PORT, PORT] },
          { n: 100, egress: false, allow: true, cidr: '0.0.0.0/0' },
          { n: 100, egress: true, allow: true, cidr: '0.0.0.0/0' },
        ],
      },
    ],
    db: { ...dbIn, instances: writer(false), rules: ['app'] },
    app: { vpc: 'main', subnet: 'app', ip: '10.0.10.5' },
    expect: { app: { verdict: 'closed', blockedAt: 'acl-in' }, finding: { kind: 'acl-blocks-port', severity: 'medium' } },
  },
  {
    name: 'an ACL missing the ephemeral return range',
    vpcs: oneVpc,
    subnets: [...dbSubnets, appSubnet],
    acls: [
      {
        key: 'db',
        vpc: 'main',
        subnets: ['db-a', 'db-b'],
        entries: [
          { n: 100, egress: false, allow: true, cidr: '10.0.0.0/16', ports: [PORT, PORT] },
          { n: 100, egress: true, allow: true, cidr: '0.0.0.0/0', ports: [443, 443] },
        ],
      },
    ],
    db: { ...dbIn, instances: writer(false), rules: ['app'] },
    app: { vpc: 'main', subnet: 'app', ip: '10.0.10.5' },
    expect: { app: { verdict: 'closed', blockedAt: 'acl-return' }, finding: { kind: 'acl-blocks-return', severity: 'medium' } },
  },
  {
    name: 'writer public and readers private',
    ...inPublicSubnets,
    db: {
      ...dbIn,
      instances: [
        { id: 'w1', writer: true, az: 'a', public: true },
        { id: 'r1', writer: false, az: 'b', public: false },
      ],
      rules: ['0.0.0.0/0'],
    },
    expect: {
      internet: { from: '0.0.0.0/0', state: 'allowed', reached: ['w1'] },
      finding: { kind: 'db-port-world', severity: 'critical' },
    },
  },
  {
    name: 'IPv4-only database and ::/0',
    ...inPublicSubnets,
    db: { ...dbIn, networkType: 'IPV4', instances: writer(true), rules: ['::/0'] },
    expect: {
      internet: { from: '::/0', state: 'blocked', reached: [], blockedAt: 'public' },
      finding: { kind: 'db-port-world', severity: 'low' },
    },
  },
  {
    name: 'dual-stack private',
    vpcs: [{ key: 'main', cidr: '10.0.0.0/16', ipv6: true }],
    subnets: [
      { key: 'db-a', vpc: 'main', cidr: '10.0.1.0/24', az: 'a', ipv6: true },
      { key: 'db-b', vpc: 'main', cidr: '10.0.2.0/24', az: 'b' },
    ],
    igws: ['main'],
    routeTables: [
      {
        key: 'public',
        vpc: 'main',
        subnets: ['db-a', 'db-b'],
        routes: [
          { dest: '0.0.0.0/0', to: 'igw' },
          { dest: '::/0', to: 'igw' },
        ],
      },
    ],
    db: { ...dbIn, networkType: 'DUAL', instances: writer(false), rules: ['::/0'] },
    expect: {
      internet: { from: '::/0', state: 'blocked', reached: [], blockedAt: 'public' },
      finding: { kind: 'db-port-world', severity: 'medium' },
    },
  },
  {
    name: 'a prefix list containing 0.0.0.0/0',
    ...inPublicSubnets,
    prefixList: ['198.51.100.0/24', '0.0.0.0/0'],
    db: { ...dbIn, instances: writer(true), rules: ['pl'] },
    expect: {
      internet: { from: 'pl 0.0.0.0/0', state: 'allowed', reached: ['w1'] },
      finding: { kind: 'db-port-world', severity: 'critical' },
    },
  },
  {
    name: 'peered source VPC with an active peering',
    vpcs: [
      { key: 'main', cidr: '10.0.0.0/16' },
      { key: 'peer', cidr: '10.1.0.0/16' },
    ],
    subnets: [...dbSubnets, { key: 'app', vpc: 'peer', cidr: '10.1.10.0/24', az: 'a' }],
    peering: { from: 'peer', to: 'main', active: true },
    routeTables: [
      { key: 'db', vpc: 'main', subnets: ['db-a', 'db-b'], routes: [{ dest: '10.1.0.0/16', to: 'pcx' }] },
      { key: 'app', vpc: 'peer', subnets: ['app'], routes: [{ dest: '10.0.0.0/16', to: 'pcx' }] },
    ],
    db: { ...dbIn, instances: writer(false), rules: ['10.1.0.0/16'] },
    app: { vpc: 'peer', subnet: 'app', ip: '10.1.10.5' },
    expect: { app: { verdict: 'open' } },
  },
  {
    name: 'peered source VPC without an active peering',
    vpcs: [
      { key: 'main', cidr: '10.0.0.0/16' },
      { key: 'peer', cidr: '10.1.0.0/16' },
    ],
    subnets: [...dbSubnets, { key: 'app', vpc: 'peer', cidr: '10.1.10.0/24', az: 'a' }],
    peering: { from: 'peer', to: 'main', active: false },
    db: { ...dbIn, instances: writer(false), rules: ['10.1.0.0/16'] },
    app: { vpc: 'peer', subnet: 'app', ip: '10.1.10.5' },
    expect: { app: { verdict: 'closed', blockedAt: 'route' } },
  },
];

// ---------------------------------------------------------------------------------------------
// The unit layer's build: the snapshots AWS would answer for the topology.

const REGION = 'eu-west-1';
const ACCOUNT = '111122223333';

/** The /64 a topology's IPv6 subnet gets (the VPC's block is 2600:1f18:abcd:1200::/56 here). */
export const UNIT_VPC_IPV6 = '2600:1f18:abcd:1200::/56';

/** Ids as the unit build names them. */
export const unitIds = {
  vpc: (k: string) => `vpc-${k}`,
  subnet: (k: string) => `subnet-${k}`,
  rt: (k: string) => `rtb-${k}`,
  acl: (k: string) => `acl-${k}`,
  igw: (k: string) => `igw-${k}`,
  pcx: 'pcx-1',
  dbGroup: 'sg-db',
  appGroup: 'sg-app',
  pl: 'pl-world',
  cluster: 'db',
  app: 'i-app',
};

function entry(n: number, egress: boolean, allow: boolean, cidr: string, ports?: readonly [number, number]): NetworkAclEntry {
  return { ruleNumber: n, egress, protocol: ports ? '6' : '-1', allow, cidr, ...(ports ? { fromPort: ports[0], toPort: ports[1] } : {}) };
}

/** The '*' entries AWS adds to every ACL (IPv4, and IPv6 when the VPC has an IPv6 block). */
export function starEntries(ipv6: boolean): NetworkAclEntry[] {
  const out = [entry(32767, false, false, '0.0.0.0/0'), entry(32767, true, false, '0.0.0.0/0')];
  if (ipv6) out.push(entry(32768, false, false, '::/0'), entry(32768, true, false, '::/0'));
  return out;
}

export function buildTopology(t: Topology): { snapshot: RegionSnapshot; network: NetworkSnapshot; ec2: Ec2Instance[] } {
  const id = unitIds;
  const vpcs: Vpc[] = t.vpcs.map((v) => ({
    region: REGION,
    vpcId: id.vpc(v.key),
    ownerId: ACCOUNT,
    cidrBlocks: [v.cidr],
    ipv6CidrBlocks: v.ipv6 ? [UNIT_VPC_IPV6] : [],
    isDefault: false,
    tags: {},
  }));
  const groups: SecurityGroup[] = [
    { region: REGION, groupId: id.dbGroup, groupName: 'db', description: 'db', vpcId: id.vpc(t.db.vpc), ownerId: ACCOUNT, tags: {} },
    { region: REGION, groupId: id.appGroup, groupName: 'app', description: 'app', vpcId: id.vpc(t.app?.vpc ?? t.db.vpc), ownerId: ACCOUNT, tags: {} },
  ];
  const rules: SecurityGroupRule[] = t.db.rules.map((r, i) => ({
    region: REGION,
    ruleId: `sgr-db${i}`,
    groupId: id.dbGroup,
    isEgress: false,
    protocol: 'tcp',
    fromPort: PORT,
    toPort: PORT,
    peer:
      r === 'app'
        ? { kind: 'group', groupId: id.appGroup, userId: ACCOUNT }
        : r === 'pl'
          ? { kind: 'prefixList', prefixListId: id.pl }
          : r.includes(':')
            ? { kind: 'cidr6', cidr: r }
            : { kind: 'cidr4', cidr: r },
  }));
  // Both groups allow everything out, as new groups do.
  for (const g of [id.dbGroup, id.appGroup])
    rules.push({
      region: REGION,
      ruleId: `sgr-${g}-out`,
      groupId: g,
      isEgress: true,
      protocol: '-1',
      fromPort: -1,
      toPort: -1,
      peer: { kind: 'cidr4', cidr: '0.0.0.0/0' },
    });
  const cluster: DbCluster = {
    region: REGION,
    clusterId: id.cluster,
    kind: 'aurora',
    engine: 'aurora-mysql',
    port: PORT,
    status: 'available',
    members: t.db.instances.map((i) => ({ instanceId: i.id, isWriter: i.writer })),
    securityGroups: [{ groupId: id.dbGroup, status: 'active' }],
    subnetGroupName: 'dbsubnets',
    vpcId: id.vpc(t.db.vpc),
    ...(t.db.networkType ? { networkType: t.db.networkType } : {}),
  };
  const instances: DbInstance[] = t.db.instances.map((i) => ({
    region: REGION,
    instanceId: i.id,
    clusterId: id.cluster,
    engine: 'aurora-mysql',
    status: 'available',
    securityGroups: [{ groupId: id.dbGroup, status: 'active' }],
    vpcId: id.vpc(t.db.vpc),
    availabilityZone: `${REGION}${i.az}`,
    publiclyAccessible: i.public,
    ...(t.db.networkType ? { networkType: t.db.networkType } : {}),
  }));
  const peerings: VpcPeering[] = t.peering
    ? [
        {
          peeringId: id.pcx,
          status: t.peering.active ? 'active' : 'pending-acceptance',
          requester: { vpcId: id.vpc(t.peering.from), ownerId: ACCOUNT, region: REGION },
          accepter: { vpcId: id.vpc(t.peering.to), ownerId: ACCOUNT, region: REGION },
        },
      ]
    : [];
  const snapshot: RegionSnapshot = { region: REGION, vpcs, groups, rules, clusters: [cluster], instances, loadedAt: 0, peerings };
  const ipv6Of = (vpc: string) => t.vpcs.find((v) => v.key === vpc)?.ipv6 === true;
  const subnets: Subnet[] = t.subnets.map((s) => ({
    subnetId: id.subnet(s.key),
    vpcId: id.vpc(s.vpc),
    availabilityZone: `${REGION}${s.az}`,
    cidrBlock: s.cidr,
    ipv6CidrBlocks: s.ipv6 ? [UNIT_VPC_IPV6.replace('/56', '/64')] : [],
  }));
  const local = (vpc: string) => {
    const v = t.vpcs.find((x) => x.key === vpc)!;
    return [
      { destination: v.cidr, target: 'local', state: 'active' as const },
      ...(v.ipv6 ? [{ destination: UNIT_VPC_IPV6, target: 'local', state: 'active' as const }] : []),
    ];
  };
  const routeTables: RouteTable[] = [
    ...t.vpcs.map((v) => ({ routeTableId: id.rt(`main-${v.key}`), vpcId: id.vpc(v.key), main: true, subnetIds: [], routes: local(v.key) })),
    ...(t.routeTables ?? []).map((rt) => ({
      routeTableId: id.rt(rt.key),
      vpcId: id.vpc(rt.vpc),
      main: false,
      subnetIds: rt.subnets.map(id.subnet),
      routes: [
        ...local(rt.vpc),
        ...rt.routes.map((r) => ({ destination: r.dest, target: r.to === 'igw' ? id.igw(rt.vpc) : id.pcx, state: 'active' as const })),
      ],
    })),
  ];
  const custom = new Set((t.acls ?? []).flatMap((a) => a.subnets));
  const networkAcls: NetworkAcl[] = [
    ...t.vpcs.map((v) => ({
      networkAclId: id.acl(`default-${v.key}`),
      vpcId: id.vpc(v.key),
      isDefault: true,
      subnetIds: t.subnets.filter((s) => s.vpc === v.key && !custom.has(s.key)).map((s) => id.subnet(s.key)),
      entries: [
        entry(100, false, true, '0.0.0.0/0'),
        entry(100, true, true, '0.0.0.0/0'),
        ...(v.ipv6 ? [entry(101, false, true, '::/0'), entry(101, true, true, '::/0')] : []),
        ...starEntries(!!v.ipv6),
      ],
    })),
    ...(t.acls ?? []).map((a) => ({
      networkAclId: id.acl(a.key),
      vpcId: id.vpc(a.vpc),
      isDefault: false,
      subnetIds: a.subnets.map(id.subnet),
      entries: [...a.entries.map((e) => entry(e.n, e.egress, e.allow, e.cidr, e.ports)), ...starEntries(ipv6Of(a.vpc))],
    })),
  ];
  const network: NetworkSnapshot = {
    region: REGION,
    subnets,
    routeTables,
    networkAcls,
    dbSubnetGroups: [{ name: 'dbsubnets', vpcId: id.vpc(t.db.vpc), subnetIds: t.db.subnets.map(id.subnet) }],
    prefixLists: new Map(t.prefixList ? [[id.pl, [...t.prefixList]]] : []),
    failures: [],
    loadedAt: 0,
  };
  const ec2: Ec2Instance[] = t.app
    ? [
        {
          region: REGION,
          instanceId: id.app,
          name: 'app',
          state: 'running',
          vpcId: id.vpc(t.app.vpc),
          subnetId: id.subnet(t.app.subnet),
          privateIp: t.app.ip,
          securityGroupIds: [id.appGroup],
        },
      ]
    : [];
  return { snapshot, network, ec2 };
}

export { ALL as ALL_PORTS };

/**
 * Explain Path on three topologies, hop by hop (kind, state, and for network hops the DB
 * instances they are about), as the AWS documents give them: the extension host checks each hop.
 */
export const EXPLAIN_CASES: readonly {
  readonly topology: string;
  /** 'app' (the app server) or an address. */
  readonly from: 'app' | string;
  readonly verdict: 'open' | 'closed' | 'partial';
  readonly hops: readonly (readonly [kind: string, state: HopState, instances?: readonly string[]])[];
}[] = [
  {
    // Same VPC, another subnet: out of the app subnet (default ACL), into the database subnet, whose ACL denies 3306 first (#90).
    topology: 'an ACL denying the port',
    from: 'app',
    verdict: 'closed',
    hops: [
      ['source', 'allowed'],
      ['egress', 'allowed'],
      ['acl-out', 'allowed', ['w1']],
      ['acl-in', 'blocked', ['w1']],
      ['ingress', 'allowed'],
      ['acl-return', 'allowed', ['w1']],
      ['acl-return-in', 'allowed', ['w1']],
    ],
  },
  {
    // Across an active peering: both route tables send the other side's range to the peering connection.
    topology: 'peered source VPC with an active peering',
    from: 'app',
    verdict: 'open',
    hops: [
      ['source', 'allowed'],
      ['egress', 'allowed'],
      ['route', 'allowed', ['w1']],
      ['route', 'allowed', ['w1']],
      ['acl-out', 'allowed', ['w1']],
      ['acl-in', 'allowed', ['w1']],
      ['ingress', 'allowed'],
      ['acl-return', 'allowed', ['w1']],
      ['acl-return-in', 'allowed', ['w1']],
    ],
  },
  {
    // From the internet: the public writer is routed to the internet gateway; the private reader stops at PubliclyAccessible.
    topology: 'writer public and readers private',
    from: '203.0.113.10',
    verdict: 'partial',
    hops: [
      ['source', 'allowed'],
      ['public', 'allowed', ['w1']],
      ['route', 'allowed', ['w1']],
      ['acl-in', 'allowed', ['w1']],
      ['public', 'blocked', ['r1']],
      ['ingress', 'allowed'],
      ['acl-return', 'allowed', ['w1']],
    ],
  },
];
