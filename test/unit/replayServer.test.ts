// The bench's AWS-like replay server (test/harness/replayServer.ts), recording from a canned
// upstream instead of moto, read back through the real SDK clients.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeSecurityGroupRulesCommand, EC2Client, paginateDescribeSecurityGroupRules } from '@aws-sdk/client-ec2';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { REPLAYED, splitChildren, startReplayServer, topFields, type ReplayServer } from '../harness/replayServer';

const RULES = 2_350;
const INSTANCES = 130;

function canned(action: string, params: URLSearchParams): string {
  const a = REPLAYED[action]!;
  if (a.service === 'rds') {
    // moto pages DescribeDBInstances at 100, its Marker ahead of the list.
    const from = Number(params.get('Marker') ?? 0);
    const to = action === 'DescribeDBInstances' ? Math.min(INSTANCES, from + 100) : 0;
    const items = Array.from({ length: to - from }, (_v, i) => `<DBInstance><DBInstanceIdentifier>db-${from + i}</DBInstanceIdentifier></DBInstance>`).join('');
    const marker = action === 'DescribeDBInstances' && to < INSTANCES ? `<Marker>${to}</Marker>` : '';
    return `<${action}Response xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><${action}Result>${marker}<${a.list}>${items}</${a.list}></${action}Result><ResponseMetadata><RequestId>x</RequestId></ResponseMetadata></${action}Response>`;
  }
  const items =
    action === 'DescribeSecurityGroupRules'
      ? Array.from(
          { length: RULES },
          (_v, i) =>
            `<item><securityGroupRuleId>sgr-${i}</securityGroupRuleId><groupId>sg-${i % 10}</groupId><ipProtocol>tcp</ipProtocol><fromPort>${i}</fromPort><toPort>${i}</toPort><referencedGroupInfo><groupId>sg-peer</groupId></referencedGroupInfo></item>`,
        ).join('')
      : '';
  return `<${action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>x</requestId><${a.list}>${items}</${a.list}></${action}Response>`;
}

describe('bench harness: the AWS-like replay server', () => {
  let upstream: http.Server;
  let replay: ReplayServer;
  const config = (url: string) => ({ region: 'us-east-1', endpoint: url, maxAttempts: 1, credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake' } });

  before(async () => {
    upstream = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c));
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/xml' });
        const p = new URLSearchParams(body);
        res.end(canned(p.get('Action') ?? '', p));
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    replay = await startReplayServer(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, 'us-east-1');
  });
  after(async () => {
    await replay.close();
    await new Promise((r) => upstream.close(r));
  });

  it('splits a list by depth and reads an item’s own fields, not those of nested elements', () => {
    const s = splitChildren('<a><list><item><groupId>sg-1</groupId><x><groupId>sg-2</groupId></x></item><item/></list><b/></a>', 'list')!;
    assert.equal(s.items.length, 2);
    assert.deepEqual(topFields(s.items[0]!), { groupId: 'sg-1' });
  });

  it('serves EC2 lists in pages of 1,000 with tokens, and filters by group id', async () => {
    const ec2 = new EC2Client(config(replay.url));
    const sizes: number[] = [];
    for await (const p of paginateDescribeSecurityGroupRules({ client: ec2 }, {})) sizes.push(p.SecurityGroupRules!.length);
    assert.deepEqual(sizes, [1000, 1000, 350]);
    const one = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: ['sg-3'] }], MaxResults: 100 }));
    assert.equal(one.SecurityGroupRules!.length, 100);
    assert.ok(one.SecurityGroupRules!.every((r) => r.GroupId === 'sg-3'));
    const rest = await ec2.send(
      new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: ['sg-3'] }], MaxResults: 1000, NextToken: one.NextToken }),
    );
    assert.equal(rest.SecurityGroupRules!.length, RULES / 10 - 100);
    await assert.rejects(ec2.send(new DescribeSecurityGroupRulesCommand({ MaxResults: 1001 })), { name: 'InvalidParameterValue' });
    ec2.destroy();
  });

  it('records every page of moto (its Marker ahead of the list) and serves RDS lists in pages of 100 with a Marker of its own', async () => {
    const rds = new RDSClient(config(replay.url));
    const first = await rds.send(new DescribeDBInstancesCommand({}));
    assert.equal(first.DBInstances!.length, 100);
    const second = await rds.send(new DescribeDBInstancesCommand({ Marker: first.Marker }));
    assert.equal(second.DBInstances!.length, INSTANCES - 100);
    assert.equal(second.Marker, undefined);
    rds.destroy();
  });

  it("answers AWS's throttling error above the configured rate", async () => {
    replay.configure({ ratePerSecond: 0.001, burst: 1 });
    const ec2 = new EC2Client(config(replay.url));
    const rds = new RDSClient(config(replay.url));
    try {
      await ec2.send(new DescribeSecurityGroupRulesCommand({ MaxResults: 5 }));
      await assert.rejects(ec2.send(new DescribeSecurityGroupRulesCommand({ MaxResults: 5 })), { name: 'RequestLimitExceeded' });
      await rds.send(new DescribeDBInstancesCommand({}));
      await assert.rejects(rds.send(new DescribeDBInstancesCommand({})), { name: 'Throttling' });
    } finally {
      replay.configure({ ratePerSecond: 0 });
      ec2.destroy();
      rds.destroy();
    }
  });
});
