// Explain Path in a real VS Code on three topologies of issue 15 seeded in moto (one Region each,
// apart from the Regions the other suites use): the command reads the network part through the
// extension's gateway (after the tree) and answers each hop as the AWS documents say
// (test/harness/topologies.ts EXPLAIN_CASES; the unit layer checks the same table).
import * as assert from 'node:assert/strict';
import type { PathExplanation, Reachability } from '../../src/domain/analysis';
import { seedTopology, type SeededTopology } from '../harness/seedTopologies';
import { EXPLAIN_CASES, TOPOLOGIES } from '../harness/topologies';
import { ScriptedPrompter, script } from './scripted';
import * as vscode from 'vscode';
import { api, AWS_URL, MOTO_URL, REGION, setSettings } from './util';

const REGIONS = ['ap-southeast-1', 'ca-central-1', 'ap-south-1'];
const run = <T>(cmd: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(cmd, ...args);

describe('Network reachability in a real VS Code: Explain Path hop by hop on three topologies', () => {
  const seeded: SeededTopology[] = [];
  let prompter: ScriptedPrompter;

  before(async () => {
    for (const [i, c] of EXPLAIN_CASES.entries())
      seeded.push(
        await seedTopology(
          MOTO_URL,
          REGIONS[i]!,
          TOPOLOGIES.find((t) => t.name === c.topology)!,
        ),
      );
    await setSettings({ endpoint: AWS_URL, regions: REGIONS, profile: '' });
    const a = await api();
    await a.ext.store.refreshAll(REGIONS);
    a.analysis.reset();
    prompter = await script();
  });

  after(async () => {
    const { VsCodePrompter } = await import('../../src/ui/vscodePrompter');
    const a = await api();
    a.ext.ui = new VsCodePrompter();
    a.analysis.reset();
    await setSettings({ endpoint: AWS_URL, regions: [REGION], profile: '' });
  });

  for (const [i, c] of EXPLAIN_CASES.entries()) {
    it(`${c.topology}, from ${c.from}: ${c.verdict}`, async () => {
      const s = seeded[i]!;
      const source = c.from === 'app' ? { ec2InstanceId: s.appInstanceId } : { cidr: c.from };
      const p = await run<PathExplanation>('auroraSg.explainPath', { region: s.region, clusterId: s.clusterId, source });
      assert.ok(p, prompter.errors.join('\n'));
      assert.equal(p.networkChecked, true, 'the network part was read');
      assert.equal(p.verdict, c.verdict, p.hops.map((h) => `${h.kind} ${h.state}: ${h.detail}`).join('\n'));
      assert.deepEqual(
        p.hops.map((h) => (h.instanceIds ? [h.kind, h.state, h.instanceIds] : [h.kind, h.state])),
        c.hops,
      );
      // The Reachability view shows the verdict and marks the blocking hop.
      const a = await api();
      const top = a.reachView.getChildren();
      const label = String(a.reachView.getTreeItem(top[0]!).label);
      assert.match(label, c.verdict === 'open' ? /^Open: / : c.verdict === 'closed' ? /^Closed: / : /^Partly open: /);
      const hops = a.reachView.getChildren(top[0]!).map((n) => String(a.reachView.getTreeItem(n).label));
      if (p.blockingHop !== undefined) assert.match(hops[p.blockingHop]!, /\(blocks\)$/);
      else assert.ok(!hops.some((h) => h.endsWith('(blocks)')));
    });
  }

  it('Who Can Reach separates the internet from inside and names the instance the internet reaches', async () => {
    const k = EXPLAIN_CASES.findIndex((c) => c.topology === 'writer public and readers private');
    const s = seeded[k]!;
    const r = await run<Reachability>('auroraSg.whoCanReach', { region: s.region, clusterId: s.clusterId, diagram: false });
    assert.ok(r?.exposure, prompter.errors.join('\n'));
    assert.deepEqual(r.exposure.internetInstances, ['w1']);
    assert.deepEqual(
      r.exposure.internet.map((x) => [x.source, x.state]),
      [['0.0.0.0/0', 'allowed']],
    );
    const a = await api();
    const top = a.reachView.getChildren();
    const first = a.reachView.getChildren(top[0]!)[0]!;
    assert.equal(a.reachView.getTreeItem(first).label, 'The internet reaches w1 (writer)');
  });
});
