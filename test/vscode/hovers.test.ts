// Issue 14 item 9 in the real VS Code: tags in the hovers of groups (also right after creating one
// with tags), clusters and DB instances; a group's hover gets a "Used by" part when it opens
// (resolveTreeItem), naming what could not be read and the permission it needs.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CreateNetworkInterfaceCommand, DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import { AddTagsToResourceCommand, DescribeDBClustersCommand, DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import type { Node } from '../../src/tree/nodes';
import { VsCodePrompter } from '../../src/ui/vscodePrompter';
import { startFaultProxy } from '../harness/faultProxy';
import type { TestAccountIds } from '../harness/seed';
import { script } from './scripted';
import { api, aws, AWS_URL, REGION, reseed, setSettings } from './util';

const run = <T>(cmd: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(cmd, ...args);
const text = (i: vscode.TreeItem) => (typeof i.tooltip === 'string' ? i.tooltip : (i.tooltip?.value ?? ''));

/** The hover as VS Code shows it when it opens: getTreeItem, then resolveTreeItem. */
async function hover(node: Node): Promise<string> {
  const { provider } = await api();
  const item = provider.getTreeItem(node);
  return text((await provider.resolveTreeItem(item, node)) ?? item);
}

describe('Hovers: tags and "Used by" in a real VS Code', () => {
  let ids: TestAccountIds;

  before(async () => {
    ids = await reseed();
    await setSettings({ endpoint: AWS_URL, regions: [REGION], profile: '' });
    await (await api()).ext.store.refreshAll([REGION]);
  });

  after(async () => {
    (await api()).ext.ui = new VsCodePrompter();
    await setSettings({ endpoint: AWS_URL, regions: [REGION], profile: '' });
  });

  it('a group created with tags shows them in its hover at once; its Used by says nothing uses it', async () => {
    await script();
    const id = await run<string>('auroraSg.createSecurityGroup', {
      region: REGION,
      vpcId: ids.vpcId,
      groupName: 'tagged-tier',
      description: 'Tagged',
      tags: { team: 'data', env: 'dev' },
    });
    assert.match(id, /^sg-/);
    const tip = await hover({ kind: 'group', region: REGION, groupId: id });
    assert.match(tip, /^- Tags: env=dev, team=data$/m);
    assert.match(tip, /^\*\*Used by\*\*\n- Nothing: no EC2 instance, database or network interface carries it$/m);
  });

  it("the app servers' group: Used by names its EC2 instance and the network interfaces of other services by type", async () => {
    const c = aws();
    const { Subnets } = await c.ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [ids.vpcId] }] }));
    await c.ec2.send(
      new CreateNetworkInterfaceCommand({ SubnetId: Subnets![0].SubnetId!, Groups: [ids.appGroupId], Description: 'AWS Lambda VPC ENI-orders-fn' }),
    );
    const tip = await hover({ kind: 'group', region: REGION, groupId: ids.appGroupId });
    assert.match(tip, /^- Tags: team=shop$/m);
    assert.match(tip, new RegExp(`^- EC2 instance: app\\\\-server\\\\-1 \`${ids.appServerInstanceId}\`$`, 'm'));
    assert.match(tip, /^- Other services: 1 network interface of AWS Lambda$/m);
    const db = await hover({ kind: 'group', region: REGION, groupId: ids.dbGroupId });
    assert.match(db, /^- Database: cluster orders\\-mysql$/m);
  });

  it('a cluster and a DB instance show their tags (DescribeDBClusters / DescribeDBInstances TagList)', async () => {
    const c = aws();
    const arn = (await c.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'orders-mysql' }))).DBClusters![0].DBClusterArn!;
    await c.rds.send(new AddTagsToResourceCommand({ ResourceName: arn, Tags: [{ Key: 'owner', Value: 'dba' }] }));
    const dbArn = (await c.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'reports-mysql' }))).DBInstances![0].DBInstanceArn!;
    await c.rds.send(new AddTagsToResourceCommand({ ResourceName: dbArn, Tags: [{ Key: 'backup', Value: 'daily' }] }));
    await (await api()).ext.store.refreshAll([REGION]);
    assert.match(await hover({ kind: 'cluster', region: REGION, clusterId: 'orders-mysql' }), /^- Tags: owner=dba$/m);
    assert.match(await hover({ kind: 'dbInstance', region: REGION, instanceId: 'reports-mysql' }), /^- Tags: backup=daily$/m);
  });

  it('DescribeNetworkInterfaces refused: the hover says it could not read that part and which permission it needs', async () => {
    const proxy = await startFaultProxy(AWS_URL, { awsRules: false });
    try {
      await setSettings({ endpoint: proxy.url, regions: [REGION], profile: '' });
      proxy.add({
        action: 'DescribeNetworkInterfaces',
        kind: 'error',
        times: Infinity,
        status: 403,
        code: 'UnauthorizedOperation',
        message: 'You are not authorized to perform this operation.',
      });
      await (await api()).ext.store.refreshAll([REGION]);
      const tip = await hover({ kind: 'group', region: REGION, groupId: ids.appGroupId });
      assert.match(tip, /^- Other services: could not read: needs ec2:DescribeNetworkInterfaces /m);
      assert.match(tip, /^- EC2 instance: app\\-server\\-1/m, 'what could be read is still shown');
      assert.doesNotMatch(tip, /Nothing/);
    } finally {
      await setSettings({ endpoint: AWS_URL, regions: [REGION], profile: '' });
      await proxy.close();
    }
  });
});
