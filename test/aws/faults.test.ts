// Fault injection at the AWS layer: the real SDK clients talk to moto through a fault proxy
// (test/harness/faultProxy.ts) that throttles, fails, slows, resets and truncates chosen calls.
// Proven here: reads retry and succeed; a load that finally fails keeps the last good data and
// says why; a write whose answer was lost is seen for what it is (applied once); cancelled loads
// stop at once; credentials that are missing, expired or wrong for the Region get a specific
// message and are read again after a fix; no credential leaks into an error; a large paged
// Region loads completely through throttled pages.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { CreateDBInstanceCommand, DescribeDBClustersCommand } from '@aws-sdk/client-rds';
import { DescribeSecurityGroupRulesCommand, DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { createGateway, type AwsGateway, type CallRecord, type ConnectionSettings } from '../../src/aws/index';
import { readRegion } from '../../src/aws/reads';
import { mayHaveApplied, translateError } from '../../src/aws/errors';
import type { RegionSnapshot } from '../../src/domain/model';
import { RegionStore } from '../../src/state/store';
import { seedBigRegion } from '../harness/bigSeed';
import { startFaultProxy, type FaultKind, type FaultProxy } from '../harness/faultProxy';
import { startMoto, type MotoServer } from '../harness/moto';
import { clientsFor, seedTestAccount, type TestAccountIds } from '../harness/seed';

const US = 'us-east-1';
const BIG = 'us-west-2';
const ENV_KEYS = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_REGION',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_EC2_METADATA_DISABLED',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
];

/** Faults injected in this file, by kind: the README's reliability section quotes them. */
export const injectedHere: Record<string, number> = {};

async function failure(p: Promise<unknown>): Promise<Error & { code?: string; $metadata?: { httpStatusCode?: number; attempts?: number } }> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  assert.fail('expected the call to fail');
}

/** The snapshot without its timestamp, in a stable order, for comparing loads. */
const data = (s: RegionSnapshot) => {
  const by =
    <T>(key: (x: T) => string) =>
    (a: T, b: T) =>
      key(a).localeCompare(key(b));
  return {
    ...s,
    loadedAt: 0,
    vpcs: [...s.vpcs].sort(by((v) => v.vpcId)),
    groups: [...s.groups].sort(by((g) => g.groupId)),
    rules: [...s.rules].sort(by((r) => r.ruleId)),
    clusters: [...s.clusters].sort(by((c) => c.clusterId)),
    instances: [...s.instances].sort(by((i) => i.instanceId)),
  };
};

