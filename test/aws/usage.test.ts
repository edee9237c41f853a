// Who uses a group, against moto: DescribeNetworkInterfaces with the group-id filter names an
// interface Lambda created (by its Description), and the delete check refuses, naming Lambda.
import * as assert from 'node:assert/strict';
import { CreateNetworkInterfaceCommand, CreateSecurityGroupCommand } from '@aws-sdk/client-ec2';
import { CreateDBClusterCommand } from '@aws-sdk/client-rds';
import { createGateway, type AwsGateway } from '../../src/aws/index';
import type { OpsContext } from '../../src/ops/context';
import { deleteGroup } from '../../src/ops/groups';
import { RegionStore } from '../../src/state/store';
import { startMoto, type MotoServer } from '../harness/moto';
import { clientsFor, createVpc } from '../harness/seed';
import { ScriptedPrompter } from '../vscode/scripted';

const REGION = 'eu-north-1';

describe('AWS group usage against moto', function () {
  this.timeout(120_000);
  let moto: MotoServer;
  let gw: AwsGateway;
  let used: string;
  let unused: string;
  let docs: string;
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY, imds: process.env.AWS_EC2_METADATA_DISABLED };

  before(async () => {
    process.env.AWS_ACCESS_KEY_ID = 'testing';
    process.env.AWS_SECRET_ACCESS_KEY = 'testing';
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
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
    gw = createGateway({ endpoint: moto.url });
  });

  after(async () => {
    gw?.dispose();
    await moto?.stop();
    const put = (k: string, v: string | undefined) => (v === undefined ? delete process.env[k] : (process.env[k] = v));
    put('AWS_ACCESS_KEY_ID', saved.id);
    put('AWS_SECRET_ACCESS_KEY', saved.secret);
    put('AWS_EC2_METADATA_DISABLED', saved.imds);
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

  it('deleteGroup refuses a group used by a Lambda interface, naming Lambda; nothing is deleted', async () => {
    const store = new RegionStore(async () => gw, [REGION]);
    const ctx: OpsContext = {
      gateway: () => gw,
      store,
      ui: new ScriptedPrompter([]),
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
      settings: { endpoint: moto.url },
    };
    await assert.rejects(deleteGroup(ctx, REGION, used, 'fn-sg'), {
      message: `fn-sg (${used}) cannot be deleted: it is used by 1 network interface of AWS Lambda; nothing was deleted.`,
    });
    assert.equal((await gw.readGroups(REGION, [used])).length, 1);
  });
});
