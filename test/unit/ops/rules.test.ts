import * as assert from 'node:assert/strict';
import { buildRule, type RuleDraft, type RuleInput } from '../../../src/domain/changes';
import type { RuleEdit } from '../../../src/ops/rules';
import { authorizeRule, editedRule, modifyRule, REPLACE_NOTE, revokeRules, ruleToEdit } from '../../../src/ops/rules';
import { COPY_AS_CODE, COPY_AS_CODE_INSTEAD } from '../../../src/ui/prompter';
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

  it('"Copy as Code…" of the world-open confirmation copies the rule in the chosen format and sends nothing', async () => {
    const aws = new FakeAws();
    const { ctx, ui, load } = fakeContext(aws, [COPY_AS_CODE, 'Terraform']);
    const idx = await load();
    assert.equal(await authorizeRule(ctx, R, idx, draft({ groupId: DB, fromPort: 3306, source: { cidr: '0.0.0.0/0' } })), undefined);
    assert.equal(aws.count('authorizeRule'), 0);
    assert.equal(ui.confirms[0].code, COPY_AS_CODE);
    assert.equal(ui.copied.length, 1);
    assert.match(ui.copied[0], /resource "aws_vpc_security_group_ingress_rule" "dbsrv1_ingress_tcp_3306" \{/);
    assert.match(ui.copied[0], new RegExp(`security_group_id = "${DB}"`));
    assert.match(ui.copied[0], /cidr_ipv4 += "0\.0\.0\.0\/0"/);
    assert.deepEqual(ui.infos, ['Copied the change as Terraform to the clipboard; nothing was changed.']);
  });

  it('a group a CloudFormation stack manages: the rule is confirmed with the drift warning; "Copy as Code Instead" sends nothing, "Add Rule" adds it', async () => {
    const aws = new FakeAws();
    aws.groups = aws.groups.map((g) => (g.groupId === APP ? { ...g, tags: { 'aws:cloudformation:stack-name': 'shop-prod' } } : g));
    const { ctx, ui, load } = fakeContext(aws, [COPY_AS_CODE_INSTEAD, 'AWS CLI', true]);
    const idx = await load();
    assert.equal(await authorizeRule(ctx, R, idx, draft()), undefined);
    assert.equal(aws.count('authorizeRule'), 0);
    assert.equal(ui.confirms[0].message, 'Add tcp 8080 from 10.9.0.0/16 to appsrv1, managed by CloudFormation stack shop-prod?');
    assert.match(ui.confirms[0].detail, /will drift from its source/);
    assert.equal(ui.confirms[0].code, COPY_AS_CODE_INSTEAD);
    assert.match(ui.copied[0], new RegExp(`^aws ec2 authorize-security-group-ingress --region ${R} --group-id ${APP} `, 'm'));
    assert.equal((await authorizeRule(ctx, R, idx, draft()))!.value.length, 1);
    assert.equal(aws.count('authorizeRule'), 1);
  });

  it('auroraSg.managedByTags decides what is managed: ManagedBy=terraform by default, nothing with an empty list', async () => {
    const aws = new FakeAws();
    aws.groups = aws.groups.map((g) => (g.groupId === APP ? { ...g, tags: { ManagedBy: 'terraform' } } : g));
    const { ctx, ui, load } = fakeContext(aws, [false]);
    const idx = await load();
    assert.equal(await authorizeRule(ctx, R, idx, draft()), undefined);
    assert.equal(ui.confirms[0].message, 'Add tcp 8080 from 10.9.0.0/16 to appsrv1, managed by terraform?');
    const off = fakeContext(aws);
    const quiet = { ...off.ctx, settings: { managedByTags: [] } };
    assert.equal((await authorizeRule(quiet, R, await off.load(), draft()))!.value.length, 1);
    assert.equal(off.ui.confirms.length, 0);
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

  it('a description-only edit asks nothing, goes through UpdateSecurityGroupRuleDescriptions (not ModifySecurityGroupRules); the rule keeps its id', async () => {
    const aws = new FakeAws();
    const { ctx, ui, load } = fakeContext(aws);
    const idx = await load();
    const done = await modifyRule(ctx, R, idx, idx.snapshot.rules[1], { description: 'VPN users' });
    assert.equal(done!.message, 'Rule sgr-ap0001 is now tcp 443 from 10.1.0.0/16 ("VPN users").');
    assert.equal(aws.rules[1].description, 'VPN users');
    assert.equal(aws.rules[1].ruleId, 'sgr-ap0001');
    assert.deepEqual(ui.confirms, []);
    assert.deepEqual([aws.count('updateRuleDescription'), aws.count('modifyRule')], [1, 0]);
    // An empty description removes it; an edit that changes nothing sends nothing.
    const idx2 = ctx.store.index(R)!;
    assert.equal(
      (await modifyRule(ctx, R, idx2, idx2.snapshot.rules[1], { description: '' }))!.message,
      'Rule sgr-ap0001 is now tcp 443 from 10.1.0.0/16, with no description.',
    );
    assert.equal(aws.rules[1].description, undefined);
    assert.equal((await modifyRule(ctx, R, idx2, idx2.snapshot.rules[2], { fromPort: 22 }))!.message, 'Rule sgr-ap0002 already reads so; nothing was changed.');
    assert.deepEqual([aws.count('updateRuleDescription'), aws.count('modifyRule')], [2, 0]);
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
    assert.equal(aws.rules[1].ruleId, 'sgr-ap0001', 'same kind: modified in place');
    assert.deepEqual([aws.count('modifyRule'), aws.count('authorizeRule'), aws.count('revokeRules'), aws.count('updateRuleDescription')], [1, 0, 0, 0]);
  });

  it('editing or removing a rule of a group a CloudFormation stack manages: the drift warning, and Copy as Code Instead copies the group as it would be after the change; nothing is sent', async () => {
    const aws = new FakeAws();
    aws.groups = aws.groups.map((g) => (g.groupId === APP ? { ...g, tags: { 'aws:cloudformation:stack-name': 'shop-prod' } } : g));
    const { ctx, ui, load } = fakeContext(aws, [COPY_AS_CODE_INSTEAD, 'Terraform', COPY_AS_CODE_INSTEAD, 'Terraform']);
    const idx = await load();
    const rule = idx.snapshot.rules[1];
    const kept = idx.rulesOf(APP).filter((r) => r.ruleId !== rule.ruleId);
    assert.equal(await modifyRule(ctx, R, idx, rule, { fromPort: 8443, toPort: 8443 }), undefined);
    assert.equal(ui.confirms[0].code, COPY_AS_CODE_INSTEAD);
    assert.match(
      ui.confirms[0].detail,
      /appsrv1 \(sg-[0-9a-f]+\) is managed by CloudFormation stack shop-prod .*will drift.*The code is the group as it would be after this change\./s,
    );
    // The edited rule at its new port, under its own id (imported), and every other rule of the group kept.
    assert.match(ui.copied[0], /from_port += 8443/);
    assert.doesNotMatch(ui.copied[0], /from_port += 443\n/);
    assert.match(ui.copied[0], new RegExp(`id = "${rule.ruleId}"`));
    for (const r of kept) assert.match(ui.copied[0], new RegExp(`id = "${r.ruleId}"`));
    assert.equal(await revokeRules(ctx, R, idx, { ruleIds: [rule.ruleId] }), undefined);
    assert.equal(ui.confirms[1].code, COPY_AS_CODE_INSTEAD);
    assert.doesNotMatch(ui.copied[1], new RegExp(rule.ruleId), 'the removed rule is gone from the group as code');
    for (const r of kept) assert.match(ui.copied[1], new RegExp(`id = "${r.ruleId}"`));
    assert.deepEqual([aws.count('modifyRule'), aws.count('revokeRules'), aws.count('authorizeRule')], [0, 0, 0]);
  });

  it('same kind, another CIDR or group: ModifySecurityGroupRules in place, with its port and description', async () => {
    const aws = new FakeAws();
    const { ctx, load } = fakeContext(aws, [true, true]);
    const idx = await load();
    await modifyRule(ctx, R, idx, idx.snapshot.rules[1], { source: { cidr: '10.3.0.0/16' }, description: 'Office' });
    await modifyRule(ctx, R, idx, idx.snapshot.rules[0], { source: { groupId: SPARE } });
    assert.deepEqual(aws.rules[1].peer, { kind: 'cidr4', cidr: '10.3.0.0/16' });
    assert.equal(aws.rules[1].description, 'Office');
    assert.deepEqual(aws.rules[0].peer, { kind: 'group', groupId: SPARE, userId: undefined });
    assert.deepEqual([aws.count('modifyRule'), aws.count('authorizeRule')], [2, 0]);
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

  it('a description edit answered with success while the rule is gone (as moto answers): says so, not success', async () => {
    const aws = new FakeAws();
    const { ctx, load } = fakeContext(aws);
    const idx = await load();
    aws.on.set('readRules', () => (aws.rules = aws.rules.filter((r) => r.ruleId !== 'sgr-ap0001')));
    assert.equal(
      (await rejection(modifyRule(ctx, R, idx, idx.snapshot.rules[1], { description: 'x' }))).message,
      'Rule sgr-ap0001 no longer exists (someone removed it since the tree was loaded); the tree has been refreshed. Nothing was changed.',
    );
  });

  it('an answer lost (reset, applied): success; never applied: unchanged; the rule gone: says so; the re-read failing: cannot tell', async () => {
    const reset = Object.assign(awsError('TimeoutError', 0, 3), { $metadata: { attempts: 3 } });
    const aws = new FakeAws().fault('updateRuleDescription', { applied: true, error: reset });
    const { ctx, load, logs } = fakeContext(aws);
    const idx = await load();
    const rule = idx.snapshot.rules[1];
    assert.equal((await modifyRule(ctx, R, idx, rule, { description: 'a' }))!.value, rule.ruleId);
    assert.ok(logs.some((l) => /^info: edit the description of rule sgr-ap0001: the call failed/.test(l)));
    aws.fault('updateRuleDescription', { error: awsError('Unavailable', 503, 3) });
    assert.match(
      (await rejection(modifyRule(ctx, R, idx, rule, { description: 'b' }))).message,
      /^Could not edit the description of rule sgr-ap0001: AWS had an internal error \(HTTP 503, Unavailable\)\. Try again in a moment\. The rule, read again, is unchanged\.$/,
    );
    aws.fault('updateRuleDescription', {
      before: () => (aws.rules = aws.rules.filter((r) => r.ruleId !== rule.ruleId)),
      error: awsError('Unavailable', 503, 3),
    });
    assert.match((await rejection(modifyRule(ctx, R, idx, rule, { description: 'c' }))).message, /The rule no longer exists\.$/);
    aws.rules.push(rule);
    aws.fault('updateRuleDescription', { error: awsError('Unavailable', 503, 3) }).fault('readRules', { error: awsError('Unavailable', 503) });
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
    assert.deepEqual([aws.count('modifyRule'), aws.count('updateRuleDescription')], [0, 0]);
  });
});

describe('ops: modifyRule, a change of kind (AWS refuses it in ModifySecurityGroupRules): replaced', () => {
  it('the fake account refuses a kind change in modifyRule, as AWS does', async () => {
    const aws = new FakeAws();
    const e = await rejection(
      aws.gateway().modifyRule(R, APP, 'sgr-ap0001', { protocol: 'tcp', fromPort: 443, toPort: 443, peer: { kind: 'group', groupId: SPARE } }),
    );
    assert.equal(e.name, 'InvalidParameterValue');
    assert.deepEqual(aws.rules[1].peer, { kind: 'cidr4', cidr: '10.1.0.0/16' });
  });

  const kinds: [string, RuleEdit['source'], RegExp][] = [
    ['CIDR to group', { groupId: SPARE }, /^tcp 443 from spare \(sg-0a000003\)$/],
    ['IPv4 to IPv6', { cidr: '2001:db8::/32' }, /^tcp 443 from 2001:db8::\/32$/],
    ['CIDR to prefix list', { prefixListId: 'pl-0123abcd' }, /^tcp 443 from prefix list pl-0123abcd$/],
  ];
  for (const [what, source, after] of kinds) {
    it(`${what}: confirmed as a replace; the new rule is added, checked, then the old one removed`, async () => {
      const aws = new FakeAws();
      const { ctx, ui, load, store } = fakeContext(aws, [true]);
      const idx = await load();
      const done = await modifyRule(ctx, R, idx, idx.snapshot.rules[1], { source, description: 'moved' });
      assert.equal(ui.confirms.length, 1);
      assert.equal(ui.confirms[0].message, 'Replace rule sgr-ap0001?');
      assert.ok(
        ui.confirms[0].detail.startsWith(`${REPLACE_NOTE}\nappsrv1, inbound\nBefore: tcp 443 from 10.1.0.0/16 (sgr-ap0001)\nAfter:  `),
        ui.confirms[0].detail,
      );
      assert.ok(!aws.rules.some((r) => r.ruleId === 'sgr-ap0001'), 'the old rule is gone');
      const added = aws.rules.find((r) => r.ruleId === done!.value)!;
      assert.equal(added.description, 'moved');
      assert.equal(added.fromPort, 443);
      assert.match(done!.message, new RegExp(`^Replaced rule sgr-ap0001 with ${done!.value}: `));
      assert.match(done!.message.split(': ')[1].split(' (AWS')[0], after);
      assert.deepEqual(aws.calls.filter((c) => c === 'authorizeRule' || c === 'readRules' || c === 'revokeRules' || c === 'modifyRule').slice(0, 3), [
        'authorizeRule',
        'readRules',
        'revokeRules',
      ]);
      assert.equal(aws.count('modifyRule'), 0);
      assert.ok(
        store
          .index(R)!
          .rulesOf(APP)
          .some((r) => r.ruleId === done!.value) &&
          !store
            .index(R)!
            .rulesOf(APP)
            .some((r) => r.ruleId === 'sgr-ap0001'),
      );
    });
  }

  it('"no" sends nothing', async () => {
    const aws = new FakeAws();
    const { ctx, load } = fakeContext(aws, [false]);
    const idx = await load();
    assert.equal(await modifyRule(ctx, R, idx, idx.snapshot.rules[1], { source: { groupId: SPARE } }), undefined);
    assert.deepEqual([aws.count('authorizeRule'), aws.count('revokeRules'), aws.count('modifyRule')], [0, 0, 0]);
  });

  it('a database port newly open to the whole internet: that confirmation, saying it is a replace, and only that one', async () => {
    const aws = new FakeAws();
    const { ctx, ui, load } = fakeContext(aws, [true]);
    const idx = await load();
    const done = await modifyRule(ctx, R, idx, idx.snapshot.rules[0], { source: { cidr: '0.0.0.0/0' } });
    assert.deepEqual(
      ui.confirms.map((c) => c.message),
      ['Open tcp 3306 to the whole internet?'],
    );
    assert.ok(ui.confirms[0].detail.startsWith(REPLACE_NOTE));
    assert.deepEqual(aws.rules.find((r) => r.ruleId === done!.value)!.peer, { kind: 'cidr4', cidr: '0.0.0.0/0' });
  });

  it('the new rule is refused: nothing changed, the old rule in place, no revoke', async () => {
    const aws = new FakeAws().fault('authorizeRule', { error: awsError('RulesPerSecurityGroupLimitExceeded', 400) });
    const { ctx, load } = fakeContext(aws, [true, true]);
    const idx = await load();
    const before = JSON.stringify(aws.rules);
    const e = await rejection(modifyRule(ctx, R, idx, idx.snapshot.rules[1], { source: { groupId: SPARE } }));
    assert.equal(e.name, 'UserError');
    assert.match(e.message, /The old rule sgr-ap0001 was not removed: nothing was changed\.$/);
    assert.equal(JSON.stringify(aws.rules), before);
    assert.equal(aws.count('revokeRules'), 0);
    // Never applied (HTTP 503 on every attempt): the re-read says so.
    aws.fault('authorizeRule', { error: awsError('Unavailable', 503, 3) });
    assert.match(
      (await rejection(modifyRule(ctx, R, idx, idx.snapshot.rules[1], { source: { groupId: SPARE } }))).message,
      /^Could not add tcp 443 from spare \(sg-0a000003\) to appsrv1: .*Nothing was added: the group, read again, does not have the rule\. The old rule sgr-ap0001 was not removed: nothing was changed\.$/,
    );
    assert.equal(JSON.stringify(aws.rules), before);
    assert.equal(aws.count('revokeRules'), 0);
  });

  it('the outcome of the add unknown: the old rule was not removed, and the message says to refresh', async () => {
    const aws = new FakeAws().fault('authorizeRule', { error: awsError('Unavailable', 503, 3) }).fault('readRules', { error: awsError('Unavailable', 503) });
    const { ctx, load } = fakeContext(aws, [true]);
    const idx = await load();
    const e = await rejection(modifyRule(ctx, R, idx, idx.snapshot.rules[1], { source: { groupId: SPARE } }));
    assert.match(
      e.message,
      /^Could not tell whether .* Refresh the tree to check before trying again\. The old rule sgr-ap0001 was not removed and is still in place\.$/,
    );
    assert.equal(aws.count('revokeRules'), 0);
  });

  it('added, but the old rule cannot be removed: both ids, and that both are in place now', async () => {
    const aws = new FakeAws().fault('revokeRules', { error: awsError('Unavailable', 503, 3) });
    const { ctx, load, store } = fakeContext(aws, [true]);
    const idx = await load();
    const e = await rejection(modifyRule(ctx, R, idx, idx.snapshot.rules[1], { source: { groupId: SPARE } }));
    const added = aws.rules.find((r) => r.peer.kind === 'group' && r.groupId === APP)!;
    assert.equal(
      e.message,
      `Could not remove the old rule sgr-ap0001: AWS had an internal error (HTTP 503, Unavailable). Try again in a moment. Added the new rule ${added.ruleId} (tcp 443 from spare (sg-0a000003)); the old rule sgr-ap0001 (tcp 443 from 10.1.0.0/16) was not removed: both are in place now. Remove sgr-ap0001 to finish the replace.`,
    );
    assert.ok(aws.rules.some((r) => r.ruleId === 'sgr-ap0001'));
    const shown = store
      .index(R)!
      .rulesOf(APP)
      .map((r) => r.ruleId);
    assert.ok(shown.includes('sgr-ap0001') && shown.includes(added.ruleId), 'the tree shows both');
  });

  it('the revoke answer lost (applied): read again, the old rule is gone: a success', async () => {
    const aws = new FakeAws().fault('revokeRules', { applied: true, error: awsError('Unavailable', 503) });
    const { ctx, load } = fakeContext(aws, [true]);
    const idx = await load();
    const done = await modifyRule(ctx, R, idx, idx.snapshot.rules[1], { source: { groupId: SPARE } });
    assert.ok(!aws.rules.some((r) => r.ruleId === 'sgr-ap0001'));
    assert.ok(aws.rules.some((r) => r.ruleId === done!.value));
  });

  it('added, but the group read again does not show it: the old rule is not removed', async () => {
    const aws = new FakeAws();
    const { ctx, load } = fakeContext(aws, [true]);
    const idx = await load();
    // Someone removes the new rule right after it was added.
    aws.on.set('readRules', () => (aws.rules = aws.rules.filter((r) => r.peer.kind !== 'group' || r.groupId !== APP)));
    const e = await rejection(modifyRule(ctx, R, idx, idx.snapshot.rules[1], { source: { groupId: SPARE } }));
    assert.match(e.message, /does not have it\. The old rule sgr-ap0001 was not removed and is still in place\./);
    assert.equal(aws.count('revokeRules'), 0);
    assert.ok(aws.rules.some((r) => r.ruleId === 'sgr-ap0001'));
  });

  it('cancelled after the add: the old rule is not removed, and the message says both are in place', async () => {
    const aws = new FakeAws();
    const { ctx, ui, load } = fakeContext(aws, [true]);
    const idx = await load();
    aws.on.set('authorizeRule', () => ui.cancelProgress());
    const e = await rejection(modifyRule(ctx, R, idx, idx.snapshot.rules[1], { source: { groupId: SPARE } }));
    assert.match(e.message, /^Cancelled part way: Added the new rule sgr-n\d+ .*both are in place now\. Remove sgr-ap0001 to finish the replace\.$/);
    assert.equal(aws.count('revokeRules'), 0);
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
    assert.equal(done!.message, 'Removed 3 rules: sgr-ap0001, sgr-ap0002, sgr-db0001.');
    assert.equal(ui.confirms[0].message, 'Remove these 3 rules?');
    assert.match(
      ui.confirms[0].detail,
      /^• appsrv1: inbound tcp 443 from 10\.1\.0\.0\/16 \(sgr-ap0001\)\n• appsrv1: inbound tcp 22 from 10\.2\.0\.0\/16 \(sgr-ap0002\)\n• dbsrv1: inbound tcp 3306 from appsrv1 \(sg-0a000001\) \(sgr-db0001\)\n\nThese lose their only path to the database:\n• orders \(port 3306\): appsrv1 \(sg-0a000001\)\n\nWhatever these rules allow stops at once\.$/,
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
