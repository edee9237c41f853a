import * as assert from 'node:assert/strict';
import { buildRule, type RuleDraft, type RuleInput } from '../../../src/domain/changes';
import { authorizeRule, editedRule, modifyRule, revokeRules, ruleToEdit } from '../../../src/ops/rules';
import { APP, awsError, DB, FakeAws, fakeContext, R, rejection, SPARE } from './fakeAws';

function draft(over: Partial<RuleInput> = {}): RuleDraft {
  const r = buildRule({ groupId: APP, isEgress: false, protocol: 'tcp', fromPort: 8080, source: { cidr: '10.9.0.7/16' }, ...over });
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

describe('ops: authorizeRule', () => {
  it('adds the rule, refreshes the tree, and says how AWS stores the CIDR', async () => {
    const aws = new FakeAws();
    const { ctx, ui, load, store } = fakeContext(aws);
    const done = await authorizeRule(ctx, R, await load(), draft());
    assert.equal(done!.value.length, 1);
    assert.equal(done!.message, `Added tcp 8080 from 10.9.0.0/16 to appsrv1 (${done!.value[0]}); AWS stores 10.9.0.7/16 as 10.9.0.0/16.`);
    assert.ok(
      store
        .index(R)!
        .rulesOf(APP)
        .some((r) => r.ruleId === done!.value[0]),
    );
    assert.deepEqual(ui.progressTitles, ['Adding inbound rule tcp 8080 from 10.9.0.0/16 to appsrv1…']);
  });

  it('an endpoint that does not return the created rule: its id comes from the re-read group', async () => {
    const aws = new FakeAws();
    aws.quietAuthorize = true;
    const { ctx, load } = fakeContext(aws);
    const done = await authorizeRule(ctx, R, await load(), draft());
    assert.deepEqual(done!.value, [aws.rules.at(-1)!.ruleId]);
  });

  const refusals: [string, Partial<RuleInput>, RegExp][] = [
    ['a group not in the Region', { groupId: 'sg-0dead000' }, /^Security group sg-0dead000 is not in us-east-1\./],
    [
      'a source group not in the Region',
      { source: { groupId: 'sg-0dead000' } },
      /^The source group sg-0dead000 is not in us-east-1\. A group of another account needs its account id \(userId\)\.$/,
    ],
    [
      'access a rule already allows',
      { fromPort: 443, source: { cidr: '10.1.0.0/16' } },
      /^This access is already allowed by rule sgr-ap0001 \(tcp 443 from 10\.1\.0\.0\/16\); nothing was changed\.$/,
    ],
  ];
  for (const [what, over, msg] of refusals) {
    it(`refuses ${what} before any call`, async () => {
      const aws = new FakeAws();
      const { ctx, load } = fakeContext(aws);
      assert.match((await rejection(authorizeRule(ctx, R, await load(), draft(over)))).message, msg);
      assert.equal(aws.count('authorizeRule'), 0);
    });
  }

  it("refuses a rule over the group's quota", async () => {
    const aws = new FakeAws();
    for (let p = 1; p <= 58; p++)
      aws.addElsewhere({ groupId: APP, isEgress: false, protocol: 'tcp', fromPort: 1000 + p, toPort: 1000 + p, peer: { kind: 'cidr4', cidr: '10.0.0.0/8' } });
    const { ctx, load } = fakeContext(aws);
    assert.match((await rejection(authorizeRule(ctx, R, await load(), draft()))).message, /already has 60 inbound IPv4 rules/);
  });

  it('a database port open to the whole internet is confirmed first: "no" sends nothing, "yes" adds it', async () => {
    const aws = new FakeAws();
    const { ctx, ui, load } = fakeContext(aws, [false, true]);
    const idx = await load();
    const world = draft({ groupId: DB, fromPort: 3306, source: { cidr: '0.0.0.0/0' } });
    assert.equal(await authorizeRule(ctx, R, idx, world), undefined);
    assert.equal(aws.count('authorizeRule'), 0);
    assert.equal((await authorizeRule(ctx, R, idx, world))!.value.length, 1);
    assert.equal(ui.confirms[0].message, 'Open tcp 3306 from 0.0.0.0/0 to the whole internet?');
  });

  it('Duplicate on the first attempt: someone added it since the tree was loaded; the tree is refreshed', async () => {
    const aws = new FakeAws();
    const { ctx, load, store } = fakeContext(aws);
    const idx = await load();
    let other = '';
    aws.fault('authorizeRule', {
      before: () => (other = aws.addElsewhere({ ...draft(), description: undefined }).ruleId),
      error: awsError('InvalidPermission.Duplicate', 400),
    });
    const e = await rejection(authorizeRule(ctx, R, idx, draft()));
    assert.equal(
      e.message,
      `This access is already allowed by rule ${other}, added since the tree was loaded (the tree has been refreshed); nothing was changed.`,
    );
    assert.ok(
      store
        .index(R)!
        .rulesOf(APP)
        .some((r) => r.ruleId === other),
    );
    assert.equal(aws.count('readRules'), 1, 'only the refresh read the rules');
  });

  it('Duplicate after a retry: the first attempt went through; reported as added, once', async () => {
    const aws = new FakeAws().fault('authorizeRule', { applied: true, error: awsError('InvalidPermission.Duplicate', 400, 2) });
    const { ctx, load } = fakeContext(aws);
    const done = await authorizeRule(ctx, R, await load(), draft());
    assert.match(
      done!.message,
      /^Added tcp 8080 from 10\.9\.0\.0\/16 to appsrv1 \(sgr-n\d+\); AWS stores 10\.9\.0\.7\/16 as 10\.9\.0\.0\/16 \(AWS's first answer was lost; the retry found the rule in place; it was applied once\)\.$/,
    );
    assert.equal(aws.rules.filter((r) => r.fromPort === 8080).length, 1);
  });

  it('an answer lost on the only attempt (HTTP 500, applied): the group read again has it', async () => {
    const aws = new FakeAws().fault('authorizeRule', { applied: true, error: awsError('InternalError', 500) });
    const { ctx, load } = fakeContext(aws);
    assert.match(
      (await authorizeRule(ctx, R, await load(), draft()))!.message,
      /\(AWS's answer was lost; the group, read again, has the rule; it was applied once\)\.$/,
    );
  });

  it('never applied (HTTP 503): nothing was added; the re-read failing too: cannot tell', async () => {
    const aws = new FakeAws().fault('authorizeRule', { error: awsError('Unavailable', 503, 3) });
    const { ctx, load } = fakeContext(aws);
    const idx = await load();
    assert.equal(
      (await rejection(authorizeRule(ctx, R, idx, draft()))).message,
      'Could not add tcp 8080 from 10.9.0.0/16 to appsrv1: AWS had an internal error (HTTP 503, Unavailable). Try again in a moment. Nothing was added: the group, read again, does not have the rule.',
    );
    aws.fault('authorizeRule', { error: awsError('Unavailable', 503, 3) }).fault('readRules', { error: awsError('Unavailable', 503) });
    assert.equal(
      (await rejection(authorizeRule(ctx, R, idx, draft()))).message,
      'Could not tell whether tcp 8080 from 10.9.0.0/16 was added to appsrv1: AWS had an internal error (HTTP 503, Unavailable). Try again in a moment. Refresh the tree to check before trying again.',
    );
  });

  it('cancelled before the call: nothing is sent', async () => {
    const aws = new FakeAws();
    const { ctx, ui, load } = fakeContext(aws);
    const idx = await load();
    ui.cancelProgress();
    assert.equal((await rejection(authorizeRule(ctx, R, idx, draft()))).name, 'CancelledError');
    assert.equal(aws.count('authorizeRule'), 0);
  });
});

describe('ops: ruleToEdit, editedRule and modifyRule', () => {
  it('ruleToEdit: the loaded rule; a stale tree node refreshes its group; an argument says to refresh', async () => {
    const aws = new FakeAws();
    const { ctx, load, store } = fakeContext(aws);
    const idx = await load();
    assert.equal((await ruleToEdit(ctx, R, idx, 'sgr-ap0001')).fromPort, 443);
    aws.rules = aws.rules.filter((r) => r.ruleId !== 'sgr-ap0002');
    assert.equal(
      (await rejection(ruleToEdit(ctx, R, idx, 'sgr-gone', APP))).message,
      'Rule sgr-gone no longer exists (someone removed it); the tree has been refreshed. Nothing was changed.',
    );
    assert.ok(
      !store
        .index(R)!
        .rulesOf(APP)
        .some((r) => r.ruleId === 'sgr-ap0002'),
      'refreshed',
    );
    assert.equal(
      (await rejection(ruleToEdit(ctx, R, idx, 'sgr-gone'))).message,
      'Rule sgr-gone is not in the loaded data of us-east-1 (someone may have removed it). Refresh the tree.',
    );
  });

  it('editedRule keeps what the edit leaves out, and validates the result', async () => {
    const rule = new FakeAws().rules[1];
    assert.deepEqual([editedRule(rule, { fromPort: 8443 }).fromPort, editedRule(rule, { fromPort: 8443 }).toPort], [8443, 8443]);
    assert.equal(editedRule(rule, { description: 'Admin' }).description, 'Admin');
    assert.throws(() => editedRule(rule, { fromPort: 70000 }), /65535/);
  });

  it('a description-only edit asks nothing; the rule keeps its id', async () => {
    const aws = new FakeAws();
    const { ctx, ui, load } = fakeContext(aws);
    const idx = await load();
    const done = await modifyRule(ctx, R, idx, idx.snapshot.rules[1], { description: 'VPN users' });
    assert.equal(done!.message, 'Rule sgr-ap0001 is now tcp 443 from 10.1.0.0/16.');
    assert.equal(aws.rules[1].description, 'VPN users');
    assert.deepEqual(ui.confirms, []);
  });

  it('an edit that changes what the rule allows is confirmed, with before and after; "no" sends nothing', async () => {
    const aws = new FakeAws();
    const { ctx, ui, load } = fakeContext(aws, [false, true]);
    const idx = await load();
    const rule = idx.snapshot.rules[1];
    assert.equal(await modifyRule(ctx, R, idx, rule, { fromPort: 8443, toPort: 8443 }), undefined);
    assert.equal(aws.count('modifyRule'), 0);
    assert.equal((await modifyRule(ctx, R, idx, rule, { fromPort: 8443, toPort: 8443 }))!.value, 'sgr-ap0001');
    assert.equal(ui.confirms[0].message, 'Change what rule sgr-ap0001 allows?');
    assert.match(ui.confirms[0].detail, /^appsrv1, inbound\nBefore: tcp 443 from 10\.1\.0\.0\/16\nAfter: {2}tcp 8443 from 10\.1\.0\.0\/16\n/);
    assert.equal(aws.rules[1].fromPort, 8443);
  });

  it('a database port newly open to the whole internet gets that confirmation instead (one question)', async () => {
    const aws = new FakeAws();
    const { ctx, ui, load } = fakeContext(aws, [true]);
    const idx = await load();
    await modifyRule(ctx, R, idx, idx.snapshot.rules[1], { fromPort: 3306, toPort: 3306, source: { cidr: '0.0.0.0/0' } });
    assert.deepEqual(
      ui.confirms.map((c) => c.message),
      ['Open tcp 3306 to the whole internet?'],
    );
  });

  it('refuses an edit another rule already allows', async () => {
    const aws = new FakeAws();
    const { ctx, load } = fakeContext(aws);
    const idx = await load();
    assert.equal(
      (await rejection(modifyRule(ctx, R, idx, idx.snapshot.rules[2], { fromPort: 443, toPort: 443, source: { cidr: '10.1.0.0/16' } }))).message,
      'Rule sgr-ap0001 already allows this; nothing was changed.',
    );
  });

  it('a rule removed elsewhere meanwhile: says so, the tree refreshed, nothing changed', async () => {
    const aws = new FakeAws();
    const { ctx, load, store } = fakeContext(aws);
    const idx = await load();
    aws.rules = aws.rules.filter((r) => r.ruleId !== 'sgr-ap0001');
    const e = await rejection(modifyRule(ctx, R, idx, idx.snapshot.rules[1], { description: 'x' }));
    assert.equal(
      e.message,
      'Rule sgr-ap0001 no longer exists (someone removed it since the tree was loaded); the tree has been refreshed. Nothing was changed.',
    );
    assert.ok(
      !store
        .index(R)!
        .rulesOf(APP)
        .some((r) => r.ruleId === 'sgr-ap0001'),
    );
  });

  it('an answer lost (reset, applied): success; never applied: unchanged; the rule gone: says so; the re-read failing: cannot tell', async () => {
    const reset = Object.assign(awsError('TimeoutError', 0, 3), { $metadata: { attempts: 3 } });
    const aws = new FakeAws().fault('modifyRule', { applied: true, error: reset });
    const { ctx, load, logs } = fakeContext(aws);
    const idx = await load();
    const rule = idx.snapshot.rules[1];
    assert.equal((await modifyRule(ctx, R, idx, rule, { description: 'a' }))!.value, rule.ruleId);
    assert.ok(logs.some((l) => /^info: edit rule sgr-ap0001: the call failed/.test(l)));
    aws.fault('modifyRule', { error: awsError('Unavailable', 503, 3) });
    assert.match(
      (await rejection(modifyRule(ctx, R, idx, rule, { description: 'b' }))).message,
      /^Could not edit rule sgr-ap0001: AWS had an internal error \(HTTP 503, Unavailable\)\. Try again in a moment\. The rule, read again, is unchanged\.$/,
    );
    aws.fault('modifyRule', { before: () => (aws.rules = aws.rules.filter((r) => r.ruleId !== rule.ruleId)), error: awsError('Unavailable', 503, 3) });
    assert.match((await rejection(modifyRule(ctx, R, idx, rule, { description: 'c' }))).message, /The rule no longer exists\.$/);
    aws.rules.push(rule);
    aws.fault('modifyRule', { error: awsError('Unavailable', 503, 3) }).fault('readRules', { error: awsError('Unavailable', 503) });
    assert.equal(
      (await rejection(modifyRule(ctx, R, idx, rule, { description: 'd' }))).message,
      'Could not tell whether rule sgr-ap0001 was changed: AWS had an internal error (HTTP 503, Unavailable). Try again in a moment. Refresh the tree to check.',
    );
  });

  it('cancelled before the call: nothing is sent', async () => {
    const aws = new FakeAws();
    const { ctx, ui, load } = fakeContext(aws);
    const idx = await load();
    ui.cancelProgress();
    assert.equal((await rejection(modifyRule(ctx, R, idx, idx.snapshot.rules[1], { description: 'x' }))).name, 'CancelledError');
    assert.equal(aws.count('modifyRule'), 0);
  });
});

describe('ops: revokeRules', () => {
  // Two batches: appsrv1 inbound (two rules), dbsrv1 inbound (one).
  const three = { ruleIds: ['sgr-ap0001', 'sgr-ap0002', 'sgr-db0001'] };
  const left = (aws: FakeAws) => three.ruleIds.filter((id) => aws.rules.some((r) => r.ruleId === id));

  it('asks first with every rule listed, then one call per group and direction', async () => {
    const aws = new FakeAws();
    const { ctx, ui, load, store } = fakeContext(aws, [true]);
    const done = await revokeRules(ctx, R, await load(), three);
    assert.deepEqual(done!.value, three.ruleIds);
    assert.equal(done!.message, 'Removed 3 rule(s): sgr-ap0001, sgr-ap0002, sgr-db0001.');
    assert.equal(ui.confirms[0].message, 'Remove these 3 rules?');
    assert.match(
      ui.confirms[0].detail,
      /^• appsrv1: inbound tcp 443 from 10\.1\.0\.0\/16 \(sgr-ap0001\)\n• appsrv1: inbound tcp 22 from 10\.2\.0\.0\/16 \(sgr-ap0002\)\n• dbsrv1: inbound tcp 3306 from appsrv1 \(sg-0a000001\) \(sgr-db0001\)\n\nWhatever these rules allow stops at once\.$/,
    );
    assert.equal(aws.count('revokeRules'), 2);
    assert.deepEqual(left(aws), []);
    assert.equal(store.index(R)!.rulesOf(APP).length, 1);
  });

  it('"no" removes nothing', async () => {
    const aws = new FakeAws();
    const { ctx, load } = fakeContext(aws, [false]);
    assert.equal(await revokeRules(ctx, R, await load(), { ruleIds: ['sgr-ap0001'] }), undefined);
    assert.equal(aws.count('revokeRules'), 0);
  });

  it('refuses an unknown rule (a stale tree node refreshes its group), and a rule of another group', async () => {
    const aws = new FakeAws();
    const { ctx, load } = fakeContext(aws);
    const idx = await load();
    assert.equal(
      (await rejection(revokeRules(ctx, R, idx, { ruleIds: ['sgr-gone'] }))).message,
      'Rule sgr-gone is not in the loaded data of us-east-1 (someone may have removed it already). Refresh the tree.',
    );
    assert.equal(
      (await rejection(revokeRules(ctx, R, idx, { ruleIds: ['sgr-gone'], fromTree: new Map([['sgr-gone', APP]]) }))).message,
      'Rule sgr-gone no longer exists (someone removed it); the tree has been refreshed. Nothing was removed.',
    );
    assert.equal(
      (await rejection(revokeRules(ctx, R, idx, { ruleIds: ['sgr-db0001'], groupId: SPARE }))).message,
      `Rule sgr-db0001 belongs to ${DB}, not ${SPARE}.`,
    );
  });

  it('a rule removed elsewhere after the confirmation: refused before any call, the tree refreshed', async () => {
    const aws = new FakeAws();
    const { ctx, load } = fakeContext(aws, [true]);
    const idx = await load();
    aws.rules = aws.rules.filter((r) => r.ruleId !== 'sgr-ap0002');
    assert.equal(
      (await rejection(revokeRules(ctx, R, idx, three))).message,
      'sgr-ap0002 no longer exists (removed since the tree was loaded); the tree has been refreshed. Nothing was removed: select the rules again.',
    );
    assert.equal(aws.count('revokeRules'), 0);
  });

  it('a failure part way says exactly which rules were removed and which were not', async () => {
    const aws = new FakeAws();
    const { ctx, load } = fakeContext(aws, [true]);
    const idx = await load();
    // The first call goes through; the second fails on every attempt.
    let n = 0;
    aws.on.set('revokeRules', () => {
      if (++n === 2) aws.fault('revokeRules', { error: awsError('Unavailable', 503, 3) });
    });
    const e = await rejection(revokeRules(ctx, R, idx, three));
    assert.equal(
      e.message,
      'Could not remove the rules: AWS had an internal error (HTTP 503, Unavailable). Try again in a moment. Removed: sgr-ap0001, sgr-ap0002; not removed: sgr-db0001.',
    );
    assert.deepEqual(left(aws), ['sgr-db0001']);
  });

  it('an answer lost on the first call (applied): read again, gone; the second call is still made, once', async () => {
    const aws = new FakeAws().fault('revokeRules', { applied: true, error: awsError('Unavailable', 503) });
    const { ctx, load } = fakeContext(aws, [true]);
    const done = await revokeRules(ctx, R, await load(), three);
    assert.deepEqual(done!.value, three.ruleIds);
    assert.equal(aws.count('revokeRules'), 2);
    assert.deepEqual(left(aws), []);
  });

  it('the re-read after a failure fails too: what was removed for sure, and what could not be checked', async () => {
    const aws = new FakeAws();
    const { ctx, load } = fakeContext(aws, [true]);
    const idx = await load();
    let n = 0;
    aws.on.set('revokeRules', () => {
      if (++n === 2) aws.fault('revokeRules', { error: awsError('Unavailable', 503, 3) }).fault('readRules', { error: awsError('Unavailable', 503) });
    });
    assert.equal(
      (await rejection(revokeRules(ctx, R, idx, three))).message,
      'Could not remove the rules: AWS had an internal error (HTTP 503, Unavailable). Try again in a moment. Removed for sure: sgr-ap0001, sgr-ap0002; could not read the groups again to check sgr-db0001. Refresh the tree to see what is left.',
    );
  });

  it('cancelled before the first call: nothing is removed, nothing said', async () => {
    const aws = new FakeAws();
    const { ctx, ui, load } = fakeContext(aws, [true]);
    const idx = await load();
    ui.cancelProgress();
    assert.equal((await rejection(revokeRules(ctx, R, idx, three))).name, 'CancelledError');
    assert.equal(aws.count('revokeRules'), 0);
  });

  it('cancelled while the first call is in flight: it completes, the next is not sent, and the message says exactly what was removed', async () => {
    const aws = new FakeAws();
    const { ctx, ui, load, store } = fakeContext(aws, [true]);
    const idx = await load();
    aws.on.set('revokeRules', () => ui.cancelProgress());
    const e = await rejection(revokeRules(ctx, R, idx, three));
    assert.equal(e.name, 'UserError');
    assert.equal(e.message, 'Cancelled part way: removed sgr-ap0001, sgr-ap0002; not removed: sgr-db0001.');
    assert.equal(aws.count('revokeRules'), 1);
    assert.deepEqual(left(aws), ['sgr-db0001']);
    assert.ok(
      !store
        .index(R)!
        .rulesOf(APP)
        .some((r) => r.ruleId === 'sgr-ap0001'),
      'the tree shows what is left',
    );
  });

  it('cancelled during the last call: too late to stop, reported as done', async () => {
    const aws = new FakeAws();
    const { ctx, ui, load } = fakeContext(aws, [true]);
    const idx = await load();
    let n = 0;
    aws.on.set('revokeRules', () => {
      if (++n === 2) ui.cancelProgress();
    });
    assert.deepEqual((await revokeRules(ctx, R, idx, three))!.value, three.ruleIds);
    assert.deepEqual(left(aws), []);
  });
});
