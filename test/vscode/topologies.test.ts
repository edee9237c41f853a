// Every topology of issue 15's table in a real VS Code: each seeded in moto in a Region of its own
// (none the other suites use), loaded by the extension (its store, its gateway, the network part
// read by its analysis state after the tree, its EC2 read), and answered as the AWS documents say
// (test/harness/topologies.ts; the unit and AWS layers check the same table). Explain Path hop by hop
// on three of them is test/vscode/network.test.ts.
import * as assert from 'node:assert/strict';
import { seedTopology, type SeededTopology } from '../harness/seedTopologies';
import { TOPOLOGIES } from '../harness/topologies';
import { topologyAnswers } from '../harness/topologyAnswers';
import { api, AWS_URL, MOTO_URL, REGION, setSettings } from './util';

/** One per topology, each with zones a and b in moto 5.2.1, and used by no other extension-host suite. */
const REGIONS = [
  'us-east-2',
  'eu-west-2',
  'eu-central-1',
  'ap-southeast-2',
  'eu-north-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'eu-west-3',
  'sa-east-1',
  'eu-south-1',
  'af-south-1',
];

describe('Network reachability in a real VS Code: every topology of the table, through the extension', function () {
  this.timeout(300_000);
  const seeded: SeededTopology[] = [];

  before(async () => {
    assert.ok(REGIONS.length >= TOPOLOGIES.length, `a Region for each of the ${TOPOLOGIES.length} topologies`);
    for (const [i, t] of TOPOLOGIES.entries()) seeded.push(await seedTopology(MOTO_URL, REGIONS[i]!, t));
    await setSettings({ endpoint: AWS_URL, regions: REGIONS.slice(0, TOPOLOGIES.length), profile: '' });
    const a = await api();
    await a.ext.store.refreshAll(REGIONS.slice(0, TOPOLOGIES.length));
    a.analysis.reset();
  });

  after(async () => {
    (await api()).analysis.reset();
    await setSettings({ endpoint: AWS_URL, regions: [REGION], profile: '' });
  });

  for (const [i, t] of TOPOLOGIES.entries()) {
    it(`${t.name}: the answers AWS documents`, async () => {
      const a = await api();
      const s = seeded[i]!;
      const idx = await a.ext.store.load(s.region);
      assert.equal(idx.snapshot.failures, undefined);
      const net = await a.analysis.network(s.region, idx);
      assert.ok(net, 'the extension reads the network part');
      assert.deepEqual(net.snapshot.failures, []);
      const ec2 = await a.analysis.ec2Instances(s.region);
      assert.deepEqual(topologyAnswers(t, idx, net, ec2, s.clusterId), t.expect);
    });
  }
});
