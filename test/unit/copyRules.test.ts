// The plan of copying a group's rules (auroraSg.copyRules), before anything is written: a reference
// to the source itself is remapped to the target; a reference to another group is kept where the
// target's VPC may reference it (same VPC, or an active same-Region peering: VPC Peering Guide,
// "Update your security groups to reference peer security groups") and refused otherwise, as AWS
// refuses it ("You have specified two resources that belong to different networks"); duplicates are
// skipped; the quota and the add-rule validation refuse what AWS would.
import * as assert from 'node:assert/strict';
import { copyPlanText, NEW_GROUP_ID, planCopy, type CopySide, type CopyTarget } from '../../src/domain/copyRules';
import { RegionIndex, type RegionSnapshot, type RulePeer, type SecurityGroup, type SecurityGroupRule, type VpcPeering } from '../../src/domain/model';
import { defaultQuota } from '../../src/domain/quotas';
import { copyRules } from '../../src/ops/copyRules';
import { ActivityLog } from '../../src/ops/activity';
import { SettleWatches } from '../../src/ops/settle';
import { undoEntry } from '../../src/ops/undo';
import { FakeAws, fakeContext, R, VPC, APP, DB, SPARE } from './ops/fakeAws';

const ME = '111122223333';
const g = (groupId: string, groupName: string, vpcId: string, region = R): SecurityGroup => ({
  region,
  groupId,
  groupName,
  description: groupName,
  vpcId,
  ownerId: ME,
  tags: {},
});
let seq = 0;
const rule = (groupId: string, isEgress: boolean, protocol: string, port: number, peer: RulePeer, description?: string): SecurityGroupRule => ({
  region: R,
  ruleId: `sgr-${String(++seq).padStart(5, '0')}`,
  groupId,
  isEgress,
  protocol,
  fromPort: protocol === '-1' ? -1 : port,
  toPort: protocol === '-1' ? -1 : port,
  peer,
  ...(description ? { description } : {}),
});
const active = (id: string, a: string, b: string): VpcPeering => ({
  peeringId: id,
  status: 'active',
  requester: { vpcId: a, ownerId: ME, region: R },
  accepter: { vpcId: b, ownerId: ME, region: R },
});

function index(region: string, groups: SecurityGroup[], rules: SecurityGroupRule[], o: Partial<RegionSnapshot> = {}): RegionIndex {
  return new RegionIndex({ region, vpcs: [], groups, rules, clusters: [], instances: [], loadedAt: 0, peerings: [], ...o });
}

// vpc-a holds the source (src), its app servers (app) and a target (tgtA); vpc-b is peered with vpc-a and holds tgtB;
// vpc-c is not peered with anything and holds tgtC and its own group far.
const src = g('sg-0000000a', 'orders-db', 'vpc-a');
const app = g('sg-0000000b', 'app', 'vpc-a');
const tgtA = g('sg-0000000c', 'orders-db-2', 'vpc-a');
const tgtB = g('sg-0000000d', 'orders-db-b', 'vpc-b');
const tgtC = g('sg-0000000e', 'orders-db-c', 'vpc-c');
const sourceRules = [
  rule(src.groupId, false, 'tcp', 5432, { kind: 'group', groupId: src.groupId }, 'replication'),
  rule(src.groupId, false, 'tcp', 5432, { kind: 'group', groupId: app.groupId }, 'from app'),
  rule(src.groupId, false, 'tcp', 5432, { kind: 'cidr4', cidr: '10.9.0.0/16' }, 'BI'),
  rule(src.groupId, false, 'tcp', 5432, { kind: 'prefixList', prefixListId: 'pl-0abc1234' }),
  rule(src.groupId, true, '-1', 0, { kind: 'cidr4', cidr: '0.0.0.0/0' }),
];
const groups = [src, app, tgtA, tgtB, tgtC];
const idx = (o: Partial<RegionSnapshot> = {}, extra: SecurityGroupRule[] = []) =>
  index(R, groups, [...sourceRules, ...extra], { peerings: [active('pcx-ab', 'vpc-a', 'vpc-b')], ...o });
const side = (i: RegionIndex, scope = R): CopySide => ({ scope, idx: i, group: src });
const into = (i: RegionIndex, group: SecurityGroup, scope = R, rules = i.rulesOf(group.groupId)): CopyTarget => ({ scope, idx: i, group, rules });
const kinds = (p: ReturnType<typeof planCopy>) => p.items.map((x) => `${x.kind} ${x.rule.ruleId}`);

