// Issue 14 item 3 (second half) in the real VS Code: a revoke that cuts an EC2 instance's only path
// to a database offers, in the same confirmation, the narrower rule that keeps it connected; chosen,
// that rule is added and checked first, then the wide rule revoked (all through src/ops).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSubnetsCommand,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { DescribeDBClustersCommand, ModifyDBClusterCommand } from '@aws-sdk/client-rds';
import type { PathExplanation } from '../../src/domain/analysis';
import { VsCodePrompter } from '../../src/ui/vscodePrompter';
import { runEc2Instance, type TestAccountIds } from '../harness/seed';
import { script } from './scripted';
import { api, aws, AWS_URL, REGION, reseed, setSettings } from './util';

const run = <T>(cmd: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(cmd, ...args);

async function rulesOf(groupId: string): Promise<SecurityGroupRule[]> {
  const out = await aws().ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }));
  return (out.SecurityGroupRules ?? []).filter((r) => !r.IsEgress);
}

describe('Narrower replacement: a revoke that cuts the only path offers the narrower rule in the same step', () => {
  let ids: TestAccountIds;

  before(async () => {
    ids = await reseed();
    await setSettings({ endpoint: AWS_URL, regions: [REGION], profile: '' });
    const a = await api();
    await a.ext.store.refreshAll([REGION]);
    a.analysis.reset();
  });

  after(async () => {
    (await api()).ext.ui = new VsCodePrompter();
  });

  it("Apply Fix on 0.0.0.0/0 offers the app server's group first; chosen, it is added and checked, then the wide rule revoked, and app-server-1 still connects", async () => {
    const a = await api();
    const world = (await a.findings.all()).find((f) => f.finding.kind === 'db-port-world' && f.finding.groupId === ids.legacyGroupId);
    assert.ok(world?.finding.fix?.kind === 'revoke');
    const wideId = world.finding.fix.ruleIds[0];
    const p = await script(/^Replace with /);
    const removed = await run<string[]>('auroraSg.applyFindingFix', world);
    assert.deepEqual(removed, [wideId], p.errors.join());
    // One confirmation: the replacement first (the button Enter presses), removal alone second.
    assert.equal(p.confirms.length, 1);
    const c = p.confirms[0];
    assert.match(c.detail, /These lose their only path to the database:\n• reports-mysql \(port 3306\): .*app-server-1 \(i-/);
    assert.match(c.actions?.[0] ?? '', /^Replace with inbound tcp 3306 from appsrv1 \(sg-[0-9a-f]+\) \(app-server-1's group\)$/);
    assert.equal(c.actions?.[1], 'Remove Rule');
    assert.doesNotMatch(c.actions?.[0] ?? '', /default/);
    // AWS now has the narrower rule and not the wide one.
    const left = await rulesOf(ids.legacyGroupId);
    assert.ok(!left.some((r) => r.SecurityGroupRuleId === wideId), 'the wide rule is revoked');
    assert.ok(
      left.some((r) => r.FromPort === 3306 && r.ToPort === 3306 && r.ReferencedGroupInfo?.GroupId === ids.appGroupId),
      `the narrower rule is in place: ${JSON.stringify(left)}`,
    );
    assert.match(p.infos.join('\n'), /^Added sgr-[0-9a-f]+ \(tcp 3306 from appsrv1 \(sg-[0-9a-f]+\)\) to legacy-db and checked it; then removed 1 rule: /m);
    const path = await run<PathExplanation>('auroraSg.explainPath', {
      region: REGION,
      dbInstanceId: 'reports-mysql',
      source: { ec2InstanceId: ids.appServerInstanceId },
    });
    assert.equal(path.open, true, JSON.stringify(path.hops));
  });

  it('an instance with only the VPC default group is offered its private address (/32), never the default group; Cancel changes nothing', async () => {
    const a = await api();
    const c = aws();
    const { Subnets } = await c.ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [ids.vpcId] }] }));
    const batch = await runEc2Instance(c, Subnets![0].SubnetId!, [ids.defaultGroupId], 'batch-1');
    await c.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: ids.legacyGroupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }],
      }),
    );
    await a.ext.store.refreshAll([REGION]);
    const wide = (await rulesOf(ids.legacyGroupId)).find((r) => r.CidrIpv4 === '10.0.0.0/8')!;
    assert.ok(wide);
    const before = await rulesOf(ids.legacyGroupId);
    const p = await script(false);
    const r = await run('auroraSg.removeRule', { region: REGION, groupId: ids.legacyGroupId, ruleIds: [wide.SecurityGroupRuleId] });
    assert.equal(r, undefined);
    assert.equal(p.confirms.length, 1);
    const offer = p.confirms[0].actions?.[0] ?? '';
    assert.match(offer, /^Replace with inbound tcp 3306 from 10\.20\.\d+\.\d+\/32 \(batch-1's private address\)$/);
    assert.match(p.confirms[0].detail, new RegExp(`batch-1 \\(${batch}\\)`));
    assert.doesNotMatch(p.confirms[0].detail + offer, /from default/);
    assert.deepEqual(
      (await rulesOf(ids.legacyGroupId)).map((x) => x.SecurityGroupRuleId).sort(),
      before.map((x) => x.SecurityGroupRuleId).sort(),
      'declined: nothing was added or removed',
    );
  });

  /** orders-mysql keeps a second group, keep-db, with no rule: dbsrv1 stays app-server-1's only way in. */
  async function keepSecondGroup(): Promise<string> {
    const c = aws();
    const { GroupId } = await c.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'keep-db', Description: 'Kept', VpcId: ids.vpcId }));
    await c.rds.send(
      new ModifyDBClusterCommand({ DBClusterIdentifier: ids.mysqlClusterId, VpcSecurityGroupIds: [ids.dbGroupId, GroupId!], ApplyImmediately: true }),
    );
    await (await api()).ext.store.refreshAll([REGION]);
    return GroupId!;
  }

  it('removing a group from a cluster offers the rule on a group the cluster keeps; chosen, it is added and checked first, and app-server-1 still connects', async () => {
    const c = aws();
    const keepId = await keepSecondGroup();
    const p = await script(/^Replace with /);
    const after = await run<string[]>('auroraSg.disassociateFromCluster', { region: REGION, clusterId: ids.mysqlClusterId, groupId: ids.dbGroupId });
    assert.deepEqual(after, [keepId], p.errors.join());
    assert.equal(p.confirms.length, 1);
    const q = p.confirms[0];
    assert.match(q.detail, /These lose their only path to the database:\n• orders-mysql \(port 3306\): .*app-server-1 \(i-/);
    assert.match(q.actions?.[0] ?? '', /^Replace with inbound tcp 3306 from appsrv1 \(sg-[0-9a-f]+\) \(/);
    assert.equal(q.actions?.[1], 'Remove Only');
    assert.match(q.detail, /keep-db: inbound tcp 3306 from appsrv1/);
    // The rule is on keep-db (added before the group went), and the cluster has keep-db only.
    const kept = await rulesOf(keepId);
    assert.ok(
      kept.some((r) => r.FromPort === 3306 && r.ToPort === 3306 && r.ReferencedGroupInfo?.GroupId === ids.appGroupId),
      `the replacement is in place: ${JSON.stringify(kept)}`,
    );
    const { DBClusters } = await c.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: ids.mysqlClusterId }));
    assert.deepEqual(
      DBClusters?.[0]?.VpcSecurityGroups?.map((g) => g.VpcSecurityGroupId),
      [keepId],
    );
    const path = await run<PathExplanation>('auroraSg.explainPath', {
      region: REGION,
      clusterId: ids.mysqlClusterId,
      source: { ec2InstanceId: ids.appServerInstanceId },
      editor: false,
    });
    assert.equal(path.open, true, JSON.stringify(path.hops));
  });

  it('"Remove Only" removes the group and adds nothing; Escape changes nothing', async () => {
    ids = await reseed();
    const c = aws();
    const keepId = await keepSecondGroup();
    const arg = { region: REGION, clusterId: ids.mysqlClusterId, groupId: ids.dbGroupId };
    let p = await script(false);
    assert.equal(await run('auroraSg.disassociateFromCluster', arg), undefined);
    assert.equal(p.confirms.length, 1);
    const groups = async () =>
      (await c.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: ids.mysqlClusterId }))).DBClusters?.[0]?.VpcSecurityGroups?.map(
        (g) => g.VpcSecurityGroupId,
      ).sort();
    assert.deepEqual(await groups(), [ids.dbGroupId, keepId].sort(), 'declined: the cluster keeps both');
    assert.deepEqual(await rulesOf(keepId), [], 'declined: nothing added');
    p = await script('Remove Only');
    assert.deepEqual(await run<string[]>('auroraSg.disassociateFromCluster', arg), [keepId], p.errors.join());
    assert.deepEqual(await rulesOf(keepId), [], 'Remove Only adds nothing');
  });
});
