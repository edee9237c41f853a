// Every view that shows an analysis answers from the same data, after every change of it, without a
// manual refresh (issue 14, item 2): the diagram, the Reachability view, the walkthrough's
// verification and the findings, after the extension's own changes (Apply Fix, removing a group from
// the cluster) and after a change made outside it followed by a Region refresh. An answer that cannot
// be computed on the newer data says that it is on older data and offers a refresh. And the
// automatic refresh (item 10) reloads the Region on its interval, never during a running change.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { DeleteDBClusterCommand, DeleteDBInstanceCommand } from '@aws-sdk/client-rds';
import type { Reachability } from '../../src/domain/analysis';
import { graphSummary } from '../../src/domain/reachGraph';
import type * as W from '../../src/domain/walkthrough';
import type { DataStamp } from '../../src/state/store';
import type { ReachPanel } from '../../src/webview/reachPanel';
import { WalkthroughController } from '../../src/webview/walkthroughController';
import { FakeClock } from '../harness/fakeClock';
import { memoryStorage, runWalkthroughHeadless } from '../harness/headlessWalkthrough';
import { runEc2Instance, seedScenarioStart, type ScenarioIds } from '../harness/seed';
import { script } from './scripted';
import { api, aws, AWS_URL, MOTO_URL, REGION, reseed, resetMoto, setSettings } from './util';

