// Preview equals sent: the walkthrough shows "the exact AWS calls" of each step. Here every kind
// of planned write is sent through the real src/aws/writes.ts functions, on SDK clients whose
// `send` records the command instead of calling AWS, and the recorded input must equal the
// previewed one (deep and strict: the same keys, the same values).
import * as assert from 'node:assert/strict';
import { EC2Client } from '@aws-sdk/client-ec2';
import { RDSClient } from '@aws-sdk/client-rds';
import type { RegionClients } from '../../src/aws/clients';
import * as writes from '../../src/aws/writes';
import { RegionIndex, type DbCluster, type DbInstance, type Ec2Instance, type RegionSnapshot, type RulePeer, type SecurityGroup } from '../../src/domain/model';
import * as W from '../../src/domain/walkthrough';

const REGION = 'eu-central-1';
const VPC = 'vpc-0123456789abcdef0';
const DEFAULT_SG = 'sg-0aaaaaaaaaaaaaaa0';
const APP_SG = 'sg-0bbbbbbbbbbbbbbb1';
const DB_SG = 'sg-0ccccccccccccccc2';
const OTHER_SG = 'sg-0999999999999999a';
const PRIMARY_ENI = 'eni-0111111111111111a';

interface Sent {
  readonly service: 'EC2' | 'RDS';
  readonly operation: string;
  readonly input: unknown;
}

/** Clients whose `send` records each command (service, operation, input) and answers like AWS, minimally. */
function recordingClients(sent: Sent[]): RegionClients {
  const config = { region: REGION, credentials: { accessKeyId: 'AKIDPREVIEW', secretAccessKey: 'preview-secret' } };
  const ec2 = new EC2Client(config);
  const rds = new RDSClient(config);
  const recorder = (service: Sent['service']) => async (cmd: { constructor: { name: string }; input: unknown }) => {
    sent.push({ service, operation: cmd.constructor.name.replace(/Command$/, ''), input: cmd.input });
    return { GroupId: 'sg-0ddddddddddddddd3', SecurityGroupRules: [], $metadata: {} };
  };
  (ec2 as unknown as { send: unknown }).send = recorder('EC2');
  (rds as unknown as { send: unknown }).send = recorder('RDS');
  return { region: REGION, ec2, rds };
}

/** Sends a planned write through the AWS layer and returns what reached the client. */
async function send(w: W.PlannedWrite): Promise<Sent> {
  const sent: Sent[] = [];
  const c = recordingClients(sent);
  switch (w.write) {
    case 'createSecurityGroup':
      await writes.createSecurityGroup(c, w.spec);
      break;
    case 'authorizeRule':
      await writes.authorizeRule(c, w.spec);
      break;
    case 'setNetworkInterfaceGroups':
      await writes.setNetworkInterfaceGroups(c, w.networkInterfaceId, w.groupIds);
      break;
    case 'setClusterGroups':
      await writes.setClusterGroups(c, w.clusterId, w.groupIds);
      break;
    case 'setInstanceGroups':
      await writes.setInstanceGroups(c, w.instanceId, w.groupIds);
      break;
  }
  assert.equal(sent.length, 1);
  return sent[0]!;
}

const sg = (groupId: string, groupName: string): SecurityGroup => ({
  region: REGION,
  groupId,
  groupName,
  description: groupName,
  vpcId: VPC,
  ownerId: '210987654321',
  tags: {},
});

const ordersDb: DbCluster = {
  region: REGION,
  clusterId: 'orders',
  kind: 'aurora',
  engine: 'aurora-postgresql',
  port: 5432,
  status: 'available',
  members: [{ instanceId: 'orders-1', isWriter: true }],
  securityGroups: [{ groupId: DEFAULT_SG, status: 'active' }],
  vpcId: VPC,
};
const reportsDb: DbInstance = {
  region: REGION,
  instanceId: 'reports',
  engine: 'mysql',
  status: 'available',
  port: 3306,
  vpcId: VPC,
  securityGroups: [{ groupId: DEFAULT_SG }],
};
const worker: Ec2Instance = {
  region: REGION,
  instanceId: 'i-0eeeeeeeeeeeeeee4',
  name: 'worker',
  state: 'running',
  vpcId: VPC,
  privateIp: '10.20.0.9',
  // Two network interfaces: the primary (device index 0) with the default group, a second one with
  // another group. Only the primary's list (plus the new group) may be sent.
  securityGroupIds: [DEFAULT_SG, OTHER_SG],
  primaryInterface: { networkInterfaceId: PRIMARY_ENI, groupIds: [DEFAULT_SG] },
};

