// The analysis state with its readers injected: no bundle loader, no VS Code.
import * as assert from 'node:assert/strict';
import type { AnalysisOptions, Finding } from '../../src/domain/analysis';
import { RegionIndex, type Ec2Instance, type RegionSnapshot } from '../../src/domain/model';
import { AnalysisState } from '../../src/state/analysisState';

const empty = (): RegionSnapshot => ({ region: 'us-east-1', vpcs: [], groups: [], rules: [], clusters: [], instances: [], loadedAt: 0 });

describe('AnalysisState: findings and EC2 data through injected readers', () => {
  it('computes findings through the injected pass, once per snapshot, and again once EC2 data arrives', async () => {
    const calls: AnalysisOptions[] = [];
    const ec2: Ec2Instance[] = [];
    const pass = (_idx: RegionIndex, o: AnalysisOptions): Finding[] => (calls.push(o), []);
    const a = new AnalysisState(async () => ec2, pass);
    const idx = new RegionIndex(empty());
    assert.equal(a.computed(idx), undefined, 'nothing computed yet, and computed() computes nothing');
    assert.equal(calls.length, 0);
    const first = a.findingsOf('us-east-1', idx);
    assert.equal(a.findingsOf('us-east-1', idx), first);
    assert.equal(a.computed(idx), first);
    assert.equal(calls.length, 1);
    await a.ec2Instances('us-east-1');
    a.findingsOf('us-east-1', idx);
    assert.equal(calls.length, 2);
    assert.equal(calls[1].ec2Instances, ec2);
  });

  it('shares one EC2 read per Region until reset, and retries after a failure', async () => {
    let reads = 0;
    let fail = true;
    const a = new AnalysisState(
      async () => {
        reads++;
        if (fail) throw new Error('denied');
        return [];
      },
      () => [],
    );
    await assert.rejects(a.ec2Instances('us-east-1'), /denied/);
    fail = false;
    await Promise.all([a.ec2Instances('us-east-1'), a.ec2Instances('us-east-1')]);
    assert.equal(reads, 2);
    a.reset('us-east-1');
    await a.ec2Instances('us-east-1');
    assert.equal(reads, 3);
  });
});
