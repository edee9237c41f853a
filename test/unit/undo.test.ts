// Undo planning (src/domain/undo.ts), per entry kind: the plan that reverts an entry, and the
// refusal, with its reason, whenever the resource is no longer as the entry left it.
import * as assert from 'node:assert/strict';
import type { ActivityChange, ActivityEntry, RuleRecord } from '../../src/domain/activity';
import { planUndo, undoReads, type UndoDecision } from '../../src/domain/undo';

const rule = (over: Partial<RuleRecord> = {}): RuleRecord => ({
  ruleId: 'sgr-1',
  groupId: 'sg-db',
  isEgress: false,
  protocol: 'tcp',
  fromPort: 3306,
  toPort: 3306,
  peer: { kind: 'group', groupId: 'sg-app' },
  description: 'app servers',
  ...over,
});

const entry = (change: ActivityChange, over: Partial<ActivityEntry> = {}): ActivityEntry => ({
  id: 'e1',
  time: '2026-12-02T10:00:00.000Z',
  region: 'us-east-1',
  target: 't',
  what: 'w',
  calls: [],
  status: 'applied',
  outcome: 'applied',
  change,
  ...over,
});

function plan(d: UndoDecision) {
  if (!d.ok) assert.fail(`refused: ${d.reason}`);
  return d.plan;
}
function reason(d: UndoDecision): string {
  if (d.ok) assert.fail(`planned: ${JSON.stringify(d.plan)}`);
  return d.reason;
}

