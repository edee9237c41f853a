// The access walkthrough in a real VS Code against moto: the whole flow twice (the second run
// creates nothing), the panel opened by the command, resuming after a close and after an error,
// and malformed webview messages refused without effect.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  AttachNetworkInterfaceCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateNetworkInterfaceCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
} from '@aws-sdk/client-ec2';
import { DescribeDBClustersCommand } from '@aws-sdk/client-rds';
import * as W from '../../src/domain/walkthrough';
import { createGroup, runEc2Instance, seedScenarioStart, type ScenarioIds } from '../harness/seed';
import { STATE_KEY, WalkthroughController } from '../../src/webview/walkthroughController';
import {
  lastVerification,
  memoryStorage,
  runWalkthroughHeadless,
  watchWalkthrough,
  type HeadlessResult,
  type WalkthroughWatch,
} from '../harness/headlessWalkthrough';
import { script } from './scripted';
import { api, aws, AWS_URL, MOTO_URL, REGION, resetMoto, setSettings } from './util';

const CLIENTS = '203.0.113.0/24';

async function groupsByName(vpcId: string): Promise<Map<string, string>> {
  const out = await aws().ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
  return new Map((out.SecurityGroups ?? []).map((g) => [g.GroupName!, g.GroupId!]));
}
async function inboundRules(groupId: string) {
  const out = await aws().ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }));
  return (out.SecurityGroupRules ?? []).filter((r) => !r.IsEgress);
}
async function clusterGroups(clusterId: string): Promise<string[]> {
  const out = await aws().rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: clusterId }));
  return (out.DBClusters?.[0]?.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId!);
}
/**
 * The groups of the instance's primary network interface (device index 0), the list the walkthrough
 * changes with ModifyNetworkInterfaceAttribute (EC2 API Reference, ModifyInstanceAttribute Groups:
 * the primary interface's groups). Sorted: moto keeps an interface's groups as a
 * set. moto also leaves the instance-level SecurityGroups as launched.
 */
async function ec2Groups(instanceId: string): Promise<string[]> {
  const out = await aws().ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
  const primary = (out.Reservations?.[0]?.Instances?.[0]?.NetworkInterfaces ?? []).find((n) => n.Attachment?.DeviceIndex === 0);
  return (primary?.Groups ?? []).map((g) => g.GroupId!).sort();
}

function walkthroughTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('auroraSg.walkthrough'));
}

async function until<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 40_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function closeWalkthroughTabs(): Promise<void> {
  const tabs = walkthroughTabs();
  if (tabs.length) await vscode.window.tabGroups.close(tabs);
  await until('the walkthrough tabs to close', () => walkthroughTabs().length === 0 || undefined);
}

/** Fills the fields of the step shown (through the webview's own messages) and applies it. */
async function applyStep(c: WalkthroughController, values: Partial<W.Choices> = {}): Promise<W.StepOutcome | undefined> {
  const step = c.state.step;
  for (const [field, value] of Object.entries(values) as [W.ChoiceField, string][]) {
    if (W.FIELD_STEP[field] === step) assert.equal(await c.handle({ type: 'update', field, value }), true);
  }
  const v = await c.view();
  assert.equal(v.primary.enabled, true, `step ${v.number} cannot be applied: ${[...v.errors, ...v.fields.map((f) => f.error ?? '')].join(' ')}`);
  assert.equal(await c.handle({ type: 'apply', step, planKey: v.planKey }), true);
  return c.state.outcomes[step];
}

