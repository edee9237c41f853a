// Reliability and security in the real extension host, against moto through a fault proxy that
// runs in this process (test/harness/faultProxy.ts): commands whose AWS answers are lost, fail or
// come slowly; races with "someone else" changing the account between the extension's read and
// its write (staged with the SDK, at the exact call when it matters); cancellation; credentials;
// secrets in everything the extension writes; hostile names, descriptions and command arguments;
// and load (rapid refreshes, a large Region in the tree and the analysis).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import fc from 'fast-check';
import * as vscode from 'vscode';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateTagsCommand,
  DeleteSecurityGroupCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, ModifyDBClusterCommand, ModifyDBInstanceCommand } from '@aws-sdk/client-rds';
import type { RegionSnapshot, SecurityGroupRule } from '../../src/domain/model';
import type { Node } from '../../src/tree/nodes';
import type { WalkthroughController } from '../../src/webview/walkthroughController';
import { watchWalkthrough } from '../harness/headlessWalkthrough';
import { startFaultProxy, type FaultProxy, type FaultRule } from '../harness/faultProxy';
import type { TestAccountIds } from '../harness/seed';
import { ScriptedPrompter, type Answer, script } from './scripted';
import type { ConfirmOptions } from '../../src/ui/prompter';
import { api, aws, AWS_URL, childLabels, children, item, labelOf, logText, REGION, reseed, setSettings, walk } from './util';

const run = <T>(cmd: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(cmd, ...args);

/** Counts for the README's reliability section, printed at the end. */
const tally = { faults: {} as Record<string, number>, races: 0, fuzzRuns: {} as Record<string, number> };

/** A prompter that runs `hook` when asked to confirm (to stage a race while the user looks at the dialog). */
class RacingPrompter extends ScriptedPrompter {
  constructor(
    answers: Answer[],
    private readonly hook: () => Promise<void>,
  ) {
    super(answers);
  }
  override async confirm(message: string, detail: string, action?: string, options?: ConfirmOptions): Promise<boolean> {
    await this.hook();
    return super.confirm(message, detail, action, options);
  }
}

/** A prompter that cancels every question (hostile arguments must not get further than a question). */
class CancellingPrompter extends ScriptedPrompter {
  override async pick<T>(): Promise<T> {
    throw Object.assign(new Error('Cancelled'), { name: 'CancelledError' });
  }
  override async pickMany<T>(): Promise<T[]> {
    throw Object.assign(new Error('Cancelled'), { name: 'CancelledError' });
  }
  override async input(): Promise<string> {
    throw Object.assign(new Error('Cancelled'), { name: 'CancelledError' });
  }
  override async confirm(): Promise<boolean> {
    return false;
  }
  override async choose(): Promise<string | undefined> {
    return undefined;
  }
}

async function rulesOf(groupId: string) {
  return (await aws().ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }))).SecurityGroupRules ?? [];
}
async function groupsNamed(vpcId: string, name: string) {
  return ((await aws().ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))).SecurityGroups ?? []).filter(
    (g) => g.GroupName === name,
  );
}
async function clusterGroups(clusterId: string): Promise<string[]> {
  const out = await aws().rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: clusterId }));
  return (out.DBClusters?.[0]?.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId!);
}
async function setClusterGroupsElsewhere(clusterId: string, groupIds: string[]): Promise<void> {
  await aws().rds.send(new ModifyDBClusterCommand({ DBClusterIdentifier: clusterId, VpcSecurityGroupIds: groupIds, ApplyImmediately: true }));
}
async function instanceGroups(id: string): Promise<string[]> {
  const out = await aws().rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
  return (out.DBInstances?.[0]?.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId!);
}
async function addRuleElsewhere(groupId: string, port: number, cidr: string): Promise<string> {
  const out = await aws().ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: groupId,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: cidr }] }],
    }),
  );
  return out.SecurityGroupRules![0].SecurityGroupRuleId!;
}

