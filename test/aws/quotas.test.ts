// The quota read (src/aws/quotaReads.ts) against a real moto server.
import * as assert from 'node:assert/strict';
import { ClientPool } from '../../src/aws/clients';
import { readLimits } from '../../src/aws/quotaReads';
import { readRegion } from '../../src/aws/reads';
import { startMoto, type MotoServer } from '../harness/moto';

describe('AWS quotas against moto', function () {
  this.timeout(120_000);
  let moto: MotoServer;
  let pool: ClientPool;
  const calls: string[] = [];

  before(async () => {
    moto = await startMoto();
    pool = new ClientPool({ endpoint: moto.url, maxAttempts: 1 }, (call) => calls.push(`${call.service}:${call.command}${call.error ? `:${call.error}` : ''}`));
  });
  after(async () => {
    pool?.destroy();
    await moto?.stop();
  });

  it('reads vpc-max-security-groups-per-interface through DescribeAccountAttributes, and the load carries the limits', async () => {
    const limits = await readLimits(pool.get('eu-west-1'));
    // moto answers the attribute with AWS's default, 5.
    assert.deepEqual(limits.groupsPerInterface, { value: 5, source: 'account' });
    // Whatever moto answers GetServiceQuota with (a value, or an error the read turns into the
    // default), the rules quota is a positive number; AWS's answers are tested with a stub in
    // test/unit/quotas.test.ts.
    assert.ok(limits.rulesPerDirection.value > 0);
    const snap = await readRegion(pool.get('eu-west-1'));
    assert.equal(snap.limits, limits, 'cached for the Region');
    assert.equal(snap.failures, undefined);
    assert.ok(calls.includes('EC2:DescribeAccountAttributes'), calls.join());
    assert.equal(calls.filter((c) => c.startsWith('EC2:DescribeAccountAttributes')).length, 1);
  });
});