const run = <T>(cmd: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(cmd, ...args);

/** Resolves once `check()` holds: now, or on one of the events that may make it hold (never a sleep). */
function when<T>(events: readonly vscode.Event<unknown>[] | vscode.Event<unknown>, check: () => T | undefined): Promise<T> {
  const now = check();
  if (now) return Promise.resolve(now);
  return new Promise((resolve) => {
    const subs = (Array.isArray(events) ? events : [events]).map((e: vscode.Event<unknown>) =>
      e(() => {
        const v = check();
        if (!v) return;
        for (const s of subs) s.dispose();
        resolve(v);
      }),
    );
  });
}

describe('Consistency: every view answers from the data the store holds now, whoever changed it', function () {
  this.timeout(180_000);
  let ids: ScenarioIds;
  let appGroupId: string;
  let dbGroupId: string;
  let walkthrough: WalkthroughController;
  let panel: ReachPanel;
  /** The walkthrough's last verification and the data it was computed on. */
  let verified: { v: W.Verification; on: DataStamp } | undefined;
  const verifiedEvent = new vscode.EventEmitter<void>();

  const store = async () => (await api()).ext.store;
  const revision = async () => (await store()).stamp(REGION).revision;
  const reachTop = async () => {
    const a = await api();
    return a.reachView.getChildren().map((n) => ({ label: a.reachView.getTreeItem(n).label as string, node: n }));
  };

  before(async () => {
    await resetMoto();
    ids = await seedScenarioStart(MOTO_URL, REGION);
    // The database's own default group also lets the whole internet in on its port (the state a new user finds).
    await aws().ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: ids.defaultGroupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'temporary' }] }],
      }),
    );
    await setSettings({ endpoint: AWS_URL, regions: [REGION], profile: '' });
    const a = await api();
    await a.ext.store.refreshAll([REGION]);
    a.analysis.reset();
    // The walkthrough sets up the path clients -> appsrv1 -> dbsrv1 -> orders-db and verifies it.
    const done = await runWalkthroughHeadless(a.ext, {
      region: REGION,
      clusterId: ids.clusterId,
      clientCidrs: '203.0.113.0/24',
      appPort: 443,
      ec2InstanceId: ids.appServerInstanceId,
    });
    assert.equal(done.verification?.ok, true, JSON.stringify(done.verification?.hops));
    const groups = await aws().ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [ids.vpcId] }] }));
    const byName = new Map((groups.SecurityGroups ?? []).map((g) => [g.GroupName!, g.GroupId!]));
    appGroupId = byName.get('appsrv1')!;
    dbGroupId = byName.get('dbsrv1')!;
    // The walkthrough stays open on its verification, as a user leaves it.
    walkthrough = new WalkthroughController(a.ext, memoryStorage(), done.state);
    walkthrough.observe({
      verified: (v, on) => {
        verified = { v, on };
        verifiedEvent.fire();
      },
    });
    await walkthrough.verify();
    assert.equal(verified?.v.ok, true);
  });

  after(async () => {
    walkthrough?.dispose();
    verifiedEvent.dispose();
    const { VsCodePrompter } = await import('../../src/ui/vscodePrompter');
    (await api()).ext.ui = new VsCodePrompter();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Apply Fix on the world-open rule: the open diagram stops saying the internet can reach the database, and the Reachability view agrees with the walkthrough, without a refresh', async () => {
    const a = await api();
    await script();
    const r = await run<Reachability>('auroraSg.whoCanReach', { region: REGION, clusterId: ids.clusterId });
    assert.ok(r?.worldOpen, 'the internet can reach orders-db before the fix');
    const features = a.modules.features();
    panel = features.ReachPanel.current!;
    assert.ok(panel, 'the diagram is open');
    assert.match(graphSummary(panel.state.graph).text, /including the whole internet/);
    // The Reachability view shows the app server's path; the diagram keeps the database's sources.
    const path = await run<{ open: boolean }>('auroraSg.explainPath', {
      region: REGION,
      clusterId: ids.clusterId,
      source: { ec2InstanceId: ids.appServerInstanceId },
      // The side view only: the editor panel keeps the diagram.
      editor: false,
    });
    assert.equal(path?.open, true);

    const world = (await a.findings.all()).find((f) => f.finding.kind === 'db-port-world' && f.finding.groupId === ids.defaultGroupId);
    assert.ok(world, 'the world-open rule is a finding with a fix');
    const before = await revision();
    await script(true);
    assert.ok(await run('auroraSg.applyFindingFix', world));
    assert.ok((await revision()) > before, "the fix's re-read changed the store's data");

    const shown = await when(panel.onDidUpdate, () => (panel.state.graph.nodes.some((n) => n.id === 'cidr:0.0.0.0/0') ? undefined : panel.state));
    assert.doesNotMatch(graphSummary(shown.graph).text, /internet/);
    assert.equal(shown.note, undefined);
    // The same data under every view: the diagram's answer, the Reachability view's, the walkthrough's verification.
    const now = await revision();
    await when(verifiedEvent.event, () => (verified?.on.revision === now ? true : undefined));
    await when(a.reachView.onDidChangeTreeData, () => (a.reachView.answer?.stamp?.revision === now ? true : undefined));
    const top = await reachTop();
    assert.match(top[0].label, /^Open: app-server-1 → orders-db/);
    assert.equal(verified!.v.ok, true, 'Verified, like the Reachability view');
    assert.ok(!(await a.findings.all()).some((f) => f.finding.id === world.finding.id), 'the finding is gone');
  });

  it('removing default from the cluster through the command: the diagram no longer shows it guarding, the walkthrough no longer lists it', async () => {
    const a = await api();
    await script(true);
    const left = await run<string[]>('auroraSg.disassociateFromCluster', { region: REGION, clusterId: ids.clusterId, groupIds: [ids.defaultGroupId] });
    assert.deepEqual(left, [dbGroupId]);
    const shown = await when(panel.onDidUpdate, () => (panel.state.graph.nodes.some((n) => n.id === `dbg:${ids.defaultGroupId}`) ? undefined : panel.state));
    assert.deepEqual(
      shown.graph.nodes.filter((n) => n.kind === 'dbGroup').map((n) => n.label),
      ['dbsrv1'],
    );
    const now = await revision();
    await when(verifiedEvent.event, () => (verified?.on.revision === now ? true : undefined));
    const attached = verified!.v.hops.find((h) => h.id === 'attached')!;
    assert.doesNotMatch(attached.detail, /default/);
    await when(a.reachView.onDidChangeTreeData, () => (a.reachView.answer?.stamp?.revision === now ? true : undefined));
    assert.match((await reachTop())[0].label, /^Open:/);
  });

  it('a change made outside the extension, then a Region refresh: every view answers from the new data ("Closed" and "Not verified" together)', async () => {
    const a = await api();
    // Outside the extension: the rule that lets appsrv1 into dbsrv1 is revoked.
    const rules = await aws().ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [dbGroupId] }] }));
    const fromApp = (rules.SecurityGroupRules ?? [])
      .filter((x) => !x.IsEgress && x.ReferencedGroupInfo?.GroupId === appGroupId)
      .map((x) => x.SecurityGroupRuleId!);
    assert.equal(fromApp.length, 1);
    await aws().ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: dbGroupId, SecurityGroupRuleIds: fromApp }));
    assert.match((await reachTop())[0].label, /^Open:/, 'nothing knows of the change before the refresh');
    await script();
    await run('auroraSg.refresh', { kind: 'region', region: REGION });
    const now = await revision();
    const shown = await when(panel.onDidUpdate, () => (panel.state.graph.nodes.some((n) => n.kind === 'group' || n.kind === 'cidr') ? undefined : panel.state));
    assert.match(graphSummary(shown.graph).text, /^0 sources/);
    await when(a.reachView.onDidChangeTreeData, () => (a.reachView.answer?.stamp?.revision === now ? true : undefined));
    assert.match((await reachTop())[0].label, /^Closed: app-server-1 → orders-db/);
    await when(verifiedEvent.event, () => (verified?.on.revision === now ? true : undefined));
    assert.equal(verified!.v.ok, false, 'the walkthrough no longer says Verified');
    assert.equal(walkthrough.state.completed.includes('verify'), false);
    // The findings and badges are computed on the same data.
    const idx = a.ext.store.index(REGION)!;
    await when(a.findings.onDidChangeFileDecorations, () => a.analysis.computed(idx));
  });

  it('an answer that cannot be computed on the newer data stays, saying it is on older data, with a refresh', async () => {
    const a = await api();
    const stampBefore = a.reachView.answer!.stamp!;
    // Outside the extension the database is deleted; the Region is refreshed.
    for (const id of ids.clusterInstanceIds) await aws().rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: id, SkipFinalSnapshot: true }));
    await aws().rds.send(new DeleteDBClusterCommand({ DBClusterIdentifier: ids.clusterId, SkipFinalSnapshot: true }));
    await script();
    await run('auroraSg.refresh', { kind: 'region', region: REGION });
    assert.ok(!a.ext.store.index(REGION)!.clustersById.has(ids.clusterId));
    const top = await when(a.reachView.onDidChangeTreeData, () => (a.reachView.answer?.stale ? a.reachView.getChildren() : undefined));
    const note = a.reachView.getTreeItem(top[0]);
    assert.match(
      String(note.label),
      /^Computed on data loaded at \d\d:\d\d; the account has changed since \(DB cluster orders-db is no longer in the loaded data\)\. Refresh to recompute\.$/,
    );
    assert.deepEqual(note.command?.command, 'auroraSg.refresh');
    assert.deepEqual(note.command?.arguments, [{ kind: 'region', region: REGION }]);
    assert.equal(a.reachView.answer!.stamp, stampBefore, 'the answer shown is the one computed on the older data');
    const shown = await when(panel.onDidUpdate, () => (panel.state.note ? panel.state : undefined));
    assert.match(shown.note!, /^Computed on data loaded at \d\d:\d\d; the account has changed since/);
  });
});