describe('Access walkthrough: the whole flow in a real VS Code against moto', function () {
  this.timeout(180_000);
  let ids: ScenarioIds;

  before(async () => {
    await resetMoto();
    ids = await seedScenarioStart(MOTO_URL, REGION);
    await setSettings({ endpoint: AWS_URL, regions: [REGION], profile: '' });
    const a = await api();
    await a.ext.store.refreshAll([REGION]);
    await a.ext.context.workspaceState.update(STATE_KEY, undefined);
    await closeWalkthroughTabs();
  });

  after(async () => {
    await closeWalkthroughTabs();
    const { VsCodePrompter } = await import('../../src/ui/vscodePrompter');
    (await api()).ext.ui = new VsCodePrompter();
  });

  let first: HeadlessResult;

  it('run 1 sets up the path: appsrv1 with the client rule, the EC2 instance in it, dbsrv1 from appsrv1 on 3306, associated with orders-db', async () => {
    const { ext } = await api();
    first = await runWalkthroughHeadless(ext, {
      region: REGION,
      clusterId: ids.clusterId,
      clientCidrs: CLIENTS,
      appPort: 443,
      ec2InstanceId: ids.appServerInstanceId,
    });
    const names = await groupsByName(ids.vpcId);
    const app = names.get('appsrv1');
    const db = names.get('dbsrv1');
    assert.ok(app && db, `groups in the VPC: ${[...names.keys()].join(', ')}`);
    assert.ok(!names.has('sg-appsrv1') && !names.has('sg-dbsrv1'));
    const appRules = await inboundRules(app);
    assert.deepEqual(
      appRules.map((r) => [r.IpProtocol, r.FromPort, r.ToPort, r.CidrIpv4]),
      [['tcp', 443, 443, CLIENTS]],
    );
    const dbRules = await inboundRules(db);
    assert.deepEqual(
      dbRules.map((r) => [r.IpProtocol, r.FromPort, r.ToPort, r.ReferencedGroupInfo?.GroupId]),
      [['tcp', 3306, 3306, app]],
    );
    assert.deepEqual(await clusterGroups(ids.clusterId), [ids.defaultGroupId, db]);
    assert.deepEqual(await ec2Groups(ids.appServerInstanceId), [ids.defaultGroupId, app].sort());
    assert.deepEqual(first.created.filter((x) => x.startsWith('group:')).sort(), [`group:${app}`, `group:${db}`].sort());
    assert.equal(first.created.filter((x) => x.startsWith('rule:')).length, 2);
    assert.ok(first.created.includes(`cluster:${ids.clusterId}+${db}`));
    assert.ok(first.created.includes(`ec2:${ids.appServerInstanceId}+${app}`));
    assert.deepEqual(first.reused, []);
    assert.equal(first.verification?.ok, true, JSON.stringify(first.verification?.hops));
    // With the network read back too (issue 15): the app server and the database share a VPC, the ACLs allow all.
    assert.deepEqual(
      first.verification?.hops.map((h) => [h.id, h.ok]),
      [
        ['clients', true],
        ['appServer', true],
        ['appToDb', true],
        ['network', true],
        ['attached', true],
      ],
    );
    // The tree's store was refreshed by the walkthrough: it knows the new groups without a reload.
    const idx = ext.store.index(REGION)!;
    assert.ok(idx.groupsById.has(app) && idx.groupsById.has(db));
    assert.deepEqual(
      idx.clustersById.get(ids.clusterId)!.securityGroups.map((g) => g.groupId),
      [ids.defaultGroupId, db],
    );
  });

  it('run 2 creates nothing new: the same group ids, the same rules, the same lists', async () => {
    const { ext } = await api();
    const before = await groupsByName(ids.vpcId);
    const rulesBefore = (await inboundRules(before.get('appsrv1')!)).length + (await inboundRules(before.get('dbsrv1')!)).length;
    const calls = ext.gateway().callCount;
    const second = await runWalkthroughHeadless(ext, {
      region: REGION,
      clusterId: ids.clusterId,
      clientCidrs: CLIENTS,
      appPort: 443,
      ec2InstanceId: ids.appServerInstanceId,
    });
    assert.deepEqual(second.created, []);
    assert.equal(second.reused.length, first.created.length, `reused ${second.reused.join(', ')}`);
    assert.deepEqual(await groupsByName(ids.vpcId), before);
    const rulesAfter = (await inboundRules(before.get('appsrv1')!)).length + (await inboundRules(before.get('dbsrv1')!)).length;
    assert.equal(rulesAfter, rulesBefore);
    assert.deepEqual(await clusterGroups(ids.clusterId), [ids.defaultGroupId, before.get('dbsrv1')]);
    assert.deepEqual(await ec2Groups(ids.appServerInstanceId), [ids.defaultGroupId, before.get('appsrv1')].sort());
    assert.equal(second.verification?.ok, true);
    assert.ok(ext.gateway().callCount > calls, 'run 2 read the account');
  });

  let live: WalkthroughController;
  let liveSeen: WalkthroughWatch;

  it('the command opens the panel (a webview of type auroraSg.walkthrough) for a cluster node, with a strict CSP', async () => {
    const { ext } = await api();
    const c = await vscode.commands.executeCommand<WalkthroughController>('auroraSg.openWalkthrough', {
      kind: 'cluster',
      region: REGION,
      clusterId: ids.clusterId,
    });
    await until('the walkthrough tab', () => walkthroughTabs().length === 1 || undefined);
    assert.ok(c && typeof c.handle === 'function', 'the command returns its walkthrough');
    live = c;
    liveSeen = watchWalkthrough(c);
    assert.equal(c.state.choices.target, `cluster:${ids.clusterId}`);
    assert.equal(c.state.step, 'target');
    await until('the tab title', () => walkthroughTabs()[0]?.label === `Access: ${ids.clusterId}` || undefined);
    const html = c.webviewPanel!.webview.html;
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-[A-Za-z0-9+/=]{24}'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*(?!\.vscode-cdn\.net)/);
    // Styles only from the webview's own resource origin (cspSource); scripts only with the nonce.
    assert.match(csp, new RegExp(`style-src ${c.webviewPanel!.webview.cspSource.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')};`));
    assert.match(csp, /script-src 'nonce-[^']+';/);
    assert.doesNotMatch(html, /\son[a-z]+=|style="/i, 'no inline handlers or styles');
    assert.equal((html.match(/<script /g) ?? []).length, (html.match(/<script nonce="/g) ?? []).length);
    assert.deepEqual(
      c.webviewPanel!.webview.options.localResourceRoots?.map((u) => u.path.replace(/.*\//, '')),
      ['media'],
    );
    // The view sent to the webview holds no credentials and no endpoint.
    const text = JSON.stringify(await c.view());
    assert.doesNotMatch(text, /testing-session|secretAccessKey|accessKeyId/i);
    assert.ok(!text.includes(MOTO_URL), 'the endpoint is not in the view');
    assert.deepEqual(ext.context.workspaceState.get<W.WalkthroughState>(STATE_KEY)?.choices.target, `cluster:${ids.clusterId}`);
  });

  it('malformed messages posted to the controller are refused without effect', async () => {
    const { ext } = await api();
    const c = live;
    const seen = liveSeen;
    // Let the page load and the walkthrough settle (it fills the VPC from the cluster) first.
    await until('the first view posted to the page', () => seen.viewsPosted > 0 || undefined);
    await c.view();
    const state = JSON.stringify(c.state);
    const calls = ext.gateway().callCount;
    const rejected = seen.rejected;
    const bad: unknown[] = [
      null,
      'apply',
      [],
      { type: 'apply' },
      { type: 'apply', step: 'target', planKey: 'x', extra: true },
      { type: 'update', field: 'region', value: { nested: 'eu-west-1' } },
      { type: 'update', field: 'clientCidrs', value: 'x'.repeat(5000) },
      { type: 'update', field: 'secret', value: 'x' },
      { type: 'goto', step: 'verify; rm -rf' },
      { type: 'copy', step: 'target', index: 1e9 },
      { type: 'exec', command: 'workbench.action.quit' },
    ];
    for (const b of bad) assert.equal(await c.handle(b), false, JSON.stringify(b));
    assert.equal(seen.rejected, rejected + bad.length);
    // Well-formed but out of turn: a field of another step is refused too, and nothing changes.
    assert.equal(await c.handle({ type: 'update', field: 'appPort', value: '1' }), true);
    assert.match(seen.notices.at(-1)?.text ?? '', /belongs to the step/);
    assert.equal(await c.handle({ type: 'goto', step: 'verify' }), true);
    assert.equal(await c.handle({ type: 'apply', step: 'dbGroup', planKey: '1-00000000' }), true);
    assert.equal(JSON.stringify(c.state), state);
    assert.equal(ext.gateway().callCount, calls, 'no AWS call was made');
  });

  it('after the panel is closed, the command resumes where the walkthrough stopped', async () => {
    const { ext } = await api();
    await applyStep(live);
    assert.equal(live.state.step, 'appGroup');
    await closeWalkthroughTabs();
    assert.equal(live.webviewPanel, undefined, 'closing the tab disposed the panel');
    assert.equal(ext.context.workspaceState.get<W.WalkthroughState>(STATE_KEY)?.step, 'appGroup');
    const again = await vscode.commands.executeCommand<WalkthroughController>('auroraSg.openWalkthrough');
    await until('the walkthrough tab again', () => walkthroughTabs().length === 1 || undefined);
    assert.notEqual(again, live);
    assert.equal(again.state.step, 'appGroup');
    assert.deepEqual(again.state.completed, ['target']);
    // Finish through the panel's controller: everything exists, so each step only reuses.
    const outcomes = [
      await applyStep(again, { clientCidrs: CLIENTS }),
      await applyStep(again, { ec2InstanceId: ids.appServerInstanceId }),
      await applyStep(again),
      await applyStep(again),
    ];
    for (const o of outcomes) {
      assert.equal(o?.error, undefined);
      assert.deepEqual(o?.created, []);
    }
    assert.equal(again.state.step, 'verify');
    const v = await until('the verification', () => lastVerification(again));
    assert.equal(v.ok, true);
    assert.ok(again.state.completed.includes('verify'));
    live = again;
  });

  it('an error stops the step with the AWS message translated and what was done before; applying again resumes there', async () => {
    const { ext } = await api();
    const gw = ext.gateway();
    const authorize = gw.authorizeRule;
    const c = new WalkthroughController(ext, memoryStorage(), W.initialState({ region: REGION, target: `cluster:${ids.clusterId}` }));
    try {
      await applyStep(c);
      gw.authorizeRule = async () => {
        throw Object.assign(new Error('Request limit exceeded.'), { name: 'RequestLimitExceeded', $metadata: { httpStatusCode: 503 } });
      };
      const failed = await applyStep(c, { appGroupName: 'appsrv2', clientCidrs: '198.51.100.0/24', appPort: '8443' });
      assert.match(failed?.error ?? '', /throttling/);
      assert.equal(failed?.created.length, 1);
      assert.match(failed!.applied[0], /^Created appsrv2 \(sg-[0-9a-f]+\)\.$/);
      assert.equal(c.state.step, 'appGroup');
      assert.deepEqual(c.state.completed, ['target']);
      const v = await c.view();
      assert.equal(v.steps[1].status, 'error');
      assert.equal(v.actions[0].status, 'exists', 'the group made before the error is reused');
      gw.authorizeRule = authorize;
      const ok = await applyStep(c);
      assert.equal(ok?.error, undefined);
      assert.deepEqual(ok?.reused, [failed!.created[0]]);
      assert.equal(ok?.created.filter((x) => x.startsWith('rule:')).length, 1);
      assert.equal(c.state.step, 'appServer');
      const app2 = (await groupsByName(ids.vpcId)).get('appsrv2')!;
      assert.deepEqual(
        (await inboundRules(app2)).map((r) => [r.FromPort, r.CidrIpv4]),
        [[8443, '198.51.100.0/24']],
      );
    } finally {
      gw.authorizeRule = authorize;
      c.dispose();
    }
  });

  it('verification also shows whatever else reaches the database port (a world-open rule on the default group)', async () => {
    const { ext } = await api();
    await aws().ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: ids.defaultGroupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    );
    const r = await runWalkthroughHeadless(ext, {
      region: REGION,
      clusterId: ids.clusterId,
      clientCidrs: CLIENTS,
      appPort: 443,
      ec2InstanceId: ids.appServerInstanceId,
    });
    assert.deepEqual(r.created, []);
    assert.equal(r.verification?.ok, true, 'the path itself is still open');
    const open = r.verification?.others.find((o) => o.groupId === ids.defaultGroupId);
    assert.ok(open, JSON.stringify(r.verification?.others));
    assert.equal(open.severity, 'danger');
    assert.match(open.text, /tcp 3306 from 0\.0\.0\.0\/0/);
  });

  it('Start over asks first, keeps the database and changes nothing in AWS', async () => {
    const p = await script(false, true);
    const groups = await groupsByName(ids.vpcId);
    assert.equal(await live.handle({ type: 'reset' }), true);
    assert.equal(live.state.step, 'verify', 'declined: nothing changed');
    assert.equal(await live.handle({ type: 'reset' }), true);
    assert.equal(live.state.step, 'target');
    assert.deepEqual(live.state.completed, []);
    assert.equal(live.state.choices.target, `cluster:${ids.clusterId}`);
    assert.equal(p.confirms.length, 2);
    assert.deepEqual(await groupsByName(ids.vpcId), groups);
  });

  it('a replacing write whose answer was lost but which was applied counts as applied once (EC2 instance and cluster), not as an error', async () => {
    const { ext } = await api();
    const gw = ext.gateway();
    const { setNetworkInterfaceGroups, setClusterGroups } = gw;
    const sent: string[] = [];
    // AWS applies the call, and its answer is lost on every attempt.
    const lost = () =>
      Object.assign(new Error('We encountered an internal error.'), {
        name: 'InternalFailure',
        $fault: 'server',
        $metadata: { httpStatusCode: 500, attempts: 3 },
      });
    const c = new WalkthroughController(ext, memoryStorage(), W.initialState({ region: REGION, target: `cluster:${ids.clusterId}` }));
    try {
      await applyStep(c);
      await applyStep(c, { appGroupName: 'appsrv3', clientCidrs: CLIENTS, appPort: '443' });
      gw.setNetworkInterfaceGroups = async (...a) => {
        sent.push('ModifyNetworkInterfaceAttribute');
        await setNetworkInterfaceGroups.apply(gw, a);
        throw lost();
      };
      gw.setClusterGroups = async (...a) => {
        sent.push('ModifyDBCluster');
        await setClusterGroups.apply(gw, a);
        throw lost();
      };
      const ec2 = await applyStep(c, { ec2InstanceId: ids.appServerInstanceId });
      assert.equal(ec2?.error, undefined, ec2?.error);
      await applyStep(c, { dbGroupName: 'dbsrv3' });
      const assoc = await applyStep(c);
      assert.equal(assoc?.error, undefined, assoc?.error);
      const names = await groupsByName(ids.vpcId);
      const [app3, db1, db3] = [names.get('appsrv3')!, names.get('dbsrv1')!, names.get('dbsrv3')!];
      assert.deepEqual(ec2!.created, [`ec2:${ids.appServerInstanceId}+${app3}`]);
      assert.match(
        ec2!.applied.join(' '),
        /^Added appsrv3 to i-[0-9a-f]+'s primary network interface eni-[0-9a-f]+; it kept 2 groups \(AWS's first answer was lost; the retry found it in place\)\.$/,
      );
      assert.deepEqual(assoc!.created, [`cluster:${ids.clusterId}+${db3}`]);
      assert.match(assoc!.applied.join(' '), /^Associated dbsrv3 with .*; it kept 2 groups \(AWS's first answer was lost; the retry found it in place\)\.$/);
      assert.deepEqual(sent, ['ModifyNetworkInterfaceAttribute', 'ModifyDBCluster'], 'each sent once');
      assert.deepEqual(await ec2Groups(ids.appServerInstanceId), [ids.defaultGroupId, names.get('appsrv1'), app3].sort());
      assert.deepEqual(await clusterGroups(ids.clusterId), [ids.defaultGroupId, db1, db3]);
    } finally {
      gw.setNetworkInterfaceGroups = setNetworkInterfaceGroups;
      gw.setClusterGroups = setClusterGroups;
      c.dispose();
    }
  });
  it("on a two-interface instance, step 3 changes the primary interface's own groups (ModifyNetworkInterfaceAttribute) and leaves the second one alone", async () => {
    const { ext } = await api();
    const c2 = aws();
    const batch = await createGroup(c2, ids.vpcId, 'batch', 'Batch jobs');
    const instanceId = await runEc2Instance(c2, ids.subnetIds[0], [ids.defaultGroupId], 'worker-2');
    const second = (await c2.ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: ids.subnetIds[0], Groups: [batch] }))).NetworkInterface!
      .NetworkInterfaceId!;
    await c2.ec2.send(new AttachNetworkInterfaceCommand({ InstanceId: instanceId, NetworkInterfaceId: second, DeviceIndex: 1 }));
    const primary = (await c2.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations![0].Instances![0].NetworkInterfaces!.find(
      (n) => n.Attachment?.DeviceIndex === 0,
    )!.NetworkInterfaceId!;
    const eniGroups = async () => {
      const enis = await c2.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [primary, second] }));
      const of = (id: string) =>
        (enis.NetworkInterfaces ?? [])
          .find((n) => n.NetworkInterfaceId === id)
          ?.Groups?.map((g) => g.GroupId!)
          .sort();
      return { primary: of(primary), second: of(second) };
    };
    const before = await eniGroups();
    const c = new WalkthroughController(ext, memoryStorage(), W.initialState({ region: REGION, target: `cluster:${ids.clusterId}` }));
    try {
      await applyStep(c);
      await applyStep(c, { appGroupName: 'appsrv4', clientCidrs: CLIENTS, appPort: '443' });
      const app4 = (await groupsByName(ids.vpcId)).get('appsrv4')!;
      assert.equal(await c.handle({ type: 'update', field: 'ec2InstanceId', value: instanceId }), true);
      const v = await c.view();
      const todo = v.actions.filter((a) => a.status === 'todo');
      // The preview: the primary interface, its own list plus appsrv4; not the second interface's batch group.
      assert.deepEqual(
        todo.map((a) => ({ service: a.service, operation: a.operation, input: JSON.parse(a.input ?? '{}') })),
        [{ service: 'EC2', operation: 'ModifyNetworkInterfaceAttribute', input: { NetworkInterfaceId: primary, Groups: [ids.defaultGroupId, app4] } }],
      );
      const out = await applyStep(c);
      assert.equal(out?.error, undefined, out?.error);
      assert.match(out!.applied.join(' '), new RegExp(`^Added appsrv4 to ${instanceId}'s primary network interface ${primary}; it kept 1 group\\.$`));
      const after = await eniGroups();
      assert.deepEqual(after.primary, [ids.defaultGroupId, app4].sort());
      assert.ok(before.second?.includes(batch), JSON.stringify({ batch, before }));
      assert.deepEqual(after.second, before.second, `the second interface is unchanged: ${JSON.stringify({ batch, app4, before, after })}`);
    } finally {
      c.dispose();
    }
  });
});
