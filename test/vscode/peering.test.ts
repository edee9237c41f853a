// Peered VPCs in a real VS Code against moto: the add-rule picker offers only groups of the same
// VPC and of actively peered VPCs (AWS refuses the others: "different networks"), and a group of an
// unpeered VPC given as an argument is refused before any call (moto would accept it; AWS would not).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DeleteVpcPeeringConnectionCommand, DescribeSecurityGroupRulesCommand } from '@aws-sdk/client-ec2';
import { seedPeeredVpcs, type PeeredVpcIds } from '../harness/seed';
import { script } from './scripted';
import { api, aws, AWS_URL, expectAwsRefusal, MOTO_URL, REGION, reseed, setSettings } from './util';

const run = <T>(cmd: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(cmd, ...args);

describe('Peered VPCs: the add-rule group picker in a real VS Code', () => {
  let ids: PeeredVpcIds;

  before(async () => {
    await reseed();
    ids = await seedPeeredVpcs(MOTO_URL, REGION);
    await setSettings({ endpoint: AWS_URL, regions: [REGION], profile: '' });
    await (await api()).ext.store.refreshAll([REGION]);
  });

  after(async () => {
    const { VsCodePrompter } = await import('../../src/ui/vscodePrompter');
    (await api()).ext.ui = new VsCodePrompter();
  });

  it('offers the same VPC and the actively peered VPC, never the VPC whose peering is only pending', async () => {
    const p = await script('HTTPS', 'Another security group', 'peer-linked-app', '');
    const r = await run<string[]>('auroraSg.addInboundRule', { region: REGION, groupId: ids.home.app });
    assert.equal(r?.length, 1, p.errors.join());
    const offered = p.pickItems.at(-1)!;
    assert.ok(offered.includes('peer-linked-app'), offered.join());
    assert.ok(!offered.includes('peer-unlinked-app'), offered.join());
    // The default groups of the home and the peered VPC only, not of the unpeered VPC nor of the seeded account's VPCs.
    assert.equal(offered.filter((l) => l === 'default').length, 2, offered.join());
    assert.equal(offered.length, 3, offered.join());
  });

  it('a group of the unpeered VPC given as an argument is refused before any call', async () => {
    const p = await script();
    const r = await run('auroraSg.addInboundRule', {
      region: REGION,
      groupId: ids.home.app,
      protocol: 'tcp',
      fromPort: 5432,
      source: { groupId: ids.pending.group },
    });
    assert.equal(r, undefined);
    assert.equal(p.errors.length, 1);
    assert.match(p.errors[0]!, new RegExp(`is in ${ids.pending.vpcId}, which .* cannot reach`));
    const rules = await aws().ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [ids.home.app] }] }));
    assert.ok(!(rules.SecurityGroupRules ?? []).some((x) => x.ReferencedGroupInfo?.GroupId === ids.pending.group));
  });

  it('a peering deleted after the load: AWS\'s "different networks" refusal is explained for what it is, and nothing changes', async () => {
    // The tree still shows the peering active; someone deletes it outside the extension.
    await aws().ec2.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: ids.peered.peeringId }));
    await expectAwsRefusal('AuthorizeSecurityGroupIngress', 'group reference across unpeered VPCs');
    const p = await script();
    const r = await run('auroraSg.addInboundRule', {
      region: REGION,
      groupId: ids.home.app,
      protocol: 'tcp',
      fromPort: 5432,
      source: { groupId: ids.peered.group },
    });
    assert.equal(r, undefined);
    assert.equal(p.errors.length, 1, p.errors.join());
    assert.match(p.errors[0]!, /in a VPC this group cannot reach: .*active peering connection in the same Region/);
    assert.doesNotMatch(p.errors[0]!, /no longer exists/);
    const rules = await aws().ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [ids.home.app] }] }));
    assert.ok(!(rules.SecurityGroupRules ?? []).some((x) => x.ReferencedGroupInfo?.GroupId === ids.peered.group && x.FromPort === 5432));
  });
});
