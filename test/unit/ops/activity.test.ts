// The activity log recorded by the operations layer (ops/activity.ts): the calls and outcome of each
// change, bounded and persisted, never a secret; the DryRun permission check, once per kind of call
// and before anything is changed; and Undo / Redo through the normal ops path (ops/undo.ts).
import * as assert from 'node:assert/strict';
import { cleanEntry, redactInput, toJsonLines, type ActivityEntry } from '../../../src/domain/activity';
import { buildRule, type RuleDraft, type RuleInput } from '../../../src/domain/changes';
import type { Ec2Instance } from '../../../src/domain/model';
import { ActivityLog, PermissionDeniedError, withChange } from '../../../src/ops/activity';
import { createGroup } from '../../../src/ops/groups';
import { setInstanceGroup } from '../../../src/ops/instanceGroups';
import { authorizeRule, modifyRule, revokeRules } from '../../../src/ops/rules';
import { undoEntry } from '../../../src/ops/undo';
import { SettleWatches } from '../../../src/ops/settle';
import { APP, awsError, DB, DEFAULT, FakeAws, fakeContext, R, rejection, SPARE, VPC } from './fakeAws';

function draft(over: Partial<RuleInput> = {}): RuleDraft {
  const r = buildRule({ groupId: APP, isEgress: false, protocol: 'tcp', fromPort: 8080, source: { cidr: '10.9.0.0/16' }, ...over });
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

/** A storage in memory: what the global state would hold. */
function memory(initial?: unknown) {
  const box = { value: initial, writes: 0 };
  return { box, storage: { read: () => box.value, write: (e: readonly ActivityEntry[]) => void ((box.value = JSON.parse(JSON.stringify(e))), box.writes++) } };
}

function setup(o: { dryRun?: boolean; answers?: Parameters<typeof fakeContext>[1] } = {}) {
  const aws = new FakeAws();
  const mem = memory();
  const log = new ActivityLog(mem.storage);
  const f = fakeContext(aws, o.answers ?? [], { dryRun: o.dryRun ?? true, activity: log });
  const ctx = { ...f.ctx, settle: new SettleWatches(f.store, { set: () => 0, clear: () => undefined }) };
  return { aws, log, mem, ...f, ctx };
}

const entry = (id: string, time: string): ActivityEntry => ({
  id,
  time,
  region: R,
  target: 't',
  what: `change ${id}`,
  calls: [],
  status: 'applied',
  outcome: 'applied',
  change: { kind: 'none' },
});

describe('ops: the activity log', () => {
  it('an added rule: time, account, Region, target, what, the exact calls with their inputs, the outcome, and what undo needs', async () => {
    const { ctx, load, log } = setup();
    const done = await authorizeRule(ctx, R, await load(), draft({ description: 'reports' }));
    const [e] = log.list();
    assert.equal(e.region, R);
    assert.equal(e.target, `appsrv1 (${APP})`);
    assert.equal(e.what, 'add inbound rule tcp 8080 from 10.9.0.0/16 to appsrv1');
    assert.equal(e.status, 'applied');
    assert.equal(e.outcome, 'applied');
    assert.ok(!Number.isNaN(Date.parse(e.time)));
    assert.deepEqual(
      e.calls.map((c) => [c.api, c.dryRun ?? false, c.result]),
      [
        ['AuthorizeSecurityGroupIngress', true, 'allowed'],
        ['AuthorizeSecurityGroupIngress', false, 'ok'],
      ],
    );
    assert.deepEqual(e.calls[1].input, {
      GroupId: APP,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, IpRanges: [{ CidrIp: '10.9.0.0/16', Description: 'reports' }] }],
    });
    assert.deepEqual(e.change, {
      kind: 'ruleAdded',
      groupId: APP,
      rules: [
        {
          groupId: APP,
          isEgress: false,
          protocol: 'tcp',
          fromPort: 8080,
          toPort: 8080,
          peer: { kind: 'cidr4', cidr: '10.9.0.0/16' },
          description: 'reports',
          ruleId: done!.value[0],
        },
      ],
    });
  });

  it('an answer lost after AWS applied it: "applied, answer lost, verified"', async () => {
    const { ctx, load, log, aws } = setup();
    aws.fault('authorizeRule', { applied: true, error: awsError('InternalError', 500, 3) });
    await authorizeRule(ctx, R, await load(), draft());
    const [e] = log.list();
    assert.equal(e.status, 'recovered');
    assert.match(e.outcome, /^applied, answer lost, verified \(/);
    assert.equal(e.calls.at(-1)!.result, 'InternalError');
  });

  it('a failed change: "failed: <translated reason>" and what to do; nothing reversible', async () => {
    const { ctx, load, log, aws } = setup();
    aws.fault('authorizeRule', { error: awsError('InvalidParameterValue', 400) });
    await rejection(authorizeRule(ctx, R, await load(), draft()));
    const [e] = log.list();
    assert.equal(e.status, 'failed');
    assert.match(e.outcome, /^failed: /);
    assert.match(e.advice ?? '', /Nothing was changed/);
    assert.deepEqual(e.change, { kind: 'none' });
  });

  it('nothing sent (refused before any call, or declined): no entry', async () => {
    const { ctx, load, log } = setup({ answers: [false] });
    await rejection(authorizeRule(ctx, R, await load(), draft({ groupId: 'sg-0dead000' })));
    assert.equal(await authorizeRule(ctx, R, await load(), draft({ fromPort: 3306, source: { cidr: '0.0.0.0/0' } })), undefined);
    assert.equal(log.list().length, 0);
  });

  it('bounded: the newest 500 are kept, the oldest dropped, newest first; a new log over the same storage (a reload) has them', async () => {
    const mem = memory();
    const log = new ActivityLog(mem.storage);
    for (let i = 0; i < 505; i++) await log.record(entry(`e${String(i).padStart(3, '0')}`, new Date(Date.UTC(2026, 11, 2, 0, 0, i)).toISOString()));
    assert.equal(log.list().length, 500);
    assert.equal(log.list()[0].id, 'e504');
    assert.equal(log.list().at(-1)!.id, 'e005');
    assert.equal((mem.box.value as unknown[]).length, 500);
    const again = new ActivityLog(mem.storage);
    assert.deepEqual(
      again.list().map((e) => e.id),
      log.list().map((e) => e.id),
    );
    // Another window's entries (written to the same storage) show too.
    const other = new ActivityLog(mem.storage);
    await other.record(entry('other-window', '2026-12-03T00:00:00.000Z'));
    assert.equal(log.list()[0].id, 'other-window');
    // A corrupt store does not break the log.
    assert.deepEqual(new ActivityLog(memory({ not: 'a list' }).storage).list(), []);
    assert.deepEqual(new ActivityLog(memory([{ id: 1 }, null]).storage).list(), []);
  });

  it('never holds a secret: secret-named keys dropped, access keys, signatures and secret keys in text redacted', async () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const input = {
      GroupId: 'sg-1',
      SecretAccessKey: secret,
      SessionToken: 'FwoGZXIvYXdzEJr',
      credentials: { a: 1 },
      Note: `key AKIAIOSFODNN7EXAMPLE and ${secret}`,
    };
    assert.deepEqual(redactInput(input), { GroupId: 'sg-1', Note: 'key [access key id] and [redacted]' });
    const dirty: ActivityEntry = {
      ...entry('s', '2026-12-02T00:00:00.000Z'),
      outcome: `failed: X-Amz-Security-Token=abc123 Signature=deadbeef AKIAIOSFODNN7EXAMPLE`,
      calls: [{ service: 'EC2', api: 'X', input, result: 'Err', message: `aws_secret_access_key = ${secret}` }],
    };
    const mem = memory();
    await new ActivityLog(mem.storage).record(dirty);
    const stored = JSON.stringify(mem.box.value);
    for (const s of [secret, 'FwoGZXIvYXdzEJr', 'AKIAIOSFODNN7EXAMPLE', 'abc123', 'deadbeef']) assert.ok(!stored.includes(s), `${s} was stored`);
    assert.ok(!toJsonLines([dirty]).includes(secret));
    assert.equal(cleanEntry(dirty).calls[0].message, 'aws_secret_access_key=[redacted]');
    // A rule's description (a user's words) is kept as it is.
    assert.equal(
      (redactInput({ Description: 'AllowAccessFromTheApplicationServersInProduction' }) as { Description: string }).Description,
      'AllowAccessFromTheApplicationServersInProduction',
    );
  });

  it('the export is JSON lines, oldest first', async () => {
    const lines = toJsonLines([entry('b', '2026-12-02T00:00:02.000Z'), entry('a', '2026-12-02T00:00:01.000Z')])
      .trimEnd()
      .split('\n');
    assert.deepEqual(
      lines.map((l) => (JSON.parse(l) as ActivityEntry).id),
      ['a', 'b'],
    );
  });
});

