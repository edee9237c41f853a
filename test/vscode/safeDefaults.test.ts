// Issue 14 items 4 and 7 in the real VS Code: an exposing choice is never the default, and Enter in
// a multi-select pick takes the highlighted item instead of answering "nothing".
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DescribeDBClustersCommand } from '@aws-sdk/client-rds';
import type { TestAccountIds } from '../harness/seed';
import { VsCodePrompter } from '../../src/ui/vscodePrompter';
import { script } from './scripted';
import { api, aws, AWS_URL, REGION, reseed, setSettings } from './util';

const run = <T>(cmd: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(cmd, ...args);

async function clusterGroups(clusterId: string): Promise<string[]> {
  const out = await aws().rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: clusterId }));
  return (out.DBClusters?.[0]?.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId!);
}

describe('Safe defaults: exposing choices are never the default', () => {
  let ids: TestAccountIds;

  before(async () => {
    ids = await reseed();
    await setSettings({ endpoint: AWS_URL, regions: [REGION], profile: '' });
    await (await api()).ext.store.refreshAll([REGION]);
  });

  after(async () => {
    (await api()).ext.ui = new VsCodePrompter();
  });

  it('opening a database port to the world is confirmed as an exposing choice (the safe button first, so Enter declines)', async () => {
    const p = await script(false);
    const r = await run('auroraSg.addInboundRule', { region: REGION, groupId: ids.dbGroupId, protocol: 'tcp', fromPort: 3306, source: { cidr: '0.0.0.0/0' } });
    assert.equal(r, undefined);
    assert.equal(p.confirms.length, 1);
    assert.match(p.confirms[0].message, /whole internet/);
    assert.equal(p.confirms[0].action, 'Allow from anywhere');
    assert.equal(p.confirms[0].exposes, true, 'the world-open confirmation must put the safe choice first');
  });

  it('associating a group that admits the whole internet on the database port warns like adding that rule does; declined, nothing changes', async () => {
    const before = await clusterGroups(ids.mysqlClusterId);
    const p = await script(false);
    const r = await run('auroraSg.associateWithCluster', { region: REGION, clusterId: ids.mysqlClusterId, groupIds: [ids.legacyGroupId] });
    assert.equal(r, undefined);
    assert.equal(p.confirms.length, 1);
    assert.match(p.confirms[0].message, /^Open orders-mysql to the whole internet by associating legacy-db \(sg-[0-9a-f]+\)\?$/);
    assert.match(p.confirms[0].detail, /legacy-db \(sg-[0-9a-f]+\) has a rule that accepts connections from any address \(tcp 3306 from 0\.0\.0\.0\/0\)/);
    assert.equal(p.confirms[0].exposes, true);
    assert.deepEqual(await clusterGroups(ids.mysqlClusterId), before);
  });

  it('associating a group without such a rule asks plainly (not as an exposing choice)', async () => {
    const p = await script(false);
    await run('auroraSg.associateWithCluster', { region: REGION, clusterId: ids.mysqlClusterId, groupIds: [ids.appGroupId] });
    assert.equal(p.confirms.length, 1);
    assert.equal(p.confirms[0].exposes, false);
    assert.equal(p.confirms[0].action, 'Associate');
  });

  it('the real quick pick: Enter in a multi-select pick with nothing checked takes the highlighted item', async () => {
    const ui = new VsCodePrompter();
    const shown = new Promise<string>((resolve) => ui.onDidHighlight(resolve));
    const answer = ui.pickMany({
      title: 'Associate security groups',
      items: [
        { label: 'appsrv1', value: 'sg-app' },
        { label: 'dbsrv1', value: 'sg-db' },
      ],
    });
    // The workbench highlights the first item once the pick is on screen; then Enter:
    assert.equal(await shown, 'appsrv1');
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    assert.deepEqual(await answer, ['sg-app']);
  });
});
