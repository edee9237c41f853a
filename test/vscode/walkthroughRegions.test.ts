// Issue 14 item 11 in the real VS Code: with two Regions holding databases of the same names, the
// walkthrough opened without a target guesses neither the Region nor the database, and names the
// Region and the account beside every database choice and in every step's title.
import * as assert from 'node:assert/strict';
import * as W from '../../src/domain/walkthrough';
import { WalkthroughController } from '../../src/webview/walkthroughController';
import { memoryStorage } from '../harness/headlessWalkthrough';
import { seedScenarioStart, type ScenarioIds } from '../harness/seed';
import { api, MOTO_URL, REGION, resetMoto, setSettings } from './util';

const OTHER = 'us-west-2';

describe('Access walkthrough: two Regions with databases of the same names', function () {
  this.timeout(180_000);
  let here: ScenarioIds;
  let there: ScenarioIds;

  before(async () => {
    await resetMoto();
    here = await seedScenarioStart(MOTO_URL, REGION);
    there = await seedScenarioStart(MOTO_URL, OTHER);
    await setSettings({ endpoint: MOTO_URL, regions: [REGION, OTHER], profile: '' });
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
});
