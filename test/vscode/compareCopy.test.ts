// Go To, Compare and Copy (issue 17) in the real VS Code against moto behind the AWS-rules layer:
// Go To reveals a group, a cluster and an instance; Compare opens a diff editor whose two sides are
// the groups' canonical rule texts; Copy writes into an existing group and into a new group of
// another (unpeered) VPC, a reference AWS would refuse is refused with its reason before anything is
// written, and nothing changes when the user declines.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { AuthorizeSecurityGroupIngressCommand, DescribeSecurityGroupRulesCommand, DescribeSecurityGroupsCommand, type IpPermission } from '@aws-sdk/client-ec2';
import { rulesText } from '../../src/domain/ruleText';
import type { Node } from '../../src/tree/nodes';
import type { TestAccountIds } from '../harness/seed';
import { createGroup } from '../harness/seed';
import { script } from './scripted';
import { api, aws, AWS_URL, REGION, reseed, selected, setSettings } from './util';

const run = <T>(cmd: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(cmd, ...args);

async function rulesOf(groupId: string) {
  const out = await aws().ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }));
  return out.SecurityGroupRules ?? [];
}
async function groupsIn(vpcId: string) {
  const out = await aws().ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
  return out.SecurityGroups ?? [];
}
/** A rule as text, for comparing what moto holds. */
const shown = (r: { IsEgress?: boolean; IpProtocol?: string; FromPort?: number; CidrIpv4?: string; ReferencedGroupInfo?: { GroupId?: string } }) =>
  `${r.IsEgress ? 'out' : 'in'} ${r.IpProtocol} ${r.FromPort} ${r.CidrIpv4 ?? r.ReferencedGroupInfo?.GroupId}`;