describe('Faults between the SDK and AWS (fault proxy in front of moto)', function () {
  this.timeout(120_000);

  let moto: MotoServer;
  let proxy: FaultProxy;
  let ids: TestAccountIds;
  /** The Region as moto has it now, read without the proxy. */
  async function truth(region = US): Promise<RegionSnapshot> {
    const direct = createGateway({ endpoint: moto.url });
    try {
      return await direct.loadRegion(region);
    } finally {
      direct.dispose();
    }
  }
  let scratch: string;
  const gateways: AwsGateway[] = [];
  const savedEnv: Record<string, string | undefined> = {};

  /** A gateway through the proxy with short retry delays (the SDK's standard strategy otherwise). */
  function gateway(extra: Partial<ConnectionSettings> = {}, onCall?: (c: CallRecord) => void): AwsGateway {
    const g = createGateway({ endpoint: proxy.url, retryStrategy: new ConfiguredRetryStrategy(extra.maxAttempts ?? 3, 10), ...extra }, onCall);
    gateways.push(g);
    return g;
  }

  function inject(rule: Parameters<FaultProxy['add']>[0]): void {
    proxy.add(rule);
  }

  before(async () => {
    for (const k of ENV_KEYS) savedEnv[k] = process.env[k];
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'aurora-sg-faults-'));
    process.env.AWS_ACCESS_KEY_ID = 'testing';
    process.env.AWS_SECRET_ACCESS_KEY = 'testing';
    for (const k of [
      'AWS_SESSION_TOKEN',
      'AWS_PROFILE',
      'AWS_REGION',
      'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
      'AWS_CONTAINER_CREDENTIALS_FULL_URI',
      'AWS_WEB_IDENTITY_TOKEN_FILE',
    ])
      delete process.env[k];
    process.env.AWS_CONFIG_FILE = path.join(scratch, 'config');
    process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(scratch, 'credentials');
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    moto = await startMoto();
    ids = await seedTestAccount(moto.url);
    proxy = await startFaultProxy(moto.url);
  });

  afterEach(() => {
    for (const [k, n] of Object.entries(proxy.injected)) injectedHere[k] = (injectedHere[k] ?? 0) + n;
    for (const k of Object.keys(proxy.injected)) delete (proxy.injected as Record<string, number>)[k];
    proxy.clear();
    proxy.reset();
    for (const g of gateways.splice(0)) g.dispose();
  });

  after(async () => {
    await proxy?.close();
    await moto?.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
    for (const k of ENV_KEYS) {
      if (savedEnv[k] === undefined) delete process.env[k];
      else process.env[k] = savedEnv[k];
    }
    const total = Object.values(injectedHere).reduce((a, b) => a + b, 0);
    console.log(`      [faults] injected at the AWS layer: ${JSON.stringify(injectedHere)} (${total} in all)`);
  });

  describe('reads retry and succeed', () => {
    let before: RegionSnapshot;
    beforeEach(async () => {
      before ??= await truth();
    });
    const cases: Array<[string, FaultKind, string, number, Record<string, unknown>?]> = [
      ['EC2 throttling (RequestLimitExceeded, HTTP 400)', 'throttle', 'DescribeVpcs', 2],
      ['RDS throttling (Throttling, HTTP 400)', 'throttle', 'DescribeDBClusters', 2],
      ['HTTP 500 InternalError', 'http500', 'DescribeSecurityGroups', 1],
      ['HTTP 503 ServiceUnavailable', 'http503', 'DescribeDBInstances', 2],
      ['a reset connection', 'reset', 'DescribeSecurityGroupRules', 2],
      ['a truncated answer', 'truncate', 'DescribeDBSubnetGroups', 1],
      ['a slow answer past the request timeout', 'slow', 'DescribeVpcs', 1, { delayMs: 800 }],
      ['ThrottlingException as RDS may name it', 'error', 'DescribeDBInstances', 1, { status: 400, code: 'ThrottlingException', message: 'Rate exceeded' }],
    ];
    for (const [what, kind, action, times, extra] of cases) {
      it(`${what} on ${action} ×${times}: the Region loads, complete and identical`, async () => {
        inject({ action, kind, times, ...extra });
        const g = gateway({ requestTimeoutMs: 300 });
        const snap = await g.loadRegion(US);
        assert.deepEqual(data(snap), data(before));
        assert.equal(proxy.count(action, { fault: kind }), times, 'each fault was injected');
        assert.equal(proxy.count(action, { fault: 'none' }), 1, 'then one clean attempt succeeded');
      });
    }

    it('mixed faults on one call (throttle, then 503) within three attempts', async () => {
      inject({ action: 'DescribeSecurityGroupRules', kind: 'throttle' });
      inject({ action: 'DescribeSecurityGroupRules', kind: 'http503', skip: 1 });
      const snap = await gateway().loadRegion(US);
      assert.deepEqual(data(snap), data(before));
      assert.equal(proxy.count('DescribeSecurityGroupRules'), 3);
    });

    it("with the SDK's own retry strategy and delays (as shipped), a throttled read succeeds", async () => {
      inject({ action: 'DescribeVpcs', kind: 'throttle' });
      const g = createGateway({ endpoint: proxy.url });
      gateways.push(g);
      const snap = await g.loadRegion(US);
      assert.deepEqual(data(snap), data(before));
      assert.equal(proxy.count('DescribeVpcs'), 2);
    });

    it('the retries are counted in the call log (attempts)', async () => {
      const calls: CallRecord[] = [];
      inject({ action: 'DescribeVpcs', kind: 'http503', times: 2 });
      await gateway({}, (c) => calls.push(c)).loadRegion(US);
      assert.equal(calls.find((c) => c.command === 'DescribeVpcs')?.attempts, 3);
      assert.equal(calls.find((c) => c.command === 'DescribeSecurityGroups')?.attempts, 1);
    });
  });

  describe('a load that finally fails', () => {
    let before: RegionSnapshot;
    beforeEach(async () => {
      before ??= await truth();
    });
    const exhausted: Array<[FaultKind, string, RegExp, Record<string, unknown>?]> = [
      ['http503', 'DescribeSecurityGroupRules', /AWS had an internal error \(HTTP 503, Unavailable\)\. Try again/],
      ['http500', 'DescribeDBClusters', /AWS had an internal error \(HTTP 500, InternalFailure\)/],
      ['throttle', 'DescribeVpcs', /AWS is throttling requests from this account\. Wait a moment and try again/],
      ['reset', 'DescribeSecurityGroups', /Could not connect to the endpoint .* \(ECONNRESET\): the connection was cut before the answer was complete/],
      ['truncate', 'DescribeDBInstances', /\(ECONNRESET\): the connection was cut before the answer was complete/],
      ['slow', 'DescribeDBSubnetGroups', /AWS did not answer in time at http:\/\/127\.0\.0\.1:\d+\. Check your network/, { delayMs: 800 }],
    ];
    it('every read failing: the store keeps the last good data and records why; the next load recovers', async () => {
      const g = gateway({ requestTimeoutMs: 300 });
      const store = new RegionStore(async () => g, [US]);
      const good = await store.load(US);
      inject({ action: /^Describe/, kind: 'http503', times: Infinity });
      const e = await failure(store.load(US));
      proxy.clear();
      const s = store.state(US)!;
      assert.equal(s.index, good, 'the last good data stays visible');
      assert.equal(s.error, e);
      assert.match(translateError(e, { region: US, endpoint: proxy.url }).message, /AWS had an internal error \(HTTP 503, Unavailable\)/);
      const again = await store.load(US);
      assert.deepEqual(data(again.snapshot), data(before));
    });
    for (const [kind, action, message, extra] of exhausted) {
      it(`${kind} on every attempt of ${action}: that read alone fails, named with its IAM action and why; the rest loads; the next load recovers`, async () => {
        const g = gateway({ requestTimeoutMs: 300 });
        const store = new RegionStore(async () => g, [US]);
        await store.load(US);
        inject({ action, kind, times: 3, ...extra });
        const partial = (await store.load(US)).snapshot;
        assert.equal(proxy.count(action, { fault: kind }), 3, 'three attempts, all failed');
        const s = store.state(US)!;
        assert.equal(s.loading, false);
        assert.equal(s.error, undefined, 'a partial load is not a failed load');
        const service = /DB/.test(action) ? 'rds' : 'ec2';
        assert.deepEqual(
          partial.failures?.map((f) => f.action),
          [`${service}:${action}`],
        );
        const t = translateError(partial.failures![0]!.error, { region: US, endpoint: proxy.url });
        assert.match(t.message, message);
        // What did not fail is all there.
        if (action !== 'DescribeSecurityGroups') assert.equal(partial.groups.length, before.groups.length);
        if (action !== 'DescribeDBClusters') assert.equal(partial.clusters.length, before.clusters.length);
        // The fault is gone: the next load is clean.
        const again = await store.load(US);
        assert.deepEqual(data(again.snapshot), data(before));
        assert.equal(store.state(US)?.error, undefined);
      });
    }
  });

  describe('writes whose answer is lost: applied once, and recognisable', () => {
    it('AuthorizeSecurityGroupIngress applied, answer lost (HTTP 500 after moto applied it): the retry says Duplicate; one rule', async () => {
      inject({ action: 'AuthorizeSecurityGroupIngress', kind: 'http500', after: true });
      const e = await failure(
        gateway().authorizeRule(US, {
          groupId: ids.appGroupId,
          isEgress: false,
          protocol: 'tcp',
          fromPort: 7001,
          toPort: 7001,
          peer: { kind: 'cidr4', cidr: '10.70.1.0/24' },
        }),
      );
      assert.equal(e.name, 'InvalidPermission.Duplicate');
      assert.equal(e.$metadata?.attempts, 2);
      assert.equal(mayHaveApplied(e), true, 'a Duplicate after a retry may be our own first attempt');
      assert.equal(proxy.count('AuthorizeSecurityGroupIngress', { forwarded: true }), 2);
      const rules =
        (await clientsFor(moto.url, US).ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [ids.appGroupId] }] })))
          .SecurityGroupRules ?? [];
      assert.equal(rules.filter((r) => r.FromPort === 7001 && r.CidrIpv4 === '10.70.1.0/24').length, 1);
    });

    it('a fault before AWS saw the call (HTTP 503): the retry adds the rule, once', async () => {
      inject({ action: 'AuthorizeSecurityGroupIngress', kind: 'http503' });
      const created = await gateway().authorizeRule(US, {
        groupId: ids.appGroupId,
        isEgress: false,
        protocol: 'tcp',
        fromPort: 7002,
        toPort: 7002,
        peer: { kind: 'cidr4', cidr: '10.70.2.0/24' },
      });
      assert.equal(created.length, 1);
      assert.equal(proxy.count('AuthorizeSecurityGroupIngress', { forwarded: true }), 1);
    });

    it('a first-attempt 4xx is known not to be applied', async () => {
      const e = await failure(
        gateway().authorizeRule(US, {
          groupId: ids.appGroupId,
          isEgress: false,
          protocol: 'tcp',
          fromPort: 7001,
          toPort: 7001,
          peer: { kind: 'cidr4', cidr: '10.70.1.0/24' },
        }),
      );
      assert.equal(e.name, 'InvalidPermission.Duplicate');
      assert.equal(e.$metadata?.attempts, 1);
      assert.equal(mayHaveApplied(e), false);
    });

    it('CreateSecurityGroup applied, connection reset before the answer: the retry says InvalidGroup.Duplicate; one group', async () => {
      inject({ action: 'CreateSecurityGroup', kind: 'reset', after: true });
      const e = await failure(gateway().createSecurityGroup(US, { vpcId: ids.vpcId, groupName: 'lost-answer', description: 'x' }));
      assert.equal(e.name, 'InvalidGroup.Duplicate');
      assert.equal(e.$metadata?.attempts, 2);
      const found = await gateway().findGroupsByName(US, ids.vpcId, 'lost-answer');
      assert.equal(found.length, 1, 'exactly one group, found by name');
    });

    it('RevokeSecurityGroupIngress applied, answer lost: the retry says NotFound; the rule is gone', async () => {
      const g = gateway();
      const [rule] = await g.authorizeRule(US, {
        groupId: ids.appGroupId,
        isEgress: false,
        protocol: 'tcp',
        fromPort: 7003,
        toPort: 7003,
        peer: { kind: 'cidr4', cidr: '10.70.3.0/24' },
      });
      inject({ action: 'RevokeSecurityGroupIngress', kind: 'http503', after: true });
      const e = await failure(g.revokeRules(US, ids.appGroupId, false, [rule.ruleId]));
      assert.equal(e.name, 'InvalidPermission.NotFound');
      assert.equal(e.$metadata?.attempts, 2);
      assert.ok(!(await g.readRules(US, [ids.appGroupId])).some((r) => r.ruleId === rule.ruleId));
    });

    it('ModifyDBCluster applied, answer lost: its retry is harmless (it sets the whole list); the list is as sent', async () => {
      inject({ action: 'ModifyDBCluster', kind: 'http500', after: true });
      const g = gateway();
      await g.setClusterGroups(US, ids.mysqlClusterId, [ids.dbGroupId, ids.pgGroupId]);
      assert.equal(proxy.count('ModifyDBCluster', { forwarded: true }), 2);
      assert.deepEqual(
        (await g.readCluster(US, ids.mysqlClusterId))?.securityGroups.map((x) => x.groupId),
        [ids.dbGroupId, ids.pgGroupId],
      );
      await g.setClusterGroups(US, ids.mysqlClusterId, [ids.dbGroupId]);
      // What went over the wire (the query-protocol body): the list, and no ApplyImmediately, which
      // would also apply the cluster's pending modifications (RDS user guide, Overview.DBInstance.Modifying).
      await g.setInstanceGroups(US, ids.rdsInstanceId, [ids.legacyGroupId]);
      const sent = proxy.requests.filter((r) => r.action === 'ModifyDBCluster' || r.action === 'ModifyDBInstance');
      assert.deepEqual(
        sent.map((r) => r.action),
        ['ModifyDBCluster', 'ModifyDBCluster', 'ModifyDBCluster', 'ModifyDBInstance'],
      );
      for (const r of sent) {
        assert.ok(!r.params.has('ApplyImmediately'), `${r.action} sent ApplyImmediately=${r.params.get('ApplyImmediately')}`);
        assert.ok(
          [...r.params.keys()].some((k) => k.startsWith('VpcSecurityGroupIds.')),
          [...r.params.keys()].join(),
        );
      }
    });

    it('DeleteSecurityGroup applied, answer lost: the retry says InvalidGroup.NotFound; the group is gone', async () => {
      const g = gateway();
      const id = await g.createSecurityGroup(US, { vpcId: ids.vpcId, groupName: 'to-delete', description: 'x' });
      inject({ action: 'DeleteSecurityGroup', kind: 'truncate' });
      const e = await failure(g.deleteSecurityGroup(US, id));
      assert.equal(e.name, 'InvalidGroup.NotFound');
      assert.equal(mayHaveApplied(e), true);
      assert.deepEqual(await g.findGroupsByName(US, ids.vpcId, 'to-delete'), []);
    });
  });

  describe('cancellation', () => {
    it('cancelling a slow load stops it at once; the last good data stays; the next load is clean', async () => {
      const g = gateway();
      const store = new RegionStore(async () => g, [US]);
      const good = await store.load(US);
      inject({ action: 'DescribeSecurityGroupRules', kind: 'slow', delayMs: 5000 });
      const p = store.load(US);
      // Cancel once the proxy holds the slow read (not after a guessed delay).
      await proxy.waitForRequest((r) => r.action === 'DescribeSecurityGroupRules' && r.fault === 'slow', { what: 'slow DescribeSecurityGroupRules' });
      store.cancel(US);
      const e = await failure(p);
      assert.equal(e.name, 'AbortError');
      // At once: the load ended while the proxy still held the slow read back from moto.
      assert.equal(proxy.count('DescribeSecurityGroupRules', { fault: 'slow' }), 1);
      assert.equal(proxy.count('DescribeSecurityGroupRules', { fault: 'slow', forwarded: true }), 0, 'the load waited for the slow answer');
      const s = store.state(US)!;
      assert.equal(s.loading, false);
      assert.equal(s.index, good);
      assert.equal(s.error, undefined);
      const slow = proxy.requests.find((r) => r.fault === 'slow')!;
      assert.equal(slow.forwarded, false, 'the slow call never reached moto: the SDK closed it');
      proxy.clear();
      const again = await store.load(US);
      assert.deepEqual(data(again.snapshot), data(await truth()));
    });

    it('an already cancelled signal sends nothing', async () => {
      const ac = new AbortController();
      ac.abort();
      const e = await failure(gateway().loadRegion(US, { abortSignal: ac.signal }));
      assert.equal(e.name, 'AbortError');
      assert.equal(translateError(e).message, 'Cancelled.');
      assert.equal(proxy.requests.length, 0);
    });
  });

  describe('credentials', () => {
    function writeCredentials(profile: string, keyId: string, secret: string, token?: string): void {
      fs.writeFileSync(
        process.env.AWS_SHARED_CREDENTIALS_FILE!,
        `[${profile}]\naws_access_key_id = ${keyId}\naws_secret_access_key = ${secret}\n${token ? `aws_session_token = ${token}\n` : ''}`,
      );
    }
    const keyIdOf = (auth: unknown) => /Credential=([A-Z0-9]+)\//.exec(String(auth))?.[1];

    it('none at all: a specific message naming the ways to fix it; nothing is sent', async () => {
      const saved = [process.env.AWS_ACCESS_KEY_ID, process.env.AWS_SECRET_ACCESS_KEY];
      delete process.env.AWS_ACCESS_KEY_ID;
      delete process.env.AWS_SECRET_ACCESS_KEY;
      fs.rmSync(process.env.AWS_SHARED_CREDENTIALS_FILE!, { force: true });
      try {
        // A non-loopback endpoint: no test-key fallback. Credentials fail before any connection.
        const g = createGateway({ endpoint: 'https://ec2.aurora-sg-test.invalid', maxAttempts: 1 });
        gateways.push(g);
        const e = await failure(g.loadRegion(US));
        const t = translateError(e, { region: US });
        assert.equal(t.code, 'CredentialsProviderError');
        assert.match(
          t.message,
          /^No AWS credentials were found\. Choose a profile \(click the ☁ status-bar item → Select Profile…, or run "Aurora SG: Select AWS Profile"\), sign in \(aws sso login \/ aws configure\)/,
        );
        const p = await failure(createGateway({ endpoint: 'https://ec2.aurora-sg-test.invalid', profile: 'nope', maxAttempts: 1 }).loadRegion(US));
        assert.match(translateError(p, { profile: 'nope' }).message, /No AWS credentials were found for profile nope\. Choose a profile/);
      } finally {
        [process.env.AWS_ACCESS_KEY_ID, process.env.AWS_SECRET_ACCESS_KEY] = saved;
      }
    });

    it('expired: a specific message (sign in again, or choose a profile); after the fix the next call reads the new credentials', async () => {
      writeCredentials('rotating', 'AKIAOLDOLDOLDOLDOLD1', 'old-secret-value');
      const g = gateway({ profile: 'rotating', maxAttempts: 1 });
      await g.readGroups(US, [ids.appGroupId]);
      assert.equal(keyIdOf(proxy.requests.at(-1)!.headers.authorization), 'AKIAOLDOLDOLDOLDOLD1');
      inject({ action: 'DescribeVpcs', kind: 'error', status: 400, code: 'ExpiredToken', message: 'The security token included in the request is expired' });
      const e = await failure(g.loadRegion(US));
      assert.equal(e.name, 'ExpiredToken');
      const t = translateError(e, { region: US, profile: 'rotating' });
      assert.match(
        t.message,
        /^Your session token has expired\. Sign in again \(for SSO: aws sso login --profile rotating\), or choose another profile \(click the ☁ status-bar item → Select Profile…/,
      );
      // The user signs in again (new keys in the file) and clicks Retry.
      writeCredentials('rotating', 'AKIANEWNEWNEWNEWNEW2', 'new-secret-value');
      await g.loadRegion(US);
      assert.equal(keyIdOf(proxy.requests.at(-1)!.headers.authorization), 'AKIANEWNEWNEWNEWNEW2', 'the new credentials were read');
    });

    it('wrong Region for the credentials (AuthFailure in an opt-in Region; keys of another partition): says which Region and what to do', async () => {
      inject({
        action: /.*/,
        region: 'eu-south-2',
        kind: 'error',
        status: 401,
        code: 'AuthFailure',
        message: 'AWS was not able to validate the provided access credentials',
        times: Infinity,
      });
      const g = gateway({ maxAttempts: 1 });
      const e = await failure(g.loadRegion('eu-south-2'));
      assert.equal(e.name, 'AuthFailure');
      const t = translateError(e, { region: 'eu-south-2', profile: 'dev' });
      assert.match(
        t.message,
        /did not accept your credentials \(profile dev\) in eu-south-2\. If eu-south-2 is an opt-in Region, enable it for the account or remove it from auroraSg\.regions/,
      );
      // The other Region is unaffected.
      assert.deepEqual(data(await g.loadRegion(US)), data(await truth()));
      const k = translateError(
        { name: 'InvalidClientTokenId', message: 'The security token included in the request is invalid.', $metadata: { httpStatusCode: 403 } },
        { region: 'cn-north-1' },
      );
      assert.match(k.message, /does not know these access keys in cn-north-1.*partition \(aws, aws-cn, aws-us-gov\)/);
    });

    it('no access key, secret, token or signature reaches an error, even when the server echoes the request', async () => {
      const keyId = 'AKIALEAKLEAKLEAKLEAK';
      const secret = 'leak-secret-5b1f0c9e7d0a4c3f8e2b6a19';
      const token = 'IQoJleakytokenleakytokenleakytoken0123456789';
      writeCredentials('leaky', keyId, secret, token);
      const calls: string[] = [];
      const g = gateway({ profile: 'leaky', maxAttempts: 1 }, (c) => calls.push(JSON.stringify(c)));
      inject({
        action: 'DescribeVpcs',
        kind: 'error',
        status: 403,
        code: 'SignatureDoesNotMatch',
        message: (req) =>
          `The request signature we calculated does not match. Authorization: ${req.headers.authorization} x-amz-security-token: ${req.headers['x-amz-security-token']}`,
      });
      const e = await failure(g.loadRegion(US));
      assert.ok(String(e.message).includes(token), 'the server did echo the token (the test is real)');
      const t = translateError(e, { region: US, profile: 'leaky' });
      const written = [t.message, t.detail ?? '', ...calls].join('\n');
      for (const s of [keyId, secret, token]) assert.ok(!written.includes(s), `"${s}" leaked: ${written}`);
      assert.doesNotMatch(written, /Signature=[0-9a-f]{16}/);
      assert.equal(keyIdOf(proxy.requests.at(-1)!.headers.authorization), keyId, 'these credentials signed the request');
    });
  });

  describe('load: a large paged Region through throttled pages', () => {
    it('loads every VPC, group, rule and cluster, with faults on some pages (time and event-loop delay reported)', async function () {
      this.timeout(180_000);
      const seeded = await seedBigRegion(moto.url, BIG, { vpcs: 3, groups: 120, rules: 1000, clusters: 3, instancesPerCluster: 1 });
      const direct = clientsFor(moto.url, BIG);
      const allRules = (await direct.ec2.send(new DescribeSecurityGroupRulesCommand({}))).SecurityGroupRules ?? [];
      const allGroups = (await direct.ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups ?? [];
      const allClusters = (await direct.rds.send(new DescribeDBClustersCommand({}))).DBClusters ?? [];
      assert.ok(allRules.length >= 1000 && seeded.groupIds.length === 120);
      // moto never pages: the proxy does, as AWS would, and faults hit pages in the middle.
      proxy.paginate('DescribeSecurityGroupRules', 100);
      proxy.paginate('DescribeSecurityGroups', 40);
      proxy.paginate('DescribeVpcs', 2);
      inject({ action: 'DescribeSecurityGroupRules', kind: 'throttle', skip: 3, times: 2 });
      inject({ action: 'DescribeSecurityGroupRules', kind: 'reset', skip: 8 });
      inject({ action: 'DescribeSecurityGroups', kind: 'http500', skip: 1 });
      inject({ action: 'DescribeVpcs', kind: 'truncate', skip: 1 });
      inject({ action: 'DescribeDBClusters', kind: 'http503' });
      const h = monitorEventLoopDelay({ resolution: 10 });
      h.enable();
      const started = Date.now();
      const snap = await gateway().loadRegion(BIG);
      const ms = Date.now() - started;
      h.disable();
      try {
        assert.equal(snap.rules.length, allRules.length);
        assert.deepEqual(new Set(snap.rules.map((r) => r.ruleId)), new Set(allRules.map((r) => r.SecurityGroupRuleId)));
        assert.deepEqual(new Set(snap.groups.map((g) => g.groupId)), new Set(allGroups.map((g) => g.GroupId)));
        assert.equal(snap.clusters.length, allClusters.length);
        assert.equal(snap.vpcs.length, 4, 'the three seeded VPCs and the default one');
        const pages = proxy.count('DescribeSecurityGroupRules', { fault: 'none' });
        assert.ok(pages >= Math.ceil(allRules.length / 100), `${pages} pages of rules`);
        // Time is reported, not asserted (speed is `npm run bench`'s job).
        const maxDelay = h.max / 1e6;
        console.log(
          `      [load] ${snap.groups.length} groups, ${snap.rules.length} rules in ${pages} pages, ${JSON.stringify(proxy.injected)} injected, ${ms} ms, event loop max delay ${maxDelay.toFixed(0)} ms`,
        );
      } finally {
        for (const a of ['DescribeSecurityGroupRules', 'DescribeSecurityGroups', 'DescribeVpcs']) proxy.paginate(a, 0);
        direct.ec2.destroy();
        direct.rds.destroy();
      }
    });

    it("DB instances in more than one page: read by their clusters once RDS's count (DescribeAccountAttributes, answered as AWS does) proves the list whole; an instance outside the clusters is still listed", async function () {
      this.timeout(180_000);
      const R = 'ap-southeast-2';
      await seedBigRegion(moto.url, R, { vpcs: 2, groups: 4, rules: 4, clusters: 3, instancesPerCluster: 8 });
      const clients = clientsFor(proxy.url, R);
      const direct = clientsFor(moto.url, R);
      const filtered = () =>
        proxy.requests.filter((r) => r.action === 'DescribeDBInstances' && r.region === R && [...r.params.keys()].some((k) => k.startsWith('Filters.'))).length;
      // The chain's second page waits until the first load is done: only the filtered calls can end it.
      let release!: () => void;
      const chainHeld = new Promise<void>((r) => (release = r));
      proxy.add({
        action: 'DescribeDBInstances',
        kind: 'pass',
        times: Infinity,
        before: async (req) => {
          const keys = [...req.params.keys()];
          if (keys.includes('Marker') && !keys.some((k) => k.startsWith('Filters.'))) await chainHeld;
        },
      });
      try {
        // RDS's smallest page (20): 24 instances are two pages.
        const snap = await readRegion({ ...clients, region: R }, { rdsPageSize: 20 });
        release();
        assert.equal(snap.instances.length, 24);
        assert.ok(filtered() >= 1, 'asked by db-cluster-id filters');
        assert.ok(
          proxy.requests.some((r) => r.action === 'DescribeAccountAttributes' && r.service === 'rds' && r.answeredBy),
          "RDS's count answered by the AWS-rules layer",
        );
        await direct.rds.send(
          new CreateDBInstanceCommand({
            DBInstanceIdentifier: 'standalone-mysql',
            Engine: 'mysql',
            DBInstanceClass: 'db.t3.micro',
            AllocatedStorage: 20,
            MasterUsername: 'admin',
            MasterUserPassword: 'secret-password-1',
          }),
        );
        const again = await readRegion({ ...clients, region: R }, { rdsPageSize: 20 });
        assert.equal(again.instances.length, 25);
        assert.ok(
          again.instances.some((i) => i.instanceId === 'standalone-mysql'),
          'the instance outside every cluster is listed (the chain answered)',
        );
      } finally {
        release();
        clients.ec2.destroy();
        clients.rds.destroy();
        direct.ec2.destroy();
        direct.rds.destroy();
      }
    });

    it('DB clusters in more than one page: the proxy pages DescribeDBClusters as RDS does (MaxRecords, Marker; moto answers every cluster at once), and the load reads every page', async function () {
      this.timeout(180_000);
      const R = 'eu-west-3';
      await seedBigRegion(moto.url, R, { vpcs: 1, groups: 2, rules: 2, clusters: 45, instancesPerCluster: 0 });
      const direct = clientsFor(moto.url, R);
      const clients = clientsFor(proxy.url, R);
      const clusterCalls = () => proxy.requests.filter((r) => r.action === 'DescribeDBClusters' && r.region === R);
      try {
        const all = (await direct.rds.send(new DescribeDBClustersCommand({ MaxRecords: 20 }))).DBClusters ?? [];
        assert.equal(all.length, 45, 'moto itself does not page DescribeDBClusters (the reason for the proxy)');
        proxy.paginate('DescribeDBClusters', 100);
        // The SDK's own view of RDS's pages: MaxRecords honoured, a Marker until the last page.
        const first = await clients.rds.send(new DescribeDBClustersCommand({ MaxRecords: 20 }));
        assert.equal(first.DBClusters?.length, 20);
        assert.ok(first.Marker, 'a Marker when more records exist');
        const second = await clients.rds.send(new DescribeDBClustersCommand({ MaxRecords: 20, Marker: first.Marker }));
        const third = await clients.rds.send(new DescribeDBClustersCommand({ MaxRecords: 20, Marker: second.Marker }));
        assert.deepEqual([second.DBClusters?.length, third.DBClusters?.length, third.Marker], [20, 5, undefined]);
        assert.deepEqual(
          [...first.DBClusters!, ...second.DBClusters!, ...third.DBClusters!].map((c) => c.DBClusterIdentifier),
          all.map((c) => c.DBClusterIdentifier),
          'the pages are the list, in order, each cluster once',
        );
        // The load: a first page of 20 when its pages show as they come, then pages of 100 (reads.ts readAllClusters).
        proxy.reset();
        const parts: string[] = [];
        const snap = await readRegion(
          { ...clients, region: R },
          { onPart: (p) => parts.push(`${p.clusters.length}${p.firstPages?.includes('clusters') ? ' (first pages)' : ''}`) },
        );
        assert.equal(snap.clusters.length, 45);
        assert.deepEqual(new Set(snap.clusters.map((c) => c.clusterId)), new Set(all.map((c) => c.DBClusterIdentifier)));
        assert.deepEqual(
          clusterCalls().map((r) => r.params.get('MaxRecords')),
          ['20', '100'],
        );
        assert.ok(parts.includes('20 (first pages)'), `a part showed the first page's 20 clusters, more to come (parts: ${parts.join(', ')})`);
      } finally {
        proxy.paginate('DescribeDBClusters', 0);
        clients.ec2.destroy();
        clients.rds.destroy();
        direct.ec2.destroy();
        direct.rds.destroy();
      }
    });
  });
});
