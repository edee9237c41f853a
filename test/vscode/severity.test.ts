// Issue 14 item 8 in the real VS Code: a high finding shows on the view's badge (and so on the
// activity bar), on the database it exposes, and the hover names it.
import * as assert from 'node:assert/strict';
import { api, AWS_URL, item, REGION, reseed, setSettings, walk } from './util';

describe('Severity at a glance: view badge, database badges, named findings', () => {
  before(async () => {
    await reseed();
    await setSettings({ endpoint: AWS_URL, regions: [REGION], profile: '' });
    await (await api()).ext.store.refreshAll([REGION]);
  });

  it('the Access view carries a badge counting the high and medium findings, its tooltip names them', async () => {
    const a = await api();
    const all = await a.findings.all();
    const serious = all.filter((f) => f.finding.severity === 'high' || f.finding.severity === 'medium');
    assert.ok(
      serious.some((f) => f.finding.kind === 'db-port-world'),
      'the fixture has a world-open database port',
    );
    assert.equal(a.view.badge?.value, serious.length);
    assert.match(a.view.badge?.tooltip ?? '', new RegExp(`^${serious.length} findings? \\(\\d+ high\\): `));
    const world = serious.find((f) => f.finding.kind === 'db-port-world')!;
    assert.ok(a.view.badge!.tooltip.includes(world.finding.title) || serious.length > 3, a.view.badge!.tooltip);
  });

  it('the database a world-open group guards is badged, and its hover names the finding', async () => {
    const a = await api();
    const all = await a.findings.all();
    const world = all.find((f) => f.finding.kind === 'db-port-world')!;
    const node = await walk(REGION, 'RDS DB instances (not in a cluster)', 'reports-mysql');
    const uri = (await item(node)).resourceUri;
    assert.ok(uri, 'the instance node has a resource URI for its decoration');
    const deco = a.findings.provideFileDecoration(uri);
    // reports-mysql's subnets have no route to an internet gateway: the world-open rule is medium ("one setting away"), '!'.
    assert.equal(world.finding.severity, 'medium', world.finding.why);
    assert.equal(deco?.badge, '!');
    assert.ok(String(deco?.tooltip).includes(world.finding.title), String(deco?.tooltip));
  });
});
