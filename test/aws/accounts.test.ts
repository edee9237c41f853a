// Several accounts at once against moto (issue 17): two profiles of two moto accounts and one
// signed-out SSO profile, through the routing gateway and the real SDK credential providers.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateSecurityGroupCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { CreateAccountAliasCommand, IAMClient } from '@aws-sdk/client-iam';
import { createRoutingGateway, type CallRecord, type RoutingGateway } from '../../src/aws/index';
import { isSignInError, translateError } from '../../src/aws/errors';
import { accountClients, accountKeys, DEFAULT_ACCOUNT, writeProfiles, type AccountKeys } from '../harness/accounts';
import { startFaultProxy, type FaultProxy } from '../harness/faultProxy';
import { startMoto, type MotoServer } from '../harness/moto';
import { rulesAudit } from '../harness/rulesAudit';

const REGION = 'us-east-1';
const PROD = '222222222222';
const ENV = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'HOME'];

describe('several accounts against moto (routing gateway, two accounts, one signed out)', function () {
  this.timeout(120_000);
  let moto: MotoServer;
  // Every call of the gateway goes through the AWS-rules layer (issue 13), as the other suites' do.
  let proxy: FaultProxy;
  let audit: ReturnType<typeof rulesAudit>;
  let gw: RoutingGateway;
  let scratch: string;
  const saved = new Map(ENV.map((k) => [k, process.env[k]]));
  const calls: CallRecord[] = [];
  let prodGroupId: string;
  let devGroupId: string;

  before(async () => {
    moto = await startMoto();
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'aurora-sg-accounts-'));
    const dev: AccountKeys = { accessKeyId: 'testing', secretAccessKey: 'testing', sessionToken: 'testing' };
    const prod = await accountKeys(moto.url, PROD);
    // Each profile's own keys only: nothing from the environment, no SSO token cache of the machine's user.
    for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) delete process.env[k];
    process.env.HOME = scratch;
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    process.env.AWS_CONFIG_FILE = path.join(scratch, '.aws', 'config');
    process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(scratch, '.aws', 'credentials');
    writeProfiles({ config: process.env.AWS_CONFIG_FILE, credentials: process.env.AWS_SHARED_CREDENTIALS_FILE }, { dev, prod }, ['gone']);
    const seed = async (keys: AccountKeys, name: string) => {
      const c = accountClients(moto.url, REGION, keys);
      const vpc = (await c.ec2.send(new DescribeVpcsCommand({}))).Vpcs!.find((v) => v.IsDefault)!;
      const g = await c.ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: name, VpcId: vpc.VpcId }));
      c.ec2.destroy();
      c.rds.destroy();
      return g.GroupId!;
    };
    devGroupId = await seed(dev, 'dev-only');
    prodGroupId = await seed(prod, 'prod-only');
    const iam = new IAMClient({ endpoint: moto.url, region: REGION, credentials: prod });
    await iam.send(new CreateAccountAliasCommand({ AccountAlias: 'acme-production' }));
    iam.destroy();
    proxy = await startFaultProxy(moto.url);
    audit = rulesAudit(proxy);
    gw = createRoutingGateway(['dev', 'prod', 'gone'], { endpoint: proxy.url, maxAttempts: 1 }, (c) => calls.push(c));
  });

  after(async () => {
    gw?.dispose();
    const problems = proxy?.requests.some((r) => r.action === 'CreateSecurityGroup') ? [] : ['the write did not go through the rules layer'];
    try {
      audit?.check();
    } catch (e) {
      problems.push((e as Error).message);
    }
    await proxy?.close();
    await moto?.stop();
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
    assert.deepEqual(problems, []);
  });

  it('each profile loads its own account; the signed-out one fails alone, as a sign-in error naming aws sso login', async () => {
    const [dev, prod, gone] = await Promise.allSettled([gw.loadRegion(`dev/${REGION}`), gw.loadRegion(`prod/${REGION}`), gw.loadRegion(`gone/${REGION}`)]);
    assert.equal(dev.status, 'fulfilled');
    assert.equal(prod.status, 'fulfilled');
    const d = (dev as PromiseFulfilledResult<Awaited<ReturnType<RoutingGateway['loadRegion']>>>).value;
    const p = (prod as PromiseFulfilledResult<Awaited<ReturnType<RoutingGateway['loadRegion']>>>).value;
    // Keyed by scope: the snapshot and its objects carry profile/Region.
    assert.equal(d.region, `dev/${REGION}`);
    assert.equal(p.region, `prod/${REGION}`);
    assert.ok(p.groups.every((g) => g.region === `prod/${REGION}`));
    assert.ok(p.groups.some((g) => g.groupId === prodGroupId));
    assert.ok(!p.groups.some((g) => g.groupId === devGroupId));
    assert.ok(d.groups.some((g) => g.groupId === devGroupId));
    assert.ok(!d.groups.some((g) => g.groupId === prodGroupId));
    assert.ok(p.groups.every((g) => g.ownerId === PROD));
    assert.ok(d.groups.every((g) => g.ownerId === DEFAULT_ACCOUNT));
    assert.equal(gone.status, 'rejected');
    const err = (gone as PromiseRejectedResult).reason;
    assert.ok(isSignInError(err), `${(err as Error).name}: ${(err as Error).message}`);
    assert.match(translateError(err).message, /aws sso login --profile gone/);
    // The call log names the scope of each call.
    assert.ok(calls.some((c) => c.region === `prod/${REGION}` && c.command === 'DescribeSecurityGroups'));
  });

  it('identities: account id per profile, the alias where there is one; the signed-out profile fails without holding the others', async () => {
    const [dev, prod, gone] = await Promise.allSettled([
      gw.accountIdentity(`dev/${REGION}`),
      gw.accountIdentity(`prod/${REGION}`),
      gw.accountIdentity(`gone/${REGION}`),
    ]);
    assert.deepEqual(dev.status === 'fulfilled' ? [dev.value.accountId, dev.value.alias] : dev, [DEFAULT_ACCOUNT, undefined]);
    assert.deepEqual(prod.status === 'fulfilled' ? [prod.value.accountId, prod.value.alias] : prod, [PROD, 'acme-production']);
    assert.equal(gone.status, 'rejected');
    assert.ok(isSignInError((gone as PromiseRejectedResult).reason));
  });

  it('a write from prod/Region lands in the prod account only', async () => {
    const id = await gw.createSecurityGroup(`prod/${REGION}`, {
      groupName: 'made-in-prod',
      description: 'x',
      vpcId: (await gw.loadRegion(`prod/${REGION}`)).vpcs[0].vpcId,
    });
    const [dev, prod] = await Promise.all([gw.loadRegion(`dev/${REGION}`), gw.loadRegion(`prod/${REGION}`)]);
    assert.ok(prod.groups.some((g) => g.groupId === id && g.ownerId === PROD));
    assert.ok(!dev.groups.some((g) => g.groupId === id));
  });
});