describe('undo planning (domain/undo)', () => {
  describe('rule added <-> revoked', () => {
    const e = entry({ kind: 'ruleAdded', groupId: 'sg-db', rules: [rule()] });
    it('reads the group; revokes the rule when it is as the entry left it', () => {
      assert.deepEqual(undoReads(e), { kind: 'rules', groupIds: ['sg-db'] });
      assert.deepEqual(plan(planUndo(e, { rules: [rule()] })), { op: 'revoke', groupId: 'sg-db', ruleIds: ['sgr-1'] });
    });
    it('refused: the description changed since, the ports changed since, the rule is gone', () => {
      assert.match(
        reason(planUndo(e, { rules: [rule({ description: 'edited by hand' })] })),
        /description is now "edited by hand" \(the entry left "app servers"\).*changed since/,
      );
      assert.match(reason(planUndo(e, { rules: [rule({ fromPort: 3307, toPort: 3307 })] })), /now allows tcp 3307 from sg-app/);
      assert.match(reason(planUndo(e, { rules: [] })), /no longer exists/);
    });
    it('undo of a revoke (a redo of the add): adds the rules back; refused when the access is allowed again already', () => {
      const r = entry({ kind: 'rulesRevoked', rules: [rule()] }, { undoOf: 'e0' });
      assert.deepEqual(plan(planUndo(r, { rules: [], goneGroups: [] })), { op: 'authorize', rules: [rule()] });
      assert.match(reason(planUndo(r, { rules: [rule({ ruleId: 'sgr-9', description: undefined })] })), /allowed again already, by rule sgr-9/);
      assert.match(reason(planUndo(r, { rules: [], goneGroups: ['sg-db'] })), /sg-db no longer exists/);
    });
  });

  describe('rule edited <-> previous values', () => {
    const before = rule();
    const after = rule({ fromPort: 5432, toPort: 5432, description: 'pg' });
    const e = entry({ kind: 'ruleEdited', groupId: 'sg-db', before, after });
    it('sets the rule back to what it was before (ports, source, description)', () => {
      const p = plan(planUndo(e, { rules: [after] }));
      assert.deepEqual(p, {
        op: 'modify',
        groupId: 'sg-db',
        ruleId: 'sgr-1',
        edit: { protocol: 'tcp', fromPort: 3306, toPort: 3306, source: { groupId: 'sg-app' }, description: 'app servers' },
        descriptionOnly: false,
      });
    });
    it('a description-only edit is undone as one', () => {
      const d = entry({ kind: 'ruleEdited', groupId: 'sg-db', before, after: rule({ description: 'new' }) });
      assert.equal((plan(planUndo(d, { rules: [rule({ description: 'new' })] })) as { descriptionOnly: boolean }).descriptionOnly, true);
    });
    it('a replace (new rule id) is undone on the new rule', () => {
      const r = entry({ kind: 'ruleEdited', groupId: 'sg-db', before, after: rule({ ruleId: 'sgr-2', peer: { kind: 'cidr4', cidr: '10.0.0.0/16' } }) });
      const p = plan(planUndo(r, { rules: [rule({ ruleId: 'sgr-2', peer: { kind: 'cidr4', cidr: '10.0.0.0/16' } })] }));
      assert.equal(p.op === 'modify' && p.ruleId, 'sgr-2');
    });
    it('refused: the rule differs from what the entry left, or is gone', () => {
      assert.match(reason(planUndo(e, { rules: [rule({ fromPort: 5432, toPort: 5432, description: 'someone else' })] })), /description is now "someone else"/);
      assert.match(reason(planUndo(e, { rules: [before] })), /now allows tcp 3306/);
      assert.match(reason(planUndo(e, { rules: [] })), /Rule sgr-1 no longer exists/);
    });
  });

  describe('groups associated <-> the previous list', () => {
    const db = entry({ kind: 'dbGroups', target: { kind: 'cluster', id: 'orders' }, before: ['sg-db'], after: ['sg-db', 'sg-app'] });
    it('a cluster: removes what the entry added, expecting the list it left', () => {
      assert.deepEqual(undoReads(db), { kind: 'dbGroups', target: { kind: 'cluster', id: 'orders' } });
      assert.deepEqual(plan(planUndo(db, { groupIds: ['sg-app', 'sg-db'] })), {
        op: 'dbGroups',
        target: { kind: 'cluster', id: 'orders' },
        edit: { remove: ['sg-app'] },
        expected: ['sg-db', 'sg-app'],
      });
      const removed = entry({ kind: 'dbGroups', target: { kind: 'instance', id: 'pg1' }, before: ['sg-db', 'sg-app'], after: ['sg-db'] });
      assert.deepEqual((plan(planUndo(removed, { groupIds: ['sg-db'] })) as { edit: unknown }).edit, { add: ['sg-app'] });
    });
    it('refused: the list is not what the entry left, or the database is gone', () => {
      assert.match(reason(planUndo(db, { groupIds: ['sg-db', 'sg-app', 'sg-x'] })), /now has sg-db, sg-app, sg-x, not sg-db, sg-app as the entry left it/);
      assert.match(reason(planUndo(db, { groupIds: null })), /DB cluster orders no longer exists/);
    });
    it('an EC2 instance interface: the one group back; refused when the list changed or the interface is not the primary one', () => {
      const eni = entry({ kind: 'eniGroups', instanceId: 'i-1', networkInterfaceId: 'eni-1', before: ['sg-a'], after: ['sg-a', 'sg-b'] });
      assert.deepEqual(plan(planUndo(eni, { groupIds: ['sg-a', 'sg-b'] })), { op: 'eniGroups', instanceId: 'i-1', edit: { remove: 'sg-b' } });
      assert.match(reason(planUndo(eni, { groupIds: ['sg-a'] })), /changed since this entry: it now has sg-a/);
      assert.match(reason(planUndo(eni, { groupIds: null })), /no longer the primary interface/);
    });
  });

  describe('group created <-> deleted', () => {
    const e = entry({ kind: 'groupCreated', groupId: 'sg-new', groupName: 'reports', vpcId: 'vpc-1', description: 'reports servers' });
    it('deletes it when it is unchanged and has no rules of its own', () => {
      assert.deepEqual(plan(planUndo(e, { group: { groupName: 'reports', extraRules: 0 } })), { op: 'deleteGroup', groupId: 'sg-new', groupName: 'reports' });
    });
    it('refused: rules added since, gone', () => {
      assert.match(reason(planUndo(e, { group: { groupName: 'reports', extraRules: 2 } })), /has 2 rules added since it was created/);
      assert.match(reason(planUndo(e, {})), /no longer exists/);
    });
    it('undo of that delete (a redo of the create): created again, unless the name is taken again', () => {
      const d = entry(
        { kind: 'groupDeleted', groupId: 'sg-new', groupName: 'reports', vpcId: 'vpc-1', description: 'reports servers', recreatable: true },
        { undoOf: 'e0' },
      );
      assert.deepEqual(plan(planUndo(d, { namesInVpc: ['default'] })), {
        op: 'createGroup',
        vpcId: 'vpc-1',
        groupName: 'reports',
        description: 'reports servers',
      });
      assert.match(reason(planUndo(d, { namesInVpc: ['Reports'] })), /exists in vpc-1 again/);
      assert.match(reason(planUndo(d, { namesInVpc: ['Reports'] })), /Redo would|nothing was sent/);
    });
    it('a group deleted with rules cannot be put back', () => {
      const d = entry({ kind: 'groupDeleted', groupId: 'sg-x', groupName: 'x', vpcId: 'vpc-1', description: 'x', recreatable: false });
      assert.equal(undoReads(d), undefined);
      assert.match(reason(planUndo(d, {})), /had rules when it was deleted/);
    });
  });

  it('failed, unknown and partly applied entries are never undone', () => {
    const change: ActivityChange = { kind: 'ruleAdded', groupId: 'sg-db', rules: [rule()] };
    assert.match(reason(planUndo(entry(change, { status: 'failed', outcome: 'failed: x' }), { rules: [rule()] })), /failed: nothing was changed/);
    assert.match(reason(planUndo(entry(change, { status: 'unknown' }), { rules: [rule()] })), /not known exactly/);
    assert.match(reason(planUndo(entry(change, { status: 'partial' }), { rules: [rule()] })), /not known exactly/);
    // Applied after a lost answer (verified): reversible.
    assert.equal(plan(planUndo(entry(change, { status: 'recovered' }), { rules: [rule()] })).op, 'revoke');
  });
});