describe('domain/copyRules: planCopy', () => {
  it('into a group of the same VPC: everything copied, the self-reference remapped to the target, the app group kept', () => {
    const i = idx();
    const p = planCopy(side(i), i.rulesOf(src.groupId), into(i, tgtA));
    assert.deepEqual(
      p.items.map((x) => x.kind),
      ['copy', 'copy', 'copy', 'copy', 'copy'],
    );
    const peers = p.copies.map((d) => d.peer);
    assert.deepEqual(peers[0], { kind: 'group', groupId: tgtA.groupId });
    assert.deepEqual(peers[1], { kind: 'group', groupId: app.groupId });
    assert.ok(p.copies.every((d) => d.groupId === tgtA.groupId));
    assert.equal(p.copies[0].description, 'replication');
    const first = p.items[0];
    assert.ok(first.kind === 'copy' && first.remapped && /itself now points to orders-db-2/.test(first.note ?? ''));
  });

  it('into a peered VPC: the reference to app is kept (through the active peering)', () => {
    const i = idx();
    const p = planCopy(side(i), i.rulesOf(src.groupId), into(i, tgtB));
    const kept = p.items[1];
    assert.equal(kept.kind, 'copy');
    assert.match(kept.kind === 'copy' ? (kept.note ?? '') : '', /peered with vpc-b by pcx-ab/);
  });

  it('into a VPC not peered: the reference to app is refused with the reason; the rest is copied', () => {
    const i = idx();
    const p = planCopy(side(i), i.rulesOf(src.groupId), into(i, tgtC));
    assert.deepEqual(
      p.items.map((x) => x.kind),
      ['copy', 'refuse', 'copy', 'copy', 'copy'],
    );
    const refused = p.items[1];
    assert.match(refused.kind === 'refuse' ? refused.reason : '', /app \(sg-0000000b\) is in vpc-a, which vpc-c is not peered with.*different networks/);
    const text = copyPlanText(p, side(i));
    assert.match(text, /Copied \(4\):/);
    assert.match(text, /Refused \(1\):\n {2}inbound tcp 5432 from app \(sg-0000000b\): app \(sg-0000000b\) is in vpc-a/);
    assert.match(text, /from the target group itself "replication" \(the reference to orders-db itself now points to orders-db-c \(sg-0000000e\)\)/);
  });

  it('when the peerings could not be read, a reference to another VPC is kept and said to be unchecked (AWS decides)', () => {
    const i = idx({ peerings: undefined });
    const p = planCopy(side(i), i.rulesOf(src.groupId), into(i, tgtC));
    const kept = p.items[1];
    assert.ok(kept.kind === 'copy' && /not checked/.test(kept.note ?? ''));
  });

  it('skips what the target already allows, and a copied rule that another copied rule already gives', () => {
    const has = rule(tgtA.groupId, false, 'tcp', 5432, { kind: 'cidr4', cidr: '10.9.0.0/16' }, 'other words');
    const i = idx({}, [has]);
    // A second reference to itself (another description) maps to the same target rule.
    const twice = [...i.rulesOf(src.groupId), rule(src.groupId, false, 'tcp', 5432, { kind: 'group', groupId: src.groupId, userId: ME })];
    const p = planCopy(side(i), twice, into(i, tgtA));
    assert.deepEqual(
      p.items.map((x) => x.kind),
      ['copy', 'copy', 'skip', 'copy', 'skip', 'copy'],
    );
    const [dupTarget, dupPlan] = p.items.filter((x) => x.kind === 'skip');
    assert.match(dupTarget.kind === 'skip' ? dupTarget.reason : '', new RegExp(`already allowed by rule ${has.ruleId}`));
    assert.match(dupPlan.kind === 'skip' ? dupPlan.reason : '', /the same as another rule copied/);
    assert.equal(p.copies.length, 4);
  });

  it('refuses what would pass the rules quota, counting the rules copied before it', () => {
    const limits = { rulesPerDirection: defaultQuota(2, 'x'), groupsPerInterface: defaultQuota(5, 'y') };
    const i = idx({ limits });
    const p = planCopy(side(i), i.rulesOf(src.groupId), into(i, tgtA));
    assert.deepEqual(
      p.items.map((x) => x.kind),
      ['copy', 'copy', 'refuse', 'refuse', 'copy'],
    );
    const r = p.items[2];
    assert.match(r.kind === 'refuse' ? r.reason : '', /already has 2 inbound IPv4 rules/);
  });

  it('into another Region: group references and prefix lists refused (they belong to one Region), CIDRs copied, the self-reference remapped', () => {
    const i = idx();
    const west = g('sg-0000000f', 'orders-db-west', 'vpc-w', 'us-west-2');
    const wi = index('us-west-2', [west], []);
    const p = planCopy(side(i), i.rulesOf(src.groupId), into(wi, west, 'us-west-2'));
    assert.deepEqual(
      p.items.map((x) => x.kind),
      ['copy', 'refuse', 'copy', 'refuse', 'copy'],
    );
    assert.match(p.items[1].kind === 'refuse' ? p.items[1].reason : '', /group of us-east-1: a rule cannot reference a group of another Region/);
    assert.match(p.items[3].kind === 'refuse' ? p.items[3].reason : '', /prefix list pl-0abc1234 is a list of us-east-1/);
    assert.deepEqual(p.copies[0].peer, { kind: 'group', groupId: west.groupId });
  });

  it('into another account of the same Region: a reference keeps the account id (userId) and needs a peering with a VPC of that account', () => {
    const i = idx();
    const OTHER = '999988887777';
    const theirs = { ...g('sg-00000010', 'orders-db-prod', 'vpc-p'), ownerId: OTHER };
    const peered = index(R, [theirs], [], {
      peerings: [
        {
          peeringId: 'pcx-x',
          status: 'active',
          requester: { vpcId: 'vpc-p', ownerId: OTHER, region: R },
          accepter: { vpcId: 'vpc-a', ownerId: ME, region: R },
        },
      ],
    });
    const p = planCopy(side(i, 'dev/us-east-1'), i.rulesOf(src.groupId), into(peered, theirs, 'prod/us-east-1'));
    const kept = p.items[1];
    assert.equal(kept.kind, 'copy');
    assert.deepEqual(kept.kind === 'copy' ? kept.draft.peer : undefined, { kind: 'group', groupId: app.groupId, userId: ME });
    const lonely = index(R, [theirs], []);
    const q = planCopy(side(i, 'dev/us-east-1'), i.rulesOf(src.groupId), into(lonely, theirs, 'prod/us-east-1'));
    assert.equal(q.items[1].kind, 'refuse');
  });

  it('into a new group: planned with a placeholder id, the outbound rule AWS gives a new group counted as there', () => {
    const i = idx();
    const fresh = { groupId: NEW_GROUP_ID, groupName: 'copy', vpcId: 'vpc-c', ownerId: ME };
    const egress = rule(NEW_GROUP_ID, true, '-1', 0, { kind: 'cidr4', cidr: '0.0.0.0/0' });
    const p = planCopy(side(i), i.rulesOf(src.groupId), { scope: R, idx: i, group: fresh, rules: [egress] });
    assert.deepEqual(
      p.items.map((x) => x.kind),
      ['copy', 'refuse', 'copy', 'copy', 'skip'],
    );
    assert.deepEqual(p.copies[0].peer, { kind: 'group', groupId: NEW_GROUP_ID });
  });

  it('refuses a value add-rule validation refuses (a description with & on a group reference)', () => {
    const bad = rule(src.groupId, false, 'tcp', 1, { kind: 'group', groupId: app.groupId }, 'a & b');
    const i = index(R, groups, [bad], { peerings: [] });
    const p = planCopy(side(i), [bad], into(i, tgtA));
    assert.deepEqual(kinds(p), [`refuse ${bad.ruleId}`]);
  });
});

