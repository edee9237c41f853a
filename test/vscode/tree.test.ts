import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { AuthorizeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { DeleteDBClusterCommand } from '@aws-sdk/client-rds';
import { createMultiAzCluster, type TestAccountIds } from '../harness/seed';
import type { Node } from '../../src/tree/nodes';
import { api, aws, AWS_URL, childLabels, children, descriptions, EXTENSION_ID, item, labelOf, logText, REGION, reseed, setSettings, walk } from './util';

/** The extension's own bundles (dist/*.js) in Node's module cache: seen by Node, not by the extension. */
function bundlesLoaded(): string[] {
  const dist = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist') + path.sep;
  return Object.keys(require.cache)
    .filter((f) => f.startsWith(dist))
    .map((f) => `dist/${f.slice(dist.length).split(path.sep).join('/')}`)
    .sort();
}

/**
 * What was loaded right after activation. A root hook: it runs before any test of any file, so this
 * suite activates the extension itself (nothing else does before the tests start) and looks at once.
 */
let atActivation: { activatedHere: boolean; bundles: string[] } | undefined;
before(async () => {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed in this VS Code`);
  const activatedHere = !ext.isActive;
  if (activatedHere) await ext.activate();
  atActivation = { activatedHere, bundles: bundlesLoaded() };
});

/**
 * Watches the context keys the extension sets (`setContext`): `vscode.commands` is one object for the
 * extension and its tests (one API instance per extension), so wrapping its executeCommand sees every call.
 */
function watchContextKeys() {
  const commands = vscode.commands as { executeCommand: typeof vscode.commands.executeCommand };
  const original = commands.executeCommand;
  const values = new Map<string, unknown>();
  const waiting = new Set<() => void>();
  commands.executeCommand = function <T>(this: unknown, id: string, ...args: unknown[]): Thenable<T> {
    if (id === 'setContext' && typeof args[0] === 'string') {
      values.set(args[0], args[1]);
      for (const w of [...waiting]) w();
    }
    return original.call(this, id, ...args) as Thenable<T>;
  };
  return {
    values,
    /** Resolves once the extension has set `key` to `value` (or had already, since the watch began). */
    until(key: string, value: unknown, timeoutMs = 20_000): Promise<void> {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!values.has(key) || values.get(key) !== value) return;
          waiting.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiting.delete(check);
          reject(new Error(`the extension did not set ${key} to ${JSON.stringify(value)} within ${timeoutMs} ms (last: ${JSON.stringify(values.get(key))})`));
        }, timeoutMs);
        waiting.add(check);
        check();
      });
    },
    dispose() {
      commands.executeCommand = original;
    },
  };
}

/** Waits until `condition` holds, checking every 50 ms; fails saying what it waited for after `timeoutMs`. */
async function until(condition: () => boolean, what: () => string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`gave up after ${timeoutMs} ms waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The commands this extension contributes and registers: exactly these, each once. */
const COMMANDS = [
  'auroraSg.addInboundRule',
  'auroraSg.addInstanceToGroup',
  'auroraSg.addOutboundRule',
  'auroraSg.allowMyIp',
  'auroraSg.applyFindingFix',
  'auroraSg.associateWithCluster',
  'auroraSg.associateWithInstance',
  'auroraSg.cancelLoading',
  'auroraSg.clearFindResults',
  'auroraSg.clearTreeFilter',
  'auroraSg.compareGroups',
  'auroraSg.configure',
  'auroraSg.copyArn',
  'auroraSg.copyId',
  'auroraSg.copyRules',
  'auroraSg.createSecurityGroup',
  'auroraSg.deleteSecurityGroup',
  'auroraSg.disassociateFromCluster',
  'auroraSg.disassociateFromInstance',
  'auroraSg.editRule',
  'auroraSg.explainPath',
  'auroraSg.exportActivity',
  'auroraSg.exportSecurityGroup',
  'auroraSg.filterTree',
  'auroraSg.find',
  'auroraSg.goTo',
  'auroraSg.openInConsole',
  'auroraSg.openWalkthrough',
  'auroraSg.redoActivity',
  'auroraSg.refresh',
  'auroraSg.refreshFindings',
  'auroraSg.removeInstanceFromGroup',
  'auroraSg.removeRule',
  'auroraSg.revealGroup',
  'auroraSg.revokeTemporaryRules',
  'auroraSg.selectProfile',
  'auroraSg.selectProfiles',
  'auroraSg.selectRegions',
  'auroraSg.setEndpoint',
  'auroraSg.showActivityEntry',
  'auroraSg.showLog',
  'auroraSg.signIn',
  'auroraSg.undoActivity',
  'auroraSg.whoCanReach',
];

describe('Foundation: activation, commands and the tree in a real VS Code', () => {
  let ids: TestAccountIds;

  before(async () => {
    ids = await reseed();
    await setSettings({ endpoint: AWS_URL, regions: [REGION], profile: '' });
    await (await api()).ext.store.refreshAll([REGION]);
  });

  it("runs in the real VS Code the launcher chose (AURORA_SG_VSCODE; 1.99.3 by default) and activates without loading the AWS SDK (its time is the bench's job)", async () => {
    assert.equal(vscode.version, process.env.AURORA_SG_VSCODE ?? '1.99.3');
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    assert.ok(ext.isActive);
    assert.ok(atActivation, 'the root hook did not run');
    assert.ok(atActivation.activatedHere, 'the extension was already active when the suite started: activation could not be watched');
    // Node's module cache, not the extension's word: the activation bundle was loaded, the AWS layer's was not.
    assert.ok(atActivation.bundles.includes('dist/extension.js'), `bundles at activation: ${atActivation.bundles.join(', ')}`);
    assert.ok(!atActivation.bundles.includes('dist/aws.js'), `the AWS layer (dist/aws.js) was loaded at activation: ${atActivation.bundles.join(', ')}`);
    // The same check sees it once the first load has used AWS (this suite's before hook loaded the Region).
    assert.ok(bundlesLoaded().includes('dist/aws.js'), `after a load: ${bundlesLoaded().join(', ')}`);
  });

  it('contributes and registers exactly its commands, each once', async () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
      contributes: { commands: { command: string }[]; views: Record<string, { id: string }[]> };
    };
    // VS Code adds commands of its own for each view (auroraSg.explorer.focus, ...): not the extension's.
    const viewIds = Object.values(pkg.contributes.views)
      .flat()
      .map((v) => v.id);
    const registered = (await vscode.commands.getCommands(true)).filter((c) => c.startsWith('auroraSg.') && !viewIds.some((v) => c.startsWith(`${v}.`)));
    assert.deepEqual([...new Set(registered)].sort(), COMMANDS);
    assert.deepEqual(pkg.contributes.commands.map((c) => c.command).sort(), COMMANDS);
  });

  it('shows the Region with VPCs, clusters and standalone instances', async () => {
    assert.deepEqual(await childLabels(), [REGION]);
    const region = await walk(REGION);
    assert.deepEqual(await childLabels(region), ['VPCs', 'DB clusters', 'RDS DB instances (not in a cluster)']);
    const vpcs = await childLabels(await walk(REGION, 'VPCs'));
    assert.ok(vpcs.includes('shop-vpc'), vpcs.join());
    assert.ok(vpcs.includes('analytics-vpc'), vpcs.join());
  });

  it("lists a VPC's groups with ids and rule counts, and labels rules like a network engineer", async () => {
    const vpc = await walk(REGION, 'VPCs', 'shop-vpc');
    const vpcItem = await item(vpc);
    assert.match(String(vpcItem.description), /^10\.20\.0\.0\/16 · 5 groups · vpc-[0-9a-f]+$/);
    const groups = await childLabels(vpc);
    assert.deepEqual(groups, ['default', 'appsrv1', 'dbsrv1', 'legacy-db', 'pgsrv1']);
    const descs = await descriptions(vpc);
    assert.ok(descs.includes(`1 in / 1 out · Aurora MySQL access · ${ids.dbGroupId}`), descs.join('\n'));

    const dbInbound = await walk(REGION, 'VPCs', 'shop-vpc', 'dbsrv1', 'Inbound');
    assert.deepEqual(await childLabels(dbInbound), [`tcp 3306 from appsrv1 (${ids.appGroupId})`]);
    const outbound = await walk(REGION, 'VPCs', 'shop-vpc', 'dbsrv1', 'Outbound');
    assert.deepEqual(await childLabels(outbound), ['all traffic to 0.0.0.0/0']);

    const pg = await walk(REGION, 'VPCs', 'shop-vpc', 'pgsrv1', 'Inbound');
    assert.deepEqual(await childLabels(pg), [`tcp 5432 from 198.51.100.0/24`, `tcp 5432 from appsrv1 (${ids.appGroupId})`]);
    assert.deepEqual(await descriptions(pg), ['BI tools', '']);

    const legacy = await walk(REGION, 'VPCs', 'shop-vpc', 'legacy-db', 'Inbound');
    assert.deepEqual(await childLabels(legacy), ['all traffic from 2001:db8::/32', 'tcp 3306 from 0.0.0.0/0']);
    const ruleItem = await item((await children(legacy))[1]);
    assert.equal(ruleItem.contextValue, 'rule.inbound');
    assert.ok(ruleItem.tooltip instanceof vscode.MarkdownString);
    assert.match((ruleItem.tooltip as vscode.MarkdownString).value, /sgr-/);
  });

  it('shows Aurora clusters with engine, port and status, their writer and reader, and attached groups', async () => {
    const clusters = await walk(REGION, 'DB clusters');
    assert.deepEqual(await childLabels(clusters), ['billing-pg', 'orders-mysql']);
    assert.deepEqual(await descriptions(clusters), ['Aurora PostgreSQL · port 5432 · available', 'Aurora MySQL · port 3306 · available']);
    const orders = await walk(REGION, 'DB clusters', 'orders-mysql');
    const labels = await childLabels(orders);
    assert.deepEqual(labels, ['orders-mysql-1', 'orders-mysql-2', 'dbsrv1']);
    const d = await descriptions(orders);
    assert.match(d[0], /^writer · db\.r6g\.large · available/);
    assert.match(d[1], /^reader · db\.r6g\.large · available/);
    const link = (await children(orders))[2];
    assert.equal(link.kind, 'group');
    const linkItem = await item(link);
    assert.equal(linkItem.contextValue, 'groupLink.cluster.available');
    assert.equal(linkItem.command?.command, 'auroraSg.revealGroup');
    // The attached group leads to the same group under its VPC.
    assert.deepEqual(await childLabels(await walk(REGION, 'DB clusters', 'orders-mysql', 'dbsrv1', 'Inbound')), [`tcp 3306 from appsrv1 (${ids.appGroupId})`]);
    const parent = (await api()).provider.getParent({ kind: 'group', region: REGION, groupId: ids.dbGroupId });
    assert.deepEqual(parent, { kind: 'vpc', region: REGION, vpcId: ids.vpcId });
    // Following the link selects the group itself, under its VPC (not the link under the cluster).
    // The selection event can come before the extension host knows the revealed row (it then carries
    // no element) and none follows when it does: so wait on the selection itself.
    const view = (await api()).view;
    const isTheGroup = (sel: readonly Node[]) =>
      sel.length === 1 && sel[0].kind === 'group' && sel[0].region === REGION && sel[0].groupId === ids.dbGroupId && sel[0].via === undefined;
    await vscode.commands.executeCommand('auroraSg.revealGroup', link);
    await until(
      () => isTheGroup(view.selection),
      () => `the view to select ${ids.dbGroupId} (selection: ${JSON.stringify(view.selection)})`,
    );
    const shown = view.selection[0];
    assert.ok(shown.kind === 'group');
    assert.deepEqual(await (await api()).provider.getParent(shown), { kind: 'vpc', region: REGION, vpcId: ids.vpcId });
  });

  it("resolves a cluster's VPC from its subnet group and lists plain RDS instances", async () => {
    const idx = (await api()).ext.store.index(REGION)!;
    assert.equal(idx.clustersById.get('orders-mysql')!.vpcId, ids.vpcId);
    const rds = await walk(REGION, 'RDS DB instances');
    assert.deepEqual(await childLabels(rds), ['reports-mysql']);
    assert.deepEqual(await childLabels(await walk(REGION, 'RDS DB instances', 'reports-mysql')), ['legacy-db']);
  });

  it('refresh picks up a change made outside the extension', async () => {
    const c = aws();
    await c.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: ids.dbGroupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, IpRanges: [{ CidrIp: '10.20.5.0/24' }] }],
      }),
    );
    const inbound = await walk(REGION, 'VPCs', 'shop-vpc', 'dbsrv1', 'Inbound');
    assert.equal((await children(inbound)).length, 1, 'cached until refresh');
    await vscode.commands.executeCommand('auroraSg.refresh', await walk(REGION, 'VPCs', 'shop-vpc', 'dbsrv1'));
    assert.deepEqual(await childLabels(inbound), ['tcp 3306 from 10.20.5.0/24', `tcp 3306 from appsrv1 (${ids.appGroupId})`]);
    await vscode.commands.executeCommand('auroraSg.refresh');
    assert.equal((await children(inbound)).length, 2);
  });

  it('copies ids and ARNs and builds console links', async () => {
    const cluster = await walk(REGION, 'DB clusters', 'orders-mysql');
    assert.equal(await vscode.commands.executeCommand('auroraSg.copyId', cluster), 'orders-mysql');
    assert.equal(await vscode.env.clipboard.readText(), 'orders-mysql');
    const arn = await vscode.commands.executeCommand<string>('auroraSg.copyArn', cluster);
    assert.match(arn, /^arn:aws:rds:us-east-1:\d+:cluster:orders-mysql$/);
    const group = await walk(REGION, 'VPCs', 'shop-vpc', 'dbsrv1');
    assert.match(
      await vscode.commands.executeCommand<string>('auroraSg.copyArn', group),
      new RegExp(`^arn:aws:ec2:us-east-1:\\d+:security-group/${ids.dbGroupId}$`),
    );
  });

  it('shows several Regions side by side, each loaded on its own', async () => {
    await setSettings({ regions: [REGION, 'eu-west-1'] });
    assert.deepEqual(await childLabels(), [REGION, 'eu-west-1']);
    const eu = await walk('eu-west-1');
    const euKids = await childLabels(eu);
    // moto gives every Region a default VPC and nothing else
    assert.deepEqual(euKids, ['VPCs', 'DB clusters']);
    assert.deepEqual(await childLabels(await walk('eu-west-1', 'DB clusters')), ['No DB clusters in this Region']);
    await setSettings({ regions: [REGION] });
    assert.deepEqual(await childLabels(), [REGION]);
  });

  it('labels an RDS Multi-AZ DB cluster as one in the DB clusters section, with its kind and class (issue 13 defect 9)', async () => {
    // DescribeDBClusters returns Aurora and Multi-AZ DB clusters (RDS API Reference). A Region of its own.
    const CA = 'ca-central-1';
    const c = aws(CA);
    try {
      await createMultiAzCluster(c.rds, 'ledger');
      await setSettings({ regions: [REGION, CA] });
      const clusters = await walk(CA, 'DB clusters');
      assert.deepEqual(await childLabels(clusters), ['ledger']);
      assert.deepEqual(await descriptions(clusters), ['Multi-AZ PostgreSQL · port 5432 · available']);
      const ledger = await item(await walk(CA, 'DB clusters', 'ledger'));
      assert.equal(ledger.contextValue, 'cluster.available', 'its groups are changed on the cluster, as an Aurora one');
      const tip = (ledger.tooltip as vscode.MarkdownString).value;
      assert.match(tip, /\*\*ledger\*\* \(Multi-AZ DB cluster\)/);
      assert.match(tip, /Instance class: db\\?\.m6gd\\?\.large/);
      assert.doesNotMatch(tip, /Aurora/);
    } finally {
      await c.rds.send(new DeleteDBClusterCommand({ DBClusterIdentifier: 'ledger', SkipFinalSnapshot: true })).catch(() => undefined);
      c.rds.destroy();
      c.ec2.destroy();
      await setSettings({ regions: [REGION] });
    }
  });

  it('a bad endpoint gives an error node with the reason and a retry, not an empty tree', async () => {
    await setSettings({ endpoint: 'http://127.0.0.1:9' });
    const region = await walk(REGION);
    const kids = await children(region);
    assert.equal(kids.length, 1);
    const err = await item(kids[0]);
    assert.equal(err.contextValue, 'error');
    assert.match(labelOf(err), /^Failed to load us-east-1: .*(connect|ECONNREFUSED)/i);
    assert.equal(err.command?.command, 'auroraSg.refresh');
    await setSettings({ endpoint: AWS_URL });
    assert.deepEqual(await childLabels(await walk(REGION)), ['VPCs', 'DB clusters', 'RDS DB instances (not in a cluster)']);
  });

  it('with no Region configured and none in the environment, the tree is empty so the welcome view shows', async () => {
    // The welcome view is shown by this context key (package.json viewsWelcome).
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { viewsWelcome: { view: string; when?: string }[] } };
    assert.ok(
      pkg.contributes.viewsWelcome.some((w) => w.view === 'auroraSg.explorer' && w.when === 'auroraSg.noRegions'),
      "the Access view's welcome content depends on auroraSg.noRegions",
    );
    const saved = process.env.AWS_REGION;
    delete process.env.AWS_REGION;
    const keys = watchContextKeys();
    try {
      await setSettings({ regions: [] });
      await keys.until('auroraSg.noRegions', true);
      assert.deepEqual(await children(), []);
    } finally {
      if (saved !== undefined) process.env.AWS_REGION = saved;
      try {
        await setSettings({ regions: [REGION] });
        await keys.until('auroraSg.noRegions', false);
      } finally {
        keys.dispose();
      }
    }
  });

  it('logs each AWS call in the output channel', async () => {
    // A load the open view started after the last settings change ends first (refresh would follow it with its own).
    await (await api()).ext.store.ensure(REGION);
    const before = await logText();
    await vscode.commands.executeCommand('auroraSg.refresh');
    const added = (await logText()).slice(before.length);
    // eight paginated reads per Region (moto answers each in one page): VPCs, groups, rules, subnet groups, clusters, instances, peerings, network interfaces
    // (An answer an earlier suite left in the Reachability view is recomputed on the new data and may read the EC2 instances again: not the load's.)
    const calls = [...added.matchAll(/\[info\] (EC2|RDS) (\w+) ([a-z0-9-]+) \d+ ms$/gm)]
      .map((m) => `${m[1]} ${m[2]} ${m[3]}`)
      .filter((c) => !c.startsWith('EC2 DescribeInstances '))
      // ... and its network part (issue 15: subnets, route tables, ACLs, the subnet groups' subnets), read after the tree.
      .filter((c) => !/^EC2 Describe(Subnets|RouteTables|NetworkAcls) /.test(c))
      .filter((c, i, all) => !c.startsWith('RDS DescribeDBSubnetGroups ') || all.indexOf(c) === i)
      .sort();
    assert.deepEqual(
      calls,
      ['DescribeDBClusters', 'DescribeDBInstances', 'DescribeDBSubnetGroups']
        .map((c) => `RDS ${c} ${REGION}`)
        .concat(
          ['DescribeNetworkInterfaces', 'DescribeSecurityGroupRules', 'DescribeSecurityGroups', 'DescribeVpcPeeringConnections', 'DescribeVpcs'].map(
            (c) => `EC2 ${c} ${REGION}`,
          ),
        )
        .sort(),
      added,
    );
  });
});
