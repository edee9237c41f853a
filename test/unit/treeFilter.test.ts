import * as assert from 'node:assert/strict';
import { parseQuery, type Query } from '../../src/domain/find/query';
import { RegionIndex, type RegionSnapshot } from '../../src/domain/model';
import type { Node } from '../../src/tree/nodes';
import { TreeFilter, treeFilterOf } from '../../src/tree/treeFilter';

const R = 'prod/eu-west-1';

const snap: RegionSnapshot = {
  region: 'eu-west-1',
  vpcs: ['vpc-1', 'vpc-2'].map((vpcId) => ({ region: 'eu-west-1', vpcId, cidrBlocks: [], ipv6CidrBlocks: [], isDefault: false, tags: {} })),
  groups: [
    { region: 'eu-west-1', groupId: 'sg-1', groupName: 'orders-db', description: 'orders', vpcId: 'vpc-1', tags: {} },
    { region: 'eu-west-1', groupId: 'sg-2', groupName: 'web', description: 'web tier', vpcId: 'vpc-1', tags: {} },
    { region: 'eu-west-1', groupId: 'sg-3', groupName: 'batch', description: 'batch', vpcId: 'vpc-2', tags: {} },
  ],
  rules: [
    {
      region: 'eu-west-1',
      ruleId: 'sgr-a',
      groupId: 'sg-1',
      isEgress: false,
      protocol: 'tcp',
      fromPort: 5432,
      toPort: 5432,
      peer: { kind: 'cidr4', cidr: '10.0.0.0/16' },
    },
    {
      region: 'eu-west-1',
      ruleId: 'sgr-b',
      groupId: 'sg-1',
      isEgress: false,
      protocol: 'tcp',
      fromPort: 22,
      toPort: 22,
      peer: { kind: 'cidr4', cidr: '10.9.0.0/16' },
    },
    {
      region: 'eu-west-1',
      ruleId: 'sgr-c',
      groupId: 'sg-1',
      isEgress: true,
      protocol: '-1',
      fromPort: -1,
      toPort: -1,
      peer: { kind: 'cidr4', cidr: '0.0.0.0/0' },
    },
  ],
  clusters: [
    {
      region: 'eu-west-1',
      clusterId: 'orders',
      kind: 'aurora',
      engine: 'aurora-postgresql',
      port: 5432,
      status: 'available',
      members: [],
      securityGroups: [{ groupId: 'sg-1' }],
      vpcId: 'vpc-1',
    },
    {
      region: 'eu-west-1',
      clusterId: 'other',
      kind: 'aurora',
      engine: 'aurora-mysql',
      status: 'available',
      members: [],
      securityGroups: [{ groupId: 'sg-2' }],
    },
  ],
  instances: [],
  loadedAt: 0,
};
const idx = new RegionIndex(snap);
const q = (t: string): Query => {
  const r = parseQuery(t);
  assert.ok(!('error' in r));
  return r;
};
const keep = (f: TreeFilter, parent: Node | undefined, kids: Node[]) => f.keep(parent, kids, (k) => (k === R ? idx : undefined));

describe("the Access tree's filter (src/tree/treeFilter.ts)", () => {
  const vpcs: Node[] = [
    { kind: 'vpc', region: R, vpcId: 'vpc-1' },
    { kind: 'vpc', region: R, vpcId: 'vpc-2' },
  ];
  const groups: Node[] = ['sg-1', 'sg-2'].map((groupId) => ({ kind: 'group', region: R, groupId }));
  const rules = (egress: boolean): Node[] =>
    snap.rules.filter((r) => r.isEgress === egress).map((r) => ({ kind: 'rule', region: R, groupId: r.groupId, ruleId: r.ruleId, egress }));

  it('a group matched by its name keeps its VPC, itself, every rule and the database it guards', () => {
    const f = new TreeFilter(q('orders-db'));
    assert.deepEqual(keep(f, { kind: 'section', region: R, section: 'vpcs' }, vpcs), [vpcs[0]]);
    assert.deepEqual(keep(f, vpcs[0], groups), [groups[0]]);
    assert.deepEqual(keep(f, groups[0], rules(false)), rules(false));
    const clusters: Node[] = ['orders', 'other'].map((clusterId) => ({ kind: 'cluster', region: R, clusterId }));
    assert.deepEqual(keep(f, { kind: 'section', region: R, section: 'clusters' }, clusters), [clusters[0]]);
  });

  it('a rule query keeps only the matching rules and the directions that hold them', () => {
    const f = new TreeFilter(q('port:5432 10.0.1.1'));
    const dirs: Node[] = [false, true].map((egress) => ({ kind: 'direction', region: R, groupId: 'sg-1', egress }));
    assert.deepEqual(keep(f, groups[0], dirs), [dirs[0]]);
    assert.deepEqual(
      keep(f, dirs[0], rules(false)).map((n) => (n.kind === 'rule' ? n.ruleId : n.kind)),
      ['sgr-a'],
    );
  });

  it('Regions and rows that say a read failed stay; an emptied section says nothing matches', () => {
    const f = new TreeFilter(q('nothing-matches-this'));
    const regions: Node[] = [{ kind: 'region', region: R }];
    assert.deepEqual(keep(f, undefined, regions), regions);
    const failure: Node = { kind: 'message', region: R, id: 'x', text: 'Could not read security groups', error: true };
    assert.deepEqual(keep(f, vpcs[0], [...groups, failure]), [failure]);
    const out = keep(f, { kind: 'section', region: R, section: 'vpcs' }, vpcs);
    assert.equal(out.length, 1);
    assert.ok(out[0].kind === 'message' && /Nothing here matches the filter "nothing-matches-this"/.test(out[0].text));
  });

  it('a kept text that no longer parses filters nothing', () => {
    const f = treeFilterOf('port:99999');
    assert.deepEqual(
      f.keep(vpcs[0], groups, () => idx),
      groups,
    );
  });
});
