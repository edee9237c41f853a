import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DescribeSecurityGroupRulesCommand, DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { DescribeDBClustersCommand, DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import type { TestAccountIds } from '../harness/seed';
import { BACK, script } from './scripted';
import { api, aws, AWS_URL, children, logText, REGION, reseed, setSettings, walk } from './util';

const run = <T>(cmd: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(cmd, ...args);

async function groupsIn(vpcId: string) {
  const out = await aws().ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
  return out.SecurityGroups ?? [];
}
async function rulesOf(groupId: string) {
  const out = await aws().ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }));
  return out.SecurityGroupRules ?? [];
}
async function clusterGroups(clusterId: string): Promise<string[]> {
  const out = await aws().rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: clusterId }));
  return (out.DBClusters?.[0]?.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId!);
}
async function instanceGroups(id: string): Promise<string[]> {
  const out = await aws().rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
  return (out.DBInstances?.[0]?.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId!);
}

describe('Changing access: commands against moto in a real VS Code', () => {
  let ids: TestAccountIds;

  before(async () => {
    ids = await reseed();
    await setSettings({ endpoint: AWS_URL, regions: [REGION], profile: '' });
    await (await api()).ext.store.refreshAll([REGION]);
  });

  after(async () => {
    const { VsCodePrompter } = await import('../../src/ui/vscodePrompter');
    (await api()).ext.ui = new VsCodePrompter();
  });

  describe('createSecurityGroup', () => {
    it('creates a group from arguments and returns its id; the tree shows it', async () => {
      const p = await script();
      const id = await run<string>('auroraSg.createSecurityGroup', { region: REGION, vpcId: ids.vpcId, groupName: 'web-tier', description: 'Web servers' });
      assert.match(id, /^sg-[0-9a-f]+$/, p.errors.join());
      const g = (await groupsIn(ids.vpcId)).find((x) => x.GroupId === id);
      assert.equal(g?.GroupName, 'web-tier');
      assert.equal(g?.Description, 'Web servers');
      const vpc = await walk(REGION, 'VPCs', 'shop-vpc');
      assert.ok((await children(vpc)).some((n) => n.kind === 'group' && n.groupId === id));
      // Revealed: selected in the Access tree (issue 14 item 10).
      const sel = (await api()).view.selection;
      assert.ok(
        sel.some((n) => n.kind === 'group' && n.groupId === id),
        `selection: ${JSON.stringify(sel)}`,
      );
    });

    const bad: [string, Record<string, unknown>, RegExp][] = [
      ['a name starting with sg-', { groupName: 'sg-appsrv2', description: 'x' }, /sg-/],
      ['a name taken in the VPC, in another case', { groupName: 'APPSRV1', description: 'x' }, /appsrv1/],
      ['a character AWS refuses', { groupName: 'bad<name>', description: 'x' }, /</],
      ['a name over 255 characters', { groupName: 'n'.repeat(256), description: 'x' }, /255/],
      ['an empty description', { groupName: 'ok-name', description: '' }, /description/i],
      ['an unknown VPC', { groupName: 'ok-name', description: 'x', vpcId: 'vpc-0000000000000dead' }, /vpc-0000000000000dead/],
    ];
    for (const [what, extra, msg] of bad) {
      it(`refuses ${what} before any call and creates nothing`, async () => {
        const before = (await groupsIn(ids.vpcId)).length;
        const p = await script();
        const id = await run('auroraSg.createSecurityGroup', { region: REGION, vpcId: ids.vpcId, ...extra });
        assert.equal(id, undefined);
        assert.equal(p.errors.length, 1);
        assert.match(p.errors[0], msg);
        assert.equal((await groupsIn(ids.vpcId)).length, before);
      });
    }

    it('interactive: VPC, name (validated as typed, with Back), description and tags', async () => {
      const p = await script('shop-vpc', 'sg-nope', 'DBSRV1', 'cache1', BACK, 'cache-tier', 'Cache servers', 'team=shop, env=test');
      const id = await run<string>('auroraSg.createSecurityGroup');
      assert.match(id, /^sg-/, p.errors.join());
      assert.equal(p.validations.length, 2);
      assert.match(p.validations[0], /sg-/);
      assert.match(p.validations[1], /dbsrv1/i);
      const g = (await groupsIn(ids.vpcId)).find((x) => x.GroupId === id)!;
      assert.equal(g.GroupName, 'cache-tier');
      assert.deepEqual(Object.fromEntries((g.Tags ?? []).map((t) => [t.Key, t.Value])), { team: 'shop', env: 'test' });
      assert.equal(p.remaining, 0);
    });
  });

  describe('addInboundRule / addOutboundRule', () => {
    it('adds a CIDR rule from arguments, canonicalised as AWS does, and returns the rule id', async () => {
      const p = await script();
      const ruleIds = await run<string[]>('auroraSg.addInboundRule', {
        region: REGION,
        groupId: ids.dbGroupId,
        protocol: 'tcp',
        fromPort: 3306,
        toPort: 3306,
        source: { cidr: '100.68.0.18/18' },
        description: 'VPN users',
      });
      assert.equal(ruleIds?.length, 1, p.errors.join());
      const r = (await rulesOf(ids.dbGroupId)).find((x) => x.SecurityGroupRuleId === ruleIds[0]);
      assert.equal(r?.CidrIpv4, '100.68.0.0/18');
      assert.equal(r?.FromPort, 3306);
      assert.match(p.infos.at(-1)!, /100\.68\.0\.18\/18 as 100\.68\.0\.0\/18/);
    });

    it('adds a rule whose source is another group and an IPv6 outbound rule', async () => {
      await script();
      const a = await run<string[]>('auroraSg.addInboundRule', {
        region: REGION,
        groupId: ids.pgGroupId,
        protocol: 'tcp',
        fromPort: 6000,
        toPort: 6010,
        source: { groupId: ids.dbGroupId },
      });
      assert.equal(a?.length, 1);
      const b = await run<string[]>('auroraSg.addOutboundRule', {
        region: REGION,
        groupId: ids.pgGroupId,
        protocol: 'tcp',
        fromPort: 443,
        source: { cidr: '2001:DB8::/32' },
      });
      assert.equal(b?.length, 1);
      const rules = await rulesOf(ids.pgGroupId);
      assert.ok(rules.some((r) => r.ReferencedGroupInfo?.GroupId === ids.dbGroupId && r.FromPort === 6000 && r.ToPort === 6010 && !r.IsEgress));
      assert.ok(rules.some((r) => r.CidrIpv6 === '2001:db8::/32' && r.IsEgress && r.FromPort === 443));
    });

    it('reports a duplicate with the rule that already allows it, and changes nothing', async () => {
      const before = (await rulesOf(ids.dbGroupId)).length;
      const p = await script();
      const r = await run('auroraSg.addInboundRule', {
        region: REGION,
        groupId: ids.dbGroupId,
        protocol: 'tcp',
        fromPort: 3306,
        source: { groupId: ids.appGroupId },
      });
      assert.equal(r, undefined);
      assert.match(p.errors[0], /already allowed by rule sgr-[0-9a-f]+/);
      assert.equal((await rulesOf(ids.dbGroupId)).length, before);
    });

    const badRules: [string, Record<string, unknown>, RegExp][] = [
      ['a port above 65535', { protocol: 'tcp', fromPort: 70000, source: { cidr: '10.0.0.0/8' } }, /65535/],
      ['a range from > to', { protocol: 'tcp', fromPort: 200, toPort: 100, source: { cidr: '10.0.0.0/8' } }, /200/],
      ['a malformed CIDR', { protocol: 'tcp', fromPort: 22, source: { cidr: '10.0.0.300/24' } }, /300/],
      ['an unknown protocol', { protocol: 'tcpx', fromPort: 22, source: { cidr: '10.0.0.0/8' } }, /tcpx/],
      ['a malformed group id', { protocol: 'tcp', fromPort: 22, source: { groupId: 'appsrv1' } }, /appsrv1/],
      ['an unknown source group', { protocol: 'tcp', fromPort: 22, source: { groupId: 'sg-0123456789abcdef0' } }, /sg-0123456789abcdef0/],
      ['& in the description of a group source', { protocol: 'tcp', fromPort: 22, source: { groupId: 'SELF' }, description: 'a & b' }, /&/],
      ['icmp type -1 with a code', { protocol: 'icmp', fromPort: -1, toPort: 3, source: { cidr: '10.0.0.0/8' } }, /-1/],
      ['no source', { protocol: 'tcp', fromPort: 22 }, /source/i],
    ];
    for (const [what, extra, msg] of badRules) {
      it(`refuses ${what} before any call`, async () => {
        const before = (await rulesOf(ids.dbGroupId)).length;
        const p = await script();
        const src = (extra.source as { groupId?: string } | undefined)?.groupId === 'SELF' ? { source: { groupId: ids.appGroupId } } : {};
        const r = await run('auroraSg.addInboundRule', {
          region: REGION,
          groupId: ids.dbGroupId,
          ...extra,
          ...src,
          ...(extra.source ? {} : { source: undefined }),
        });
        assert.equal(r, undefined);
        assert.equal(p.errors.length, 1, `expected one error, got ${JSON.stringify(p.errors)}`);
        assert.match(p.errors[0], msg);
        assert.equal((await rulesOf(ids.dbGroupId)).length, before);
      });
    }

    it('asks before opening a database port to the world; "no" changes nothing', async () => {
      const before = (await rulesOf(ids.dbGroupId)).length;
      const p = await script(false);
      const r = await run('auroraSg.addInboundRule', {
        region: REGION,
        groupId: ids.dbGroupId,
        protocol: 'tcp',
        fromPort: 3306,
        source: { cidr: '0.0.0.0/0' },
      });
      assert.equal(r, undefined);
      assert.match(p.confirms[0].message, /whole internet/);
      assert.equal((await rulesOf(ids.dbGroupId)).length, before);
      const p2 = await script(true);
      const r2 = await run<string[]>('auroraSg.addInboundRule', {
        region: REGION,
        groupId: ids.dbGroupId,
        protocol: 'tcp',
        fromPort: 3306,
        source: { cidr: '::/0' },
      });
      assert.equal(p2.confirms.length, 1);
      assert.equal(r2?.length, 1);
    });

    it('interactive from a group node: preset, source group picked by name, description', async () => {
      const node = await walk(REGION, 'VPCs', 'shop-vpc', 'pgsrv1');
      const p = await script('Aurora PostgreSQL / PostgreSQL', 'Another security group', 'legacy-db', 'From the reporting DB');
      const r = await run<string[]>('auroraSg.addInboundRule', node);
      assert.equal(r?.length, 1, p.errors.join());
      const rule = (await rulesOf(ids.pgGroupId)).find((x) => x.SecurityGroupRuleId === r![0])!;
      assert.equal(rule.ReferencedGroupInfo?.GroupId, ids.legacyGroupId);
      assert.equal(rule.FromPort, 5432);
      assert.ok(p.pickItems[0].some((l) => l.startsWith('Aurora MySQL')));
      assert.deepEqual(
        p.steps,
        ['Add inbound rule 1/4', 'Add inbound rule 2/4', 'Add inbound rule 3/4', 'Add inbound rule 4/4'],
        'numbered from the steps that prompt',
      );
      // the tree shows the new rule without a manual refresh
      const inbound = await walk(REGION, 'VPCs', 'shop-vpc', 'pgsrv1', 'Inbound');
      assert.ok((await children(inbound)).some((n) => n.kind === 'rule' && n.ruleId === r![0]));
    });

    it('interactive: a custom range with a CIDR that is shown canonicalised before sending', async () => {
      const node = await walk(REGION, 'VPCs', 'shop-vpc', 'appsrv1');
      const p = await script('Custom TCP port or range…', '9000-8000', '8000-8100', 'IPv4 or IPv6 CIDR range', '192.0.2.77/24', true, '');
      const r = await run<string[]>('auroraSg.addInboundRule', node);
      assert.equal(r?.length, 1, p.errors.join());
      assert.match(p.validations[0], /9000/);
      assert.match(p.confirms[0].message, /192\.0\.2\.0\/24/);
      const rule = (await rulesOf(ids.appGroupId)).find((x) => x.SecurityGroupRuleId === r![0])!;
      assert.deepEqual([rule.FromPort, rule.ToPort, rule.CidrIpv4], [8000, 8100, '192.0.2.0/24']);
    });
  });

  describe('editRule and removeRule', () => {
    it('edits a rule in place (same id): port and description', async () => {
      await script();
      const ruleIds = await run<string[]>('auroraSg.addInboundRule', {
        region: REGION,
        groupId: ids.appGroupId,
        protocol: 'tcp',
        fromPort: 8443,
        source: { cidr: '198.51.100.0/24' },
      });
      const id = ruleIds![0];
      const p = await script(true); // the port changes: confirmed, though called with arguments
      const edited = await run<string>('auroraSg.editRule', { region: REGION, ruleId: id, fromPort: 9443, toPort: 9443, description: 'Admin UI' });
      assert.equal(edited, id, p.errors.join());
      const r = (await rulesOf(ids.appGroupId)).find((x) => x.SecurityGroupRuleId === id)!;
      assert.deepEqual([r.FromPort, r.ToPort, r.Description], [9443, 9443, 'Admin UI']);
    });

    it('a description-only edit asks nothing and keeps the rule (UpdateSecurityGroupRuleDescriptions)', async () => {
      await script();
      const id = (await run<string[]>('auroraSg.addInboundRule', {
        region: REGION,
        groupId: ids.appGroupId,
        protocol: 'tcp',
        fromPort: 8444,
        source: { cidr: '198.51.100.0/24' },
      }))![0];
      const p = await script();
      assert.equal(await run<string>('auroraSg.editRule', { region: REGION, ruleId: id, description: 'Ops only' }), id, p.errors.join());
      assert.deepEqual(p.confirms, []);
      const r = (await rulesOf(ids.appGroupId)).find((x) => x.SecurityGroupRuleId === id)!;
      assert.deepEqual([r.FromPort, r.CidrIpv4, r.Description], [8444, '198.51.100.0/24', 'Ops only']);
    });

    it('a change of kind (CIDR to group) is confirmed as a replace: the new rule added, then the old one removed', async () => {
      await script();
      const id = (await run<string[]>('auroraSg.addInboundRule', {
        region: REGION,
        groupId: ids.appGroupId,
        protocol: 'tcp',
        fromPort: 8445,
        source: { cidr: '198.51.100.0/24' },
      }))![0];
      const p = await script(true);
      const now = await run<string>('auroraSg.editRule', { region: REGION, ruleId: id, source: { groupId: ids.dbGroupId } });
      assert.ok(now && now !== id, p.errors.join());
      assert.equal(p.confirms[0].message, `Replace rule ${id}?`);
      assert.match(p.confirms[0].detail, /^AWS cannot change a rule's kind; the rule will be replaced: add the new rule, check it, then remove the old one\./);
      const rules = await rulesOf(ids.appGroupId);
      assert.ok(!rules.some((x) => x.SecurityGroupRuleId === id), 'the old rule is gone');
      const r = rules.find((x) => x.SecurityGroupRuleId === now)!;
      assert.deepEqual([r.FromPort, r.ReferencedGroupInfo?.GroupId, r.CidrIpv4], [8445, ids.dbGroupId, undefined]);
    });

    it('removes several selected rules after a confirmation, and nothing else', async () => {
      await script();
      const a = (await run<string[]>('auroraSg.addInboundRule', {
        region: REGION,
        groupId: ids.legacyGroupId,
        protocol: 'tcp',
        fromPort: 1111,
        source: { cidr: '10.1.0.0/16' },
      }))![0];
      const b = (await run<string[]>('auroraSg.addInboundRule', {
        region: REGION,
        groupId: ids.legacyGroupId,
        protocol: 'tcp',
        fromPort: 2222,
        source: { cidr: '10.2.0.0/16' },
      }))![0];
      const before = (await rulesOf(ids.legacyGroupId)).map((r) => r.SecurityGroupRuleId!);
      const inbound = await walk(REGION, 'VPCs', 'shop-vpc', 'legacy-db', 'Inbound');
      const nodes = (await children(inbound)).filter((n) => n.kind === 'rule' && (n.ruleId === a || n.ruleId === b));
      assert.equal(nodes.length, 2);
      const no = await script(false);
      assert.equal(await run('auroraSg.removeRule', nodes[0], nodes), undefined);
      assert.match(no.confirms[0].message, /2 rules/);
      assert.equal((await rulesOf(ids.legacyGroupId)).length, before.length);
      await script(true);
      const removed = await run<string[]>('auroraSg.removeRule', nodes[0], nodes);
      assert.deepEqual([...removed!].sort(), [a, b].sort());
      const after = (await rulesOf(ids.legacyGroupId)).map((r) => r.SecurityGroupRuleId!);
      assert.deepEqual(after.sort(), before.filter((x) => x !== a && x !== b).sort());
    });
  });

  describe('deleteSecurityGroup', () => {
    it('refuses the default group, a group guarding a cluster, and a referenced group carried by an instance', async () => {
      const cases: [string, RegExp][] = [
        [ids.defaultGroupId, /default group/],
        [ids.dbGroupId, /guards DB cluster orders-mysql/],
        [ids.appGroupId, /references it[\s\S]*EC2 instance app-server-1/],
      ];
      for (const [groupId, msg] of cases) {
        const p = await script();
        assert.equal(await run('auroraSg.deleteSecurityGroup', { region: REGION, groupId, confirmName: 'x' }), undefined);
        assert.match(p.errors[0], msg);
        assert.ok((await groupsIn(ids.vpcId)).some((g) => g.GroupId === groupId));
      }
    });

    it('deletes an unused group only when its name is typed', async () => {
      await script();
      const id = (await run<string>('auroraSg.createSecurityGroup', { region: REGION, vpcId: ids.vpcId, groupName: 'throwaway', description: 'temp' }))!;
      const p = await script();
      assert.equal(await run('auroraSg.deleteSecurityGroup', { region: REGION, groupId: id, confirmName: 'Throwaway' }), undefined);
      assert.match(p.errors[0], /does not match/);
      const node = await walk(REGION, 'VPCs', 'shop-vpc', 'throwaway');
      const p2 = await script('throw', 'throwaway');
      assert.equal(await run('auroraSg.deleteSecurityGroup', node), id);
      assert.equal(p2.validations.length, 1);
      assert.ok(!(await groupsIn(ids.vpcId)).some((g) => g.GroupId === id));
      assert.ok(!(await children(await walk(REGION, 'VPCs', 'shop-vpc'))).some((n) => n.kind === 'group' && n.groupId === id));
    });
  });

  describe('associating groups with databases', () => {
    it('associating with a cluster that has two groups keeps all three', async () => {
      await script(true); // arguments never answer the confirmation of a replacing change
      const r1 = await run<string[]>('auroraSg.associateWithCluster', { region: REGION, clusterId: 'orders-mysql', groupIds: [ids.pgGroupId] });
      assert.deepEqual(r1, [ids.dbGroupId, ids.pgGroupId]);
      assert.deepEqual(await clusterGroups('orders-mysql'), [ids.dbGroupId, ids.pgGroupId]);
      // interactive, from the cluster node: pick, see before/after, confirm
      const node = await walk(REGION, 'DB clusters', 'orders-mysql');
      const p = await script(['appsrv1'], true);
      const r2 = await run<string[]>('auroraSg.associateWithCluster', node);
      assert.deepEqual(r2, [ids.dbGroupId, ids.pgGroupId, ids.appGroupId], p.errors.join());
      assert.match(p.confirms[0].detail, /Before: dbsrv1.*pgsrv1/);
      assert.match(p.confirms[0].detail, /After: +dbsrv1.*pgsrv1.*appsrv1/);
      // Said as it is (no ApplyImmediately is sent; moto never queues a pending modification).
      assert.match(
        p.confirms[0].detail,
        /\n\nRDS applies the group change as soon as possible to every instance of orders-mysql; the change itself causes no outage\.$/,
      );
      assert.ok(!p.pickItems[0].includes('dbsrv1'), 'already attached groups are not offered');
      assert.deepEqual(await clusterGroups('orders-mysql'), [ids.dbGroupId, ids.pgGroupId, ids.appGroupId]);
      // the tree shows the three attached groups
      const kids = (await children(await walk(REGION, 'DB clusters', 'orders-mysql'))).filter((n) => n.kind === 'group');
      assert.equal(kids.length, 3);
    });

    it('refuses more than five groups, groups of another VPC, and removing the last group', async () => {
      const extra: string[] = [];
      for (const n of ['x1', 'x2', 'x3', 'x4', 'x5']) {
        extra.push((await run<string>('auroraSg.createSecurityGroup', { region: REGION, vpcId: ids.vpcId, groupName: n, description: n }))!);
      }
      const p = await script();
      assert.equal(await run('auroraSg.associateWithCluster', { region: REGION, clusterId: 'orders-mysql', groupIds: extra }), undefined);
      assert.match(p.errors[0], /at most 5/);
      const otherVpcGroup = (await groupsIn(ids.otherVpcId))[0].GroupId!;
      const p2 = await script();
      assert.equal(await run('auroraSg.associateWithCluster', { region: REGION, clusterId: 'billing-pg', groupIds: [otherVpcGroup] }), undefined);
      assert.match(p2.errors[0], /own VPC/);
      const link = (await children(await walk(REGION, 'DB clusters', 'billing-pg'))).find((n) => n.kind === 'group')!;
      const p3 = await script();
      assert.equal(await run('auroraSg.disassociateFromCluster', link), undefined);
      assert.match(p3.errors[0], /at least one/);
      assert.deepEqual(await clusterGroups('billing-pg'), [ids.pgGroupId]);
    });

    it("an Aurora instance: explains that its groups are the cluster's and changes the cluster", async () => {
      const node = await walk(REGION, 'DB clusters', 'billing-pg', 'billing-pg-2');
      const p = await script(true, ['legacy-db'], true);
      const r = await run<string[]>('auroraSg.associateWithInstance', node);
      assert.deepEqual(r, [ids.pgGroupId, ids.legacyGroupId], p.errors.join());
      assert.match(p.confirms[0].message, /belongs to Aurora DB cluster billing-pg/);
      assert.deepEqual(await clusterGroups('billing-pg'), [ids.pgGroupId, ids.legacyGroupId]);
      // removing one of two works and keeps the other
      const link = (await children(await walk(REGION, 'DB clusters', 'billing-pg'))).find((n) => n.kind === 'group' && n.groupId === ids.legacyGroupId)!;
      // legacy-db's IPv6 range loses its only path: the question offers the replacement on pgsrv1; this removes only.
      await script('Remove Only');
      assert.deepEqual(await run('auroraSg.disassociateFromCluster', link), [ids.pgGroupId]);
      assert.deepEqual(await clusterGroups('billing-pg'), [ids.pgGroupId]);
    });

    it('complete arguments skip the questions but never the confirmation: an Aurora instance redirects to its cluster without asking, then confirms', async () => {
      const p = await script(true);
      const r = await run<string[]>('auroraSg.associateWithInstance', { region: REGION, dbInstanceId: 'billing-pg-2', groupIds: [ids.legacyGroupId] });
      assert.deepEqual(r, [ids.pgGroupId, ids.legacyGroupId], p.errors.join());
      assert.equal(p.confirms.length, 1, 'no question about the redirect');
      assert.match(p.confirms[0].message, /^Associate legacy-db \(sg-[0-9a-f]+\) with billing-pg\?$/);
      assert.match(p.confirms[0].detail, /Before: pgsrv1.*\nAfter: +pgsrv1.*legacy-db/);
      assert.deepEqual(await clusterGroups('billing-pg'), [ids.pgGroupId, ids.legacyGroupId]);
      assert.match(await logText(), /billing-pg-2 belongs to Aurora DB cluster billing-pg: associating sg-[0-9a-f]+ with the cluster instead/);
      // Both removal commands refuse an empty list before any call; a removal given in full still asks.
      const p2 = await script();
      assert.equal(await run('auroraSg.disassociateFromInstance', { region: REGION, dbInstanceId: 'reports-mysql', groupIds: [] }), undefined);
      assert.equal(await run('auroraSg.disassociateFromCluster', { region: REGION, clusterId: 'billing-pg', groupIds: [] }), undefined);
      assert.deepEqual(p2.errors, ['No group was given to remove.', 'No group was given to remove.']);
      const p3 = await script('Remove Only');
      assert.deepEqual(
        await run('auroraSg.disassociateFromCluster', { region: REGION, clusterId: 'billing-pg', groupId: ids.legacyGroupId }),
        [ids.pgGroupId],
        p3.errors.join(),
      );
      assert.match(p3.confirms[0].message, /^Remove legacy-db \(sg-[0-9a-f]+\) from billing-pg\?$/);
      assert.deepEqual(await clusterGroups('billing-pg'), [ids.pgGroupId]);
    });

    it('a standalone RDS instance gets the merged list through ModifyDBInstance', async () => {
      await script(true);
      const r = await run<string[]>('auroraSg.associateWithInstance', { region: REGION, dbInstanceId: 'reports-mysql', groupIds: [ids.dbGroupId] });
      assert.deepEqual(r, [ids.legacyGroupId, ids.dbGroupId]);
      assert.deepEqual(await instanceGroups('reports-mysql'), [ids.legacyGroupId, ids.dbGroupId]);
    });
  });
});
