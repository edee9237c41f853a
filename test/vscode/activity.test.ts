// Issue 18 in the real VS Code, against moto: the Activity view and its store in the extension's
// global storage, Undo / Redo of each kind of entry, Undo refused after a change made outside the
// extension (seeded through moto directly), and the DryRun permission check reporting a missing
// permission before anything changed. The extension's endpoint is a fault proxy in front of the
// AWS-rules layer, so a test can deny one action as AWS would.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DescribeSecurityGroupRulesCommand, DescribeSecurityGroupsCommand, UpdateSecurityGroupRuleDescriptionsIngressCommand } from '@aws-sdk/client-ec2';
import { DescribeDBClustersCommand, ModifyDBClusterCommand } from '@aws-sdk/client-rds';
import type { ActivityEntry } from '../../src/domain/activity';
import type { TestAccountIds } from '../harness/seed';
import { startFaultProxy, type FaultProxy } from '../harness/faultProxy';
import { VsCodePrompter } from '../../src/ui/vscodePrompter';
import { script } from './scripted';
import { api, aws, AWS_URL, REGION, reseed, setSettings } from './util';

const run = <T>(cmd: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(cmd, ...args);

async function rulesOf(groupId: string) {
  return (await aws().ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }))).SecurityGroupRules ?? [];
}
async function clusterGroups(clusterId: string): Promise<string[]> {
  const out = await aws().rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: clusterId }));
  return (out.DBClusters?.[0]?.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId!).sort();
}
const newest = async (): Promise<ActivityEntry> => (await api()).ext.activity.list()[0];