function context(groups: SecurityGroup[], target: string): W.PlanContext {
  const snapshot: RegionSnapshot = {
    region: REGION,
    vpcs: [{ region: REGION, vpcId: VPC, cidrBlocks: ['10.20.0.0/16'], ipv6CidrBlocks: [], isDefault: false, tags: {} }],
    groups: [sg(DEFAULT_SG, 'default'), ...groups],
    rules: [],
    clusters: [ordersDb],
    instances: [
      { ...reportsDb },
      {
        region: REGION,
        instanceId: 'orders-1',
        clusterId: 'orders',
        engine: 'aurora-postgresql',
        status: 'available',
        securityGroups: [{ groupId: DEFAULT_SG }],
      },
    ],
    loadedAt: 0,
  };
  const choices = W.defaultChoices({
    region: REGION,
    vpcId: VPC,
    target,
    clientCidrs: '198.51.100.0/24 2001:db8:1234::/48',
    appPort: '8443',
    ec2InstanceId: worker.instanceId,
  });
  return { index: new RegionIndex(snapshot), ec2: [worker], choices };
}

/** Every planned write of the walkthrough: groups new and reused, CIDR and group peers, the EC2 instance, a cluster and an instance. */
function plannedWrites(): W.PlannedAction[] {
  const app = sg(APP_SG, 'appsrv1');
  const db = sg(DB_SG, 'dbsrv1');
  const plans = [
    W.planStep('appGroup', context([], 'cluster:orders')), // a new group, and rules into it (its id not known yet)
    W.planStep('appGroup', context([app], 'cluster:orders')), // rules into a reused group
    W.planStep('appServer', context([app], 'cluster:orders')),
    W.planStep('dbGroup', context([app], 'cluster:orders')),
    W.planStep('associate', context([app, db], 'cluster:orders')),
    W.planStep('associate', context([app, db], 'instance:reports')),
  ];
  for (const p of plans) assert.deepEqual(p.errors, [], `${p.step}: ${JSON.stringify(p.errors)}`);
  return plans.flatMap((p) => p.actions.filter((a) => a.status === 'todo'));
}

describe('walkthrough preview: the previewed calls are the calls sent', () => {
  const actions = plannedWrites();

  it('covers every kind of planned write', () => {
    assert.deepEqual([...new Set(actions.map((a) => `${a.call!.operation}${a.exec.op === 'authorizeIngress' ? `:${a.exec.peer.kind}` : ''}`))].sort(), [
      'AuthorizeSecurityGroupIngress:cidr4',
      'AuthorizeSecurityGroupIngress:cidr6',
      'AuthorizeSecurityGroupIngress:group',
      'CreateSecurityGroup',
      'ModifyDBCluster',
      'ModifyDBInstance',
      'ModifyNetworkInterfaceAttribute',
    ]);
  });

  it("the EC2 instance's change goes to its primary network interface, with that interface's groups only", async () => {
    const ec2 = actions.filter((a) => a.exec.op === 'setEc2Groups');
    assert.equal(ec2.length, 1);
    const a = ec2[0]!;
    const expected = { service: 'EC2', operation: 'ModifyNetworkInterfaceAttribute', input: { NetworkInterfaceId: PRIMARY_ENI, Groups: [DEFAULT_SG, APP_SG] } };
    assert.deepEqual(a.call, expected);
    assert.deepEqual(await send(W.writeOf(a.exec as Exclude<W.ExecSpec, { op: 'read' }>)), expected);
    assert.equal(a.cli, `aws ec2 modify-network-interface-attribute --region ${REGION} --network-interface-id ${PRIMARY_ENI} --groups ${DEFAULT_SG} ${APP_SG}`);
    assert.match(a.sentence, new RegExp(`primary network interface ${PRIMARY_ENI}`));
  });

  for (const [i, a] of actions.entries()) {
    it(`#${i + 1} ${a.call!.operation} (${a.id}): the AWS layer sends exactly the previewed input`, async () => {
      // Ids not known at preview time are shown as placeholders; the preview is compared as shown.
      const sent = await send(W.writeOf(a.exec as Exclude<W.ExecSpec, { op: 'read' }>));
      assert.deepEqual(sent, { service: a.call!.service, operation: a.call!.operation, input: a.call!.input });
    });
  }

  it('no RDS call, previewed or sent, and no CLI line carries ApplyImmediately (it would flush the pending modifications)', async () => {
    const rds = actions.filter((a) => a.call!.service === 'RDS');
    assert.deepEqual(rds.map((a) => a.call!.operation).sort(), ['ModifyDBCluster', 'ModifyDBInstance']);
    for (const a of rds) {
      const sent = await send(W.writeOf(a.exec as Exclude<W.ExecSpec, { op: 'read' }>));
      assert.ok(!('ApplyImmediately' in (sent.input as object)), `${a.id} sends ApplyImmediately`);
      assert.ok(!('ApplyImmediately' in a.call!.input), `${a.id} previews ApplyImmediately`);
      assert.ok(!/apply-immediately/.test(a.cli ?? ''), `${a.id}: ${a.cli}`);
      assert.match(a.cli ?? '', /--vpc-security-group-ids /);
    }
  });

  it('with the ids known, what is sent is the preview with the placeholders filled in', async () => {
    const created: Record<W.GroupRef['role'], string> = { app: 'sg-0fffffffffffffff5', db: 'sg-0fffffffffffffff6' };
    const fill = (text: string) => text.replace(/<id of appsrv1[^>]*>/g, created.app).replace(/<id of dbsrv1[^>]*>/g, created.db);
    for (const a of actions) {
      const sent = await send(W.writeOf(a.exec as Exclude<W.ExecSpec, { op: 'read' }>, (ref) => ref.groupId ?? created[ref.role]));
      assert.deepEqual(sent.input, JSON.parse(fill(JSON.stringify(a.call!.input))), a.id);
    }
    assert.ok(
      actions.some((a) => JSON.stringify(a.call!.input).includes('<id of appsrv1')),
      'some preview has a placeholder',
    );
  });
});