describe('Automatic refresh: the Region reloads on the interval of auroraSg.autoRefresh.intervalMinutes, never during a change', function () {
  this.timeout(60_000);

  after(async () => {
    const a = await api();
    await setSettings({ 'autoRefresh.intervalMinutes': undefined, 'autoRefresh.onFocus': undefined });
    const { systemClock } = await import('../../src/state/autoRefresh');
    a.autoRefresh.useClock(systemClock);
  });

  it('off by default; with an interval set the store reloads on it, keeping its data visible meanwhile; a running change makes it wait', async () => {
    const a = await api();
    await a.ext.store.refreshAll([REGION]);
    assert.deepEqual(a.autoRefresh.settings, { intervalMinutes: 0, onFocus: false });
    const clock = new FakeClock();
    a.autoRefresh.useClock(clock);
    assert.equal(clock.pending, 0, 'off: nothing scheduled');
    await setSettings({ 'autoRefresh.intervalMinutes': 5 });
    assert.equal(a.autoRefresh.settings.intervalMinutes, 5, 'the setting took effect');
    assert.ok(a.ext.store.index(REGION), 'the setting kept the loaded data');

    // A change is running: the due refresh waits.
    const done = a.ext.beginWork();
    const count = a.autoRefresh.count;
    clock.advance(5 * 60_000);
    assert.equal(a.autoRefresh.count, count);
    assert.equal(a.ext.store.isLoading(REGION), false);
    done();

    const before = a.ext.store.stamp(REGION).revision;
    let visibleWhileLoading: boolean | undefined;
    const reloaded = new Promise<void>((resolve) => {
      const sub = a.ext.store.onChange((r) => {
        if (r !== REGION) return;
        if (a.ext.store.isLoading(REGION)) visibleWhileLoading ??= !!a.ext.store.index(REGION);
        else if (a.ext.store.stamp(REGION).revision > before) {
          sub.dispose();
          resolve();
        }
      });
    });
    clock.advance(5_000);
    await reloaded;
    assert.equal(a.autoRefresh.count, count + 1);
    assert.equal(visibleWhileLoading, true, 'the tree keeps its rows while the refresh loads');
    assert.ok((await a.provider.getChildren()).length > 0);
  });
});

describe('Consistency: an EC2 instance put into a group through the command redraws the Reachability view', () => {
  it('the path from the instance opens in the view without asking again (who carries a group is data the views compute with)', async () => {
    const ids = await reseed();
    const subnets = await aws().ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [ids.vpcId] }] }));
    const batch = await runEc2Instance(aws(), subnets.Subnets![0]!.SubnetId!, [ids.defaultGroupId], 'batch-1');
    await setSettings({ endpoint: AWS_URL, regions: [REGION], profile: '' });
    const a = await api();
    await a.ext.store.refreshAll([REGION]);
    a.analysis.reset(REGION);
    await script();
    const p = await run<{ open: boolean }>('auroraSg.explainPath', { region: REGION, clusterId: ids.mysqlClusterId, source: { ec2InstanceId: batch } });
    assert.equal(p?.open, false);
    assert.match(String(a.reachView.getTreeItem(a.reachView.getChildren()[0]).label), /^Closed: batch-1/);
    await script(true);
    assert.ok(await run('auroraSg.addInstanceToGroup', { region: REGION, instanceId: batch, groupId: ids.appGroupId }));
    const top = await when(a.reachView.onDidChangeTreeData, () => {
      const first = a.reachView.getChildren()[0];
      return first && /^Open: batch-1/.test(String(a.reachView.getTreeItem(first).label)) ? first : undefined;
    });
    assert.ok(top);
    assert.equal(a.reachView.answer?.stamp?.revision, a.ext.store.stamp(REGION).revision);
  });
});
