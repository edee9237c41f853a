// Progressive loading (issue 16) in the real extension host: the tree fills in part by part as the
// reads of a Region answer. The fault proxy holds back an answer (a `before` hook that waits on a
// promise the test releases): the rows of the reads that answered must be there while it is held,
// the held part's rows after the release. Nothing here waits on time.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DeleteDBClusterCommand, DescribeDBClustersCommand } from '@aws-sdk/client-rds';
import type { RegionRead } from '../../src/domain/model';
import { startFaultProxy, type FaultProxy } from '../harness/faultProxy';
import { createAuroraCluster } from '../harness/seed';
import { api, aws, AWS_URL, childLabels, children, item, REGION, reseed, setSettings, showTreeMidLoad, walk } from './util';

describe('Progressive loading: rows appear as each read answers, in a real VS Code', function () {
  this.timeout(180_000);
  let proxy: FaultProxy;
  const releases: (() => void)[] = [];

  /** Holds the next answer to `action` (after `skip` others) until release() (the call has reached the proxy when `asked` settles). */
  function hold(action: string, skip = 0): { asked: Promise<void>; release(): void } {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let asked!: () => void;
    const reached = new Promise<void>((r) => (asked = r));
    proxy.add({
      action,
      kind: 'pass',
      times: 1,
      skip,
      before: () => {
        asked();
        return gate;
      },
    });
    releases.push(release);
    return { asked: reached, release };
  }

  /** Resolves when the store's view of the Region satisfies `ok` (checked now and on each change event). */
  async function until(ok: (pending: readonly RegionRead[] | undefined, hasView: boolean) => boolean): Promise<void> {
    const store = (await api()).ext.store;
    const check = () => {
      const v = store.view(REGION);
      return ok(v?.snapshot.pending, !!v);
    };
    if (check()) return;
    await new Promise<void>((resolve) => {
      const sub = store.onChange(() => {
        if (!check()) return;
        sub.dispose();
        resolve();
      });
    });
  }
  const answered =
    (...reads: RegionRead[]) =>
    (p: readonly RegionRead[] | undefined, hasView: boolean) =>
      hasView && !reads.some((r) => p?.includes(r));

  before(async () => {
    await reseed();
    proxy = await startFaultProxy(AWS_URL, { awsRules: false });
    await setSettings({ endpoint: proxy.url, regions: [REGION], profile: '' });
    showTreeMidLoad(true);
  });

  afterEach(() => {
    for (const r of releases.splice(0)) r();
    proxy.clear();
    proxy.reset();
  });

  after(async () => {
    showTreeMidLoad(false);
    const { VsCodePrompter } = await import('../../src/ui/vscodePrompter');
    (await api()).ext.ui = new VsCodePrompter();
    await setSettings({ endpoint: AWS_URL, regions: [REGION], profile: '' });
    await proxy?.close();
  });

  it('first load: the VPCs, clusters and groups show while DescribeSecurityGroupRules is held; each group says its rules are loading; the rules after the release', async () => {
    const a = await api();
    const store = a.ext.store;
    const rules = hold('DescribeSecurityGroupRules');
    a.ext.reload(); // a first load: nothing from before to show
    const loaded = store.load(REGION);
    await rules.asked;
    await until(answered('vpcs', 'groups', 'clusters', 'instances'));
    assert.ok(store.view(REGION)?.snapshot.pending?.includes('rules'), 'the rules answer is still held');
    assert.equal(store.index(REGION), undefined, 'the analysis and the commands see no partial data');
    const region = await item(await walk(REGION));
    assert.match(String(region.description), /^loading · /);
    assert.equal((region.iconPath as vscode.ThemeIcon).id, 'loading~spin');
    assert.ok((await childLabels(await walk(REGION, 'VPCs'))).includes('shop-vpc'));
    assert.ok((await childLabels(await walk(REGION, 'DB clusters'))).includes('orders-mysql'));
    for (const group of [await walk(REGION, 'VPCs', 'shop-vpc', 'dbsrv1'), await walk(REGION, 'DB clusters', 'orders-mysql', 'dbsrv1')]) {
      assert.deepEqual(await childLabels(group), ['Loading security group rules…'], 'never "No inbound rules: nothing can connect"');
    }
    // What the commands and the analysis use, asked now, answers with the full load (not a part).
    const ensured = store.ensure(REGION);
    rules.release();
    const idx = await loaded;
    assert.equal(idx.snapshot.pending, undefined, 'the load resolves with the full index');
    assert.equal(await ensured, idx);
    assert.deepEqual(await childLabels(await walk(REGION, 'VPCs', 'shop-vpc', 'dbsrv1')), ['Inbound', 'Outbound']);
    assert.ok((await children(await walk(REGION, 'VPCs', 'shop-vpc', 'dbsrv1', 'Inbound'))).some((n) => n.kind === 'rule'));
    assert.doesNotMatch(String((await item(await walk(REGION))).description), /loading/);
  });

  it('a VPC shows "Loading security groups…" until the groups answer, then its groups with their rules loading', async () => {
    const a = await api();
    const store = a.ext.store;
    const groups = hold('DescribeSecurityGroups');
    const rules = hold('DescribeSecurityGroupRules');
    a.ext.reload();
    const loaded = store.load(REGION);
    await Promise.all([groups.asked, rules.asked]);
    await until(answered('vpcs', 'clusters'));
    assert.deepEqual(await childLabels(await walk(REGION, 'VPCs', 'shop-vpc')), ['Loading security groups…']);
    assert.ok((await childLabels(await walk(REGION, 'DB clusters'))).includes('orders-mysql'));
    groups.release();
    await until(answered('groups'));
    assert.ok((await childLabels(await walk(REGION, 'VPCs', 'shop-vpc'))).includes('dbsrv1'));
    assert.deepEqual(await childLabels(await walk(REGION, 'VPCs', 'shop-vpc', 'dbsrv1')), ['Loading security group rules…']);
    rules.release();
    await loaded;
    assert.deepEqual(await childLabels(await walk(REGION, 'VPCs', 'shop-vpc', 'dbsrv1')), ['Inbound', 'Outbound']);
  });

  it('a refresh keeps the old rows (rules included) while the new rules answer is held: no flicker to empty', async () => {
    const a = await api();
    const store = a.ext.store;
    const old = await store.ensure(REGION);
    const rules = hold('DescribeSecurityGroupRules');
    const refreshed = store.load(REGION);
    await rules.asked;
    await until(answered('vpcs', 'groups', 'clusters'));
    assert.ok(store.state(REGION)?.partial, 'the new parts are shown');
    assert.equal(store.index(REGION), old, 'the full index stays the last full load until the new one is complete');
    assert.match(String((await item(await walk(REGION))).description), /^loading · /);
    assert.deepEqual(await childLabels(await walk(REGION, 'VPCs', 'shop-vpc', 'dbsrv1')), ['Inbound', 'Outbound'], 'the old rules stay');
    assert.ok((await children(await walk(REGION, 'VPCs', 'shop-vpc', 'dbsrv1', 'Inbound'))).some((n) => n.kind === 'rule'));
    rules.release();
    const idx = await refreshed;
    assert.notEqual(idx, old);
    assert.equal(store.state(REGION)?.partial, undefined);
  });

  it('the DB clusters show page by page: the first page ends with "Loading more DB clusters…" while the next page is held, the whole list after', async () => {
    const a = await api();
    const store = a.ext.store;
    const rds = aws().rds;
    // More clusters than RDS's largest page (100), so the load's clusters read has a next page
    // whatever its first page's size (20 while the view draws its first rows, else 100).
    const existing = (await rds.send(new DescribeDBClustersCommand({}))).DBClusters ?? [];
    const have = existing.length;
    // Beside orders-mysql: its subnet group and groups (the seed's own helper makes them).
    const like = existing.find((c) => c.DBClusterIdentifier === 'orders-mysql')!;
    const extra = Array.from({ length: Math.max(0, 101 - have) }, (_, i) => `paged-${String(i).padStart(3, '0')}`);
    for (const id of extra)
      await createAuroraCluster(aws(), {
        clusterId: id,
        engine: 'aurora-postgresql',
        subnetGroup: like.DBSubnetGroup!,
        groupIds: (like.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId!),
        instances: 0,
      });
    // moto answers every cluster at once; the proxy pages DescribeDBClusters as RDS does.
    proxy.paginate('DescribeDBClusters', 100);
    const nextPage = hold('DescribeDBClusters', 1);
    try {
      a.ext.reload();
      const loaded = store.load(REGION);
      await nextPage.asked;
      await until(() => !!store.view(REGION)?.snapshot.firstPages?.includes('clusters'));
      const size = Number(proxy.requests.find((r) => r.action === 'DescribeDBClusters')?.params.get('MaxRecords'));
      assert.ok(size === 20 || size === 100, `the first page asked for ${size} records`);
      const partial = await childLabels(await walk(REGION, 'DB clusters'));
      assert.equal(partial.length, size + 1, `the first page's clusters and one loading row: ${partial.slice(-3).join(', ')}`);
      assert.equal(partial.at(-1), 'Loading more DB clusters…', 'never a list that looks whole');
      assert.match(String((await item(await walk(REGION))).description), /^loading · /);
      nextPage.release();
      await loaded;
      const whole = await childLabels(await walk(REGION, 'DB clusters'));
      assert.equal(whole.length, have + extra.length);
      assert.ok(!whole.some((l) => l.startsWith('Loading')), 'no loading row once the read is whole');
      assert.ok(extra.every((id) => whole.includes(id)) && whole.includes('orders-mysql'));
    } finally {
      nextPage.release();
      proxy.paginate('DescribeDBClusters', 0);
      for (const id of extra) await rds.send(new DeleteDBClusterCommand({ DBClusterIdentifier: id, SkipFinalSnapshot: true }));
      await store.load(REGION);
    }
  });
});
