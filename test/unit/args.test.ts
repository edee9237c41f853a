import * as assert from 'node:assert/strict';
import {
  addRuleArgs,
  checkRuleArgs,
  createGroupArgs,
  deleteGroupArgs,
  editRuleArgs,
  groupIdList,
  isNode,
  parseTags,
  regionArg,
  removeRulesArgs,
  requireString,
  tagsArg,
} from '../../src/commands/args';

const G = 'sg-0a000001';
const refused = (f: () => unknown, msg: RegExp) => assert.throws(f, (e: Error) => e.name === 'UserError' && msg.test(e.message));

describe('commands/args: unknown arguments to typed arguments', () => {
  it('shared helpers: isNode, requireString, regionArg, groupIdList', () => {
    assert.ok(isNode({ kind: 'vpc', region: 'us-east-1', vpcId: 'vpc-1' }));
    assert.ok(!isNode({ region: 'us-east-1' }) && !isNode(null) && !isNode('group'));
    assert.equal(requireString(' sg-1 ', 'groupId'), 'sg-1');
    refused(() => requireString(' ', 'groupId'), /^The argument "groupId" is required\.$/);
    refused(() => requireString(5, 'groupId'), /"groupId" is required/);
    assert.equal(regionArg('eu-west-1'), 'eu-west-1');
    assert.equal(regionArg(undefined), undefined);
    assert.equal(regionArg(''), undefined);
    refused(() => regionArg('us-east-1 '), /^"us-east-1 " is not a Region code \(such as us-east-1\)\.$/);
    refused(() => regionArg(Object.create(null)), /is not a Region code/);
    assert.deepEqual(groupIdList([G], 'groupIds'), [G]);
    refused(() => groupIdList(G, 'groupIds'), /^groupIds must be a list of security group ids\.$/);
  });

  it("tags: typed as key=value, or passed as an object of text, within AWS's limits", () => {
    assert.deepEqual(parseTags(' team=shop, env = test ,flag'), { team: 'shop', env: 'test', flag: '' });
    assert.equal(parseTags('=x'), '"=x" has no key; write key=value.');
    assert.match(parseTags('aws:owner=me') as string, /reserved by AWS/);
    assert.deepEqual(tagsArg({ team: 'shop' }), { team: 'shop' });
    assert.equal(tagsArg(undefined), undefined);
    for (const bad of [[], 'team=shop', { n: 1 }, null]) refused(() => tagsArg(bad), /^The argument "tags" must be an object of text values/);
    refused(() => tagsArg({ k: 'v'.repeat(257) }), /longer than 256/);
  });

  it('checkRuleArgs: each field of a rule has its type', () => {
    assert.deepEqual(checkRuleArgs({ protocol: 6, fromPort: 1, source: { cidr: '10.0.0.0/8' } }), {
      protocol: 6,
      fromPort: 1,
      toPort: undefined,
      source: { cidr: '10.0.0.0/8' },
      description: undefined,
    });
    refused(() => checkRuleArgs({ protocol: true }), /"protocol" must be text such as "tcp", or a protocol number/);
    refused(() => checkRuleArgs({ toPort: '22' }), /"toPort" must be a number/);
    refused(() => checkRuleArgs({ description: 1 }), /"description" must be text/);
    refused(() => checkRuleArgs({ source: [] }), /"source" must be \{ cidr \}, \{ groupId \} or \{ prefixListId \}/);
    refused(() => checkRuleArgs({ source: { cidr: 'a', groupId: G } }), /exactly one of/);
    refused(() => checkRuleArgs({ source: { cidr: 5 } }), /"source\.cidr" must be text/);
    refused(() => checkRuleArgs({ source: { groupId: G, userId: '12' } }), /"source\.userId" must be a 12-digit AWS account id/);
  });

  it('createSecurityGroup: a VPC node asks the rest; a group name makes the call complete', () => {
    assert.deepEqual(createGroupArgs({ kind: 'vpc', region: 'us-east-1', vpcId: 'vpc-1' }), { region: 'us-east-1', vpcId: 'vpc-1', complete: false });
    assert.deepEqual(createGroupArgs({ kind: 'section', region: 'us-east-1', section: 'vpcs' }), { region: 'us-east-1', vpcId: undefined, complete: false });
    assert.deepEqual(createGroupArgs({ region: 'us-east-1', vpcId: 'vpc-1', groupName: 'web', tags: { a: 'b' } }), {
      region: 'us-east-1',
      vpcId: 'vpc-1',
      groupName: 'web',
      description: undefined,
      tags: { a: 'b' },
      complete: true,
    });
    assert.deepEqual(createGroupArgs(undefined), {
      region: undefined,
      vpcId: undefined,
      groupName: undefined,
      description: undefined,
      tags: undefined,
      complete: false,
    });
    refused(() => createGroupArgs({ groupName: 5, vpcId: 'vpc-1' }), /"groupName" must be text/);
    refused(() => createGroupArgs({ groupName: 'web' }), /"vpcId" is required/);
    refused(() => createGroupArgs({ groupName: 'web', vpcId: 'vpc-1', description: [] }), /"description" must be text/);
    refused(() => createGroupArgs({ region: 'mars', groupName: 'web', vpcId: 'vpc-1' }), /"mars" is not a Region code/);
  });

  it('addRule: a group, direction or rule node fixes the group; a group with a rule makes the call complete', () => {
    assert.deepEqual(addRuleArgs({ kind: 'group', region: 'us-east-1', groupId: G, via: { clusterId: 'orders' } }), {
      region: 'us-east-1',
      groupId: G,
      clusterId: 'orders',
      complete: false,
    });
    assert.equal(addRuleArgs({ kind: 'direction', region: 'us-east-1', groupId: G, egress: true }).groupId, G);
    assert.equal(addRuleArgs({ kind: 'vpc', region: 'us-east-1', vpcId: 'vpc-1' }).groupId, undefined);
    const full = addRuleArgs({ region: 'us-east-1', groupId: ` ${G}`, protocol: 'tcp', fromPort: 22, source: { cidr: '10.0.0.0/8' } });
    assert.deepEqual([full.complete, full.groupId, full.protocol, full.fromPort], [true, G, 'tcp', 22]);
    assert.equal(addRuleArgs({ groupId: G }).complete, false, 'a group alone: the rule is asked');
    assert.equal(addRuleArgs({ groupId: G, protocol: 'tcp' }).complete, true, 'then the missing source is an error when the rule is built');
    refused(() => addRuleArgs({ groupId: G, protocol: 'tcp', fromPort: 'x' }), /"fromPort" must be a number/);
    refused(() => addRuleArgs({ groupId: 7, protocol: 'tcp' }), /"groupId" is required/);
  });

  it('editRule: a rule node asks what to change; arguments need a ruleId', () => {
    assert.deepEqual(editRuleArgs({ kind: 'rule', region: 'us-east-1', groupId: G, ruleId: 'sgr-1', egress: false }), {
      region: 'us-east-1',
      ruleId: 'sgr-1',
      treeGroupId: G,
    });
    const a = editRuleArgs({ region: 'us-east-1', ruleId: 'sgr-1', fromPort: 22, toPort: 22 });
    assert.deepEqual([a.ruleId, a.fromPort, a.toPort, a.treeGroupId], ['sgr-1', 22, 22, undefined]);
    refused(() => editRuleArgs({ region: 'us-east-1' }), /"ruleId" is required/);
    refused(() => editRuleArgs({ kind: 'group', region: 'us-east-1', groupId: G }), /"ruleId" is required/);
    refused(() => editRuleArgs({ ruleId: 'sgr-1', source: { cidr: 1 } }), /"source\.cidr" must be text/);
  });

  it('removeRule: the selected rule nodes (one Region), or { region, groupId?, ruleIds }', () => {
    const n = (ruleId: string, region = 'us-east-1') => ({ kind: 'rule', region, groupId: G, ruleId, egress: false });
    const sel = removeRulesArgs(n('sgr-1'), [n('sgr-1'), n('sgr-2'), { kind: 'group', region: 'us-east-1', groupId: G }]);
    assert.deepEqual(
      [sel.region, sel.ruleIds, [...sel.fromTree!]],
      [
        'us-east-1',
        ['sgr-1', 'sgr-2'],
        [
          ['sgr-1', G],
          ['sgr-2', G],
        ],
      ],
    );
    assert.deepEqual(removeRulesArgs(n('sgr-3')).ruleIds, ['sgr-3'], 'the clicked rule when nothing is selected');
    refused(() => removeRulesArgs(n('sgr-1'), [n('sgr-1'), n('sgr-2', 'eu-west-1')]), /^Select rules of one Region at a time\.$/);
    assert.deepEqual(removeRulesArgs({ region: 'us-east-1', groupId: G, ruleIds: ['sgr-1'] }), { region: 'us-east-1', groupId: G, ruleIds: ['sgr-1'] });
    refused(() => removeRulesArgs({ ruleIds: 'sgr-1' }), /"ruleIds" must be a list of rule ids/);
    refused(() => removeRulesArgs({ ruleIds: [] }), /^No rule was given/);
    refused(() => removeRulesArgs({ kind: 'vpc', region: 'us-east-1', vpcId: 'v' }), /^No rule was given/);
    refused(() => removeRulesArgs({ ruleIds: ['sgr-1'], groupId: 5 }), /"groupId" must be a security group id/);
  });

  it('deleteSecurityGroup: a group node, or { region, groupId, confirmName? }', () => {
    assert.deepEqual(deleteGroupArgs({ kind: 'group', region: 'us-east-1', groupId: G }), { region: 'us-east-1', groupId: G });
    assert.deepEqual(deleteGroupArgs({ region: 'us-east-1', groupId: G, confirmName: 'web' }), { region: 'us-east-1', groupId: G, confirmName: 'web' });
    assert.equal(deleteGroupArgs({ groupId: G, confirmName: null }).confirmName, undefined);
    refused(() => deleteGroupArgs({ groupId: 'web' }), /sg-/);
    refused(() => deleteGroupArgs({}), /"groupId" is required/);
    refused(() => deleteGroupArgs({ groupId: G, confirmName: 5 }), /"confirmName" must be text/);
  });
});
