// Who uses a group, against moto through the AWS-rules layer: DescribeNetworkInterfaces with the
// group-id filter names an interface Lambda created (by its Description), the load counts every
// interface for the unused-group finding, and the delete check refuses a group in use, naming
// Lambda, or associated with another VPC (security group VPC associations: kept by the layer,
// moto answers HTTP 500).
import * as assert from 'node:assert/strict';
import { AssociateSecurityGroupVpcCommand, CreateNetworkInterfaceCommand, CreateSecurityGroupCommand, EC2Client } from '@aws-sdk/client-ec2';
import { findings } from '../../src/domain/analysis';
import { RegionIndex } from '../../src/domain/model';
import { startFaultProxy, type FaultProxy } from '../harness/faultProxy';
import { rulesAudit } from '../harness/rulesAudit';
import { CreateDBClusterCommand } from '@aws-sdk/client-rds';
import { createGateway, type AwsGateway } from '../../src/aws/index';
import type { OpsContext } from '../../src/ops/context';
import { deleteGroup } from '../../src/ops/groups';
import { RegionStore } from '../../src/state/store';
import { type MotoServer, startMoto, useTestKeys } from '../harness/moto';
import { clientsFor, createVpc } from '../harness/seed';
import { ScriptedPrompter } from '../vscode/scripted';

const REGION = 'eu-north-1';

describe('AWS group usage against moto', function () {
  this.timeout(120_000);
  let moto: MotoServer;
  let rules: FaultProxy;
  let audit: ReturnType<typeof rulesAudit>;
  let otherVpc: string;
  let gw: AwsGateway;
  let used: string;
  let unused: string;
  let docs: string;
  let restoreKeys: () => void = () => undefined;

  before(async () => {
    restoreKeys = useTestKeys();
    moto = await startMoto();
    const c = clientsFor(moto.url, REGION);
    const vpc = await createVpc(c, '10.40.0.0/16', 'usage-vpc');
    const sg = (name: string) => c.ec2.send(new CreateSecurityGroupCommand({ VpcId: vpc.vpcId, GroupName: name, Description: name })).then((r) => r.GroupId!);
    used = await sg('fn-sg');
    unused = await sg('idle-sg');
    docs = await sg('docs-sg');
    await c.rds.send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: 'graph-1',
        Engine: 'neptune',
        MasterUsername: 'admin1',
        MasterUserPassword: 'secret123!',
        VpcSecurityGroupIds: [docs],
      }),
    );
    await c.ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: vpc.subnetIds[0], Groups: [used], Description: 'AWS Lambda VPC ENI-my-fn' }));
    otherVpc = (await createVpc(c, '10.41.0.0/16', 'usage-other-vpc')).vpcId;
    rules = await startFaultProxy(moto.url);
    audit = rulesAudit(rules);
    gw = createGateway({ endpoint: rules.url });
  });

  after(async () => {
    gw?.dispose();
    await rules?.close();
    await moto?.stop();
    restoreKeys();
    audit?.check();
  });

  it('readGroupInterfaces: the group-id filter returns the interface of the group, and none for another group', async () => {
    const mine = await gw.readGroupInterfaces(REGION, used);
    assert.equal(mine.length, 1);
    assert.equal(mine[0]!.description, 'AWS Lambda VPC ENI-my-fn');
    assert.deepEqual(await gw.readGroupInterfaces(REGION, unused), []);
  });

  it('loadRegion keeps the Neptune cluster aside as an other database, with its group', async () => {
    const snap = await gw.loadRegion(REGION);
    assert.deepEqual(snap.clusters, []);
    assert.deepEqual(snap.otherDatabases, [{ clusterId: 'graph-1', engine: 'Neptune', groupIds: [docs] }]);
  });

  const opsContext = (): OpsContext => ({
    gateway: () => gw,
    store: new RegionStore(async () => gw, [REGION]),
    ui: new ScriptedPrompter([]),
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    settings: { endpoint: rules.url },
  });

  it('the load reads every network interface: the group only a Lambda interface carries is not reported unused, the idle one is', async () => {
    const snap = await gw.loadRegion(REGION);
    assert.ok(snap.interfaces?.some((n) => n.groupIds.includes(used)));
    const unusedIds = findings(new RegionIndex(snap))
      .filter((f) => f.kind === 'unused-group')
      .map((f) => f.groupId);
    assert.ok(!unusedIds.includes(used), unusedIds.join());
    assert.ok(unusedIds.includes(unused), unusedIds.join());
  });

  it('deleteGroup refuses a group associated with another VPC, naming the VPC; nothing is deleted', async () => {
    const ec2 = new EC2Client({ endpoint: rules.url, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    try {
      await ec2.send(new AssociateSecurityGroupVpcCommand({ GroupId: unused, VpcId: otherVpc }));
    } finally {
      ec2.destroy();
    }
    assert.deepEqual(await gw.readGroupVpcAssociations(REGION, unused), [{ vpcId: otherVpc, state: 'associated' }]);
    await assert.rejects(deleteGroup(opsContext(), REGION, unused, 'idle-sg'), {
      message: `idle-sg (${unused}) cannot be deleted: it is associated with ${otherVpc} (security group VPC associations). Disassociate it from that VPC first; nothing was deleted.`,
    });
    assert.equal((await gw.readGroups(REGION, [unused])).length, 1);
  });

  it('deleteGroup refuses a group used by a Lambda interface, naming Lambda; nothing is deleted', async () => {
    const ctx = opsContext();
    await assert.rejects(deleteGroup(ctx, REGION, used, 'fn-sg'), {
      message: `fn-sg (${used}) cannot be deleted: it is used by 1 network interface of AWS Lambda; nothing was deleted.`,
    });
    assert.equal((await gw.readGroups(REGION, [used])).length, 1);
  });
});
