// The Access tree's hover text (src/tree/hovers.ts), as plain Markdown (issue 14 item 9).
import * as assert from 'node:assert/strict';
import type { DbCluster, DbInstance, QuotaValue, SecurityGroup } from '../../src/domain/model';
import { DEFAULT_LIMITS } from '../../src/domain/quotas';
import { clusterTooltip, code, groupTooltip, instanceTooltip, md, tagsLine, usedByText } from '../../src/tree/hovers';

const group: SecurityGroup = {
  region: 'us-east-1',
  groupId: 'sg-0123456789abcdef0',
  groupName: 'app_servers',
  description: 'App servers',
  vpcId: 'vpc-fc77a1b2',
  tags: { team: 'shop', env: 'prod' },
};
const cluster: DbCluster = {
  region: 'us-east-1',
  clusterId: 'orders-db',
  kind: 'aurora',
  engine: 'aurora-mysql',
  port: 3306,
  status: 'available',
  members: [],
  securityGroups: [{ groupId: 'sg-0123456789abcdef0', status: 'active' }],
  vpcId: 'vpc-fc77a1b2',
  tags: { owner: 'dba-team' },
};
const instance: DbInstance = {
  region: 'us-east-1',
  instanceId: 'reports-mysql',
  engine: 'mysql',
  status: 'available',
  securityGroups: [{ groupId: 'sg-0123456789abcdef0' }],
  tags: { 'cost-center': '42', backup: '' },
};
const hover = { group, inbound: 1, outbound: 1, guards: ['cluster orders\\-db'], references: 0, via: false };

describe('hovers: the Access tree hover text', () => {
  it('ids in code spans are not escaped (no `vpc\\-fc77` shown literally); names outside are', () => {
    assert.equal(code('vpc-fc77a1b2'), '`vpc-fc77a1b2`');
    assert.equal(code('a`b'), '`` a`b ``');
    for (const text of [groupTooltip(hover), clusterTooltip(cluster, () => 'app_servers'), instanceTooltip(instance, undefined, undefined)]) {
      assert.doesNotMatch(text, /`[^`]*\\[^`]*`/, `no backslash inside a code span: ${text}`);
    }
    assert.match(groupTooltip(hover), /- VPC: `vpc-fc77a1b2`/);
    assert.match(
      clusterTooltip(cluster, () => 'app_servers'),
      /- VPC: `vpc-fc77a1b2`/,
    );
    assert.match(groupTooltip(hover), /\*\*app\\_servers\*\*/, 'a name is escaped outside code spans');
    assert.equal(md('a-b'), 'a\\-b');
  });

  it("a group's rules against the account's quota: per direction and family, the quota named as read (no fixed 60)", () => {
    assert.doesNotMatch(groupTooltip(hover), /quota/i, 'without counts, no quota line');
    const counted = (limit: QuotaValue) => groupTooltip({ ...hover, quota: { inbound: { v4: 3, v6: 1 }, outbound: { v4: 1, v6: 1 }, limit } });
    assert.match(
      counted({ value: 200, source: 'account' }),
      /^- Quota: inbound 3 IPv4 \/ 1 IPv6, outbound 1 \/ 1, of the account quota of 200 per direction and family$/m,
    );
    assert.match(
      counted(DEFAULT_LIMITS.rulesPerDirection),
      /of the default quota 60 \\\(could not read your account's value: needs servicequotas:GetServiceQuota\\\) per direction/,
    );
  });

  it('tags are shown in group, cluster and DB instance hovers, sorted, a key without value alone', () => {
    assert.match(groupTooltip(hover), /^- Tags: env=prod, team=shop$/m);
    assert.match(
      clusterTooltip(cluster, () => undefined),
      /^- Tags: owner=dba\\-team$/m,
    );
    assert.match(instanceTooltip(instance, undefined, undefined), /^- Tags: backup, cost\\-center=42$/m);
    assert.equal(tagsLine({}), '');
    assert.doesNotMatch(
      clusterTooltip({ ...cluster, tags: undefined }, () => undefined),
      /Tags/,
    );
  });

  it("Used by: EC2 instances by name, databases, and network interfaces of other services by type (not the instances' or RDS's own again)", () => {
    const text = usedByText(
      {
        ec2: [{ instanceId: 'i-0aaa', name: 'app-server-1' }, { instanceId: 'i-0bbb' }],
        interfaces: [
          { kind: 'networkInterface', interfaceId: 'eni-1', interfaceType: 'interface', instanceId: 'i-0aaa' },
          { kind: 'networkInterface', interfaceId: 'eni-2', interfaceType: 'lambda' },
          { kind: 'networkInterface', interfaceId: 'eni-3', interfaceType: 'lambda' },
          { kind: 'networkInterface', interfaceId: 'eni-4', interfaceType: 'interface', description: 'RDSNetworkInterface' },
          { kind: 'networkInterface', interfaceId: 'eni-5', interfaceType: 'network_load_balancer' },
        ],
      },
      ['cluster orders\\-db'],
    );
    assert.equal(
      text,
      [
        '**Used by**',
        '- 2 EC2 instances: app\\-server\\-1 `i-0aaa`, i\\-0bbb',
        '- Database: cluster orders\\-db',
        '- Other services: 2 network interfaces of AWS Lambda, 1 network interface of load balancer',
      ].join('\n'),
    );
  });

  it('Used by: a read that fails says what it needs (never "nothing"); nothing at all says so', () => {
    const denied = usedByText({ ec2: [], interfaces: { error: 'needs ec2:DescribeNetworkInterfaces (not authorized)' } }, []);
    assert.match(denied, /^- Other services: could not read: needs ec2:DescribeNetworkInterfaces \\\(not authorized\\\)$/m);
    assert.doesNotMatch(denied, /Nothing/);
    assert.match(usedByText({ ec2: [], interfaces: [] }, []), /^- Nothing: no EC2 instance, database or network interface carries it$/m);
  });

  it("with Used by, the group's hover shows it in place of the Guards line", () => {
    const text = groupTooltip(hover, usedByText({ ec2: [], interfaces: [] }, hover.guards));
    assert.doesNotMatch(text, /Guards/);
    assert.match(text, /\*\*Used by\*\*\n- Database: cluster orders\\-db/);
  });
});
