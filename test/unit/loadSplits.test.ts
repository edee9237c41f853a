// The reads of a load that leave the one chain of page tokens on a big Region (reads.ts): the DB
// instances (readLoadInstances: beside the Marker chain, the clusters' members asked by
// db-cluster-id filters, trusted only when RDS's count of the Region's instances proves nothing
// lies outside the clusters) and the groups (readLoadGroups: by vpc-id filters when the first
// page is full and its groups spread over the VPCs).
import * as assert from 'node:assert/strict';
import { EC2Client } from '@aws-sdk/client-ec2';
import { RDSClient } from '@aws-sdk/client-rds';
import type { RegionClients } from '../../src/aws/clients';
import { readRegion } from '../../src/aws/reads';

const REGION = 'eu-west-1';

interface FakeInstance {
  DBInstanceIdentifier: string;
  DBClusterIdentifier?: string;
  Engine: string;
}

/** `clusters` Aurora clusters of `perCluster` instances each, and `standalone` RDS for MySQL instances outside them. */
function region(clusters: number, perCluster: number, standalone: number) {
  const cl = Array.from({ length: clusters }, (_, i) => ({
    DBClusterIdentifier: `c-${i}`,
    Engine: 'aurora-postgresql',
    DBClusterMembers: Array.from({ length: perCluster }, (_, k) => ({ DBInstanceIdentifier: `c-${i}-${k}`, IsClusterWriter: k === 0 })),
  }));
  const instances: FakeInstance[] = cl.flatMap((c) =>
    c.DBClusterMembers.map((m) => ({ DBInstanceIdentifier: m.DBInstanceIdentifier, DBClusterIdentifier: c.DBClusterIdentifier, Engine: 'aurora-postgresql' })),
  );
  for (let i = 0; i < standalone; i++) instances.push({ DBInstanceIdentifier: `mysql-${i}`, Engine: 'mysql' });
  return { clusters: cl, instances };
}

/**
 * RDS as AWS answers it, in pages of MaxRecords (at most 100) with Markers; `count` is what
 * DescribeAccountAttributes answers (undefined: refused). The unfiltered chain's pages after the
 * first wait for `chainGate`.
 */
