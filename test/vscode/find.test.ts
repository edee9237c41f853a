import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { AuthorizeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import type { FindResult } from '../../src/domain/find/match';
import type { FindNode } from '../../src/tree/findView';
import type { Node } from '../../src/tree/nodes';
import type { TestAccountIds } from '../harness/seed';
import { script } from './scripted';
import { api, aws, AWS_URL, childLabels, children, item, labelOf, REGION, reseed, selected, setSettings, walk } from './util';

const run = <T>(cmd: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(cmd, ...args);

/** The Find Results rows as "label (description)", depth first, indented by level. */
async function rows(): Promise<string[]> {
  const a = await api();
  const out: string[] = [];
  const visit = (nodes: FindNode[], depth: number) => {
    for (const n of nodes) {
      out.push(`${'  '.repeat(depth)}${n.label}${n.description ? ` (${n.description})` : ''}`);
      visit(a.findResults.getChildren(n), depth + 1);
    }
  };
  visit(a.findResults.getChildren(), 0);
  return out;
}

function flat(nodes: readonly FindNode[]): FindNode[] {
  return nodes.flatMap((n) => [n, ...flat(n.children ?? [])]);
}

describe('Find and the tree filter (issue 17) in a real VS Code', () => {
  let ids: TestAccountIds;

  before(async () => {
    ids = await reseed();
    await setSettings({ endpoint: AWS_URL, regions: [REGION], profile: '' });
    const a = await api();
    await a.ext.store.refreshAll([REGION]);
    a.analysis.reset();
  });

  after(async () => {
    const a = await api();
    const { VsCodePrompter } = await import('../../src/ui/vscodePrompter');
    a.ext.ui = new VsCodePrompter();
    await run('auroraSg.clearTreeFilter');
    await run('auroraSg.clearFindResults');
  });

  it('Find through the input (a bad query gets its message first): the rules, and the databases the address reaches, grouped by Region and group, counted', async () => {
    const a = await api();
    const prompter = await script('port:99999', '10.20.5.5');
    const r = await run<FindResult>('auroraSg.find');
    prompter.done();
    assert.ok(r, prompter.errors.join());
    assert.equal(prompter.validations.length, 1);
    assert.match(prompter.validations[0], /99999/);
    // legacy-db lets 0.0.0.0/0 in on 3306: 10.20.5.5 (inside shop-vpc) reaches reports-mysql on 3306, through the path engine.
    assert.deepEqual(
      r.groups.map((g) => `${g.group.groupName}: ${g.rules.map((x) => x.fromPort).join(',')}`),
      ['legacy-db: 3306'],
    );
    assert.deepEqual(
      r.reach.map((h) => `${h.target.id}:${h.port}`),
      ['reports-mysql:3306'],
    );
    assert.equal(r.reach[0].networkChecked, true, 'the network part was read for the address');
    assert.equal(r.reach[0].verdict, 'open');
    assert.deepEqual(await rows(), [
      `${REGION} (2)`,
      '  Databases 10.20.5.5/32 can reach (1)',
      '    reports-mysql (tcp 3306 · reachable)',
      `  legacy-db (${ids.legacyGroupId} · ${ids.vpcId} · 1 rule)`,
      `    tcp 3306 from 0.0.0.0/0 (inbound · temporary)`,
    ]);
    assert.equal(a.findTree.description, '10.20.5.5: 1 group, 1 rule, 1 database reachable');
    assert.equal(a.findTree.message, undefined);
  });

  it("a result reveals its node in the Access tree (the group's row, a rule's row)", async () => {
    const a = await api();
    const all = flat(a.findResults.getChildren());
    const group = all.find((n) => n.label === 'legacy-db');
    assert.ok(group?.command);
    await run(group.command.command, ...(group.command.arguments ?? []));
    assert.deepEqual(
      a.view.selection.map((n) => (n.kind === 'group' ? n.groupId : n.kind)),
      [ids.legacyGroupId],
    );
    const rule = all.find((n) => n.label.startsWith('tcp 3306 from 0.0.0.0/0'));
    assert.ok(rule?.command);
    await run(rule.command.command, ...(rule.command.arguments ?? []));
    const sel = a.view.selection[0];
    assert.ok(sel?.kind === 'rule' && sel.groupId === ids.legacyGroupId, JSON.stringify(sel));
    const db = all.find((n) => n.label === 'reports-mysql');
    await run(db!.command!.command, ...(db!.command!.arguments ?? []));
    assert.deepEqual(a.view.selection, [{ kind: 'dbInstance', region: REGION, instanceId: 'reports-mysql' }]);
  });

  it('the results follow the data: a rule added outside and a refresh show up without a new search', async () => {
    const a = await api();
    await aws().ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: ids.appGroupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, IpRanges: [{ CidrIp: '10.20.0.0/16', Description: 'health checks' }] }],
      }),
    );
    const updated = new Promise<FindResult | undefined>((resolve) => {
      const sub = a.findResults.onDidUpdate((r) => {
        sub.dispose();
        resolve(r);
      });
    });
    await a.ext.store.load(REGION);
    const r = await updated;
    assert.deepEqual(r?.groups.map((g) => g.group.groupName).sort(), ['appsrv1', 'legacy-db']);
    assert.equal(a.findTree.description, '10.20.5.5: 2 groups, 2 rules, 1 database reachable');
  });

  it('Find by group id, by tag and by text; nothing found says so in the view', async () => {
    const a = await api();
    const byId = await run<FindResult>('auroraSg.find', ids.appGroupId);
    assert.deepEqual(
      byId?.groups.map((g) => `${g.group.groupName}${g.whole ? ' (whole)' : `: ${g.rules.length}`}`),
      ['appsrv1 (whole)', 'dbsrv1: 1', 'pgsrv1: 1'].sort((x, y) => x.localeCompare(y)),
    );
    const byTag = await run<FindResult>('auroraSg.find', 'tag:team=shop');
    assert.deepEqual(
      byTag?.groups.map((g) => g.group.groupName),
      ['appsrv1'],
    );
    const byText = await run<FindResult>('auroraSg.find', { query: '"bi tools"' });
    assert.deepEqual(
      byText?.groups.map((g) => g.group.groupName),
      ['pgsrv1'],
    );
    const none = await run<FindResult>('auroraSg.find', 'no-such-thing-anywhere');
    assert.equal(none?.groups.length, 0);
    assert.equal(a.findTree.description, 'no-such-thing-anywhere: no match');
    assert.match(a.findTree.message ?? '', /Nothing matches "no-such-thing-anywhere"/);
  });

  it('a query that does not parse is a specific message, and changes nothing', async () => {
    const a = await api();
    const prompter = await script();
    const before = a.findResults.query?.text;
    assert.equal(await run('auroraSg.find', 'tag:'), undefined);
    assert.match(prompter.errors.join(), /needs a tag key after 'tag:'/);
    assert.equal(a.findResults.query?.text, before);
    assert.equal(await run('auroraSg.filterTree', 'port:70000'), undefined);
    assert.equal(a.treeFilter.text, undefined);
  });

  it('the filter hides what does not match, shows in the view title with a clear button, and is kept across a reload of the store and a restart', async () => {
    const a = await api();
    const groupsBefore = await childLabels(await walk(REGION, 'VPCs', 'shop-vpc'));
    assert.ok(groupsBefore.length >= 4, groupsBefore.join());
    assert.equal(await run('auroraSg.filterTree', 'legacy'), 'legacy');
    const vpc = await walk(REGION, 'VPCs', 'shop-vpc');
    assert.deepEqual(await childLabels(await walk(REGION, 'VPCs')), ['shop-vpc']);
    assert.deepEqual(
      (await childLabels(vpc)).map((l) => l.split(' ')[0]),
      ['legacy-db'],
    );
    // The database the group guards stays; the clusters section says nothing matches.
    assert.deepEqual(await childLabels(await walk(REGION, 'RDS DB instances')), ['reports-mysql']);
    assert.deepEqual(await childLabels(await walk(REGION, 'DB clusters')), ['Nothing here matches the filter "legacy"']);
    assert.equal(a.view.description, 'filter: legacy');
    assert.equal(a.contextKeys.get('auroraSg.treeFiltered'), true);
    assert.equal(a.ext.context.workspaceState.get('auroraSg.treeFilter'), 'legacy');

    // A reload of the data keeps it (the filter is computed again on the new index).
    await a.ext.store.load(REGION);
    assert.deepEqual(
      (await childLabels(await walk(REGION, 'VPCs', 'shop-vpc'))).map((l) => l.split(' ')[0]),
      ['legacy-db'],
    );

    // A restart: a fresh tree over the same store, its filter restored from the workspace's state.
    const provider = new a.modules.AuroraSgTreeProvider({ store: a.ext.store, regions: () => a.ext.regions() });
    const view = { description: undefined as string | undefined };
    const keys = new Map<string, unknown>();
    const restored = new a.modules.TreeFilterControl(
      provider,
      view,
      a.ext.context.workspaceState,
      (k, v) => keys.set(k, v),
      (text) => a.modules.features().treeFilterOf(text),
    );
    restored.restore();
    try {
      const [region] = await provider.getChildren();
      const vpcs = await provider.getChildren((await provider.getChildren(region)).find((n) => n.kind === 'section' && n.section === 'vpcs'));
      const groups = await provider.getChildren(vpcs[0]);
      assert.deepEqual(
        groups.map((g: Node) => (g.kind === 'group' ? g.groupId : g.kind)),
        [ids.legacyGroupId],
      );
      assert.equal(view.description, 'filter: legacy');
      assert.equal(keys.get('auroraSg.treeFiltered'), true);
    } finally {
      provider.dispose();
    }

    // A rule-level query shows only the matching rules of a group.
    await run('auroraSg.filterTree', 'port:5432 "bi tools"');
    const pg = await walk(REGION, 'VPCs', 'shop-vpc', 'pgsrv1');
    const inbound = (await children(pg))[0];
    const ruleLabels = await Promise.all((await children(inbound)).map(async (n) => labelOf(await item(n))));
    assert.equal(ruleLabels.length, 1, ruleLabels.join());
    assert.match(ruleLabels[0], /198\.51\.100\.0\/24/);

    await run('auroraSg.clearTreeFilter');
    assert.equal(a.view.description, undefined);
    assert.equal(a.contextKeys.get('auroraSg.treeFiltered'), false);
    assert.equal(a.ext.context.workspaceState.get('auroraSg.treeFilter'), undefined);
    assert.deepEqual(await childLabels(await walk(REGION, 'VPCs', 'shop-vpc')), groupsBefore);
  });

  it('a Find result or a Go To pick the filter hides is revealed through the filter (with its parents), until the filter changes', async () => {
    const a = await api();
    await run('auroraSg.find', 'pgsrv1');
    const pg = flat(a.findResults.getChildren()).find((n) => n.label === 'pgsrv1');
    assert.ok(pg?.command, 'no Find result for pgsrv1');
    assert.equal(await run('auroraSg.filterTree', 'legacy'), 'legacy');
    const shown = async () => (await childLabels(await walk(REGION, 'VPCs', 'shop-vpc'))).map((l) => l.split(' ')[0]);
    assert.deepEqual(await shown(), ['legacy-db']);
    await run(pg.command.command, ...(pg.command.arguments ?? []));
    await selected((sel) => sel.length === 1 && sel[0]!.kind === 'group' && sel[0]!.groupId === ids.pgGroupId);
    assert.deepEqual((await shown()).sort(), ['legacy-db', 'pgsrv1']);
    assert.equal(a.view.description, 'filter: legacy (+1 revealed)');
    // A database section the filter emptied: the revealed cluster replaces the "nothing matches" row.
    const prompter = await script('orders-mysql');
    await run('auroraSg.goTo');
    prompter.done();
    await selected((sel) => sel.length === 1 && sel[0]!.kind === 'cluster' && sel[0]!.clusterId === ids.mysqlClusterId);
    assert.deepEqual(a.view.selection, [{ kind: 'cluster', region: REGION, clusterId: ids.mysqlClusterId }]);
    assert.deepEqual(
      (await childLabels(await walk(REGION, 'DB clusters'))).map((l) => l.split(' ')[0]),
      ['orders-mysql'],
    );
    assert.equal(a.view.description, 'filter: legacy (+2 revealed)');
    // The filter set again: what was revealed is hidden again.
    await run('auroraSg.filterTree', 'legacy');
    assert.deepEqual(await shown(), ['legacy-db']);
    assert.equal(a.view.description, 'filter: legacy');
    await run('auroraSg.clearTreeFilter');
  });
});
