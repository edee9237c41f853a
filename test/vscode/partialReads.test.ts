// A Region loaded in part, and a load that fails at the endpoint override, as a user meets them in
// the real extension host (issue 13 defect 8, issue 14 item 5). The reads go through a fault proxy
// (test/harness/faultProxy.ts) that refuses one action the way AWS refuses a missing permission:
// EC2 answers UnauthorizedOperation (HTTP 403), RDS AccessDenied (EC2 API Reference, "Error codes
// for the Amazon EC2 API"; RDS API Reference, "Common Errors").
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Node } from '../../src/tree/nodes';
import { startFaultProxy, type FaultProxy } from '../harness/faultProxy';
import { script } from './scripted';
import { api, AWS_URL, childLabels, children, item, labelOf, logText, REGION, reseed, setSettings, walk } from './util';

const run = <T>(cmd: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(cmd, ...args);
const tooltip = (i: vscode.TreeItem) => (typeof i.tooltip === 'string' ? i.tooltip : (i.tooltip?.value ?? ''));

describe('Partial reads: a Region with one read refused, and a bad endpoint, in a real VS Code', function () {
  this.timeout(180_000);
  let proxy: FaultProxy;
  let appGroupId: string;

  /** Refuse one read for every call from now on, then load the Region again. */
  async function deny(action: string, service: 'ec2' | 'rds' = 'ec2'): Promise<void> {
    proxy.add({
      action,
      kind: 'error',
      times: Infinity,
      ...(service === 'ec2'
        ? { status: 403, code: 'UnauthorizedOperation', message: 'You are not authorized to perform this operation.' }
        : { status: 403, code: 'AccessDenied', message: `User: arn:aws:iam::123456789012:user/t is not authorized to perform: rds:${action}` }),
    });
    await (await api()).ext.store.refreshAll([REGION]);
  }

  async function rows(node: Node): Promise<vscode.TreeItem[]> {
    return Promise.all((await children(node)).map(item));
  }

  before(async () => {
    appGroupId = (await reseed()).appGroupId;
    // Faults in front of the AWS-rules layer (AWS_URL); off here so the rules are not applied twice.
    proxy = await startFaultProxy(AWS_URL, { awsRules: false });
    await setSettings({ endpoint: proxy.url, regions: [REGION], profile: '' });
  });

  afterEach(() => {
    proxy.clear();
    proxy.reset();
  });

  after(async () => {
    const { VsCodePrompter } = await import('../../src/ui/vscodePrompter');
    (await api()).ext.ui = new VsCodePrompter();
    await setSettings({ endpoint: AWS_URL, regions: [REGION], profile: '' });
    await proxy?.close();
  });

  it('rules not readable: everything else is shown, each group says which permission is missing, the Region says "partly loaded"', async () => {
    await deny('DescribeSecurityGroupRules');
    const a = await api();
    const region = await item(await walk(REGION));
    assert.match(String(region.description), /^partly loaded · /);
    assert.equal((region.iconPath as vscode.ThemeIcon).id, 'warning');
    assert.match(tooltip(region), /could not read security group rules \(needs `ec2:DescribeSecurityGroupRules`\)/);
    assert.deepEqual(await childLabels(await walk(REGION)), ['VPCs', 'DB clusters', 'RDS DB instances (not in a cluster)']);
    for (const group of [await walk(REGION, 'VPCs', 'shop-vpc', 'dbsrv1'), await walk(REGION, 'DB clusters', 'orders-mysql', 'dbsrv1')]) {
      const [row, ...rest] = await rows(group);
      assert.equal(rest.length, 0, 'no Inbound / Outbound lists, so no "No inbound rules: nothing can connect"');
      assert.equal(row.contextValue, 'readFailure');
      assert.equal(labelOf(row), 'Could not read security group rules: needs ec2:DescribeSecurityGroupRules');
      assert.match(String(row.description), /not authorized|permission/i);
      assert.match(tooltip(row), /ec2:DescribeSecurityGroupRules/);
      assert.equal(row.command?.command, 'auroraSg.refresh');
    }
    // The analysis does not answer from the rules it did not read.
    const findings = await a.findings.getChildren();
    assert.equal(findings[0]?.kind, 'unread');
    assert.match(
      labelOf(a.findings.getTreeItem(findings[0]!)),
      /partly loaded: could not check the security group rules \(needs ec2:DescribeSecurityGroupRules\)/,
    );
    assert.deepEqual(
      findings.filter((f) => f.kind !== 'unread'),
      [],
      'no finding from rules that were not read',
    );
    let p = await script();
    assert.equal(await run('auroraSg.whoCanReach', { region: REGION, clusterId: 'orders-mysql' }), undefined);
    assert.match(
      p.errors[0] ?? '',
      /^Cannot tell who can reach the database: the security group rules \(needs ec2:DescribeSecurityGroupRules\) of us-east-1 could not be read/,
    );
    // A write that needs the rules is refused before it sends anything.
    p = await script();
    const r = await run('auroraSg.addInboundRule', { region: REGION, groupId: appGroupId, protocol: 'tcp', fromPort: 8001, source: { cidr: '10.80.1.0/24' } });
    assert.equal(r, undefined);
    assert.match(p.errors[0] ?? '', /^Cannot add a rule: the security group rules \(needs ec2:DescribeSecurityGroupRules\) of us-east-1 could not be read/);
    assert.equal(proxy.count('AuthorizeSecurityGroupIngress'), 0);
    await a.statusBar.updated();
    assert.match(a.statusBar.item.text, /^\$\(warning\) .* · partly loaded: us-east-1$/);
    assert.match(
      await logText(),
      /Loading us-east-1 \(endpoint http:\/\/[^)]+\): could not read rules \(needs ec2:DescribeSecurityGroupRules\): UnauthorizedOperation: You are not authorized/,
    );
  });

  it('DB clusters not readable: the section says so, the VPCs and groups are shown', async () => {
    await deny('DescribeDBClusters', 'rds');
    const [row, ...rest] = await rows(await walk(REGION, 'DB clusters'));
    assert.equal(rest.length, 0, 'not "No DB clusters in this Region"');
    assert.equal(row.contextValue, 'readFailure');
    assert.equal(labelOf(row), 'Could not read DB clusters: needs rds:DescribeDBClusters');
    assert.ok((await childLabels(await walk(REGION, 'VPCs', 'shop-vpc'))).includes('dbsrv1'));
    assert.deepEqual(
      (await (await api()).findings.all()).filter((f) => f.finding.kind === 'unused-group'),
      [],
      'no "unused group": a group may guard a cluster that was not read',
    );
  });

  it('VPCs not readable: the groups are still shown under the VPCs they name, labelled as not read', async () => {
    await deny('DescribeVpcs');
    const vpcs = await rows(await walk(REGION, 'VPCs'));
    assert.equal(vpcs[0]?.contextValue, 'readFailure');
    assert.equal(labelOf(vpcs[0]!), 'Could not read VPCs: needs ec2:DescribeVpcs');
    assert.ok(vpcs.length > 1, 'the VPCs the groups name');
    assert.ok(vpcs.slice(1).every((v) => /^VPC not read/.test(String(v.description))));
    const shop = (await children(await walk(REGION, 'VPCs'))).find((n) => n.kind === 'vpc' && (n as { vpcId: string }).vpcId);
    assert.ok(shop);
    assert.ok((await rows(shop)).some((g) => g.contextValue?.startsWith('group')));
  });

  it('every read refused: the load fails with a Region-level error row', async () => {
    proxy.add({
      action: /^Describe/,
      kind: 'error',
      times: Infinity,
      status: 403,
      code: 'UnauthorizedOperation',
      message: 'You are not authorized to perform this operation.',
    });
    await (await api()).ext.store.refreshAll([REGION]);
    const first = await item((await children(await walk(REGION)))[0]!);
    assert.equal(first.contextValue, 'error');
    assert.match(labelOf(first), /^Failed to load us-east-1: /);
  });

  it('a read slower than auroraSg.requestTimeoutSeconds: that read fails on its node, saying AWS did not answer in time and which setting to raise; the rest loads', async () => {
    // Each attempt of DescribeDBClusters is held 3 s by the proxy; the setting gives up after 1 s
    // (the default 30 s would have waited the answers out).
    proxy.add({ action: 'DescribeDBClusters', kind: 'slow', delayMs: 3000, times: Infinity });
    await setSettings({ requestTimeoutSeconds: 1 });
    try {
      const a = await api();
      await a.ext.store.refreshAll([REGION]);
      assert.ok(proxy.count('DescribeDBClusters', { fault: 'slow' }) >= 3, 'three attempts, each given up');
      const [row, ...rest] = await rows(await walk(REGION, 'DB clusters'));
      assert.equal(rest.length, 0);
      assert.equal(row.contextValue, 'readFailure');
      assert.equal(labelOf(row), 'Could not read DB clusters: needs rds:DescribeDBClusters');
      assert.match(String(row.description), /^AWS did not answer in time at http:\/\/127\.0\.0\.1:\d+\. .*raise the auroraSg\.requestTimeoutSeconds setting\./);
      assert.ok((await childLabels(await walk(REGION, 'VPCs', 'shop-vpc'))).includes('dbsrv1'), 'the other reads loaded');
    } finally {
      proxy.clear();
      await setSettings({ requestTimeoutSeconds: undefined });
    }
  });

  it('a bad endpoint: the error row names the endpoint override and what to do, the status bar shows the failure, the log has the error and the endpoint', async () => {
    const nowhere = 'http://127.0.0.1:9';
    await setSettings({ endpoint: nowhere });
    try {
      const a = await api();
      await a.ext.store.refreshAll([REGION]);
      const region = await item(await walk(REGION));
      assert.match(tooltip(region), /The last load failed: Could not connect to the endpoint http:\/\/127\\?\.0\\?\.0\\?\.1:9/);
      const row = await item((await children(await walk(REGION)))[0]!);
      assert.equal(row.contextValue, 'error');
      assert.match(labelOf(row), /^Failed to load us-east-1: Could not connect to the endpoint http:\/\/127\.0\.0\.1:9 /);
      assert.match(
        String(row.description),
        /auroraSg\.endpoint setting sends every call to http:\/\/127\.0\.0\.1:9: start the emulator there .* · click to retry$/,
      );
      assert.match(tooltip(row), /auroraSg\\?\.endpoint/);
      assert.match(tooltip(row), /emulator/);
      await a.statusBar.updated();
      assert.match(a.statusBar.item.text, /^\$\(warning\) .* · load failed: us-east-1$/);
      assert.ok(a.statusBar.item.backgroundColor, 'the status bar item is coloured as an error');
      const log = await logText();
      assert.match(
        log,
        /Loading us-east-1 failed \(endpoint http:\/\/127\.0\.0\.1:9\): \w+[^:]*: \S.*Could not connect to the endpoint http:\/\/127\.0\.0\.1:9/,
      );
      assert.doesNotMatch(log, /failed: Error$/m, 'no call line says only "failed: Error"');
    } finally {
      await setSettings({ endpoint: proxy.url });
    }
  });
});