function fakeClients(r: ReturnType<typeof region>, count: number | undefined, chainGate: Promise<void>, onFiltered?: (answered: number) => void) {
  let filteredAnswered = 0;
  const calls: { command: string; filtered: boolean; marker?: string }[] = [];
  const page = <T>(list: readonly T[], input: { MaxRecords?: number; Marker?: string }) => {
    const size = Math.min(input.MaxRecords ?? 100, 100);
    const from = Number(input.Marker ?? 0);
    return { list: list.slice(from, from + size), marker: from + size < list.length ? String(from + size) : undefined };
  };
  const config = { region: REGION, credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake-secret' } };
  const ec2 = new EC2Client(config);
  const rds = new RDSClient(config);
  (ec2 as any).send = async () => ({ $metadata: {} });
  (rds as any).send = async (cmd: { constructor: { name: string }; input: any }) => {
    const command = cmd.constructor.name.replace(/Command$/, '');
    const filter = cmd.input.Filters?.find((f: { Name: string }) => f.Name === 'db-cluster-id');
    calls.push({ command, filtered: !!filter, marker: cmd.input.Marker });
    await new Promise((res) => setImmediate(res));
    if (command === 'DescribeAccountAttributes') {
      if (count === undefined) throw Object.assign(new Error('not authorized'), { name: 'AccessDenied' });
      return { AccountQuotas: [{ AccountQuotaName: 'DBInstances', Used: count, Max: 1000 }], $metadata: {} };
    }
    if (command === 'DescribeDBClusters') {
      const p = page(r.clusters, cmd.input);
      return { DBClusters: p.list, Marker: p.marker, $metadata: {} };
    }
    if (command === 'DescribeDBInstances') {
      if (!filter && cmd.input.Marker) await chainGate;
      const ids = new Set<string>(filter?.Values ?? []);
      const p = page(filter ? r.instances.filter((i) => ids.has(i.DBClusterIdentifier ?? '')) : r.instances, cmd.input);
      if (filter) setImmediate(() => onFiltered?.(++filteredAnswered));
      return { DBInstances: p.list, Marker: p.marker, $metadata: {} };
    }
    return { $metadata: {} };
  };
  const clients: RegionClients = { region: REGION, ec2, rds };
  return { clients, calls };
}

const never = new Promise<void>(() => undefined);

describe('the DB instances read of a load', () => {
  it('reads the clusters\u2019 members by db-cluster-id filters, in parallel, when RDS\u2019s count proves nothing lies outside the clusters', async () => {
    const r = region(200, 3, 0);
    // The chain's second page never answers: the load can only end through the filtered calls.
    const { clients, calls } = fakeClients(r, 600, never);
    const snap = await readRegion(clients);
    assert.equal(snap.instances.length, 600);
    assert.deepEqual(new Set(snap.instances.map((i) => i.instanceId)), new Set(r.instances.map((i) => i.DBInstanceIdentifier)));
    const filtered = calls.filter((c) => c.command === 'DescribeDBInstances' && c.filtered);
    // 600 members, up to 100 a call.
    assert.equal(filtered.length, 6 + 1, 'six whole batches of 33 clusters (99 members) and the rest');
    assert.ok(!snap.failures, 'no read failed');
  });

  it('an instance outside every cluster (the count is higher): the chain answers, and that instance is there', async () => {
    const r = region(200, 3, 1);
    let open!: () => void;
    const gate = new Promise<void>((res) => (open = res));
    // The chain goes on only once every filtered call has answered: they cannot prove the list whole.
    const { clients, calls } = fakeClients(r, 601, gate, (n) => n === 7 && open());
    const snap = await readRegion(clients);
    assert.equal(snap.instances.length, 601);
    assert.ok(
      snap.instances.some((i) => i.instanceId === 'mysql-0'),
      'the RDS for MySQL instance is listed',
    );
    assert.equal(calls.filter((c) => c.command === 'DescribeDBInstances' && !c.filtered).length, 7, 'the whole chain: 601 instances, 100 a page');
  });

  it('without the count (DescribeAccountAttributes refused) the chain is the answer and no filtered call is made', async () => {
    const r = region(120, 2, 3);
    const { clients, calls } = fakeClients(r, undefined, Promise.resolve());
    const snap = await readRegion(clients);
    assert.equal(snap.instances.length, 243);
    assert.equal(calls.filter((c) => c.command === 'DescribeDBInstances' && c.filtered).length, 0);
  });

  it('a Region of one page of instances asks one DescribeDBInstances call', async () => {
    const r = region(10, 3, 2);
    const { clients, calls } = fakeClients(r, 32, never);
    const snap = await readRegion(clients);
    assert.equal(snap.instances.length, 32);
    assert.equal(calls.filter((c) => c.command === 'DescribeDBInstances').length, 1);
  });
});

/** EC2 with `groups` groups spread over VPCs as `vpcOf(i)` says, in pages of 1,000 (AWS's largest); the chain's pages after the first wait for `chainGate`. */
function groupsClients(groups: number, vpcs: number, vpcOf: (i: number) => number, chainGate: Promise<void>) {
  const all = Array.from({ length: groups }, (_, i) => ({ GroupId: `sg-${i}`, GroupName: `g${i}`, VpcId: `vpc-${vpcOf(i)}` }));
  const calls: { command: string; filter?: string[]; token?: string }[] = [];
  const config = { region: REGION, credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake-secret' } };
  const ec2 = new EC2Client(config);
  const rds = new RDSClient(config);
  (rds as any).send = async () => ({ $metadata: {} });
  (ec2 as any).send = async (cmd: { constructor: { name: string }; input: any }) => {
    const command = cmd.constructor.name.replace(/Command$/, '');
    const filter: string[] | undefined = cmd.input.Filters?.find((f: { Name: string }) => f.Name === 'vpc-id')?.Values;
    calls.push({ command, filter, token: cmd.input.NextToken });
    await new Promise((res) => setImmediate(res));
    if (command === 'DescribeVpcs') return { Vpcs: Array.from({ length: vpcs }, (_, v) => ({ VpcId: `vpc-${v}` })), $metadata: {} };
    if (command === 'DescribeSecurityGroups') {
      if (!filter && cmd.input.NextToken) await chainGate;
      const list = filter ? all.filter((g) => filter.includes(g.VpcId)) : all;
      const from = Number(cmd.input.NextToken ?? 0);
      const size = cmd.input.MaxResults ?? 1000;
      return { SecurityGroups: list.slice(from, from + size), NextToken: from + size < list.length ? String(from + size) : undefined, $metadata: {} };
    }
    return { $metadata: {} };
  };
  const clients: RegionClients = { region: REGION, ec2, rds };
  return { clients, calls };
}

describe('the groups read of a load', () => {
  it('a full first page whose groups spread over the VPCs: the groups are asked by vpc-id filters in one round trip, each group once', async () => {
    // 2,400 groups over 12 VPCs; the chain's second page never answers.
    const { clients, calls } = groupsClients(2400, 12, (i) => i % 12, never);
    const snap = await readRegion(clients);
    assert.equal(snap.groups.length, 2400);
    assert.equal(new Set(snap.groups.map((g) => g.groupId)).size, 2400);
    const filtered = calls.filter((c) => c.command === 'DescribeSecurityGroups' && c.filter);
    assert.equal(filtered.length, 6, '12 VPCs shared out among the calls, 2 a call');
    assert.deepEqual(filtered.flatMap((c) => c.filter).sort(), Array.from({ length: 12 }, (_, v) => `vpc-${v}`).sort());
  });

  it('a VPC of more than a thousand groups pages within its call', async () => {
    // VPC 0 holds 1,600 of 3,000 (more than half, less than nine tenths of the first page).
    const { clients, calls } = groupsClients(3000, 3, (i) => (i % 15 < 8 ? 0 : 1 + (i % 2)), never);
    const snap = await readRegion(clients);
    assert.equal(snap.groups.length, 3000);
    assert.ok(
      calls.some((c) => c.command === 'DescribeSecurityGroups' && c.filter && c.token),
      'a filtered call followed its token',
    );
  });

  it('groups that sit in one VPC follow the chain: no filtered call', async () => {
    const { clients, calls } = groupsClients(2500, 4, (i) => (i < 2450 ? 0 : 1), Promise.resolve());
    const snap = await readRegion(clients);
    assert.equal(snap.groups.length, 2500);
    assert.equal(calls.filter((c) => c.command === 'DescribeSecurityGroups' && c.filter).length, 0);
    assert.equal(calls.filter((c) => c.command === 'DescribeSecurityGroups').length, 3);
  });
});