describe('Reliability: faults, races, cancellation, credentials, hostile input and load in a real VS Code', function () {
  this.timeout(180_000);
  let ids: TestAccountIds;
  let proxy: FaultProxy;

  const inject = (rule: FaultRule) => proxy.add(rule);
  const refresh = async () => (await api()).ext.store.refreshAll([REGION]);

  before(async () => {
    ids = await reseed();
    // Faults in front of the AWS-rules layer (AWS_URL); off here so the rules are not applied twice.
    proxy = await startFaultProxy(AWS_URL, { awsRules: false });
    await setSettings({ endpoint: proxy.url, regions: [REGION], profile: '' });
    await refresh();
  });

  afterEach(() => {
    for (const [k, n] of Object.entries(proxy.injected)) tally.faults[k] = (tally.faults[k] ?? 0) + n;
    for (const k of Object.keys(proxy.injected)) delete (proxy.injected as Record<string, number>)[k];
    proxy.clear();
    proxy.reset();
  });

  after(async () => {
    const { VsCodePrompter } = await import('../../src/ui/vscodePrompter');
    (await api()).ext.ui = new VsCodePrompter();
    await setSettings({ endpoint: AWS_URL, regions: [REGION], profile: '' });
    await proxy?.close();
    const total = Object.values(tally.faults).reduce((a, b) => a + b, 0);
    console.log(
      `    [reliability] faults injected in the extension host: ${JSON.stringify(tally.faults)} (${total}); races staged: ${tally.races}; fuzz runs: ${JSON.stringify(tally.fuzzRuns)}`,
    );
  });

  // -------------------------------------------------------------------------------------------
  describe('faults: every change says exactly what was and was not applied, and nothing is applied twice', () => {
    it('a rule whose answer was lost (AWS applied it, HTTP 500 came back) is reported as added, once', async () => {
      inject({ action: 'AuthorizeSecurityGroupIngress', kind: 'http500', after: true });
      const p = await script();
      const r = await run<string[]>('auroraSg.addInboundRule', {
        region: REGION,
        groupId: ids.appGroupId,
        protocol: 'tcp',
        fromPort: 8001,
        source: { cidr: '10.80.1.0/24' },
      });
      assert.deepEqual(p.errors, []);
      assert.equal(r?.length, 1);
      assert.match(
        p.infos.at(-1)!,
        /Added tcp 8001 from 10\.80\.1\.0\/24 to appsrv1 \(sgr-[0-9a-f]+\) \(AWS's first answer was lost; the retry found the rule in place; it was applied once\)/,
      );
      const matching = (await rulesOf(ids.appGroupId)).filter((x) => x.FromPort === 8001);
      assert.equal(matching.length, 1, 'exactly one rule in AWS');
      assert.equal(matching[0].SecurityGroupRuleId, r![0], 'and it is the one reported');
      assert.equal(proxy.count('AuthorizeSecurityGroupIngress', { forwarded: true }), 2, 'the SDK retried once');
      assert.ok((await children(await walk(REGION, 'VPCs', 'shop-vpc', 'appsrv1', 'Inbound'))).some((n) => n.kind === 'rule' && n.ruleId === r![0]));
    });

    it('every answer lost (applied on the first attempt, three HTTP 500s): still reported as added, once', async () => {
      inject({ action: 'AuthorizeSecurityGroupIngress', kind: 'http500', after: true, times: 3 });
      const p = await script();
      const r = await run<string[]>('auroraSg.addInboundRule', {
        region: REGION,
        groupId: ids.appGroupId,
        protocol: 'tcp',
        fromPort: 8002,
        source: { cidr: '10.80.2.0/24' },
      });
      assert.deepEqual(p.errors, []);
      assert.equal(r?.length, 1);
      assert.match(p.infos.at(-1)!, /applied once/);
      assert.equal((await rulesOf(ids.appGroupId)).filter((x) => x.FromPort === 8002).length, 1);
      assert.equal(proxy.count('AuthorizeSecurityGroupIngress'), 3);
    });

    it('a rule AWS never applied (HTTP 503 on every attempt) is reported as not added, and is not there', async () => {
      inject({ action: 'AuthorizeSecurityGroupIngress', kind: 'http503', times: 3 });
      const p = await script();
      const r = await run('auroraSg.addInboundRule', {
        region: REGION,
        groupId: ids.appGroupId,
        protocol: 'tcp',
        fromPort: 8003,
        source: { cidr: '10.80.3.0/24' },
      });
      assert.equal(r, undefined);
      assert.equal(p.errors.length, 1);
      assert.match(
        p.errors[0],
        /AWS had an internal error \(HTTP 503, Unavailable\)\. Try again in a moment\. Nothing was added: the group, read again, does not have the rule\./,
      );
      assert.equal((await rulesOf(ids.appGroupId)).filter((x) => x.FromPort === 8003).length, 0);
      assert.equal(proxy.count('AuthorizeSecurityGroupIngress', { forwarded: true }), 0);
    });

    it('throttled twice, then added: one rule, no error', async () => {
      inject({ action: 'AuthorizeSecurityGroupIngress', kind: 'throttle', times: 2 });
      const p = await script();
      const r = await run<string[]>('auroraSg.addInboundRule', {
        region: REGION,
        groupId: ids.appGroupId,
        protocol: 'tcp',
        fromPort: 8004,
        source: { cidr: '10.80.4.0/24' },
      });
      assert.deepEqual(p.errors, []);
      assert.equal(r?.length, 1);
      assert.equal((await rulesOf(ids.appGroupId)).filter((x) => x.FromPort === 8004).length, 1);
    });

    it('a group whose creation answer was lost (connection reset after AWS created it) is reported as created, once', async () => {
      inject({ action: 'CreateSecurityGroup', kind: 'reset', after: true });
      const p = await script();
      const id = await run<string>('auroraSg.createSecurityGroup', {
        region: REGION,
        vpcId: ids.vpcId,
        groupName: 'lost-answer-tier',
        description: 'Created once',
      });
      assert.deepEqual(p.errors, []);
      assert.match(id ?? '', /^sg-/);
      assert.match(
        p.infos.at(-1)!,
        /Created security group lost-answer-tier \(sg-[0-9a-f]+\) \(AWS's answer was lost; the group, looked up by name, was created once\)/,
      );
      const found = await groupsNamed(ids.vpcId, 'lost-answer-tier');
      assert.equal(found.length, 1);
      assert.equal(found[0].GroupId, id);
    });

    it('removing rules whose answer was lost is reported as done; the rules are gone', async () => {
      const a = await addRuleElsewhere(ids.legacyGroupId, 8101, '10.81.1.0/24');
      await refresh();
      inject({ action: 'RevokeSecurityGroupIngress', kind: 'http503', after: true });
      const node = (await children(await walk(REGION, 'VPCs', 'shop-vpc', 'legacy-db', 'Inbound'))).find((n) => n.kind === 'rule' && n.ruleId === a)!;
      const p = await script(true);
      const removed = await run<string[]>('auroraSg.removeRule', node, [node]);
      assert.deepEqual(p.errors, []);
      assert.deepEqual(removed, [a]);
      assert.ok(!(await rulesOf(ids.legacyGroupId)).some((r) => r.SecurityGroupRuleId === a));
    });

    it('a removal that fails part way says exactly which rules were removed and which were not', async () => {
      const a = await addRuleElsewhere(ids.legacyGroupId, 8102, '10.81.2.0/24');
      const b = await addRuleElsewhere(ids.pgGroupId, 8103, '10.81.3.0/24');
      await refresh();
      const nodeA = (await children(await walk(REGION, 'VPCs', 'shop-vpc', 'legacy-db', 'Inbound'))).find((n) => n.kind === 'rule' && n.ruleId === a)!;
      const nodeB = (await children(await walk(REGION, 'VPCs', 'shop-vpc', 'pgsrv1', 'Inbound'))).find((n) => n.kind === 'rule' && n.ruleId === b)!;
      // The first batch goes through; the second group's revoke fails on every attempt.
      inject({ action: 'RevokeSecurityGroupIngress', kind: 'http503', skip: 1, times: 3 });
      const p = await script(true);
      assert.equal(await run('auroraSg.removeRule', nodeA, [nodeA, nodeB]), undefined);
      assert.equal(p.errors.length, 1);
      assert.match(p.errors[0], new RegExp(`Removed: ${a}; not removed: ${b}\\.$`));
      assert.ok(!(await rulesOf(ids.legacyGroupId)).some((r) => r.SecurityGroupRuleId === a));
      assert.ok((await rulesOf(ids.pgGroupId)).some((r) => r.SecurityGroupRuleId === b));
    });

    it('a group deleted with its answer lost is reported as deleted, once', async () => {
      const { GroupId } = await aws().ec2.send(new CreateSecurityGroupCommand({ VpcId: ids.vpcId, GroupName: 'delete-me', Description: 'x' }));
      await refresh();
      inject({ action: 'DeleteSecurityGroup', kind: 'http500', after: true });
      const p = await script();
      assert.equal(await run('auroraSg.deleteSecurityGroup', { region: REGION, groupId: GroupId, confirmName: 'delete-me' }), GroupId);
      assert.deepEqual(p.errors, []);
      assert.match(p.infos.at(-1)!, /Deleted security group delete-me .*it was deleted once/);
      assert.deepEqual(await groupsNamed(ids.vpcId, 'delete-me'), []);
    });

    it('ModifyDBCluster: an answer lost is a success (the list is as sent); a call never applied changes nothing and says so', async () => {
      inject({ action: 'ModifyDBCluster', kind: 'http500', after: true, times: 3 });
      const p = await script(true);
      const r = await run<string[]>('auroraSg.associateWithCluster', { region: REGION, clusterId: ids.mysqlClusterId, groupIds: [ids.pgGroupId] });
      assert.deepEqual(p.errors, []);
      assert.deepEqual(r, [ids.dbGroupId, ids.pgGroupId]);
      assert.deepEqual(await clusterGroups(ids.mysqlClusterId), [ids.dbGroupId, ids.pgGroupId]);
      proxy.clear();
      inject({ action: 'ModifyDBCluster', kind: 'http503', times: 3 });
      const p2 = await script(true);
      assert.equal(await run('auroraSg.associateWithCluster', { region: REGION, clusterId: ids.mysqlClusterId, groupIds: [ids.appGroupId] }), undefined);
      assert.match(p2.errors[0], /HTTP 503.*Nothing was changed: orders-mysql still has dbsrv1 \(sg-[0-9a-f]+\), pgsrv1 \(sg-[0-9a-f]+\)\./);
      assert.deepEqual(await clusterGroups(ids.mysqlClusterId), [ids.dbGroupId, ids.pgGroupId]);
      await setClusterGroupsElsewhere(ids.mysqlClusterId, [ids.dbGroupId]);
      await refresh();
    });

    it('editRule: a lost answer is a success; a call never applied leaves the rule unchanged and says so', async () => {
      const id = await addRuleElsewhere(ids.appGroupId, 8201, '10.82.1.0/24');
      await refresh();
      inject({ action: 'ModifySecurityGroupRules', kind: 'reset', after: true, times: 3 });
      const p = await script(true); // the port changes: confirmed, though called with arguments
      assert.equal(await run('auroraSg.editRule', { region: REGION, ruleId: id, fromPort: 8202, toPort: 8202 }), id);
      assert.deepEqual(p.errors, []);
      assert.equal((await rulesOf(ids.appGroupId)).find((r) => r.SecurityGroupRuleId === id)?.FromPort, 8202);
      proxy.clear();
      inject({ action: 'ModifySecurityGroupRules', kind: 'http503', times: 3 });
      const p2 = await script(true);
      assert.equal(await run('auroraSg.editRule', { region: REGION, ruleId: id, fromPort: 8203, toPort: 8203 }), undefined);
      assert.match(p2.errors[0], /HTTP 503.*The rule, read again, is unchanged\./);
      assert.equal((await rulesOf(ids.appGroupId)).find((r) => r.SecurityGroupRuleId === id)?.FromPort, 8202);
    });

    it('a read that finally fails leaves a partly loaded Region: the rest is shown, the groups say why their rules are missing', async () => {
      inject({ action: 'DescribeSecurityGroupRules', kind: 'http503', times: Infinity });
      await run('auroraSg.refresh');
      assert.match(String((await item(await walk(REGION))).description), /^partly loaded · /);
      assert.deepEqual(await childLabels(await walk(REGION)), ['VPCs', 'DB clusters', 'RDS DB instances (not in a cluster)']);
      const group = await walk(REGION, 'VPCs', 'shop-vpc', 'dbsrv1');
      const rows = await children(group);
      assert.equal(rows.length, 1);
      const row = await item(rows[0]);
      assert.equal(row.contextValue, 'readFailure');
      assert.equal(labelOf(row), 'Could not read security group rules: needs ec2:DescribeSecurityGroupRules');
      assert.match(String(row.description), /^AWS had an internal error \(HTTP 503, Unavailable\)\. Try again in a moment\.$/);
      assert.equal(row.command?.command, 'auroraSg.refresh', 'click to retry');
      assert.ok(proxy.count('DescribeSecurityGroupRules', { fault: 'http503' }) >= 3, 'retried (three attempts), then the failure');
      proxy.clear();
      await run('auroraSg.refresh', row.command?.arguments?.[0]);
      assert.deepEqual(await childLabels(await walk(REGION, 'VPCs', 'shop-vpc', 'dbsrv1')), ['Inbound', 'Outbound'], 'the retry read the rules');
    });

    it('a tree load whose every read finally fails shows an error node with the reason, and keeps the last good data visible', async () => {
      inject({ action: /^Describe/, kind: 'http503', times: Infinity });
      await run('auroraSg.refresh');
      const kids = await children(await walk(REGION));
      const first = await item(kids[0]);
      assert.equal(first.contextValue, 'error');
      assert.match(labelOf(first), /^Failed to load us-east-1: AWS had an internal error \(HTTP 503, Unavailable\)\. Try again in a moment\.$/);
      assert.equal(first.command?.command, 'auroraSg.refresh', 'click to retry');
      assert.deepEqual((await childLabels(await walk(REGION))).slice(1), ['VPCs', 'DB clusters', 'RDS DB instances (not in a cluster)']);
      assert.ok((await childLabels(await walk(REGION, 'VPCs', 'shop-vpc'))).includes('dbsrv1'), 'the groups are still there');
      proxy.clear();
      await run('auroraSg.refresh', kids[0].kind === 'message' ? { kind: 'region', region: REGION } : kids[0]);
      assert.equal((await item((await children(await walk(REGION)))[0])).contextValue, 'section.vpcs', 'the retry cleared the error');
    });
  });

  // -------------------------------------------------------------------------------------------
  describe("races: someone else changes the account between the extension's read and its write", () => {
    it('a group added to the cluster elsewhere after the tree loaded is kept when associating another', async () => {
      tally.races++;
      await refresh();
      await setClusterGroupsElsewhere(ids.mysqlClusterId, [ids.dbGroupId, ids.appGroupId]);
      const p = await script(true);
      const r = await run<string[]>('auroraSg.associateWithCluster', { region: REGION, clusterId: ids.mysqlClusterId, groupIds: [ids.pgGroupId] });
      assert.deepEqual(p.errors, []);
      assert.deepEqual(r, [ids.dbGroupId, ids.appGroupId, ids.pgGroupId]);
      assert.deepEqual(await clusterGroups(ids.mysqlClusterId), [ids.dbGroupId, ids.appGroupId, ids.pgGroupId]);
      await setClusterGroupsElsewhere(ids.mysqlClusterId, [ids.dbGroupId]);
    });

    it('changed while the confirmation is shown: the extension refuses, and AWS keeps the other change', async () => {
      tally.races++;
      await refresh();
      const node = await walk(REGION, 'DB clusters', 'orders-mysql');
      const p = new RacingPrompter([['pgsrv1'], true], () => setClusterGroupsElsewhere(ids.mysqlClusterId, [ids.dbGroupId, ids.appGroupId]));
      (await api()).ext.ui = p;
      assert.equal(await run('auroraSg.associateWithCluster', node), undefined);
      assert.match(
        p.errors[0],
        /The groups of orders-mysql changed while you were choosing \(now: dbsrv1 \(sg-[0-9a-f]+\), appsrv1 \(sg-[0-9a-f]+\)\)\. Nothing was changed; run the command again\./,
      );
      assert.deepEqual(await clusterGroups(ids.mysqlClusterId), [ids.dbGroupId, ids.appGroupId]);
      assert.equal(proxy.count('ModifyDBCluster'), 0, 'no replacing write was sent');
      await setClusterGroupsElsewhere(ids.mysqlClusterId, [ids.dbGroupId]);
    });

    it('changed at the exact moment of the re-read before ModifyDBCluster: the re-read sees it, nothing is dropped', async () => {
      tally.races++;
      await refresh();
      // The command reads the cluster, then reads it again right before writing: the change lands on that second read.
      inject({
        action: 'DescribeDBClusters',
        kind: 'pass',
        skip: 1,
        before: () => setClusterGroupsElsewhere(ids.mysqlClusterId, [ids.dbGroupId, ids.appGroupId]),
      });
      const p = await script(true);
      assert.equal(await run('auroraSg.associateWithCluster', { region: REGION, clusterId: ids.mysqlClusterId, groupIds: [ids.pgGroupId] }), undefined);
      assert.match(p.errors[0], /changed while you were choosing/);
      assert.deepEqual(await clusterGroups(ids.mysqlClusterId), [ids.dbGroupId, ids.appGroupId]);
      assert.equal(proxy.count('ModifyDBCluster'), 0);
      await setClusterGroupsElsewhere(ids.mysqlClusterId, [ids.dbGroupId]);
    });

    it('the same for ModifyDBInstance on a standalone RDS instance', async () => {
      tally.races++;
      await refresh();
      inject({
        action: 'DescribeDBInstances',
        kind: 'pass',
        skip: 1,
        before: async () => {
          await aws().rds.send(
            new ModifyDBInstanceCommand({
              DBInstanceIdentifier: ids.rdsInstanceId,
              VpcSecurityGroupIds: [ids.legacyGroupId, ids.appGroupId],
              ApplyImmediately: true,
            }),
          );
        },
      });
      const p = await script(true);
      assert.equal(await run('auroraSg.associateWithInstance', { region: REGION, dbInstanceId: ids.rdsInstanceId, groupIds: [ids.dbGroupId] }), undefined);
      assert.match(p.errors[0], /The groups of reports-mysql changed while you were choosing/);
      assert.deepEqual(await instanceGroups(ids.rdsInstanceId), [ids.legacyGroupId, ids.appGroupId]);
      assert.equal(proxy.count('ModifyDBInstance'), 0);
      // Run again, as the message says: the merged list keeps the other change.
      proxy.clear();
      await script(true);
      assert.deepEqual(await run('auroraSg.associateWithInstance', { region: REGION, dbInstanceId: ids.rdsInstanceId, groupIds: [ids.dbGroupId] }), [
        ids.legacyGroupId,
        ids.appGroupId,
        ids.dbGroupId,
      ]);
      assert.deepEqual(await instanceGroups(ids.rdsInstanceId), [ids.legacyGroupId, ids.appGroupId, ids.dbGroupId]);
    });

    it('removing a group from a cluster keeps a group someone else added since the tree loaded', async () => {
      tally.races++;
      await setClusterGroupsElsewhere(ids.pgClusterId, [ids.pgGroupId, ids.legacyGroupId]);
      await refresh();
      const link = (await children(await walk(REGION, 'DB clusters', 'billing-pg'))).find((n) => n.kind === 'group' && n.groupId === ids.legacyGroupId)!;
      await setClusterGroupsElsewhere(ids.pgClusterId, [ids.pgGroupId, ids.legacyGroupId, ids.appGroupId]);
      // legacy-db's IPv6 range loses its path: the question offers its replacement; removing only is the race's point.
      const p = await script('Remove Only');
      assert.deepEqual(await run('auroraSg.disassociateFromCluster', link), [ids.pgGroupId, ids.appGroupId], p.errors.join());
      assert.match(p.confirms[0].detail, /Before: pgsrv1.*legacy-db.*appsrv1[\s\S]*After: +pgsrv1.*appsrv1/);
      assert.deepEqual(await clusterGroups(ids.pgClusterId), [ids.pgGroupId, ids.appGroupId]);
      await setClusterGroupsElsewhere(ids.pgClusterId, [ids.pgGroupId]);
    });

    it('a rule revoked elsewhere before removeRule: a clear message, a refreshed tree, and nothing else removed', async () => {
      tally.races++;
      const a = await addRuleElsewhere(ids.legacyGroupId, 8301, '10.83.1.0/24');
      const b = await addRuleElsewhere(ids.legacyGroupId, 8302, '10.83.2.0/24');
      await refresh();
      const inbound = await walk(REGION, 'VPCs', 'shop-vpc', 'legacy-db', 'Inbound');
      const nodes = (await children(inbound)).filter((n) => n.kind === 'rule' && (n.ruleId === a || n.ruleId === b));
      await aws().ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: ids.legacyGroupId, SecurityGroupRuleIds: [a] }));
      const p = await script(true);
      assert.equal(await run('auroraSg.removeRule', nodes[0], nodes), undefined);
      assert.equal(
        p.errors[0],
        `${a} no longer exists (removed since the tree was loaded); the tree has been refreshed. Nothing was removed: select the rules again.`,
      );
      assert.ok(
        (await rulesOf(ids.legacyGroupId)).some((r) => r.SecurityGroupRuleId === b),
        'the other rule is still there',
      );
      const shown = (await children(inbound)).filter((n) => n.kind === 'rule').map((n) => (n as { ruleId: string }).ruleId);
      assert.ok(!shown.includes(a) && shown.includes(b), 'the tree shows what AWS has');
      assert.equal(proxy.count('RevokeSecurityGroupIngress'), 0);
    });

    it('a stale group node (the group was deleted elsewhere): a clear message, and the tree drops it', async () => {
      tally.races++;
      const { GroupId } = await aws().ec2.send(new CreateSecurityGroupCommand({ VpcId: ids.vpcId, GroupName: 'gone-soon', Description: 'x' }));
      await refresh();
      const node = await walk(REGION, 'VPCs', 'shop-vpc', 'gone-soon');
      await aws().ec2.send(new DeleteSecurityGroupCommand({ GroupId }));
      const p = await script('Custom TCP port or range…', '9100', 'IPv4 or IPv6 CIDR range', '10.91.0.0/16', '');
      assert.equal(await run('auroraSg.addInboundRule', node), undefined);
      assert.equal(p.errors.length, 1);
      assert.match(p.errors[0], /The security group no longer exists in this Region\. The tree has been refreshed to show the current groups\./);
      assert.ok(!(await childLabels(await walk(REGION, 'VPCs', 'shop-vpc'))).includes('gone-soon'));
    });

    it('a stale rule node for editRule: a clear message, a refreshed tree, nothing changed', async () => {
      tally.races++;
      const a = await addRuleElsewhere(ids.appGroupId, 8401, '10.84.1.0/24');
      await refresh();
      const node = (await children(await walk(REGION, 'VPCs', 'shop-vpc', 'appsrv1', 'Inbound'))).find((n) => n.kind === 'rule' && n.ruleId === a)!;
      await aws().ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: ids.appGroupId, SecurityGroupRuleIds: [a] }));
      const p = await script('Description', 'new text');
      assert.equal(await run('auroraSg.editRule', node), undefined);
      assert.match(
        p.errors[0],
        new RegExp(`Rule ${a} no longer exists \\(someone removed it since the tree was loaded\\); the tree has been refreshed\\. Nothing was changed\\.`),
      );
      assert.ok(!(await children(await walk(REGION, 'VPCs', 'shop-vpc', 'appsrv1', 'Inbound'))).some((n) => n.kind === 'rule' && n.ruleId === a));
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('cancellation', () => {
    it('a slow load cancelled: the refresh ends at once, the tree keeps its data, nothing spins, no error', async () => {
      await refresh();
      const a = await api();
      inject({ action: 'DescribeSecurityGroupRules', kind: 'slow', delayMs: 8000 });
      const pending = run('auroraSg.refresh');
      await proxy.waitForRequest((r) => r.action === 'DescribeSecurityGroupRules' && r.fault === 'slow', { what: 'slow DescribeSecurityGroupRules' });
      assert.equal(a.ext.store.state(REGION)?.loading, true);
      a.ext.store.cancel(REGION);
      await pending;
      // At once: the refresh ended while the proxy still held the slow read back from moto.
      assert.equal(proxy.count('DescribeSecurityGroupRules', { fault: 'slow', forwarded: true }), 0, 'the refresh waited for the slow answer');
      const regionItem = await item(await walk(REGION));
      assert.equal((regionItem.iconPath as vscode.ThemeIcon).id, 'globe', 'not loading, not failed');
      assert.deepEqual(await childLabels(await walk(REGION)), ['VPCs', 'DB clusters', 'RDS DB instances (not in a cluster)']);
      assert.ok((await childLabels(await walk(REGION, 'VPCs', 'shop-vpc'))).includes('dbsrv1'));
      proxy.clear();
      await run('auroraSg.refresh');
      assert.equal(a.ext.store.state(REGION)?.error, undefined);
    });

    it('a first load cancelled shows "cancelled" with a retry, is not restarted by the tree, and loads on refresh', async () => {
      const a = await api();
      inject({ action: 'DescribeVpcs', region: 'eu-west-1', kind: 'slow', delayMs: 8000 });
      await setSettings({ regions: [REGION] });
      await setSettings({ regions: [REGION, 'eu-west-1'] });
      try {
        const roots = children(); // the tree asks for its rows: both Regions start loading
        await proxy.waitForRequest((r) => r.action === 'DescribeVpcs' && r.region === 'eu-west-1' && r.fault === 'slow', {
          what: 'slow DescribeVpcs in eu-west-1',
        });
        assert.equal(a.ext.store.state('eu-west-1')?.loading, true);
        a.ext.store.cancel('eu-west-1');
        await roots;
        assert.equal(proxy.count('DescribeVpcs', { fault: 'slow', forwarded: true }), 0, 'the rows waited for the slow Region');
        const kids = await children(await walk('eu-west-1'));
        const msg = await item(kids[0]);
        assert.equal(msg.contextValue, 'error');
        assert.equal(labelOf(msg), 'Failed to load eu-west-1: Cancelled.');
        assert.equal(msg.command?.command, 'auroraSg.refresh');
        const before = proxy.count('DescribeVpcs');
        await children(await walk('eu-west-1'));
        await children();
        assert.equal(proxy.count('DescribeVpcs'), before, 'the tree did not start it again by itself');
        proxy.clear();
        await run('auroraSg.refresh', kids[0]);
        assert.deepEqual(await childLabels(await walk('eu-west-1')), ['VPCs', 'DB clusters']);
      } finally {
        await setSettings({ regions: [REGION] });
      }
    });

    it('waiting for a database to settle stops when cancelled, when a newer wait starts, and when the connection changes', async () => {
      const a = await api();
      // The extension's own watches (Ext.settle), not a copy loaded from out/.
      const settle = a.ext.settle;
      const counts = [0, 0, 0];
      const modifying = (i: number) => async () => {
        counts[i]++;
        return { status: 'modifying', securityGroups: [{ status: 'adding' }] };
      };
      const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
      const fast = { firstMs: 10, everyMs: 20, maxTries: 1000 };
      const w0 = settle.watch('k0', modifying(0), fast);
      settle.watch('k1', modifying(1), fast);
      await sleep(150);
      w0.cancel();
      settle.watch('k1', modifying(2), fast); // a newer wait on the same database
      const [c0, c1] = [counts[0], counts[1]];
      await sleep(150);
      assert.ok(c0 > 0 && c1 > 0 && counts[2] > 0, JSON.stringify(counts));
      assert.equal(counts[0], c0, 'cancelled: no more polls');
      assert.ok(counts[1] <= c1 + 1, 'replaced: no more polls');
      await setSettings({ regions: [REGION, 'eu-west-1'] }); // the Regions change: every wait stops
      await sleep(50);
      const c2 = counts[2];
      await sleep(150);
      assert.equal(counts[2], c2, 'the connection changed: no more polls');
      settle.cancelAll();
      await setSettings({ regions: [REGION] });
      await refresh();
    });

    it('a Region that fails with nothing to show is not reloaded in a loop while the view is open', async () => {
      const a = await api();
      const EU = 'eu-west-1';
      inject({ action: /.*/, region: EU, kind: 'http503', times: Infinity });
      await vscode.commands.executeCommand('workbench.view.extension.auroraSg');
      await setSettings({ regions: [REGION] });
      // Watch the loop where it would turn: each load of EU the store starts, and each time VS Code
      // (or this test) asks the tree for its rows, which is what would start the next load.
      const rootCalls: Promise<unknown>[] = [];
      let onRootCall: () => void = () => undefined;
      let loadsStarted = 0;
      let loadsAtFailure = 0;
      let wasLoading = false;
      let failedAt: number | undefined;
      let requestsAtStart = 0;
      let onFailed: () => void = () => undefined;
      const failed = new Promise<void>((resolve) => (onFailed = resolve));
      const sub = a.ext.store.onChange(() => {
        const loading = a.ext.store.isLoading(EU);
        // Each load started (a settings change may cancel one and start the next: not a loop), and
        // the requests from the start of the latest one.
        if (loading && !wasLoading) {
          loadsStarted++;
          requestsAtStart = proxy.requests.filter((r) => r.region === EU).length;
        }
        wasLoading = loading;
        const st = a.ext.store.state(EU);
        if (failedAt === undefined && st && !st.loading && st.error) {
          failedAt = rootCalls.length;
          loadsAtFailure = loadsStarted;
          onFailed();
        }
      });
      const original = a.provider.getChildren;
      a.provider.getChildren = function (this: typeof a.provider, parent?: Node) {
        const p = original.call(this, parent);
        if (!parent) {
          rootCalls.push(p.catch(() => undefined));
          onRootCall();
        }
        return p;
      };
      const nextRootCallFrom = (i: number) =>
        new Promise<Promise<unknown>>((resolve) => {
          const check = () => {
            if (rootCalls.length > i) resolve(rootCalls[i]);
          };
          onRootCall = check;
          check();
        });
      const timeout = (ms: number, what: string) =>
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} within ${ms / 1000} s`)), ms).unref());
      try {
        await setSettings({ regions: [REGION, EU] });
        await children();
        await Promise.race([failed, timeout(60_000, `the load of ${EU} did not fail`)]);
        // The failure changed the store: the open view asks for its rows again. That is where a loop
        // would start the next load; wait for that request and its answer, then look.
        const rerender = await Promise.race([nextRootCallFrom(failedAt!), timeout(30_000, 'VS Code did not ask the tree for its rows after the failure')]);
        await rerender;
        await children();
        const err = await item((await children(await walk(EU)))[0]);
        assert.match(labelOf(err), /^Failed to load eu-west-1: AWS had an internal error \(HTTP 503/);
        // The loop would start a load after the failure: none may start.
        assert.equal(loadsStarted, loadsAtFailure, `${loadsStarted - loadsAtFailure} loads of ${EU} after it failed`);
        assert.equal(a.ext.store.isLoading(EU), false, 'a new load started');
        // One load: each of its calls (the reads of the Region, the quota reads among them) at most
        // three attempts, never a second round. Counted from the start of that load: before it, the
        // proxy may have seen the tail of an earlier test's load of the same Region, cancelled when
        // this test changed the Regions.
        const all = proxy.requests.filter((r) => r.region === EU).slice(requestsAtStart);
        const perCall = new Map<string, number>();
        for (const r of all) perCall.set(r.action, (perCall.get(r.action) ?? 0) + 1);
        assert.ok(
          all.length > 0 && [...perCall.values()].every((n) => n <= 3),
          `${all.length} requests for the failing Region: ${[...perCall].map(([k, n]) => `${k} ×${n}`).join(', ')}`,
        );
      } finally {
        a.provider.getChildren = original;
        sub.dispose();
        await setSettings({ regions: [REGION] });
      }
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('credentials and secrets', () => {
    const KEY_ID = 'AKIAAURORALEAKTEST42';
    const SECRET = 'aurora-leak-secret-7f3c1b9d2e4a6c8e0f1a3b5d';
    const TOKEN = 'IQoJauroraLeakSessionToken9c8b7a6f5e4d3c2b1a0';
    const PROFILE = 'aurora-leak-test';

    async function everythingShown(node?: Node): Promise<string[]> {
      const out: string[] = [];
      for (const k of await children(node)) {
        const i = await item(k);
        out.push(labelOf(i), String(i.description ?? ''), i.tooltip instanceof vscode.MarkdownString ? i.tooltip.value : String(i.tooltip ?? ''));
        if (i.collapsibleState !== vscode.TreeItemCollapsibleState.None && k.kind !== 'rule') out.push(...(await everythingShown(k)));
      }
      return out;
    }

    it('no secret, token or signed header appears in the output channel, a notification, the tree or the walkthrough webview', async () => {
      const credFile = process.env.AWS_SHARED_CREDENTIALS_FILE!;
      assert.ok(credFile, 'the launcher points AWS_SHARED_CREDENTIALS_FILE at a scratch file');
      fs.writeFileSync(
        credFile,
        `[${PROFILE}]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\naws_session_token = ${TOKEN}\nregion = ${REGION}\n`,
      );
      const a = await api();
      await setSettings({ profile: PROFILE });
      try {
        const p = await script();
        a.ext.ui = p;
        await refresh();
        // Something that works, something that fails in a command, and errors that echo the request.
        await run('auroraSg.addInboundRule', {
          region: REGION,
          groupId: ids.appGroupId,
          protocol: 'tcp',
          fromPort: 8501,
          source: { cidr: '10.85.1.0/24' },
          description: 'Leak test',
        });
        inject({
          action: 'AuthorizeSecurityGroupIngress',
          kind: 'error',
          status: 403,
          code: 'SignatureDoesNotMatch',
          message: (req) => `Signature mismatch. Authorization: ${req.headers.authorization} X-Amz-Security-Token: ${req.headers['x-amz-security-token']}`,
        });
        await run('auroraSg.addInboundRule', { region: REGION, groupId: ids.appGroupId, protocol: 'tcp', fromPort: 8502, source: { cidr: '10.85.2.0/24' } });
        inject({
          action: 'DescribeVpcs',
          kind: 'error',
          status: 400,
          code: 'ExpiredToken',
          message: (req) => `The security token ${req.headers['x-amz-security-token']} included in the request is expired`,
        });
        await run('auroraSg.refresh');
        inject({
          action: 'CreateSecurityGroup',
          kind: 'error',
          status: 400,
          code: 'InvalidParameterValue',
          message: (req) => `Bad request ${req.params.toString()} signed ${req.headers.authorization}`,
        });
        await run('auroraSg.createSecurityGroup', { region: REGION, vpcId: ids.vpcId, groupName: 'leak-probe', description: 'x' });

        // The credentials really were in play: the proxy saw them.
        const auth = proxy.requests.map((r) => String(r.headers.authorization ?? '')).join('\n');
        assert.ok(auth.includes(`Credential=${KEY_ID}/`), 'requests were signed with the test profile');
        assert.ok(
          proxy.requests.some((r) => r.headers['x-amz-security-token'] === TOKEN),
          'the session token was sent',
        );

        const errorNode = await item((await children(await walk(REGION)))[0]);
        assert.match(
          labelOf(errorNode),
          new RegExp(`session token has expired\\. Sign in again \\(for SSO: aws sso login --profile ${PROFILE}\\), or choose another profile`),
        );
        assert.ok(
          p.errors.some((e) => /could not verify the request signature/.test(e)),
          p.errors.join('\n'),
        );

        // The walkthrough webview: what it is sent (its view and notices) and its HTML, while reads fail with echoing errors.
        const c = await run<WalkthroughController>('auroraSg.openWalkthrough', { kind: 'cluster', region: REGION, clusterId: ids.mysqlClusterId });
        const seen = watchWalkthrough(c);
        let webview = '';
        try {
          for (let i = 0; i < 100 && seen.viewsPosted === 0; i++) await new Promise((r) => setTimeout(r, 100));
          inject({
            action: /^Describe(Vpcs|Instances)$/,
            kind: 'error',
            status: 403,
            code: 'SignatureDoesNotMatch',
            times: Infinity,
            message: (req) => `Signature mismatch. Authorization: ${req.headers.authorization} X-Amz-Security-Token: ${req.headers['x-amz-security-token']}`,
          });
          await c.handle({ type: 'refresh' });
          webview = [JSON.stringify(await c.view()), ...seen.notices.map((n) => n.text), c.webviewPanel?.webview.html ?? ''].join('\n');
          assert.ok(webview.length > 1000, 'the webview had content to scan');
        } finally {
          c.dispose();
          proxy.clear();
        }

        const written = [await logText(), ...p.infos, ...p.warnings, ...p.errors, ...(await everythingShown()), webview].join('\n');
        for (const secret of [SECRET, TOKEN, KEY_ID]) assert.ok(!written.includes(secret), `${secret.slice(0, 12)}… was written out`);
        for (const header of ['X-Amz-Signature', 'X-Amz-Security-Token: I', 'Signature=', 'Credential=AKIA', 'AWS4-HMAC-SHA256 Credential']) {
          assert.ok(!written.includes(header), `"${header}" was written out`);
        }
        assert.match(written, /Signature mismatch\. Authorization: \[redacted\]/, 'the echoed header was redacted, not dropped silently');
      } finally {
        proxy.clear();
        await setSettings({ profile: '' });
        fs.rmSync(credFile, { force: true });
        await refresh();
      }
    });

    it('a missing profile gives a specific message with the way to fix it', async () => {
      await setSettings({ profile: 'no-such-profile', endpoint: 'https://ec2.aurora-sg-test.invalid' });
      try {
        const kids = await children(await walk(REGION));
        const msg = await item(kids[0]);
        assert.equal(msg.contextValue, 'error');
        assert.match(
          labelOf(msg),
          /^Failed to load us-east-1: No AWS credentials were found for profile no-such-profile\. Choose a profile \(click the ☁ status-bar item → Select Profile…, or run "Aurora SG: Select AWS Profile"\)/,
        );
      } finally {
        await setSettings({ profile: '', endpoint: proxy.url });
      }
    });

    it('summarise() hides secret-looking keys in what it logs of a call', async () => {
      const { summarise } = await import('../../src/ext');
      const s = summarise({
        GroupId: 'sg-1',
        SecretAccessKey: SECRET,
        SessionToken: TOKEN,
        nested: { Password: 'hunter2', Credentials: { AccessKeyId: KEY_ID } },
      });
      for (const v of [SECRET, TOKEN, 'hunter2', KEY_ID]) assert.ok(!s.includes(v), s);
      assert.match(s, /"GroupId":"sg-1"/);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('hostile input', () => {
    const HOSTILE_NAME = '[x](command:auroraSg.refresh) <img src=x onerror=alert(1)>';
    const HOSTILE_DESC = '**bold** <script>alert(1)</script> [click](command:workbench.action.openSettings) $(alert) `code` &amp;';
    let hostileGroup = '';

    before(async () => {
      // The Markdown extension renders $…$ as math; VS Code's hovers do not: render as hovers do.
      await vscode.workspace.getConfiguration('markdown.math').update('enabled', false, vscode.ConfigurationTarget.Global);
      // moto accepts any text; AWS allows [ ] ( ) : in names and descriptions and any text in tags.
      const { GroupId } = await aws().ec2.send(new CreateSecurityGroupCommand({ VpcId: ids.vpcId, GroupName: HOSTILE_NAME, Description: HOSTILE_DESC }));
      hostileGroup = GroupId!;
      await aws().ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId,
          IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: HOSTILE_DESC }] }],
        }),
      );
      await aws().ec2.send(new CreateTagsCommand({ Resources: [ids.otherVpcId], Tags: [{ Key: 'Name', Value: `<b>vpc</b> ${HOSTILE_NAME}` }] }));
      await refresh();
    });

    after(async () => {
      await vscode.workspace.getConfiguration('markdown.math').update('enabled', undefined, vscode.ConfigurationTarget.Global);
    });

    /** What VS Code would render: markdown-it (the built-in Markdown extension), HTML allowed. */
    async function render(md: vscode.MarkdownString): Promise<string> {
      return vscode.commands.executeCommand<string>('markdown.api.render', md.value);
    }

    function assertInert(md: vscode.MarkdownString, html: string, where: string, showsDescription = false): void {
      assert.ok(!md.isTrusted, `${where}: a trusted tooltip could run command links`);
      assert.doesNotMatch(md.value, /(^|[^\\])<(img|script|b)\b/, `${where}: raw HTML in ${md.value}`);
      assert.doesNotMatch(md.value, /(^|[^\\])\]\((command|https?):/, `${where}: a link in ${md.value}`);
      // The tooltip's own formatting (bold, lists, code) is fine; nothing from the names may add any.
      assert.doesNotMatch(html, /<(img|script|a|b|em)[\s>]/, `${where} renders as HTML: ${html}`);
      assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;|&lt;script&gt;alert\(1\)&lt;\/script&gt;/, `${where}: the text is shown as text: ${html}`);
      if (showsDescription)
        assert.ok(
          html.includes('**bold**') && html.includes('[click](command:workbench.action.openSettings)'),
          `${where}: the description stays literal: ${html}`,
        );
    }

    it('names, descriptions and tags with markup never render as HTML or links in tooltips', async () => {
      const vpcs = await children(await walk(REGION, 'VPCs'));
      const vpcItems = await Promise.all(vpcs.map(async (n) => ({ n, i: await item(n) })));
      const hostileVpc = vpcItems.find((x) => x.n.kind === 'vpc' && x.n.vpcId === ids.otherVpcId)!;
      assert.equal(labelOf(hostileVpc.i), `<b>vpc</b> ${HOSTILE_NAME}`, 'labels are plain text, shown as is');
      assertInert(hostileVpc.i.tooltip as vscode.MarkdownString, await render(hostileVpc.i.tooltip as vscode.MarkdownString), 'VPC tooltip');

      const groupNode = (await children(await walk(REGION, 'VPCs', 'shop-vpc'))).find((n) => n.kind === 'group' && n.groupId === hostileGroup)!;
      // A group's hover is made when it opens (resolveTreeItem), with its "Used by" part.
      const groupItem = await (await api()).provider.resolveTreeItem(await item(groupNode), groupNode);
      assertInert(groupItem.tooltip as vscode.MarkdownString, await render(groupItem.tooltip as vscode.MarkdownString), 'group tooltip', true);

      const inbound = (await children(groupNode))[0];
      const ruleNode = (await children(inbound))[0];
      const ruleItem = await item(ruleNode);
      assert.equal(ruleItem.description, HOSTILE_DESC);
      assertInert(ruleItem.tooltip as vscode.MarkdownString, await render(ruleItem.tooltip as vscode.MarkdownString), 'rule tooltip', true);
    });

    it('any text as a name or description renders as exactly that text (property-based, through md())', async () => {
      const { md } = await import('../../src/tree/provider');
      const runs = 150;
      tally.fuzzRuns['tooltip escaping'] = runs;
      const text = fc.string({ unit: fc.constantFrom(...'<>[]()!*_`#+-.|{}&;:/\\~$=" \'abcimgsrcommand'), maxLength: 40 });
      await fc.assert(
        fc.asyncProperty(text, async (t) => {
          const rendered = await vscode.commands.executeCommand<string>('markdown.api.render', `x ${md(t)}`);
          // VS Code's built-in "Mermaid Markdown Features" extension (1.139 on) prepends one empty
          // <span id="markdown-mermaid" aria-hidden="true" data-config="…"></span> to every rendered
          // document, whatever its text: drop exactly that leading span and nothing else.
          const html = rendered.replace(/^<span id="markdown-mermaid" aria-hidden="true" data-config="[^"<>]*"><\/span>\s*/, '');
          assert.doesNotMatch(html, /<(?!\/?p\b)[a-z]/i, `md(${JSON.stringify(t)}) renders tags: ${html}`);
          const shown = html
            .replace(/<\/?p[^>]*>/g, '')
            .replace(/&lt;/g, '<')
            .replace(/&gt;/g, '>')
            .replace(/&quot;/g, '"')
            .replace(/&amp;/g, '&')
            .trim();
          const norm = (x: string) => x.replace(/\s+/g, ' ').trim();
          assert.equal(norm(shown), norm(`x ${t}`), `md(${JSON.stringify(t)}) shows ${shown}`);
        }),
        { numRuns: runs },
      );
    });

    it('names from AWS never become links in a notification', async () => {
      const p = await script();
      const r = await run<string[]>('auroraSg.addInboundRule', {
        region: REGION,
        groupId: hostileGroup,
        protocol: 'tcp',
        fromPort: 8601,
        source: { cidr: '10.86.1.0/24' },
      });
      assert.equal(r?.length, 1, p.errors.join());
      // VS Code's own pattern for links in notification text (vs/base/common/linkedText.ts).
      const LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;
      for (const m of [...p.infos, ...p.warnings, ...p.errors]) assert.doesNotMatch(m, LINK, m);
      assert.ok(p.infos.at(-1)!.includes('command:auroraSg.refresh'), 'the name is still shown');
    });

    it('every change command, fuzzed with arbitrary and almost-valid arguments: refused, never an internal error, garbage never reaches AWS', async () => {
      const a = await api();
      // Known-good arguments for each command, which the fuzzer then breaks one to three fields at a time.
      const ruleId = (await rulesOf(ids.appGroupId)).find((r) => !r.IsEgress)!.SecurityGroupRuleId!;
      const target = (await aws().ec2.send(new CreateSecurityGroupCommand({ VpcId: ids.vpcId, GroupName: 'fuzz-target', Description: 'x' }))).GroupId!;
      await refresh();
      const bases: Record<string, Record<string, unknown>> = {
        'auroraSg.createSecurityGroup': { region: REGION, vpcId: ids.vpcId, groupName: 'fuzz-group', description: 'Fuzz', tags: { team: 'fuzz' } },
        'auroraSg.addInboundRule': {
          region: REGION,
          groupId: ids.appGroupId,
          protocol: 'tcp',
          fromPort: 9443,
          toPort: 9443,
          source: { cidr: '10.99.0.0/16' },
          description: 'fuzz',
        },
        'auroraSg.addOutboundRule': { region: REGION, groupId: ids.appGroupId, protocol: 'udp', fromPort: 53, source: { groupId: ids.dbGroupId } },
        'auroraSg.editRule': { region: REGION, ruleId, fromPort: 9444, toPort: 9444, description: 'fuzz' },
        'auroraSg.removeRule': { region: REGION, groupId: ids.appGroupId, ruleIds: [ruleId] },
        'auroraSg.deleteSecurityGroup': { region: REGION, groupId: target, confirmName: 'fuzz-target' },
        'auroraSg.associateWithCluster': { region: REGION, clusterId: ids.mysqlClusterId, groupIds: [ids.appGroupId] },
        'auroraSg.disassociateFromCluster': { region: REGION, clusterId: ids.mysqlClusterId, groupId: ids.dbGroupId },
        'auroraSg.associateWithInstance': { region: REGION, dbInstanceId: ids.rdsInstanceId, groupIds: [ids.pgGroupId] },
        'auroraSg.disassociateFromInstance': { region: REGION, dbInstanceId: ids.rdsInstanceId, groupId: ids.legacyGroupId },
      };
      const commands = Object.keys(bases);
      const keys = [...new Set([...Object.values(bases).flatMap((b) => Object.keys(b)), 'kind', 'via', 'userId', 'prefixListId', 'cidr', 'ruleIds'])];
      const DROP = Symbol('drop');
      const weird = fc.oneof(
        fc.anything({ maxDepth: 2 }),
        fc.string(),
        fc.constantFrom<unknown>(
          DROP,
          REGION,
          'us-east-1 ',
          ['us-east-1'],
          ids.appGroupId,
          [ids.appGroupId],
          ` ${ids.appGroupId}`,
          'sg-0000000000000dead',
          'orders-mysql',
          ['orders-mysql'],
          'sgr-0123456789abcdef0',
          '__proto__',
          'constructor',
          'tcp',
          'icmpv6',
          '-1',
          3306,
          -1,
          65536,
          1.5,
          1e21,
          NaN,
          Infinity,
          null,
          true,
          {},
          [],
          { cidr: '0.0.0.0/0' },
          { groupId: 'sg-12345678', userId: 'x' },
          { prefixListId: 'pl-12345678' },
          { cidr: 5 },
          'a&b',
          '<img src=x>',
          'group',
          'rule',
          'cluster',
        ),
      );
      const almostValid = fc.tuple(fc.constantFrom(...commands), fc.array(fc.tuple(fc.constantFrom(...keys), weird), { maxLength: 3 })).map(([cmd, muts]) => {
        const arg: Record<string, unknown> = structuredClone(bases[cmd]);
        for (const [k, v] of muts) {
          if (v === DROP) delete arg[k];
          else arg[k] = v;
        }
        return { cmd, arg };
      });
      const anything = fc.tuple(fc.constantFrom(...commands), fc.anything({ maxDepth: 3 })).map(([cmd, arg]) => ({ cmd, arg: arg as unknown }));
      // Every run asserts the properties that matter (no internal error, nothing malformed sent,
      // nothing applied); the share of runs refused before AWS is the fuzzer's, reported, not checked.
      const runs = 1000;
      tally.fuzzRuns['command arguments'] = runs;
      // AWS refuses every write here: arguments good enough to be sent are refused there, and the account never changes.
      inject({
        action: /^(?!Describe)/,
        // The permission check (DryRun) is refused too, as AWS refuses it for a missing permission.
        dryRun: true,
        kind: 'error',
        status: 403,
        code: 'UnauthorizedOperation',
        message: 'You are not authorized to perform this operation.',
        times: Infinity,
      });
      proxy.reset();
      let refusedBeforeAws = 0;
      let sent = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.oneof({ arbitrary: almostValid, weight: 3 }, { arbitrary: anything, weight: 1 }),
          fc.option(fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 3 }), { nil: undefined }),
          async ({ cmd, arg }, selected) => {
            const p = new CancellingPrompter([]);
            a.ext.ui = p;
            const before = proxy.requests.length;
            const result = await run(cmd, arg, selected);
            const what = `${cmd}(${safeJson(arg)})`;
            assert.ok(!p.errors.some((e) => /internal error/i.test(e)), `${what}: ${p.errors.join(' | ')}`);
            assert.ok(p.errors.length <= 1, `${what}: ${p.errors.join(' | ')}`);
            assert.deepEqual(p.infos, [], `${what} reported success: ${p.infos.join(' | ')}`);
            assert.equal(result, undefined, `${what} returned ${safeJson(result)}`);
            const writes = proxy.requests.slice(before).filter((r) => !r.action.startsWith('Describe'));
            for (const w of writes) {
              assert.equal(w.forwarded, false);
              for (const [k, v] of w.params) {
                // The one empty value that is meant: ModifySecurityGroupRules replaces the whole rule,
                // and an empty Description is how an edit says "no description" (src/aws/writes.ts).
                if (v === '' && w.action === 'ModifySecurityGroupRules' && /^SecurityGroupRule\.\d+\.SecurityGroupRule\.Description$/.test(k)) continue;
                assert.doesNotMatch(v, /^$|undefined|NaN|Infinity|\[object|function /, `${what} sent ${w.action} with ${k}=${v}`);
              }
            }
            if (writes.length) sent++;
            else if (p.errors.length) refusedBeforeAws++;
          },
        ),
        { numRuns: runs },
      );
      // The proxy's refusals of writes are part of the fuzz harness, not faults under test.
      tally.fuzzRuns['writes refused by the proxy'] = proxy.injected.error ?? 0;
      delete (proxy.injected as Record<string, number>).error;
      tally.fuzzRuns['refused before any AWS call'] = refusedBeforeAws;
      tally.fuzzRuns['valid enough to reach AWS (refused there)'] = sent;
      assert.ok(sent > 0, 'some arguments were good enough to be sent');
      proxy.clear();
      assert.deepEqual(await groupsNamed(ids.vpcId, 'fuzz-group'), [], 'nothing was created');
      assert.ok((await groupsNamed(ids.vpcId, 'fuzz-target')).length === 1, 'nothing was deleted');
      assert.deepEqual(await clusterGroups(ids.mysqlClusterId), [ids.dbGroupId]);
      assert.deepEqual(await childLabels(await walk(REGION)), ['VPCs', 'DB clusters', 'RDS DB instances (not in a cluster)']);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('load', () => {
    it('50 rapid refreshes make one load (eight reads), or two one after the other, not fifty', async () => {
      await refresh();
      proxy.reset();
      await Promise.all(Array.from({ length: 50 }, () => run('auroraSg.refresh')));
      // Refreshes that arrive while the first load is already reading get the one load after it
      // (they may come after a change the first load did not see): never a load beside another.
      const reads = [
        'DescribeDBClusters',
        'DescribeDBInstances',
        'DescribeDBSubnetGroups',
        'DescribeNetworkInterfaces',
        'DescribeSecurityGroupRules',
        'DescribeSecurityGroups',
        'DescribeVpcPeeringConnections',
        'DescribeVpcs',
      ];
      const n = reads.length;
      const inOrder = [...proxy.requests].sort((a, b) => a.seq - b.seq).map((r) => r.action);
      assert.ok(inOrder.length === n || inOrder.length === 2 * n, `one or two loads: ${inOrder.join(', ')}`);
      assert.deepEqual(inOrder.slice(0, n).sort(), reads, "the first load's reads come before any of the next");
      if (inOrder.length === 2 * n) assert.deepEqual(inOrder.slice(n).sort(), reads);
    });

    it("the tree and the analysis work on the benchmark's large Region (2,500 groups, 20,000 rules; times reported, not asserted)", async () => {
      // The shipped modules (dist/extension.js, dist/features.js), not the copies compiled for the tests.
      const { RegionStore, AuroraSgTreeProvider, RegionIndex, features } = (await api()).modules;
      const { findings, reachability: whoCanReach } = features();
      const { syntheticRegion } = await import('../harness/syntheticRegion');
      const big: RegionSnapshot = syntheticRegion({ vpcs: 30, groups: 2500, rules: 20000, clusters: 200, instancesPerCluster: 3, region: 'us-west-2' });
      let loads = 0;
      const store = new RegionStore(
        async () => ({
          loadRegion: async () => {
            loads++;
            // Answer on a later turn of the event loop: the 50 refreshes below are all asked first.
            await new Promise((r) => setImmediate(r));
            return big;
          },
          readGroups: async () => [],
          readRules: async (): Promise<SecurityGroupRule[]> => [],
          readCluster: async () => undefined,
          readInstance: async () => undefined,
        }),
        ['us-west-2'],
      );
      const provider = new AuroraSgTreeProvider({ store, regions: async () => ['us-west-2'] });
      const h = monitorEventLoopDelay({ resolution: 10 });
      h.enable();
      try {
        const t0 = performance.now();
        await Promise.all(Array.from({ length: 50 }, () => store.load('us-west-2')));
        assert.equal(loads, 1, '50 refreshes, one load');
        const roots = await provider.getChildren();
        const sections = await provider.getChildren(roots[0]);
        const vpcs = await provider.getChildren(sections[0]);
        const t1 = performance.now();
        // The biggest VPC: every group row, then one group's rules.
        let biggest: Node[] = [];
        for (const v of vpcs) {
          const groups = await provider.getChildren(v);
          if (groups.length > biggest.length) biggest = groups;
        }
        // Every row becomes a tree item with a label, an id and a context value the menus match.
        const itemOf = (n: Node) => {
          const item = provider.getTreeItem(n);
          const label = typeof item.label === 'string' ? item.label : item.label?.label;
          assert.ok(label, `a row without a label: ${safeJson(n)}`);
          assert.ok(item.id && item.contextValue, `${label}: no id or context value`);
          return { label, contextValue: item.contextValue };
        };
        const groupItems = biggest.map(itemOf);
        assert.ok(
          groupItems.every((g) => /^group/.test(g.contextValue)),
          "the VPC's rows are groups",
        );
        const bigIdx = new RegionIndex(big);
        const withRules = biggest.find((g) => g.kind === 'group' && bigIdx.rulesOf(g.groupId).some((r) => !r.isEgress)) ?? biggest[1];
        const dirs = await provider.getChildren(withRules);
        const ruleItems = (await provider.getChildren(dirs[0])).map(itemOf);
        assert.ok(ruleItems.length > 0 && ruleItems.every((r) => /^rule\./.test(r.contextValue)), "the direction's rows are rules");
        const clusters = await provider.getChildren(sections[1]);
        const clusterItems = clusters.map(itemOf);
        assert.ok(
          clusterItems.every((c) => /^cluster\./.test(c.contextValue)),
          "the section's rows are clusters, with their state",
        );
        const t2 = performance.now();
        const idx = new RegionIndex(big);
        const fs0 = performance.now();
        const f = findings(idx);
        const fs1 = performance.now();
        for (const c of big.clusters.slice(0, 50)) whoCanReach(idx, { clusterId: c.clusterId });
        const fs2 = performance.now();
        const maxDelay = h.max / 1e6;
        console.log(
          `      [load] first rows ${(t1 - t0).toFixed(0)} ms; ${biggest.length} groups of the largest VPC + ${clusters.length} clusters ${(t2 - t1).toFixed(0)} ms; findings (${f.length}) ${(fs1 - fs0).toFixed(0)} ms; who can reach ×50 ${(fs2 - fs1).toFixed(0)} ms; event loop max ${maxDelay.toFixed(0)} ms`,
        );
        // Speed is `npm run bench`'s job; here the rows and the analysis must be complete.
        const largestVpc = Math.max(...[...bigIdx.groupsByVpc.values()].map((g) => g.length));
        assert.equal(biggest.length, largestVpc, 'every group of the largest VPC has its row');
        assert.equal(clusters.length, big.clusters.length);
        assert.equal(new Set(f.map((x) => x.id)).size, f.length, 'finding ids are unique');
        assert.ok(f.some((x) => x.kind === 'shadowed-rule') && f.some((x) => x.kind === 'db-port-world'), 'the usual kinds of finding are there');
      } finally {
        h.disable();
        provider.dispose();
      }
    });
  });
});

function safeJson(x: unknown): string {
  try {
    return JSON.stringify(x)?.slice(0, 300) ?? String(x);
  } catch {
    return Object.prototype.toString.call(x);
  }
}