describe('ops/copyRules: the copy through the add-rule path', () => {
  it('copies into an existing group after one confirmation that lists the plan; one activity entry; the DryRun checked once', async () => {
    const aws = new FakeAws();
    // SPARE has none of APP's rules; APP's 443 and 22 rules and its outbound rule are copied.
    const entries: unknown[] = [];
    const log = new ActivityLog({ read: () => entries, write: async (e) => void entries.splice(0, entries.length, ...e) });
    const { ctx, ui } = fakeContext(aws, [true], { dryRun: true, activity: log });
    const done = await copyRules(ctx, { scope: R, groupId: APP }, { scope: R, groupId: SPARE });
    assert.ok(done, ui.errors.join());
    assert.equal(done.value.ruleIds.length, 3);
    assert.equal(aws.count('authorizeRule'), 3);
    assert.equal(ui.confirms.length, 1);
    assert.match(ui.confirms[0].message, /Copy 3 rules of appsrv1 to spare\?/);
    assert.match(ui.confirms[0].detail, /Copied \(3\):/);
    assert.match(ui.confirms[0].detail, /Copy never removes a rule of the target/);
    assert.equal(aws.rules.filter((r) => r.groupId === SPARE).length, 3);
    assert.equal(log.list().length, 1);
    assert.match(log.list()[0].what, /copy 3 rules from appsrv1/);
    assert.equal(log.list()[0].change.kind, 'ruleAdded');
  });

  it('the copy is one activity entry whose undo removes exactly the rules copied', async () => {
    const aws = new FakeAws();
    const entries: unknown[] = [];
    const log = new ActivityLog({ read: () => entries, write: async (e) => void entries.splice(0, entries.length, ...e) });
    const f = fakeContext(aws, [true, true], { activity: log });
    const ctx = { ...f.ctx, settle: new SettleWatches(f.store, { set: () => 0, clear: () => undefined }) };
    const had = aws.rules.filter((r) => r.groupId === SPARE).map((r) => r.ruleId);
    const done = await copyRules(ctx, { scope: R, groupId: APP }, { scope: R, groupId: SPARE });
    assert.ok(done);
    assert.match(await undoEntry(ctx, log, log.list()[0].id), /^Undo done: Removed 3 rules/);
    assert.deepEqual(
      aws.rules.filter((r) => r.groupId === SPARE).map((r) => r.ruleId),
      had,
    );
  });

  it('writes nothing when the confirmation is declined', async () => {
    const aws = new FakeAws();
    const { ctx } = fakeContext(aws, [false]);
    const before = aws.rules.length;
    assert.equal(await copyRules(ctx, { scope: R, groupId: APP }, { scope: R, groupId: SPARE }), undefined);
    assert.equal(aws.count('authorizeRule'), 0);
    assert.equal(aws.rules.length, before);
  });

  it('refuses with the plan when nothing is left to copy, asking nothing', async () => {
    const aws = new FakeAws();
    const { ctx, ui } = fakeContext(aws, []);
    await assert.rejects(copyRules(ctx, { scope: R, groupId: APP }, { scope: R, groupId: APP }), /cannot be copied into itself/);
    aws.rules.push(...aws.rules.filter((r) => r.groupId === DB).map((r) => ({ ...r, ruleId: `${r.ruleId}x`, groupId: SPARE })));
    await assert.rejects(copyRules(ctx, { scope: R, groupId: DB }, { scope: R, groupId: SPARE }), /Nothing to copy[\s\S]*Skipped \(1\)/);
    assert.equal(ui.confirms.length, 0);
    assert.equal(aws.count('authorizeRule'), 0);
  });

  it('into a new group: creates it after the confirmation, then copies with the self-reference remapped to its id', async () => {
    const aws = new FakeAws();
    aws.rules.push({
      region: R,
      ruleId: 'sgr-self',
      groupId: DB,
      isEgress: false,
      protocol: 'tcp',
      fromPort: 3306,
      toPort: 3306,
      peer: { kind: 'group', groupId: DB },
    });
    const { ctx, ui } = fakeContext(aws, [true]);
    const done = await copyRules(ctx, { scope: R, groupId: DB }, { scope: R, vpcId: VPC, groupName: 'dbsrv2', description: 'Copy of dbsrv1' });
    assert.ok(done, ui.errors.join());
    const created = aws.groups.find((x) => x.groupName === 'dbsrv2');
    assert.ok(created);
    assert.equal(done.value.groupId, created.groupId);
    const rules = aws.rules.filter((r) => r.groupId === created.groupId);
    assert.deepEqual(
      rules.map((r) => r.peer).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      [
        { kind: 'group', groupId: APP },
        { kind: 'group', groupId: created.groupId },
      ],
    );
    assert.match(ui.confirms[0].message, /Create dbsrv2 in vpc-0a0a0a0a \(us-east-1\) with 2 rules of dbsrv1\?/);
  });

  it('into a new group, declined: nothing created', async () => {
    const aws = new FakeAws();
    const { ctx } = fakeContext(aws, [false]);
    const before = aws.groups.length;
    assert.equal(await copyRules(ctx, { scope: R, groupId: DB }, { scope: R, vpcId: VPC, groupName: 'dbsrv2', description: 'x' }), undefined);
    assert.equal(aws.groups.length, before);
    assert.equal(aws.count('createSecurityGroup'), 0);
  });
});
