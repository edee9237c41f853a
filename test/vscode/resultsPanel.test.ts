// Issue 14 item 6 in the real VS Code: Explain Path's whole result in an editor panel (every hop with
// its verdict and reason, the fixes as buttons through the normal commands), Who Can Reach's diagram
// in the same panel, and the side view a summary with "Open in Editor".
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DescribeSecurityGroupRulesCommand } from '@aws-sdk/client-ec2';
import type { PathExplanation } from '../../src/domain/analysis';
import { VsCodePrompter } from '../../src/ui/vscodePrompter';
import type { TestAccountIds } from '../harness/seed';
import { script } from './scripted';
import { api, aws, AWS_URL, REGION, reseed, setSettings } from './util';

const run = <T>(cmd: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(cmd, ...args);

async function panel() {
  const p = (await api()).modules.features().ReachPanel.open;
  assert.ok(p, 'the results panel is open');
  return p;
}

describe('Results in the editor: Explain Path and Who Can Reach in one panel, the side view a summary', () => {
  let ids: TestAccountIds;

  before(async () => {
    ids = await reseed();
    await setSettings({ endpoint: AWS_URL, regions: [REGION], profile: '' });
    const a = await api();
    await a.ext.store.refreshAll([REGION]);
    a.analysis.reset();
    await script();
  });

  after(async () => {
    (await api()).ext.ui = new VsCodePrompter();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Explain Path opens the panel in the editor with every hop, its verdict and reason, and the webview draws them all', async () => {
    const p = await run<PathExplanation>('auroraSg.explainPath', {
      region: REGION,
      clusterId: 'orders-mysql',
      source: { ec2InstanceId: ids.appServerInstanceId },
    });
    assert.equal(p.open, true);
    const shown = await panel();
    assert.equal(shown.panel.viewType, 'auroraSg.reach');
    assert.equal(shown.shown.kind, 'path');
    const view = shown.shown.kind === 'path' ? shown.shown.path : undefined;
    assert.deepEqual(
      view?.hops.map((h) => [h.kind, h.label, h.ok, h.detail, [...h.ruleIds]]),
      p.hops.map((h) => [h.kind, h.label, h.ok, h.detail, [...h.ruleIds]]),
      'the panel gets every hop, whole',
    );
    assert.ok(p.hops.length >= 3, `source, outbound and inbound hops: ${JSON.stringify(p.hops)}`);
    // The webview itself drew each hop (it reports what is on its page).
    assert.deepEqual(await shown.whenRendered(), { kind: 'path', items: p.hops.length });
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => (t.input instanceof vscode.TabInputWebview ? t.input.viewType : '')));
    assert.ok(
      tabs.some((t) => t.includes('auroraSg.reach')),
      `an editor tab: ${tabs.join(', ')}`,
    );
    assert.match(view?.summary ?? '', /^Open: app-server-1 can open a TCP connection to orders-mysql on port 3306\.$/);
  });

  it('a closed path: the fixes are buttons; pressing one runs the normal add-rule command, and Refresh shows the path open', async () => {
    const p = await run<PathExplanation>('auroraSg.explainPath', { region: REGION, clusterId: 'orders-mysql', source: { cidr: '10.20.1.99' } });
    assert.equal(p.open, false);
    const shown = await panel();
    assert.deepEqual(await shown.whenRendered(), { kind: 'path', items: p.hops.length });
    const view = shown.shown.kind === 'path' ? shown.shown.path : undefined;
    assert.match(view?.summary ?? '', /^Closed: 10\.20\.1\.99\/32 cannot reach orders-mysql on port 3306; closed at "Inbound to dbsrv1/);
    assert.deepEqual(
      view?.fixes.map((f) => f.label),
      ['Add inbound tcp 3306 from 10.20.1.99/32 to dbsrv1'],
    );
    // The button's message, as the webview sends it (validated by the protocol like any other).
    assert.equal(await shown.onMessage({ type: 'fix', index: 0 }), true);
    const rules = await aws().ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [ids.dbGroupId] }] }));
    assert.ok(
      rules.SecurityGroupRules?.some((r) => !r.IsEgress && r.CidrIpv4 === '10.20.1.99/32' && r.FromPort === 3306),
      'the rule was added through auroraSg.addInboundRule',
    );
    assert.equal(await shown.onMessage({ type: 'fix', index: 7 }), true, 'an index beyond the fixes does nothing');
    assert.equal(await shown.onMessage({ type: 'fix', index: -1 }), false, 'a malformed index is dropped');
    await shown.onMessage({ type: 'refresh' });
    const again = shown.shown.kind === 'path' ? shown.shown.path : undefined;
    assert.equal(again?.open, true);
    assert.deepEqual(again?.fixes, []);
  });

  it('the side view keeps a summary with "Open in Editor", which shows the result again through its command', async () => {
    const a = await api();
    await run<PathExplanation>('auroraSg.explainPath', { region: REGION, clusterId: 'orders-mysql', source: { ec2InstanceId: ids.appServerInstanceId } });
    const open = a.reachView.getChildren().find((n) => n.id === 'openInEditor');
    assert.ok(open?.command, 'an "Open in Editor" row');
    assert.equal(open.label, 'Open in Editor');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    assert.equal(a.modules.features().ReachPanel.open, undefined);
    await run(open.command.command, ...(open.command.arguments ?? []));
    const shown = await panel();
    assert.equal(shown.shown.kind, 'path');
    // Who Can Reach: the same panel, with the diagram.
    await run('auroraSg.whoCanReach', { region: REGION, clusterId: 'billing-pg' });
    assert.equal((await panel()).shown.kind, 'graph');
    assert.equal((await (await panel()).whenRendered()).kind, 'graph');
    assert.ok(a.reachView.getChildren().some((n) => n.id === 'openInEditor'));
  });
});