describe('Activity log, undo and the permission check (issue 18)', () => {
  let ids: TestAccountIds;
  let proxy: FaultProxy;

  before(async () => {
    ids = await reseed();
    // AWS_URL is already the rules layer: this proxy only injects the denials.
    proxy = await startFaultProxy(AWS_URL, { awsRules: false });
    await setSettings({ endpoint: proxy.url, regions: [REGION], profile: '' });
    await (await api()).ext.store.refreshAll([REGION]);
  });
  afterEach(() => proxy.clear());
  after(async () => {
    (await api()).ext.ui = new VsCodePrompter();
    await setSettings({ endpoint: AWS_URL, regions: [REGION], profile: '' });
    await proxy?.close();
  });

  it('an added rule: an Activity entry with the DryRun and the call, its details in a read-only editor, exported as JSON lines', async () => {
    const a = await api();
    const p = await script();
    const [ruleId] = (await run<string[]>('auroraSg.addInboundRule', {
      region: REGION,
      groupId: ids.appGroupId,
      protocol: 'tcp',
      fromPort: 8101,
      source: { cidr: '10.81.0.0/24' },
    }))!;
    assert.deepEqual(p.errors, []);
    const e = await newest();
    assert.equal(e.what, 'add inbound rule tcp 8101 from 10.81.0.0/24 to appsrv1');
    assert.equal(e.region, REGION);
    assert.equal(e.account, '123456789012', 'the group owner (moto: 123456789012)');
    assert.equal(e.outcome, 'applied');
    assert.deepEqual(
      e.calls.map((c) => `${c.api}${c.dryRun ? ' (DryRun)' : ''}: ${c.result}`),
      ['AuthorizeSecurityGroupIngress (DryRun): allowed', 'AuthorizeSecurityGroupIngress: ok'],
    );
    assert.equal(proxy.count('AuthorizeSecurityGroupIngress', { dryRun: 'only' }), 1, 'one dry run');
    assert.equal(proxy.count('AuthorizeSecurityGroupIngress'), 1, 'one write');
    // The view: newest first, Undo offered.
    const [first] = await a.activityView.getChildren();
    const item = a.activityView.getTreeItem(first);
    assert.equal(item.label, e.what);
    assert.equal(item.contextValue, 'activity.reversible.undo');
    assert.equal(item.command?.command, 'auroraSg.showActivityEntry');
    // Its details: a read-only document (a content provider's scheme) with the calls and their inputs.
    const doc = await run<vscode.TextDocument>('auroraSg.showActivityEntry', first);
    assert.equal(doc?.uri.scheme, 'aurora-sg-activity');
    const text = doc!.getText();
    assert.match(text, /Outcome: applied/);
    assert.match(text, /1\. EC2 AuthorizeSecurityGroupIngress \(DryRun\): allowed/);
    assert.match(text, /"CidrIp": "10\.81\.0\.0\/24"/);
    assert.ok(text.includes(`Left:    rule ${ruleId} in ${ids.appGroupId}`), text);
    assert.ok(text.includes(`Entry id: ${e.id}`), text);
    // Export: JSON lines, one entry per line, no secret.
    const file = path.join(os.tmpdir(), `aurora-sg-activity-${process.pid}-${Date.now()}.jsonl`);
    assert.equal(await run('auroraSg.exportActivity', { path: file }), file);
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    assert.equal(lines.length, a.ext.activity.list().length);
    assert.equal((JSON.parse(lines.at(-1)!) as ActivityEntry).id, e.id, 'oldest first: the newest entry is the last line');
    assert.doesNotMatch(fs.readFileSync(file, 'utf8'), /SecretAccessKey|SessionToken|aws_secret_access_key|AKIA[A-Z0-9]{16}/);
    fs.rmSync(file, { force: true });
  });

  it("the log survives a deactivate/activate of its store: a new store over the extension's global state has the same entries", async () => {
    // A window reload would end this test run, so the store is built again from the global storage as activate() builds it.
    const a = await api();
    await a.ext.activity.saved();
    const stored = a.ext.context.globalState.get<ActivityEntry[]>('auroraSg.activity');
    assert.ok(Array.isArray(stored) && stored.length > 0);
    const again = new a.modules.ActivityLog(a.modules.activityStorage(a.ext.context.globalState));
    assert.deepEqual(
      again.list().map((e) => e.id),
      a.ext.activity.list().map((e) => e.id),
    );
    assert.equal(again.list()[0].what, (await newest()).what);
  });

  it('undo of each kind: rule added <-> revoked (a redo), rule edited <-> previous values, groups associated <-> the previous list, group created <-> deleted', async () => {
    // Rule added -> Undo revokes it (the removal's own confirmation) -> Redo adds it back.
    await script();
    const [ruleId] = (await run<string[]>('auroraSg.addInboundRule', {
      region: REGION,
      groupId: ids.appGroupId,
      protocol: 'tcp',
      fromPort: 8102,
      source: { cidr: '10.82.0.0/24' },
    }))!;
    const added = await newest();
    let p = await script(true);
    assert.match((await run<string>('auroraSg.undoActivity', { id: added.id }))!, /^Undo done: Removed 1 rule/, p.errors.join());
    assert.equal(p.confirms[0].message, 'Remove this rule?');
    assert.ok(!(await rulesOf(ids.appGroupId)).some((r) => r.SecurityGroupRuleId === ruleId));
    const undo = await newest();
    assert.equal(undo.undoOf, added.id);
    assert.equal((await api()).activityView.getTreeItem({ kind: 'activity', id: undo.id }).contextValue, 'activity.reversible.redo');
    p = await script(true);
    assert.match((await run<string>('auroraSg.redoActivity', { id: undo.id }))!, /^Redo done: Added tcp 8102 from 10\.82\.0\.0\/24/, p.errors.join());
    assert.ok((await rulesOf(ids.appGroupId)).some((r) => r.FromPort === 8102 && r.CidrIpv4 === '10.82.0.0/24'));

    // Rule edited -> Undo puts the previous port and description back (the edit's confirmation).
    await script();
    const [editId] = (await run<string[]>('auroraSg.addInboundRule', {
      region: REGION,
      groupId: ids.appGroupId,
      protocol: 'tcp',
      fromPort: 8103,
      source: { cidr: '10.83.0.0/24' },
      description: 'before',
    }))!;
    await script(true);
    assert.equal(await run('auroraSg.editRule', { region: REGION, ruleId: editId, fromPort: 8104, toPort: 8104, description: 'after' }), editId);
    p = await script(true);
    await run('auroraSg.undoActivity', { id: (await newest()).id });
    assert.equal(p.confirms[0].message, `Change what rule ${editId} allows?`, p.errors.join());
    const r = (await rulesOf(ids.appGroupId)).find((x) => x.SecurityGroupRuleId === editId)!;
    assert.deepEqual([r.FromPort, r.ToPort, r.Description], [8103, 8103, 'before']);

    // Groups associated with a cluster -> Undo puts the previous list back; the confirmation says RDS has no dry run.
    const before = await clusterGroups(ids.mysqlClusterId);
    p = await script(true);
    await run('auroraSg.associateWithCluster', { region: REGION, clusterId: ids.mysqlClusterId, groupIds: [ids.pgGroupId] });
    assert.match(p.confirms[0].detail, /rds:ModifyDBCluster cannot be checked for permission before the change \(RDS has no dry run\)/);
    assert.deepEqual(await clusterGroups(ids.mysqlClusterId), [...before, ids.pgGroupId].sort());
    p = await script(true);
    assert.match((await run<string>('auroraSg.undoActivity', { id: (await newest()).id }))!, /^Undo done: /, p.errors.join());
    assert.match(p.confirms[0].detail, /Before: .*\nAfter: /);
    assert.deepEqual(await clusterGroups(ids.mysqlClusterId), before);

    // Group created -> Undo deletes it while it is unused (typing its name, as Delete asks).
    await script();
    const gid = (await run<string>('auroraSg.createSecurityGroup', {
      region: REGION,
      vpcId: ids.vpcId,
      groupName: 'undo-me',
      description: 'made to be undone',
    }))!;
    const created = await newest();
    assert.equal(created.change.kind, 'groupCreated');
    p = await script('undo-me');
    await run('auroraSg.undoActivity', { id: created.id });
    assert.deepEqual(p.errors, []);
    const groups = (await aws().ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [ids.vpcId] }] }))).SecurityGroups ?? [];
    assert.ok(!groups.some((g) => g.GroupId === gid));
    assert.equal((await newest()).undoOf, created.id);
  });

  it('undo refused after an outside change (made through moto directly): the reason, nothing sent', async () => {
    await script();
    const [ruleId] = (await run<string[]>('auroraSg.addInboundRule', {
      region: REGION,
      groupId: ids.appGroupId,
      protocol: 'tcp',
      fromPort: 8105,
      source: { cidr: '10.85.0.0/24' },
    }))!;
    const added = await newest();
    // A colleague edits the description in the console.
    await aws().ec2.send(
      new UpdateSecurityGroupRuleDescriptionsIngressCommand({
        GroupId: ids.appGroupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8105, ToPort: 8105, IpRanges: [{ CidrIp: '10.85.0.0/24', Description: 'keep this' }] }],
      }),
    );
    proxy.reset();
    let p = await script();
    assert.equal(await run('auroraSg.undoActivity', { id: added.id }), undefined);
    assert.match(
      p.errors[0],
      new RegExp(`^Cannot undo "add inbound rule tcp 8105 .*": Rule ${ruleId}: its description is now "keep this" \\(the entry left no description\\)`),
    );
    assert.equal(proxy.count('RevokeSecurityGroupIngress', { dryRun: true }), 0, 'nothing was sent');
    assert.ok((await rulesOf(ids.appGroupId)).some((r) => r.SecurityGroupRuleId === ruleId));

    // A cluster's list changed elsewhere since the association.
    await script(true);
    await run('auroraSg.associateWithCluster', { region: REGION, clusterId: ids.mysqlClusterId, groupIds: [ids.pgGroupId] });
    const assoc = await newest();
    const now = await clusterGroups(ids.mysqlClusterId);
    await aws().rds.send(new ModifyDBClusterCommand({ DBClusterIdentifier: ids.mysqlClusterId, VpcSecurityGroupIds: [...now, ids.legacyGroupId] }));
    proxy.reset();
    p = await script();
    assert.equal(await run('auroraSg.undoActivity', { id: assoc.id }), undefined);
    assert.match(
      p.errors[0],
      /The groups of DB cluster orders-mysql changed since this entry: it now has .*sg-[0-9a-f]+.*, not .* as the entry left it\. Nothing was sent\./,
    );
    assert.equal(proxy.count('ModifyDBCluster'), 0);
  });

  it('a denied permission is reported by the dry run, with the action name, before anything changed', async () => {
    proxy.add({
      action: 'AuthorizeSecurityGroupIngress',
      dryRun: true,
      kind: 'error',
      status: 403,
      code: 'UnauthorizedOperation',
      message: 'You are not authorized to perform this operation. Encoded authorization failure message: abcDEF123',
      times: Infinity,
    });
    proxy.reset();
    const rulesBefore = (await rulesOf(ids.appGroupId)).length;
    const p = await script();
    assert.equal(
      await run('auroraSg.addInboundRule', { region: REGION, groupId: ids.appGroupId, protocol: 'tcp', fromPort: 8106, source: { cidr: '10.86.0.0/24' } }),
      undefined,
    );
    assert.match(
      p.errors[0],
      /^The permission check before the change \(ec2:AuthorizeSecurityGroupIngress with DryRun\) was refused: .*not allowed to call ec2:AuthorizeSecurityGroupIngress.*Nothing was changed\.$/s,
    );
    assert.equal(proxy.count('AuthorizeSecurityGroupIngress', { dryRun: 'only' }), 1);
    assert.equal(proxy.count('AuthorizeSecurityGroupIngress'), 0, 'the write itself was never sent');
    assert.equal((await rulesOf(ids.appGroupId)).length, rulesBefore);
    const e = await newest();
    assert.equal(e.status, 'failed');
    assert.match(e.advice!, /Ask for the IAM permission ec2:AuthorizeSecurityGroupIngress/);
    const item = (await api()).activityView.getTreeItem({ kind: 'activity', id: e.id });
    assert.equal(item.contextValue, 'activity.entry', 'a failed entry offers no undo');
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'error');
  });

  it('auroraSg.dryRun off: no dry run is sent', async () => {
    await setSettings({ dryRun: false });
    try {
      proxy.reset();
      await script();
      await run('auroraSg.addInboundRule', { region: REGION, groupId: ids.appGroupId, protocol: 'tcp', fromPort: 8107, source: { cidr: '10.87.0.0/24' } });
      assert.equal(proxy.count('AuthorizeSecurityGroupIngress', { dryRun: 'only' }), 0);
      assert.equal(proxy.count('AuthorizeSecurityGroupIngress'), 1);
    } finally {
      await setSettings({ dryRun: undefined });
    }
  });
});
