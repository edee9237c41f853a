// The network reads (src/aws/networkReads.ts) on a fake client: every list pages, AWS's shapes map
// to the domain's (main and explicit route table associations, route targets, ACL entries), a
// refused read is named with its permission while the others are read, prefix list entries are
// cached per list; and the analysis state reads the network once and recomputes findings with it.
import * as assert from 'node:assert/strict';
import { EC2Client } from '@aws-sdk/client-ec2';
import { RDSClient } from '@aws-sdk/client-rds';
import type { RegionClients } from '../../src/aws/clients';
import { readNetwork, toNetworkAcl, toRouteTable, type PrefixListCache } from '../../src/aws/networkReads';
import { RegionIndex } from '../../src/domain/model';
import type { NetworkSnapshot } from '../../src/domain/network';
import { AnalysisState } from '../../src/state/analysisState';
import { buildTopology, TOPOLOGIES } from '../harness/topologies';

type Page = Record<string, unknown>;

function fake(pages: Record<string, { token: string; pages: Page[] } | Error>) {
  const calls: { command: string; input: Record<string, unknown> }[] = [];
  const send = async (cmd: { constructor: { name: string }; input: Record<string, unknown> }) => {
    const command = cmd.constructor.name.replace(/Command$/, '');
    calls.push({ command, input: { ...cmd.input } });
    const spec = pages[command];
    if (!spec) throw new Error(`fake: unexpected ${command}`);
    if (spec instanceof Error) throw spec;
    const token = cmd.input[spec.token] as string | undefined;
    const k = token ? Number(token.split('-').pop()) : 0;
    await new Promise((r) => setImmediate(r));
    return { ...spec.pages[k], [spec.token]: k + 1 < spec.pages.length ? `${command}-token-${k + 1}` : undefined, $metadata: {} };
  };
  const config = { region: 'eu-west-1', credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake' } };
  const ec2 = new EC2Client(config);
  const rds = new RDSClient(config);
  (ec2 as unknown as { send: typeof send }).send = send;
  (rds as unknown as { send: typeof send }).send = send;
  return { clients: { region: 'eu-west-1', ec2, rds } as RegionClients, calls };
}

const denied = () => Object.assign(new Error('You are not authorized to perform this operation.'), { name: 'UnauthorizedOperation' });

function networkPages(): Record<string, { token: string; pages: Page[] }> {
  return {
    DescribeDBSubnetGroups: {
      token: 'Marker',
      pages: [
        { DBSubnetGroups: [{ DBSubnetGroupName: 'db', VpcId: 'vpc-1', Subnets: [{ SubnetIdentifier: 'subnet-a' }] }] },
        { DBSubnetGroups: [{ DBSubnetGroupName: 'db2', VpcId: 'vpc-1', Subnets: [{ SubnetIdentifier: 'subnet-b' }] }] },
      ],
    },
    DescribeSubnets: {
      token: 'NextToken',
      pages: [
        { Subnets: [{ SubnetId: 'subnet-a', VpcId: 'vpc-1', AvailabilityZone: 'eu-west-1a', CidrBlock: '10.0.1.0/24' }] },
        {
          Subnets: [
            {
              SubnetId: 'subnet-b',
              VpcId: 'vpc-1',
              CidrBlock: '10.0.2.0/24',
              Ipv6CidrBlockAssociationSet: [
                { Ipv6CidrBlock: '2600:1f18::/64', Ipv6CidrBlockState: { State: 'associated' } },
                { Ipv6CidrBlock: '2600:1f19::/64', Ipv6CidrBlockState: { State: 'disassociated' } },
              ],
            },
          ],
        },
      ],
    },
    DescribeRouteTables: {
      token: 'NextToken',
      pages: [
        {
          RouteTables: [
            { RouteTableId: 'rtb-main', VpcId: 'vpc-1', Associations: [{ Main: true }], Routes: [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local' }] },
          ],
        },
        {
          RouteTables: [
            {
              RouteTableId: 'rtb-pub',
              VpcId: 'vpc-1',
              Associations: [{ SubnetId: 'subnet-a', AssociationState: { State: 'associated' } }],
              Routes: [
                { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'active' },
                { DestinationIpv6CidrBlock: '::/0', EgressOnlyInternetGatewayId: 'eigw-1' },
                { DestinationPrefixListId: 'pl-s3', GatewayId: 'vpce-1' },
                { DestinationCidrBlock: '10.9.0.0/16', VpcPeeringConnectionId: 'pcx-1', State: 'blackhole' },
              ],
            },
          ],
        },
      ],
    },
    DescribeNetworkAcls: {
      token: 'NextToken',
      pages: [
        {
          NetworkAcls: [
            {
              NetworkAclId: 'acl-1',
              VpcId: 'vpc-1',
              IsDefault: false,
              Associations: [{ SubnetId: 'subnet-a' }],
              Entries: [
                { RuleNumber: 90, Egress: false, Protocol: '6', RuleAction: 'deny', CidrBlock: '10.0.0.0/16', PortRange: { From: 3306, To: 3306 } },
                { RuleNumber: 100, Egress: true, Protocol: '-1', RuleAction: 'allow', Ipv6CidrBlock: '::/0' },
                { RuleNumber: 32767, Egress: false, Protocol: '-1', RuleAction: 'deny', CidrBlock: '0.0.0.0/0' },
              ],
            },
          ],
        },
      ],
    },
    GetManagedPrefixListEntries: { token: 'NextToken', pages: [{ Entries: [{ Cidr: '198.51.100.0/24' }] }, { Entries: [{ Cidr: '0.0.0.0/0' }] }] },
  };
}

describe('network reads on a fake client', () => {
  it('pages every list and maps subnets, DB subnet groups, route tables and ACLs as AWS gives them', async () => {
    const { clients, calls } = fake(networkPages());
    const n = await readNetwork(clients, new Map(), ['pl-1']);
    assert.deepEqual(n.failures, []);
    assert.deepEqual(
      n.dbSubnetGroups.map((g) => [g.name, g.subnetIds]),
      [
        ['db', ['subnet-a']],
        ['db2', ['subnet-b']],
      ],
    );
    assert.deepEqual(n.subnets[1]!.ipv6CidrBlocks, ['2600:1f18::/64'], 'only associated IPv6 blocks');
    const pub = n.routeTables.find((t) => t.routeTableId === 'rtb-pub')!;
    assert.equal(pub.main, false);
    assert.deepEqual(pub.subnetIds, ['subnet-a']);
    assert.deepEqual(pub.routes, [
      { destination: '0.0.0.0/0', target: 'igw-1', state: 'active' },
      { destination: '::/0', target: 'eigw-1', state: 'active' },
      { destinationPrefixListId: 'pl-s3', target: 'vpce-1', state: 'active' },
      { destination: '10.9.0.0/16', target: 'pcx-1', state: 'blackhole' },
    ]);
    assert.equal(n.routeTables.find((t) => t.routeTableId === 'rtb-main')!.main, true);
    assert.deepEqual(n.networkAcls[0]!.entries[0], {
      ruleNumber: 90,
      egress: false,
      protocol: '6',
      allow: false,
      cidr: '10.0.0.0/16',
      fromPort: 3306,
      toPort: 3306,
    });
    assert.deepEqual(n.networkAcls[0]!.entries[1], { ruleNumber: 100, egress: true, protocol: '-1', allow: true, cidr: '::/0' });
    // The prefix lists asked for, and those the routes name, each paged.
    assert.deepEqual([...n.prefixLists.keys()].sort(), ['pl-1', 'pl-s3']);
    assert.deepEqual(n.prefixLists.get('pl-1'), ['198.51.100.0/24', '0.0.0.0/0']);
    assert.ok(
      calls.filter((c) => c.command === 'DescribeRouteTables').every((c) => (c.input.MaxResults as number) <= 100),
      'DescribeRouteTables takes at most 100',
    );
  });

  it('a refused DescribeRouteTables is named with its permission; the subnets and ACLs are still read', async () => {
    const pages: Record<string, { token: string; pages: Page[] } | Error> = { ...networkPages(), DescribeRouteTables: denied() };
    const { clients } = fake(pages);
    const n = await readNetwork(clients, new Map(), []);
    assert.deepEqual(
      n.failures.map((f) => [f.read, f.action]),
      [['routeTables', 'ec2:DescribeRouteTables']],
    );
    assert.deepEqual(n.routeTables, []);
    assert.equal(n.subnets.length, 2);
    assert.equal(n.networkAcls.length, 1);
  });

  it('credentials that do not work are thrown (nothing can be read), not recorded as a missing part', async () => {
    const bad = Object.assign(new Error('expired'), { name: 'ExpiredToken' });
    const { clients } = fake({ ...networkPages(), DescribeSubnets: bad });
    await assert.rejects(readNetwork(clients, new Map(), []), /expired/);
  });

  it('prefix list entries are read once per list and Region (the cache holds the read); a failure is not cached', async () => {
    const { clients, calls } = fake(networkPages());
    const cache: PrefixListCache = new Map();
    await Promise.all([readNetwork(clients, cache, ['pl-1']), readNetwork(clients, cache, ['pl-1'])]);
    assert.equal(calls.filter((c) => c.command === 'GetManagedPrefixListEntries' && c.input.PrefixListId === 'pl-1' && !c.input.NextToken).length, 1);
    const failing = fake({ ...networkPages(), GetManagedPrefixListEntries: denied() });
    const cache2: PrefixListCache = new Map();
    const n = await readNetwork(failing.clients, cache2, ['pl-1']);
    assert.deepEqual(
      n.failures.map((f) => f.action),
      ['ec2:GetManagedPrefixListEntries'],
    );
    assert.equal(n.prefixLists.has('pl-1'), false, 'unknown, not empty');
    assert.equal(cache2.size, 0);
  });

  it('maps a route table without associations as neither main nor associated, and an ACL entry without a range is dropped', () => {
    assert.deepEqual(toRouteTable({ RouteTableId: 'rtb-x', VpcId: 'vpc-1' }), {
      routeTableId: 'rtb-x',
      vpcId: 'vpc-1',
      main: false,
      subnetIds: [],
      routes: [],
    });
    assert.deepEqual(
      toNetworkAcl({ NetworkAclId: 'acl-x', VpcId: 'vpc-1', Entries: [{ RuleNumber: 1, Egress: false, Protocol: '-1', RuleAction: 'allow' }] }).entries,
      [],
    );
  });
});

describe('analysis state: the network part', () => {
  it('is read once per Region, recomputes the findings when it arrives, and a reset drops it and the reader caches', async () => {
    const t = TOPOLOGIES.find((x) => x.name === 'private instance with an open group')!;
    const b = buildTopology(t);
    const idx = new RegionIndex(b.snapshot);
    let reads = 0;
    const resets: (string | undefined)[] = [];
    const { findings } = await import('../../src/domain/analysis');
    const s = new AnalysisState(
      async () => [],
      (i, o) => findings(i, o),
      async (): Promise<NetworkSnapshot> => {
        reads++;
        return b.network;
      },
      (r) => resets.push(r),
    );
    const before = s.findingsOf('eu-west-1', idx).find((f) => f.kind === 'db-port-world')!;
    assert.equal(before.severity, 'high', 'groups only until the network is read');
    await Promise.all([s.network('eu-west-1', idx), s.network('eu-west-1', idx)]);
    assert.equal(reads, 1);
    const after = s.findingsOf('eu-west-1', idx).find((f) => f.kind === 'db-port-world')!;
    assert.equal(after.severity, 'medium');
    s.reset('eu-west-1');
    assert.deepEqual(resets, ['eu-west-1']);
    assert.equal(s.networkLoaded('eu-west-1'), undefined);
    await s.network('eu-west-1', idx);
    assert.equal(reads, 2);
  });
});