describe('walkthrough preview: the AWS layer sends the inputs it sent before the shared builders', () => {
  const group: RulePeer = { kind: 'group', groupId: APP_SG, userId: '210987654321', peeringConnectionId: 'pcx-0123456789abcdef0' };
  const cases: Array<[string, (c: RegionClients) => Promise<unknown>, Sent]> = [
    [
      'a group with tags',
      (c) => writes.createSecurityGroup(c, { vpcId: VPC, groupName: 'g', description: 'd', tags: { team: 'data' } }),
      {
        service: 'EC2',
        operation: 'CreateSecurityGroup',
        input: {
          GroupName: 'g',
          Description: 'd',
          VpcId: VPC,
          TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'team', Value: 'data' }] }],
        },
      },
    ],
    [
      'an outbound rule to a peered group',
      (c) => writes.authorizeRule(c, { groupId: DB_SG, isEgress: true, protocol: 'tcp', fromPort: 5432, toPort: 5432, peer: group, description: 'to app' }),
      {
        service: 'EC2',
        operation: 'AuthorizeSecurityGroupEgress',
        input: {
          GroupId: DB_SG,
          IpPermissions: [
            {
              IpProtocol: 'tcp',
              FromPort: 5432,
              ToPort: 5432,
              UserIdGroupPairs: [{ GroupId: APP_SG, UserId: '210987654321', VpcPeeringConnectionId: 'pcx-0123456789abcdef0', Description: 'to app' }],
            },
          ],
        },
      },
    ],
    [
      'all traffic from a prefix list, no description',
      (c) =>
        writes.authorizeRule(c, {
          groupId: DB_SG,
          isEgress: false,
          protocol: '-1',
          fromPort: -1,
          toPort: -1,
          peer: { kind: 'prefixList', prefixListId: 'pl-0123456789abcdef0' },
          description: '',
        }),
      {
        service: 'EC2',
        operation: 'AuthorizeSecurityGroupIngress',
        input: { GroupId: DB_SG, IpPermissions: [{ IpProtocol: '-1', PrefixListIds: [{ PrefixListId: 'pl-0123456789abcdef0' }] }] },
      },
    ],
    [
      'revoking outbound rules',
      (c) => writes.revokeRules(c, DB_SG, true, ['sgr-1', 'sgr-2']),
      { service: 'EC2', operation: 'RevokeSecurityGroupEgress', input: { GroupId: DB_SG, SecurityGroupRuleIds: ['sgr-1', 'sgr-2'] } },
    ],
    [
      'revoking an inbound rule',
      (c) => writes.revokeRules(c, DB_SG, false, ['sgr-3']),
      { service: 'EC2', operation: 'RevokeSecurityGroupIngress', input: { GroupId: DB_SG, SecurityGroupRuleIds: ['sgr-3'] } },
    ],
    [
      'editing a rule to all traffic',
      (c) => writes.modifyRule(c, DB_SG, 'sgr-4', { protocol: '-1', fromPort: 1, toPort: 2, peer: { kind: 'cidr6', cidr: '::/0' } }),
      {
        service: 'EC2',
        operation: 'ModifySecurityGroupRules',
        input: {
          GroupId: DB_SG,
          SecurityGroupRules: [
            { SecurityGroupRuleId: 'sgr-4', SecurityGroupRule: { IpProtocol: '-1', FromPort: -1, ToPort: -1, Description: '', CidrIpv6: '::/0' } },
          ],
        },
      },
    ],
    [
      'editing a rule to a group',
      (c) => writes.modifyRule(c, DB_SG, 'sgr-5', { protocol: 'udp', fromPort: 53, toPort: 53, peer: group, description: 'dns' }),
      {
        service: 'EC2',
        operation: 'ModifySecurityGroupRules',
        input: {
          GroupId: DB_SG,
          SecurityGroupRules: [
            { SecurityGroupRuleId: 'sgr-5', SecurityGroupRule: { IpProtocol: 'udp', FromPort: 53, ToPort: 53, Description: 'dns', ReferencedGroupId: APP_SG } },
          ],
        },
      },
    ],
    [
      // Description-only edits: UpdateSecurityGroupRuleDescriptions*, the rule named with its account and peering connection.
      'the description of an outbound rule to a peered group',
      (c) =>
        writes.updateRuleDescription(c, { groupId: DB_SG, isEgress: true, protocol: 'tcp', fromPort: 5432, toPort: 5432, peer: group, description: 'to app' }),
      {
        service: 'EC2',
        operation: 'UpdateSecurityGroupRuleDescriptionsEgress',
        input: {
          GroupId: DB_SG,
          IpPermissions: [
            {
              IpProtocol: 'tcp',
              FromPort: 5432,
              ToPort: 5432,
              UserIdGroupPairs: [{ GroupId: APP_SG, UserId: '210987654321', VpcPeeringConnectionId: 'pcx-0123456789abcdef0', Description: 'to app' }],
            },
          ],
        },
      },
    ],
    [
      'removing the description of an inbound rule (left out)',
      (c) =>
        writes.updateRuleDescription(c, {
          groupId: DB_SG,
          isEgress: false,
          protocol: 'tcp',
          fromPort: 22,
          toPort: 22,
          peer: { kind: 'cidr4', cidr: '10.0.0.0/8' },
        }),
      {
        service: 'EC2',
        operation: 'UpdateSecurityGroupRuleDescriptionsIngress',
        input: { GroupId: DB_SG, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }] },
      },
    ],
    ['deleting a group', (c) => writes.deleteSecurityGroup(c, DB_SG), { service: 'EC2', operation: 'DeleteSecurityGroup', input: { GroupId: DB_SG } }],
    [
      "replacing a network interface's groups",
      (c) => writes.setNetworkInterfaceGroups(c, PRIMARY_ENI, [DEFAULT_SG, APP_SG]),
      { service: 'EC2', operation: 'ModifyNetworkInterfaceAttribute', input: { NetworkInterfaceId: PRIMARY_ENI, Groups: [DEFAULT_SG, APP_SG] } },
    ],
    [
      "replacing a cluster's groups",
      (c) => writes.setClusterGroups(c, 'orders', [DEFAULT_SG, DB_SG]),
      {
        service: 'RDS',
        operation: 'ModifyDBCluster',
        // No ApplyImmediately: it would also apply the pending-modifications queue (requests.ts).
        input: { DBClusterIdentifier: 'orders', VpcSecurityGroupIds: [DEFAULT_SG, DB_SG] },
      },
    ],
    [
      "replacing a standalone instance's groups",
      (c) => writes.setInstanceGroups(c, 'reports', [DEFAULT_SG, DB_SG]),
      { service: 'RDS', operation: 'ModifyDBInstance', input: { DBInstanceIdentifier: 'reports', VpcSecurityGroupIds: [DEFAULT_SG, DB_SG] } },
    ],
  ];
  for (const [what, call, expected] of cases) {
    it(what, async () => {
      const sent: Sent[] = [];
      await call(recordingClients(sent));
      assert.deepEqual(sent, [expected]);
    });
  }
});