describe('ops: the permission check (DryRun) before a change', () => {
  it('sent before the write, and a refused permission is reported with the action name before anything is changed', async () => {
    const { ctx, load, log, aws } = setup();
    aws.denied.add('AuthorizeSecurityGroupIngress');
    const rulesBefore = aws.rules.length;
    const e = await rejection(authorizeRule(ctx, R, await load(), draft()));
    assert.ok(e instanceof PermissionDeniedError);
    assert.match(
      e.message,
      /ec2:AuthorizeSecurityGroupIngress with DryRun\) was refused: .*not allowed to call ec2:AuthorizeSecurityGroupIngress.* Nothing was changed\.$/,
    );
    assert.equal(aws.count('authorizeRule'), 0);
    assert.equal(aws.rules.length, rulesBefore);
    const [entry] = log.list();
    assert.equal(entry.status, 'failed');
    assert.match(entry.advice!, /Ask for the IAM permission ec2:AuthorizeSecurityGroupIngress/);
    assert.deepEqual(
      entry.calls.map((c) => [c.api, c.dryRun, c.result]),
      [['AuthorizeSecurityGroupIngress', true, 'UnauthorizedOperation']],
    );
  });

  it('one dry run per kind of call in a change, all before the first write (three batches, two kinds)', async () => {
    const { ctx, load, aws } = setup({ answers: [true] });
    const done = await revokeRules(ctx, R, await load(), { ruleIds: ['sgr-ap0001', 'sgr-ap0003', 'sgr-db0001'] });
    assert.deepEqual(done!.value.sort(), ['sgr-ap0001', 'sgr-ap0003', 'sgr-db0001']);
    assert.deepEqual(aws.dryRuns, ['RevokeSecurityGroupIngress', 'RevokeSecurityGroupEgress']);
    const writes = aws.calls.filter((c) => c === 'dryRun' || c === 'revokeRules');
    assert.deepEqual(writes, ['dryRun', 'dryRun', 'revokeRules', 'revokeRules', 'revokeRules']);
  });

  it('a replace (another kind of source) checks both its calls before the first: a missing revoke permission changes nothing', async () => {
    const { ctx, load, aws } = setup({ answers: [true] });
    aws.denied.add('RevokeSecurityGroupIngress');
    const idx = await load();
    const rule = idx.snapshot.rules.find((r) => r.ruleId === 'sgr-ap0001')!;
    const e = await rejection(modifyRule(ctx, R, idx, rule, { source: { groupId: DB } }));
    assert.match(e.message, /ec2:RevokeSecurityGroupIngress/);
    assert.deepEqual(aws.dryRuns, ['AuthorizeSecurityGroupIngress', 'RevokeSecurityGroupIngress']);
    assert.equal(aws.count('authorizeRule'), 0, 'the new rule was not added');
  });

  it('auroraSg.dryRun off: no dry run', async () => {
    const { ctx, load, aws } = setup({ dryRun: false });
    await authorizeRule(ctx, R, await load(), draft());
    assert.deepEqual(aws.dryRuns, []);
  });

  it('a dry run that answers something else (throttled, an unknown endpoint) does not stop the change: the write tells', async () => {
    const { ctx, load, aws, logs } = setup();
    aws.fault('dryRun', { error: awsError('RequestLimitExceeded', 400, 3) });
    await authorizeRule(ctx, R, await load(), draft());
    assert.equal(aws.count('authorizeRule'), 1);
    assert.ok(logs.some((l) => /permission check of AuthorizeSecurityGroupIngress \(DryRun\) answered RequestLimitExceeded/.test(l)));
  });

  it('withChange outside any op: a body that sends nothing records nothing', async () => {
    const { ctx, log } = setup();
    assert.equal(await withChange(ctx, { region: R, target: 't', what: 'w' }, async () => 7), 7);
    assert.equal(log.list().length, 0);
  });
});