describe('Go To, Compare and Copy: commands against moto in a real VS Code', () => {
  let ids: TestAccountIds;
  /** In shop-vpc: inbound tcp 5432 from itself, from appsrv1 and from 10.20.0.0/16. */
  let selfish: string;
  /** In shop-vpc: already allows tcp 5432 from 10.20.0.0/16 (a duplicate for the copy). */
  let target: string;

  before(async () => {
    ids = await reseed();
    const c = aws();
    selfish = await createGroup(c, ids.vpcId, 'selfish', 'Self-referencing DB group', [
      { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '10.20.0.0/16', Description: 'office' }] },
      { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: ids.appGroupId }] },
    ]);
    const self: IpPermission = { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: selfish }] };
    await c.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: selfish, IpPermissions: [self] }));
    target = await createGroup(c, ids.vpcId, 'copy-target', 'Copy target', [
      { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '10.20.0.0/16', Description: 'office' }] },
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.99.0.0/24' }] },
    ]);
    await setSettings({ endpoint: AWS_URL, regions: [REGION], profile: '' });
    await (await api()).ext.store.refreshAll([REGION]);
  });

  after(async () => {
    const { VsCodePrompter } = await import('../../src/ui/vscodePrompter');
    (await api()).ext.ui = new VsCodePrompter();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  describe('goTo', () => {
    it('offers every group, cluster and instance (id and VPC in the description, Region in the detail) and reveals the group picked', async () => {
      const p = await script('dbsrv1');
      const node = await run<Node>('auroraSg.goTo');
      p.done();
      assert.deepEqual(node, { kind: 'group', region: REGION, groupId: ids.dbGroupId });
      const labels = p.pickItems[0];
      for (const l of ['orders-mysql', 'billing-pg', 'orders-mysql-1', 'reports-mysql', 'dbsrv1', 'appsrv1', 'selfish'])
        assert.ok(labels.includes(l), `${l} in ${labels.join(' | ')}`);
      await selected((sel) => sel.length === 1 && sel[0].kind === 'group' && sel[0].groupId === ids.dbGroupId && sel[0].via === undefined);
    });

    it('reveals a cluster, and an instance under its cluster', async () => {
      await script('billing-pg');
      assert.deepEqual(await run<Node>('auroraSg.goTo'), { kind: 'cluster', region: REGION, clusterId: 'billing-pg' });
      await selected((sel) => sel.length === 1 && sel[0].kind === 'cluster' && sel[0].clusterId === 'billing-pg');
      await script('orders-mysql-2');
      await run<Node>('auroraSg.goTo');
      await selected(
        (sel) => sel.length === 1 && sel[0].kind === 'dbInstance' && sel[0].instanceId === 'orders-mysql-2' && sel[0].clusterId === 'orders-mysql',
      );
    });
  });

  describe('compareGroups', () => {
    it('opens a diff editor whose two sides are the canonical rule texts of the two groups', async () => {
      const p = await script('pgsrv1');
      const uris = await run<{ left: string; right: string }>('auroraSg.compareGroups', { kind: 'group', region: REGION, groupId: ids.dbGroupId });
      p.done();
      assert.ok(uris, p.errors.join());
      const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
      assert.ok(tab?.input instanceof vscode.TabInputTextDiff, `the active tab is not a diff: ${JSON.stringify(tab?.input)}`);
      assert.equal(tab.input.original.toString(), uris.left);
      assert.equal(tab.input.modified.toString(), uris.right);
      assert.match(tab.label, /dbsrv1 .*↔ pgsrv1/);
      const idx = (await api()).ext.store.index(REGION)!;
      const lookup = (id: string) => idx.groupsById.get(id);
      const left = await vscode.workspace.openTextDocument(tab.input.original);
      const right = await vscode.workspace.openTextDocument(tab.input.modified);
      assert.equal(left.getText(), rulesText(ids.dbGroupId, idx.rulesOf(ids.dbGroupId), lookup));
      assert.equal(right.getText(), rulesText(ids.pgGroupId, idx.rulesOf(ids.pgGroupId), lookup));
      assert.match(left.getText(), new RegExp(`^Inbound rules \\(1\\)\\n {2}tcp 3306 {2}from group appsrv1 \\(${ids.appGroupId}\\)`));
      assert.match(right.getText(), /tcp 5432 {2}from 198\.51\.100\.0\/24 {2}"BI tools"/);
    });

    it('two groups with the same rules written in a different order have identical sides', async () => {
      const c = aws();
      const a: IpPermission[] = [
        { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '10.1.0.0/16' }] },
        { IpProtocol: 'udp', FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: '10.2.0.0/16' }] },
        { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.3.0.0/16', Description: 'ssh' }] },
      ];
      const one = await createGroup(c, ids.otherVpcId, 'same-a', 'Same rules A', a);
      const two = await createGroup(c, ids.otherVpcId, 'same-b', 'Same rules B', [...a].reverse());
      await (await api()).ext.store.refreshAll([REGION]);
      await script('same-b');
      const uris = await run<{ left: string; right: string }>('auroraSg.compareGroups', { kind: 'group', region: REGION, groupId: one });
      const left = await vscode.workspace.openTextDocument(vscode.Uri.parse(uris.left));
      const right = await vscode.workspace.openTextDocument(vscode.Uri.parse(uris.right));
      assert.match(uris.right, new RegExp(two));
      assert.match(left.getText(), /Inbound rules \(3\)/);
      assert.equal(left.getText(), right.getText());
    });
  });

  describe('copyRules', () => {
    it('into an existing group: lists the plan, skips the rule it already has, adds the rest, removes nothing', async () => {
      const before = (await rulesOf(target)).map(shown);
      const p = await script('Into an existing group…', 'copy-target', true);
      const r = await run<{ groupId: string; ruleIds: string[] }>('auroraSg.copyRules', { kind: 'group', region: REGION, groupId: selfish });
      p.done();
      assert.ok(r, p.errors.join());
      assert.equal(r.groupId, target);
      const c = p.confirms[0];
      assert.match(c.message, /^Copy \d+ rules? of selfish to copy-target\?/);
      assert.match(c.detail, /Copied \(2\):/);
      assert.match(c.detail, /inbound tcp 5432 from the target group itself \(the reference to selfish itself now points to copy-target/);
      assert.match(
        c.detail,
        new RegExp(`inbound tcp 5432 from appsrv1 \\(${ids.appGroupId}\\) \\(kept: appsrv1 \\(${ids.appGroupId}\\) is in the same VPC ${ids.vpcId}\\)`),
      );
      assert.match(c.detail, /Skipped \(\d\):\n {2}inbound tcp 5432 from 10\.20\.0\.0\/16: already allowed by rule sgr-/);
      const after = (await rulesOf(target)).map(shown);
      for (const b of before) assert.ok(after.includes(b), `${b} kept`);
      assert.ok(after.includes(`in tcp 5432 ${target}`), `the self-reference points to the target: ${after.join(', ')}`);
      assert.ok(after.includes(`in tcp 5432 ${ids.appGroupId}`), after.join(', '));
      assert.equal(after.filter((x) => x === 'in tcp 5432 10.20.0.0/16').length, 1);
      assert.match(p.infos.join('\n'), /Copied \d rules? of selfish to copy-target/);
    });

    it('into a new group of an unpeered VPC: the reference to appsrv1 is refused with the reason, the rest copied, the self-reference remapped', async () => {
      const p = await script('Into a new group…', 'analytics-vpc', 'selfish-analytics', 'Copied from selfish', true);
      const r = await run<{ groupId: string; ruleIds: string[] }>('auroraSg.copyRules', { kind: 'group', region: REGION, groupId: selfish });
      p.done();
      assert.ok(r, p.errors.join());
      const made = (await groupsIn(ids.otherVpcId)).find((g) => g.GroupName === 'selfish-analytics');
      assert.ok(made, 'the new group is in analytics-vpc');
      assert.equal(made.GroupId, r.groupId);
      assert.equal(made.Description, 'Copied from selfish');
      const c = p.confirms[0];
      assert.match(c.message, new RegExp(`^Create selfish-analytics in ${ids.otherVpcId} \\(${REGION}\\) with 2 rules of selfish\\?`));
      assert.match(
        c.detail,
        new RegExp(
          `Refused \\(1\\):\\n {2}inbound tcp 5432 from appsrv1 \\(${ids.appGroupId}\\): appsrv1 \\(${ids.appGroupId}\\) is in ${ids.vpcId}, which ${ids.otherVpcId} is not peered with`,
        ),
      );
      const rules = (await rulesOf(r.groupId)).map(shown).filter((x) => x.startsWith('in '));
      assert.deepEqual(rules.sort(), [`in tcp 5432 10.20.0.0/16`, `in tcp 5432 ${r.groupId}`].sort());
    });

    it('nothing is written when the user declines, into an existing group or a new one', async () => {
      const before = (await rulesOf(ids.pgGroupId)).map(shown).sort();
      const groups = (await groupsIn(ids.otherVpcId)).length;
      const p = await script('Into an existing group…', 'pgsrv1', false, 'Into a new group…', 'analytics-vpc', 'declined-copy', 'x', false);
      assert.equal(await run('auroraSg.copyRules', { kind: 'group', region: REGION, groupId: selfish }), undefined);
      assert.equal(await run('auroraSg.copyRules', { kind: 'group', region: REGION, groupId: selfish }), undefined);
      p.done();
      assert.equal(p.confirms.length, 2);
      assert.deepEqual((await rulesOf(ids.pgGroupId)).map(shown).sort(), before);
      assert.equal((await groupsIn(ids.otherVpcId)).length, groups);
      assert.deepEqual(p.errors, []);
    });
  });
});
