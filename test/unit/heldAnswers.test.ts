// holdAnswers (src/aws/clients.ts): the answers readRegion holds back so the first rows of the tree
// get the CPU first are received but not parsed nor handed back until their hold settles; other
// commands on the same client pass. Real SDK clients, with a fake HTTP handler.
import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { DescribeSecurityGroupsCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { holdAnswers, holdRequests, readAnswersFast } from '../../src/aws/clients';
import { AwsGateway } from '../../src/aws/index';
import { localAnswers } from '../../src/aws/warmUp';
import type { RegionSnapshot } from '../../src/domain/model';

const EC2_NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const ANSWERS: Record<string, string> = {
  DescribeVpcs: `<DescribeVpcsResponse xmlns="${EC2_NS}"><requestId>r</requestId><vpcSet><item><vpcId>vpc-1</vpcId></item></vpcSet></DescribeVpcsResponse>`,
  DescribeSecurityGroups: `<DescribeSecurityGroupsResponse xmlns="${EC2_NS}"><requestId>r</requestId><securityGroupInfo><item><groupId>sg-1</groupId><groupName>a</groupName></item></securityGroupInfo></DescribeSecurityGroupsResponse>`,
  DescribeDBClusters: `<DescribeDBClustersResponse><DescribeDBClustersResult><DBClusters><DBCluster><DBClusterIdentifier>c-1</DBClusterIdentifier></DBCluster></DBClusters></DescribeDBClustersResult></DescribeDBClustersResponse>`,
  DescribeDBInstances: `<DescribeDBInstancesResponse><DescribeDBInstancesResult><DBInstances><DBInstance><DBInstanceIdentifier>i-1</DBInstanceIdentifier></DBInstance></DBInstances></DescribeDBInstancesResult></DescribeDBInstancesResponse>`,
};

/** The handler answers each call from ANSWERS by its Action and records that it answered. */
function handler(answered: string[]) {
  return {
    handle: async (req: { body?: string }) => {
      const action = /Action=(\w+)/.exec(String(req.body ?? ''))![1]!;
      answered.push(action);
      return { response: { statusCode: 200, headers: { 'x-amzn-requestid': 'r' }, body: Readable.from([Buffer.from(ANSWERS[action]!, 'utf8')]) } };
    },
  } as never;
}
const config = { region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, endpoint: 'http://127.0.0.1:1', maxAttempts: 1 };

/** A client of `Client` answered by handler(answered), with the fast readers' middleware (where the holds sit). */
function fastClient<C extends EC2Client | RDSClient>(Client: new (c: object) => C, answered: string[]): C {
  const client = new Client({ ...config, requestHandler: handler(answered) });
  readAnswersFast(client);
  return client;
}

/** Whether `p` has settled, after the turns every pending callback of the answer had to run. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  return done;
}

describe('aws: holdAnswers (the first rows first)', () => {
  it('EC2: a held DescribeSecurityGroups answer is received, not handed back until the hold settles; DescribeVpcs on the same client passes', async () => {
    const answered: string[] = [];
    const ec2 = fastClient(EC2Client, answered);
    let release!: () => void;
    holdAnswers(ec2, ['DescribeSecurityGroupsCommand'], new Promise<void>((r) => (release = r)));
    const groups = ec2.send(new DescribeSecurityGroupsCommand({}));
    const vpcs = await ec2.send(new DescribeVpcsCommand({}));
    assert.equal(vpcs.Vpcs?.[0]?.VpcId, 'vpc-1', 'not held');
    assert.ok(answered.includes('DescribeSecurityGroups'), 'the held answer has arrived');
    assert.equal(await settled(groups), false, 'held');
    release();
    assert.equal((await groups).SecurityGroups?.[0]?.GroupId, 'sg-1');
    // The hold is gone once settled: the next call passes.
    assert.equal((await ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups?.length, 1);
  });

  it('RDS: a held DescribeDBInstances answer waits; DescribeDBClusters passes', async () => {
    const answered: string[] = [];
    const rds = fastClient(RDSClient, answered);
    let release!: () => void;
    holdAnswers(rds, ['DescribeDBInstancesCommand'], new Promise<void>((r) => (release = r)));
    const instances = rds.send(new DescribeDBInstancesCommand({}));
    assert.equal((await rds.send(new DescribeDBClustersCommand({}))).DBClusters?.[0]?.DBClusterIdentifier, 'c-1');
    assert.ok(answered.includes('DescribeDBInstances'));
    assert.equal(await settled(instances), false, 'held');
    release();
    assert.equal((await instances).DBInstances?.[0]?.DBInstanceIdentifier, 'i-1');
  });

  it('a held answer cut in the middle fails as it would unheld (the body is read at once), never hangs', async () => {
    for (const cut of [false, true]) {
      const rds = new RDSClient({
        ...config,
        requestHandler: {
          handle: async () => {
            const body = new Readable({ read() {} });
            body.push(Buffer.from(ANSWERS.DescribeDBInstances!.slice(0, 40)));
            setImmediate(() => body.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
            return { response: { statusCode: 200, headers: {}, body } };
          },
        } as never,
      });
      readAnswersFast(rds);
      if (cut) holdAnswers(rds, ['DescribeDBInstancesCommand'], new Promise<void>(() => {})); // never released
      await assert.rejects(rds.send(new DescribeDBInstancesCommand({})), /aborted/, cut ? 'held' : 'not held');
    }
  });

  it('holdRequests: a held call is not sent until its hold settles (the handler never sees it); other commands pass; the hold is gone after', async () => {
    const answered: string[] = [];
    const ec2 = fastClient(EC2Client, answered);
    let release!: () => void;
    holdRequests(ec2, ['DescribeSecurityGroupsCommand'], new Promise<void>((r) => (release = r)));
    const groups = ec2.send(new DescribeSecurityGroupsCommand({}));
    assert.equal((await ec2.send(new DescribeVpcsCommand({}))).Vpcs?.[0]?.VpcId, 'vpc-1', 'not held');
    assert.equal(await settled(groups), false, 'held');
    assert.deepEqual(answered, ['DescribeVpcs'], 'the held call was not sent');
    release();
    assert.equal((await groups).SecurityGroups?.[0]?.GroupId, 'sg-1');
    assert.deepEqual(answered, ['DescribeVpcs', 'DescribeSecurityGroups']);
    await ec2.send(new DescribeSecurityGroupsCommand({}));
    assert.deepEqual(answered, ['DescribeVpcs', 'DescribeSecurityGroups', 'DescribeSecurityGroups'], 'sent at once after');
  });

  it('a load with the first rows wanted sends its big reads only after the tree has taken the VPC and DB cluster rows (heavyAnswersAfter), then all of them', async () => {
    const seen: string[] = [];
    const gw = new AwsGateway({ local: localAnswers(seen), maxAttempts: 1 });
    const heavy = ['DescribeSecurityGroups', 'DescribeSecurityGroupRules', 'DescribeNetworkInterfaces', 'DescribeDBInstances'];
    let shown!: () => void;
    let sentBeforeRows: string[] | undefined;
    const onPart = (p: RegionSnapshot) => {
      // The part in which the VPCs and the DB clusters have answered: what had been sent by then.
      if (sentBeforeRows === undefined && !p.pending?.includes('vpcs') && !p.pending?.includes('clusters')) {
        sentBeforeRows = [...seen];
        setImmediate(shown); // the tree takes the rows a turn later
      }
    };
    try {
      const snap = await gw.loadRegion('eu-central-1', { onPart, heavyAnswersAfter: new Promise<void>((r) => (shown = r)) });
      assert.deepEqual(snap.failures ?? [], []);
      assert.ok(sentBeforeRows?.includes('DescribeVpcs') && sentBeforeRows.includes('DescribeDBClusters'), `sent: ${sentBeforeRows?.join(', ')}`);
      assert.deepEqual(
        heavy.filter((a) => sentBeforeRows!.includes(a)),
        [],
        'no big read sent before the first rows',
      );
      for (const a of heavy) assert.ok(seen.includes(a), `${a} sent after the first rows`);
    } finally {
      gw.dispose();
    }
  });
});
