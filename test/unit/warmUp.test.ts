// The warm-up load (src/aws/warmUp.ts, warmUpReads in src/aws/index.ts): the real gateway and SDK
// clients run a whole Region's load with every call answered in the process. It must reach every
// read of a first load (else it warms nothing), send nothing and read no credentials.
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { AwsGateway, warmUpReads } from '../../src/aws/index';
import { localAnswers } from '../../src/aws/warmUp';

describe('Warm-up load: a Region read through the real clients, answered in the process', () => {
  const env = { ...process.env };
  let connects = 0;
  const connect = net.Socket.prototype.connect;

  beforeEach(() => {
    connects = 0;
    net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
      connects++;
      return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
    } as typeof connect;
    // Credentials that cannot be found: a call that looked for them would fail before it was answered.
    for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) delete process.env[k];
    process.env.AWS_PROFILE = 'no-such-profile-for-the-warm-up';
    process.env.AWS_CONFIG_FILE = '/nonexistent/aurora-sg-warm-up/config';
    process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/aurora-sg-warm-up/credentials';
  });

  afterEach(() => {
    net.Socket.prototype.connect = connect;
    process.env = { ...env };
  });

  it('answers each read of a first load (VPCs, groups, rules, clusters, instances, …), with no socket opened and no credentials read', async () => {
    const answered = await warmUpReads('eu-west-1');
    for (const a of [
      'DescribeVpcs',
      'DescribeSecurityGroups',
      'DescribeSecurityGroupRules',
      'DescribeDBClusters',
      'DescribeDBInstances',
      'DescribeDBSubnetGroups',
    ])
      assert.ok(answered.includes(a), `${a} was not answered: ${answered.join(', ')}`);
    assert.equal(connects, 0, 'a socket was opened');
  });

  it('the local answers are well formed: the load ends without a failed read, an empty Region', async () => {
    const gw = new AwsGateway({ local: localAnswers(), maxAttempts: 1 });
    try {
      const snap = await gw.loadRegion('ap-southeast-2');
      assert.deepEqual(snap.failures ?? [], []);
      assert.deepEqual([snap.vpcs.length, snap.groups.length, snap.rules.length, snap.clusters.length, snap.instances.length], [0, 0, 0, 0, 0]);
      assert.equal(snap.pending, undefined, 'the load finished');
    } finally {
      gw.dispose();
    }
    assert.equal(connects, 0);
  });
});
