// The permission check before a change (AwsGateway.dryRun): each EC2 write the extension makes,
// sent with DryRun=true through the AWS-rules layer, answers DryRunOperation ('allowed') and changes
// nothing, as AWS does ("If you have the required permissions, the error response is
// DryRunOperation. Otherwise, it is UnauthorizedOperation": EC2 API Reference, the DryRun parameter
// of each action). moto 5.2.1 does so for all of them but UpdateSecurityGroupRuleDescriptionsIngress
// / Egress, which it applies; the rules layer answers those as AWS does.
import * as assert from 'node:assert/strict';
import { CreateSecurityGroupCommand, DescribeSecurityGroupRulesCommand, DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { createGateway, type AwsGateway } from '../../src/aws/index';
import {
  buildAuthorizeSecurityGroupInput,
  buildCreateSecurityGroupInput,
  buildDeleteSecurityGroupInput,
  buildModifyNetworkInterfaceAttributeInput,
  buildModifySecurityGroupRulesInput,
  buildRevokeSecurityGroupInput,
  buildUpdateSecurityGroupRuleDescriptionsInput,
} from '../../src/domain/requests';
import { startFaultProxy, type FaultProxy } from '../harness/faultProxy';
import { startMoto, type MotoServer } from '../harness/moto';
import { rulesAudit } from '../harness/rulesAudit';
import { seedTestAccount, type TestAccountIds } from '../harness/seed';

const US = 'us-east-1';

describe('DryRun: the permission check before a change (AWS layer, through the AWS-rules layer)', function () {
  this.timeout(120_000);
  let moto: MotoServer;
  let proxy: FaultProxy;
  let audit: ReturnType<typeof rulesAudit>;
  let ids: TestAccountIds;
  let gw: AwsGateway;
  let direct: EC2Client;

  /** Everything the account's groups and rules say, to compare before and after. */
  const state = async () => {
    const g = await direct.send(new DescribeSecurityGroupsCommand({}));
    const r = await direct.send(new DescribeSecurityGroupRulesCommand({}));
    const rules = (r.SecurityGroupRules ?? []).map((x) => JSON.stringify({ ...x, Tags: undefined })).sort();
    return JSON.stringify({ groups: (g.SecurityGroups ?? []).map((x) => x.GroupId).sort(), rules });
  };

  before(async () => {
    moto = await startMoto();
    ids = await seedTestAccount(moto.url);
    proxy = await startFaultProxy(moto.url);
    audit = rulesAudit(proxy);
    gw = createGateway({ endpoint: proxy.url, maxAttempts: 1 });
    direct = new EC2Client({ endpoint: moto.url, region: US, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 1 });
  });
  after(async () => {
    gw?.dispose();
    direct?.destroy();
    await proxy?.close();
    await moto?.stop();
  });

  it("every EC2 write the extension makes answers 'allowed' (DryRunOperation) and changes nothing", async () => {
    const rules =
      (await direct.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [ids.dbGroupId] }] }))).SecurityGroupRules ?? [];
    const ingress = rules.find((r) => !r.IsEgress)!;
    const eni = (await gw.readEc2Instances(US)).find((i) => i.instanceId === ids.appServerInstanceId)!.primaryInterface!.networkInterfaceId;
    const spec = {
      groupId: ids.dbGroupId,
      isEgress: false,
      protocol: 'tcp',
      fromPort: 4444,
      toPort: 4444,
      peer: { kind: 'cidr4' as const, cidr: '10.44.0.0/16' },
    };
    const existing = {
      groupId: ids.dbGroupId,
      isEgress: false,
      protocol: ingress.IpProtocol!,
      fromPort: ingress.FromPort!,
      toPort: ingress.ToPort!,
      peer: ingress.ReferencedGroupInfo?.GroupId
        ? { kind: 'group' as const, groupId: ingress.ReferencedGroupInfo.GroupId }
        : { kind: 'cidr4' as const, cidr: ingress.CidrIpv4! },
      description: 'a new description that a dry run must not set',
    };
    const calls: [string, object][] = [
      ['AuthorizeSecurityGroupIngress', buildAuthorizeSecurityGroupInput(spec)],
      ['AuthorizeSecurityGroupEgress', buildAuthorizeSecurityGroupInput({ ...spec, isEgress: true })],
      ['RevokeSecurityGroupIngress', buildRevokeSecurityGroupInput(ids.dbGroupId, [ingress.SecurityGroupRuleId!])],
      [
        'ModifySecurityGroupRules',
        buildModifySecurityGroupRulesInput(ids.dbGroupId, ingress.SecurityGroupRuleId!, { ...existing, fromPort: 4446, toPort: 4446 }),
      ],
      ['UpdateSecurityGroupRuleDescriptionsIngress', buildUpdateSecurityGroupRuleDescriptionsInput(existing)],
      ['UpdateSecurityGroupRuleDescriptionsEgress', buildUpdateSecurityGroupRuleDescriptionsInput({ ...existing, isEgress: true })],
      ['CreateSecurityGroup', buildCreateSecurityGroupInput({ vpcId: ids.vpcId, groupName: 'dry-run-only', description: 'never created', tags: { a: 'b' } })],
      ['ModifyNetworkInterfaceAttribute', buildModifyNetworkInterfaceAttributeInput(eni, [ids.defaultGroupId])],
    ];
    // A group nothing uses (the rules layer refuses deleting one in use, DependencyViolation).
    const spare = (await direct.send(new CreateSecurityGroupCommand({ GroupName: 'dry-run-delete', Description: 'unused', VpcId: ids.vpcId }))).GroupId!;
    calls.push(['DeleteSecurityGroup', buildDeleteSecurityGroupInput(spare)]);
    const before = await state();
    for (const [api, input] of calls) assert.equal(await gw.dryRun(US, api, input), 'allowed', api);
    assert.equal(await state(), before, 'a dry run changed the account');
    for (const [api] of calls) assert.equal(proxy.count(api, { dryRun: 'only' }), 1, api);
    // The two moto applies were answered by the rules layer, not forwarded.
    assert.equal(proxy.requests.filter((r) => r.answeredBy === 'DryRun answered as AWS does').length, 2);
  });

  it('a missing permission: UnauthorizedOperation, thrown with the IAM action named; nothing changed', async () => {
    const remove = proxy.add({
      action: 'AuthorizeSecurityGroupIngress',
      dryRun: true,
      kind: 'error',
      status: 403,
      code: 'UnauthorizedOperation',
      message: 'You are not authorized to perform this operation.',
      times: Infinity,
    });
    try {
      const before = await state();
      const spec = {
        groupId: ids.dbGroupId,
        isEgress: false,
        protocol: 'tcp',
        fromPort: 4445,
        toPort: 4445,
        peer: { kind: 'cidr4' as const, cidr: '10.45.0.0/16' },
      };
      const e = await gw.dryRun(US, 'AuthorizeSecurityGroupIngress', buildAuthorizeSecurityGroupInput(spec)).then(
        () => assert.fail('expected UnauthorizedOperation'),
        (x: Error & { $connection?: { operation?: string } }) => x,
      );
      assert.equal(e.name, 'UnauthorizedOperation');
      assert.equal(e.$connection?.operation, 'ec2:AuthorizeSecurityGroupIngress');
      assert.equal(await state(), before);
    } finally {
      remove();
    }
  });

  it('moto alone (the rules layer off, to record the difference): UpdateSecurityGroupRuleDescriptionsIngress with DryRun is applied', async () => {
    // Opting out on purpose: this test documents moto's behaviour that the rules layer corrects.
    const raw = await startFaultProxy(moto.url, { awsRules: false });
    const lenient = createGateway({ endpoint: raw.url, maxAttempts: 1 });
    try {
      const rules =
        (await direct.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [ids.appGroupId] }] }))).SecurityGroupRules ?? [];
      const r = rules.find((x) => !x.IsEgress && x.CidrIpv4)!;
      const spec = {
        groupId: ids.appGroupId,
        isEgress: false,
        protocol: r.IpProtocol!,
        fromPort: r.FromPort!,
        toPort: r.ToPort!,
        peer: { kind: 'cidr4' as const, cidr: r.CidrIpv4! },
        description: 'set by a dry run',
      };
      assert.equal(await lenient.dryRun(US, 'UpdateSecurityGroupRuleDescriptionsIngress', buildUpdateSecurityGroupRuleDescriptionsInput(spec)), 'answered');
      const after =
        (await direct.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [ids.appGroupId] }] }))).SecurityGroupRules ?? [];
      assert.equal(after.find((x) => x.SecurityGroupRuleId === r.SecurityGroupRuleId)?.Description, 'set by a dry run');
    } finally {
      lenient.dispose();
      await raw.close();
    }
  });

  it('the rules layer refused nothing (its DryRun answers are answers, not refusals)', () => audit.check());
});