describe('ops: undo and redo of activity entries', () => {
  it('rule added -> undo revokes it (with the removal confirmation) -> redo adds it back; each logged, the undo marked', async () => {
    const { ctx, load, log, aws } = setup({ answers: [true, true] });
    const added = (await authorizeRule(ctx, R, await load(), draft()))!.value[0];
    const first = log.list()[0];
    assert.match(await undoEntry(ctx, log, first.id), /^Undo done: Removed 1 rule/);
    assert.ok(!aws.rules.some((r) => r.ruleId === added));
    const undo = log.list()[0];
    assert.equal(undo.undoOf, first.id);
    assert.equal(undo.change.kind, 'rulesRevoked');
    assert.match(await undoEntry(ctx, log, undo.id), /^Redo done: Added tcp 8080/);
    assert.ok(aws.rules.some((r) => r.groupId === APP && r.fromPort === 8080));
    assert.equal(log.list()[0].undoOf, undo.id);
  });

  it('refused after an outside change (the description edited elsewhere): nothing sent', async () => {
    const { ctx, load, log, aws } = setup();
    const added = (await authorizeRule(ctx, R, await load(), draft()))!.value[0];
    const i = aws.rules.findIndex((r) => r.ruleId === added);
    aws.rules[i] = { ...aws.rules[i], description: 'changed by a colleague' };
    const before = aws.calls.length;
    const e = await rejection(undoEntry(ctx, log, log.list()[0].id));
    assert.match(e.message, /^Cannot undo "add inbound rule tcp 8080.*": Rule .* its description is now "changed by a colleague"/);
    assert.ok(!aws.calls.slice(before).some((c) => c === 'revokeRules' || c === 'dryRun'));
  });

  it('rule edited -> undo puts the previous values back (with the edit confirmation)', async () => {
    const { ctx, load, log, aws } = setup({ answers: [true, true] });
    const idx = await load();
    const rule = idx.snapshot.rules.find((r) => r.ruleId === 'sgr-ap0001')!;
    await modifyRule(ctx, R, idx, rule, { fromPort: 8443 });
    assert.equal(aws.rules.find((r) => r.ruleId === 'sgr-ap0001')!.fromPort, 8443);
    await undoEntry(ctx, log, log.list()[0].id);
    const now = aws.rules.find((r) => r.ruleId === 'sgr-ap0001')!;
    assert.deepEqual([now.fromPort, now.toPort], [443, 443]);
    assert.equal(log.list()[0].change.kind, 'ruleEdited');
  });

  it('group created -> undo deletes it (typing its name) while unused; refused once it has rules', async () => {
    const { ctx, load, log, aws } = setup({ answers: ['reports'] });
    const id = (await createGroup(ctx, await load(), { region: R, vpcId: VPC, groupName: 'reports', description: 'reports servers' })).value;
    const created = log.list()[0];
    assert.deepEqual(created.change, { kind: 'groupCreated', groupId: id, groupName: 'reports', vpcId: VPC, description: 'reports servers' });
    await undoEntry(ctx, log, created.id);
    assert.ok(!aws.groups.some((g) => g.groupId === id));
    const deleted = log.list()[0];
    assert.equal(deleted.change.kind === 'groupDeleted' && deleted.change.recreatable, true);
    // Redo: created again (a new id).
    const redo = setupFrom(ctx, [true]);
    await undoEntry(redo, log, deleted.id);
    assert.ok(aws.groups.some((g) => g.groupName === 'reports' && g.groupId !== id));
    // Rules added since: its undo is refused.
    const again = log.list()[0];
    const gid = (again.change as { groupId: string }).groupId;
    aws.addElsewhere({ groupId: gid, isEgress: false, protocol: 'tcp', fromPort: 1, toPort: 1, peer: { kind: 'cidr4', cidr: '10.0.0.0/8' } });
    assert.match((await rejection(undoEntry(ctx, log, again.id))).message, /has 1 rule added since it was created/);
    void SPARE;
  });

  it('an EC2 instance added to a group -> undo takes it out again; refused when its list changed since', async () => {
    const { ctx, log, aws } = setup({ answers: [true] });
    const eni = 'eni-0a0a0001';
    const server: Ec2Instance = {
      region: R,
      instanceId: 'i-0a0a0a0a0a0a0a0a0',
      vpcId: VPC,
      securityGroupIds: [DEFAULT],
      primaryInterface: { networkInterfaceId: eni, groupIds: [DEFAULT] },
    };
    aws.ec2.push(server);
    await setInstanceGroup(
      ctx,
      R,
      server.instanceId,
      { add: APP },
      (ids) => ids.join(', '),
      async () => true,
    );
    await undoEntry(ctx, log, log.list()[0].id);
    assert.deepEqual(aws.ec2[0].primaryInterface!.groupIds, [DEFAULT]);
    // Redo, then a change elsewhere: the undo of the redo is refused.
    const redo = setupFrom(ctx, [true]);
    await undoEntry(redo, log, log.list()[0].id);
    assert.deepEqual(aws.ec2[0].primaryInterface!.groupIds, [DEFAULT, APP]);
    aws.ec2[0] = { ...aws.ec2[0], primaryInterface: { networkInterfaceId: eni, groupIds: [DEFAULT, APP, SPARE] } };
    assert.match((await rejection(undoEntry(ctx, log, log.list()[0].id))).message, /changed since this entry: it now has/);
  });
});

/** The same context with fresh scripted answers. */
function setupFrom<C extends { ui: unknown }>(ctx: C, answers: Parameters<typeof fakeContext>[1]): C {
  return { ...ctx, ui: new (ctx.ui as { constructor: new (a: unknown) => unknown }).constructor(answers) };
}

describe('the preview note: which calls the permission check cannot try first', () => {
  it('RDS calls are named (no dry run); EC2-only changes need no note; the setting off says so', async () => {
    const { uncheckedNote } = await import('../../../src/domain/activity');
    assert.equal(uncheckedNote(['ModifyDBCluster'], true), 'rds:ModifyDBCluster cannot be checked for permission before the change (RDS has no dry run).');
    assert.equal(
      uncheckedNote(['CreateSecurityGroup', 'ModifyDBInstance'], true),
      'rds:ModifyDBInstance cannot be checked for permission before the change (RDS has no dry run); ec2:CreateSecurityGroup will be.',
    );
    assert.equal(uncheckedNote(['AuthorizeSecurityGroupIngress'], true), '');
    assert.match(uncheckedNote(['ModifyDBCluster'], false), /auroraSg\.dryRun is off/);
  });
});
