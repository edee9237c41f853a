import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { AuthorizeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import type { TestAccountIds } from '../harness/seed';
import { api, aws, childLabels, children, descriptions, item, labelOf, logText, MOTO_URL, REGION, reseed, setSettings, walk } from './util';

describe('Foundation: activation, commands and the tree in a real VS Code', () => {
  let ids: TestAccountIds;

  before(async () => {
    ids = await reseed();
    await setSettings({ endpoint: MOTO_URL, regions: [REGION], profile: '' });
    await (await api()).ext.store.refreshAll([REGION]);
  });

  it('runs in a real VS Code 1.99 and activates without loading the AWS SDK (its time is the bench\'s job)', async () => {
    assert.match(vscode.version, /^1\.99\./);
    assert.match(await logText(), /Activated in [\d.]+ ms \(.*\); AWS SDK loaded: no/);
    const ext = vscode.extensions.getExtension('aurora-sg.aurora-sg')!;
    assert.ok(ext.isActive);
  });

  it('registers every contributed command', async () => {
    const all = new Set(await vscode.commands.getCommands(true));
    const pkg = vscode.extensions.getExtension('aurora-sg.aurora-sg')!.packageJSON as { contributes: { commands: { command: string }[] } };
    const missing = pkg.contributes.commands.map((c) => c.command).filter((c) => !all.has(c));
    assert.deepEqual(missing, []);
    assert.ok(pkg.contributes.commands.length >= 15);
  });

  it('shows the Region with VPCs, clusters and standalone instances', async () => {
    assert.deepEqual(await childLabels(), [REGION]);
    const region = await walk(REGION);
    assert.deepEqual(await childLabels(region), ['VPCs', 'Aurora DB clusters', 'RDS DB instances (not in a cluster)']);
    const vpcs = await childLabels(await walk(REGION, 'VPCs'));
    assert.ok(vpcs.includes('shop-vpc'), vpcs.join());
    assert.ok(vpcs.includes('analytics-vpc'), vpcs.join());
  });

  it('lists a VPC\'s groups with ids and rule counts, and labels rules like a network engineer', async () => {
    const vpc = await walk(REGION, 'VPCs', 'shop-vpc');
    const vpcItem = await item(vpc);
    assert.match(String(vpcItem.description), /^10\.20\.0\.0\/16 · 5 groups · vpc-[0-9a-f]+$/);
    const groups = await childLabels(vpc);
    assert.deepEqual(groups, ['default', 'appsrv1', 'dbsrv1', 'legacy-db', 'pgsrv1']);
    const descs = await descriptions(vpc);
    assert.ok(descs.includes(`1 in / 1 out · Aurora MySQL access · ${ids.dbGroupId}`), descs.join('\n'));

    const dbInbound = await walk(REGION, 'VPCs', 'shop-vpc', 'dbsrv1', 'Inbound');
    assert.deepEqual(await childLabels(dbInbound), [`tcp 3306 from appsrv1 (${ids.appGroupId})`]);
    const outbound = await walk(REGION, 'VPCs', 'shop-vpc', 'dbsrv1', 'Outbound');
    assert.deepEqual(await childLabels(outbound), ['all traffic to 0.0.0.0/0']);

    const pg = await walk(REGION, 'VPCs', 'shop-vpc', 'pgsrv1', 'Inbound');
    assert.deepEqual(await childLabels(pg), [`tcp 5432 from 198.51.100.0/24`, `tcp 5432 from appsrv1 (${ids.appGroupId})`]);
    assert.deepEqual(await descriptions(pg), ['BI tools', '']);

    const legacy = await walk(REGION, 'VPCs', 'shop-vpc', 'legacy-db', 'Inbound');
    assert.deepEqual(await childLabels(legacy), ['all traffic from 2001:db8::/32', 'tcp 3306 from 0.0.0.0/0']);
    const ruleItem = await item((await children(legacy))[1]);
    assert.equal(ruleItem.contextValue, 'rule.inbound');
    assert.ok(ruleItem.tooltip instanceof vscode.MarkdownString);
    assert.match((ruleItem.tooltip as vscode.MarkdownString).value, /sgr-/);
  });

  it('shows Aurora clusters with engine, port and status, their writer and reader, and attached groups', async () => {
    const clusters = await walk(REGION, 'Aurora DB clusters');
    assert.deepEqual(await childLabels(clusters), ['billing-pg', 'orders-mysql']);
    assert.deepEqual(await descriptions(clusters), ['Aurora PostgreSQL · port 5432 · available', 'Aurora MySQL · port 3306 · available']);
    const orders = await walk(REGION, 'Aurora DB clusters', 'orders-mysql');
    const labels = await childLabels(orders);
    assert.deepEqual(labels, ['orders-mysql-1', 'orders-mysql-2', 'dbsrv1']);
    const d = await descriptions(orders);
    assert.match(d[0], /^writer · db\.r6g\.large · available/);
    assert.match(d[1], /^reader · db\.r6g\.large · available/);
    const link = (await children(orders))[2];
    assert.equal(link.kind, 'group');
    const linkItem = await item(link);
    assert.equal(linkItem.contextValue, 'groupLink.cluster.available');
    assert.equal(linkItem.command?.command, 'auroraSg.revealGroup');
    // The attached group leads to the same group under its VPC.
    assert.deepEqual(await childLabels(await walk(REGION, 'Aurora DB clusters', 'orders-mysql', 'dbsrv1', 'Inbound')), [`tcp 3306 from appsrv1 (${ids.appGroupId})`]);
    const parent = (await api()).provider.getParent({ kind: 'group', region: REGION, groupId: ids.dbGroupId });
    assert.deepEqual(parent, { kind: 'vpc', region: REGION, vpcId: ids.vpcId });
    await vscode.commands.executeCommand('auroraSg.revealGroup', link);
  });

  it('resolves a cluster\'s VPC from its subnet group and lists plain RDS instances', async () => {
    const idx = (await api()).ext.store.index(REGION)!;
    assert.equal(idx.clustersById.get('orders-mysql')!.vpcId, ids.vpcId);
    const rds = await walk(REGION, 'RDS DB instances');
    assert.deepEqual(await childLabels(rds), ['reports-mysql']);
    assert.deepEqual(await childLabels(await walk(REGION, 'RDS DB instances', 'reports-mysql')), ['legacy-db']);
  });

  it('refresh picks up a change made outside the extension', async () => {
    const c = aws();
    await c.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({ GroupId: ids.dbGroupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, IpRanges: [{ CidrIp: '10.20.5.0/24' }] }] }),
    );
    const inbound = await walk(REGION, 'VPCs', 'shop-vpc', 'dbsrv1', 'Inbound');
    assert.equal((await children(inbound)).length, 1, 'cached until refresh');
    await vscode.commands.executeCommand('auroraSg.refresh', await walk(REGION, 'VPCs', 'shop-vpc', 'dbsrv1'));
    assert.deepEqual(await childLabels(inbound), ['tcp 3306 from 10.20.5.0/24', `tcp 3306 from appsrv1 (${ids.appGroupId})`]);
    await vscode.commands.executeCommand('auroraSg.refresh');
    assert.equal((await children(inbound)).length, 2);
  });

  it('copies ids and ARNs and builds console links', async () => {
    const cluster = await walk(REGION, 'Aurora DB clusters', 'orders-mysql');
    assert.equal(await vscode.commands.executeCommand('auroraSg.copyId', cluster), 'orders-mysql');
    assert.equal(await vscode.env.clipboard.readText(), 'orders-mysql');
    const arn = await vscode.commands.executeCommand<string>('auroraSg.copyArn', cluster);
    assert.match(arn, /^arn:aws:rds:us-east-1:\d+:cluster:orders-mysql$/);
    const group = await walk(REGION, 'VPCs', 'shop-vpc', 'dbsrv1');
    assert.match(await vscode.commands.executeCommand<string>('auroraSg.copyArn', group), new RegExp(`^arn:aws:ec2:us-east-1:\\d+:security-group/${ids.dbGroupId}$`));
  });

  it('shows several Regions side by side, each loaded on its own', async () => {
    await setSettings({ regions: [REGION, 'eu-west-1'] });
    assert.deepEqual(await childLabels(), [REGION, 'eu-west-1']);
    const eu = await walk('eu-west-1');
    const euKids = await childLabels(eu);
    // moto gives every Region a default VPC and nothing else
    assert.deepEqual(euKids, ['VPCs', 'Aurora DB clusters']);
    assert.deepEqual(await childLabels(await walk('eu-west-1', 'Aurora DB clusters')), ['No Aurora DB clusters in this Region']);
    await setSettings({ regions: [REGION] });
    assert.deepEqual(await childLabels(), [REGION]);
  });

  it('a bad endpoint gives an error node with the reason and a retry, not an empty tree', async () => {
    await setSettings({ endpoint: 'http://127.0.0.1:9' });
    const region = await walk(REGION);
    const kids = await children(region);
    assert.equal(kids.length, 1);
    const err = await item(kids[0]);
    assert.equal(err.contextValue, 'error');
    assert.match(labelOf(err), /^Failed to load us-east-1: .*(connect|ECONNREFUSED)/i);
    assert.equal(err.command?.command, 'auroraSg.refresh');
    await setSettings({ endpoint: MOTO_URL });
    assert.deepEqual(await childLabels(await walk(REGION)), ['VPCs', 'Aurora DB clusters', 'RDS DB instances (not in a cluster)']);
  });

  it('with no Region configured and none in the environment, the tree is empty so the welcome view shows', async () => {
    const saved = process.env.AWS_REGION;
    delete process.env.AWS_REGION;
    try {
      await setSettings({ regions: [] });
      assert.deepEqual(await children(), []);
    } finally {
      if (saved !== undefined) process.env.AWS_REGION = saved;
      await setSettings({ regions: [REGION] });
    }
  });

  it('logs each AWS call in the output channel', async () => {
    const a = await api();
    const before = a.ext.gateway().callCount;
    await vscode.commands.executeCommand('auroraSg.refresh');
    // six paginated reads per Region: VPCs, groups, rules, subnet groups, clusters, instances
    assert.equal(a.ext.gateway().callCount - before, 6);
  });
});
