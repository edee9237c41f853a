// Issue 14 item 11 in the real VS Code: with two Regions holding databases of the same names, the
// walkthrough opened without a target guesses neither the Region nor the database, and names the
// Region and the account beside every database choice and in every step's title.
import * as assert from 'node:assert/strict';
import * as W from '../../src/domain/walkthrough';
import * as vscode from 'vscode';
import { STATE_KEY, WalkthroughController } from '../../src/webview/walkthroughController';
import { memoryStorage, watchWalkthrough } from '../harness/headlessWalkthrough';
import { seedScenarioStart, type ScenarioIds } from '../harness/seed';
import { api, AWS_URL, MOTO_URL, REGION, resetMoto, setSettings } from './util';

const OTHER = 'us-west-2';

describe('Access walkthrough: two Regions with databases of the same names', function () {
  this.timeout(180_000);
  let here: ScenarioIds;
  let there: ScenarioIds;

  before(async () => {
    await resetMoto();
    here = await seedScenarioStart(MOTO_URL, REGION);
    there = await seedScenarioStart(MOTO_URL, OTHER);
    await setSettings({ endpoint: AWS_URL, regions: [REGION, OTHER], profile: '' });
  });

  after(async () => {
    await setSettings({ regions: [REGION] });
  });

  it('opened from the palette: no Region and no database is chosen for the user, and Continue waits', async () => {
    assert.equal(here.clusterId, there.clusterId, 'the fixture: the same cluster name in both Regions');
    const { ext } = await api();
    const c = new WalkthroughController(ext, memoryStorage(), W.initialState());
    const v = await c.view();
    assert.equal(c.state.choices.region, '');
    assert.equal(c.state.choices.target, '');
    assert.equal(v.primary.enabled, false, 'Continue must wait for a Region and a database');
    const region = v.fields.find((f) => f.field === 'region');
    assert.deepEqual(region?.kind === 'select' ? region.options.map((o) => o.value) : [], [REGION, OTHER]);
  });

  it('after choosing a Region, every database choice and the step title name that Region and the account', async () => {
    const { ext } = await api();
    const c = new WalkthroughController(ext, memoryStorage(), W.initialState());
    assert.equal(await c.handle({ type: 'update', field: 'region', value: OTHER }), true);
    const v = await c.view();
    assert.match(v.where, new RegExp(`^in ${OTHER}, account \\d{12}$`));
    const dbs = v.fields.find((f) => f.field === 'target');
    const options = dbs?.kind === 'select' ? dbs.options : [];
    assert.ok(options.length > 0, 'the Region has databases');
    for (const o of options) assert.match(o.description ?? '', new RegExp(` · ${OTHER}, account \\d{12}$`), `${o.label}: ${o.description}`);
  });

  it('a walkthrough for another database keeps what was typed in the last one (client ranges, port, group names), not its resources', async () => {
    const a = await api();
    const last = W.initialState({
      region: REGION,
      target: `cluster:${here.clusterId}`,
      clientCidrs: '198.51.100.0/24',
      appPort: '8443',
      appGroupName: 'web-tier',
      ec2InstanceId: here.appServerInstanceId,
    });
    await a.ext.context.workspaceState.update(STATE_KEY, last);
    const c = await vscode.commands.executeCommand<WalkthroughController>('auroraSg.openWalkthrough', {
      kind: 'cluster',
      region: OTHER,
      clusterId: there.clusterId,
    });
    try {
      assert.equal(c.state.choices.region, OTHER);
      assert.equal(c.state.choices.clientCidrs, '198.51.100.0/24');
      assert.equal(c.state.choices.appPort, '8443');
      assert.equal(c.state.choices.appGroupName, 'web-tier');
      assert.equal(c.state.choices.ec2InstanceId, '', 'an instance of the other Region is not carried');
    } finally {
      c.webviewPanel?.dispose();
      await a.ext.context.workspaceState.update(STATE_KEY, undefined);
    }
  });

  it('"Copy every remaining step as a shell script" copies every step still to do as one script, and says so', async () => {
    const { ext } = await api();
    const c = new WalkthroughController(
      ext,
      memoryStorage(),
      W.initialState({ region: OTHER, target: `cluster:${there.clusterId}`, clientCidrs: '203.0.113.0/24' }),
    );
    const seen = watchWalkthrough(c);
    await vscode.env.clipboard.writeText('');
    assert.equal(await c.handle({ type: 'copy', step: 'target', index: -2 }), true);
    const text = await vscode.env.clipboard.readText();
    assert.match(text, /^#!\/bin\/sh\n/);
    assert.match(text, /# Step 2: [^\n]+\n/);
    assert.match(text, /# Step 4: [^\n]+\n/);
    assert.match(text, /aws ec2 create-security-group /);
    assert.match(seen.notices.at(-1)?.text ?? '', /^Copied the commands of \d+ steps as a shell script to the clipboard\.$/);
  });
});
