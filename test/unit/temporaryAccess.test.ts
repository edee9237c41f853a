// Temporary access (issue 18): the expiry encoded in a rule's description, the durations, the
// address, the watch that removes expired rules (an injected clock, no waiting), and the
// operations through the fake account.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { findings } from '../../src/domain/analysis';
import { RegionIndex, type RegionSnapshot, type SecurityGroupRule } from '../../src/domain/model';
import {
  addressCidr,
  decodeTemporary,
  encodeTemporary,
  MAX_DESCRIPTION,
  nextExpiry,
  parseDuration,
  temporaryRules,
  timeLeftText,
} from '../../src/domain/temporaryAccess';
import { allowMyIp, revokeTemporary } from '../../src/ops/temporaryAccess';
import { TemporaryWatch } from '../../src/state/temporaryWatch';
import { manualClock } from '../harness/manualClock';
import { FakeAws, fakeContext, R } from './ops/fakeAws';

// EC2 API Reference, IpRange Description: up to 255 characters, a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*
const AWS_DESCRIPTION = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]{0,255}$/;
const T0 = Date.parse('2026-12-02T16:00:00Z');

describe('temporary access: the expiry in the description', () => {
  it('reads back what it wrote, rounded up to the minute: "temporary until 2026-12-02T18:00Z by arn:..."', () => {
    const d = encodeTemporary(Date.parse('2026-12-02T17:59:30Z'), 'arn:aws:iam::123456789012:user/ana');
    assert.equal(d, 'temporary until 2026-12-02T18:00Z by arn:aws:iam::123456789012:user/ana');
    assert.deepEqual(decodeTemporary(d), { expiresAt: Date.parse('2026-12-02T18:00:00Z'), caller: 'arn:aws:iam::123456789012:user/ana' });
  });

  it('property: any expiry and any caller give a description AWS accepts, that decodes to the same minute', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('2000-01-01'), max: Date.parse('2099-01-01') }), fc.string({ maxLength: 400 }), (at, caller) => {
        const d = encodeTemporary(at, caller);
        assert.ok(d.length <= MAX_DESCRIPTION, d);
        assert.match(d, AWS_DESCRIPTION);
        const m = decodeTemporary(d);
        assert.ok(m, d);
        assert.equal(m.expiresAt, Math.ceil(at / 60_000) * 60_000);
        assert.ok(m.expiresAt >= at && m.expiresAt - at < 60_000);
      }),
    );
  });

  it('property: a description a user wrote is never taken for an expiry', () => {
    for (const d of [
      'temporary until the migration is done',
      'Temporary until 2026-12-02T18:00Z by ana',
      'temporary until 2026-12-02T18:00Z',
      'temporary until 2026-13-02T18:00Z by ana',
      'temporary until 2026-02-30T18:00Z by ana',
      'temporary until 2026-12-02T18:00Z by ana and bob',
      'office VPN temporary until 2026-12-02T18:00Z by ana',
      '',
    ])
      assert.equal(decodeTemporary(d), undefined, d);
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        const m = decodeTemporary(s);
        // Only the exact form encodeTemporary writes decodes.
        if (m) assert.equal(encodeTemporary(m.expiresAt, m.caller), s);
      }),
    );
  });

  it('time left: minutes, hours, days, expired', () => {
    assert.equal(timeLeftText(T0 + 42 * 60_000, T0), '42 min left');
    assert.equal(timeLeftText(T0 + 185 * 60_000, T0), '3 h 5 min left');
    assert.equal(timeLeftText(T0 + 3 * 86_400_000, T0), '3 days left');
    assert.equal(timeLeftText(T0 - 5 * 60_000, T0), 'expired 5 min ago');
  });

  it('durations typed: 45m, 2h, 1h30m, 1d, 90; refused: 0, 8d, words', () => {
    assert.deepEqual(parseDuration('45m'), { minutes: 45 });
    assert.deepEqual(parseDuration('2h'), { minutes: 120 });
    assert.deepEqual(parseDuration(' 1h 30m '), { minutes: 90 });
    assert.deepEqual(parseDuration('1d'), { minutes: 1440 });
    assert.deepEqual(parseDuration('90'), { minutes: 90 });
    for (const bad of ['', '0', '8d', 'soon', '2 hours please', '-1h']) assert.ok('error' in parseDuration(bad), bad);
    fc.assert(fc.property(fc.string(), (s) => void parseDuration(s)));
  });

  it('the address service answer: IPv4 -> /32, IPv6 -> /128, anything else refused', () => {
    assert.deepEqual(addressCidr('203.0.113.7\n'), { cidr: '203.0.113.7/32' });
    assert.deepEqual(addressCidr('2001:DB8::7'), { cidr: '2001:db8::7/128' });
    for (const bad of ['<html>', '203.0.113.256', '1.2.3', '01.2.3.4', '2001:db8:::1', '']) assert.ok('error' in addressCidr(bad), bad);
  });
});

const rule = (ruleId: string, description?: string, isEgress = false): SecurityGroupRule => ({
  region: R,
  ruleId,
  groupId: 'sg-0a000001',
  isEgress,
  protocol: 'tcp',
  fromPort: 3306,
  toPort: 3306,
  peer: { kind: 'cidr4', cidr: '203.0.113.7/32' },
  ...(description !== undefined ? { description } : {}),
});

function snapshot(rules: SecurityGroupRule[], loadedAt = T0): RegionSnapshot {
  return {
    region: R,
    vpcs: [],
    groups: [{ region: R, groupId: 'sg-0a000001', groupName: 'db', description: 'db', vpcId: 'vpc-1', tags: {} }],
    rules,
    clusters: [],
    instances: [],
    loadedAt,
  };
}

describe('temporary access: rules, findings and the watch', () => {
  const soon = encodeTemporary(T0 + 30 * 60_000, 'arn:aws:iam::1:user/a');
  const gone = encodeTemporary(T0 - 60 * 60_000, 'arn:aws:iam::1:user/b');

  it('finds the temporary inbound rules, soonest first; an expired one is a finding with a revoke fix', () => {
    const idx = new RegionIndex(snapshot([rule('sgr-1', soon), rule('sgr-2', gone), rule('sgr-3', 'office'), rule('sgr-4', gone, true)]));
    assert.deepEqual(
      temporaryRules(idx).map((t) => t.rule.ruleId),
      ['sgr-2', 'sgr-1'],
    );
    assert.equal(nextExpiry(temporaryRules(idx), T0), T0 + 30 * 60_000);
    const f = findings(idx).filter((x) => x.kind === 'temporary-expired');
    assert.deepEqual(
      f.map((x) => [x.ruleId, x.severity, x.fix]),
      [['sgr-2', 'medium', { kind: 'revoke', groupId: 'sg-0a000001', ruleIds: ['sgr-2'] }]],
    );
  });

  it('the watch removes an expired rule at once, arms a timer for the next, and removes that one when its time comes', async () => {
    let idx = new RegionIndex(snapshot([rule('sgr-1', soon), rule('sgr-2', gone)]));
    const revoked: string[][] = [];
    let passes = 0;
    const clock = manualClock(T0);
    const watch = new TemporaryWatch(
      {
        indexes: async () => [{ region: R, idx }],
        autoRevoke: () => true,
        revokeExpired: async (_r, i) => {
          const due = temporaryRules(i)
            .filter((t) => t.mark.expiresAt <= clock.now())
            .map((t) => t.rule.ruleId);
          revoked.push(due);
          idx = new RegionIndex(snapshot(i.snapshot.rules.filter((r) => !due.includes(r.ruleId))));
        },
        tick: () => void passes++,
      },
      clock,
    );
    await watch.check();
    assert.deepEqual(revoked, [['sgr-2']]);
    clock.advance(29 * 60_000);
    assert.deepEqual(revoked, [['sgr-2']], 'not before its time');
    clock.advance(60_000);
    await new Promise((r) => setImmediate(r));
    await watch.check();
    assert.deepEqual(revoked, [['sgr-2'], ['sgr-1']]);
    assert.ok(passes > 0, 'the tree was repainted for the time left');
    watch.dispose();
    assert.equal(clock.timers, 0);
  });

  it('with auto-revoke off nothing is removed and no expiry timer is armed', async () => {
    const idx = new RegionIndex(snapshot([rule('sgr-1', soon), rule('sgr-2', gone)]));
    const clock = manualClock(T0);
    let called = 0;
    const watch = new TemporaryWatch({ indexes: async () => [{ region: R, idx }], autoRevoke: () => false, revokeExpired: async () => void called++ }, clock);
    await watch.check();
    clock.advance(3_600_000);
    assert.equal(called, 0);
    watch.dispose();
  });
});

describe('temporary access: the operations through the fake account', () => {
  it('Allow My IP: asks the duration, confirms, adds a /32 rule whose description records the expiry and the caller', async () => {
    const aws = new FakeAws();
    const { ctx, ui, store } = fakeContext(aws, ['1 hour', true]);
    const idx = await store.load(R);
    const groupId = idx.snapshot.groups[0]!.groupId;
    const r = await allowMyIp(ctx, R, idx, { groupId, port: 3306 }, { address: async () => ({ cidr: '198.51.100.9/32' }), now: () => T0 });
    assert.ok(r && r.value.length === 1, JSON.stringify(r));
    const added = aws.rules.find((x) => x.ruleId === r.value[0]);
    assert.equal(added?.description, 'temporary until 2026-12-02T17:00Z by arn:aws:iam::123456789012:user/fake');
    assert.deepEqual(added?.peer, { kind: 'cidr4', cidr: '198.51.100.9/32' });
    assert.match(ui.asked.join('\n'), /Allow 198\.51\.100\.9\/32 to .* for 1 h\?/);
  });

  it('an expired rule whose description was changed since is left alone, and said so; an untouched one is removed without asking', async () => {
    const aws = new FakeAws();
    const { ctx, store } = fakeContext(aws, []);
    const idx0 = await store.load(R);
    const groupId = idx0.snapshot.groups[0]!.groupId;
    const expired = encodeTemporary(T0 - 60_000, 'arn:aws:iam::1:user/a');
    aws.rules.push(
      { ...rule('sgr-0e0000000000000a1', expired), groupId },
      { ...rule('sgr-0e0000000000000a2', expired), groupId, fromPort: 5432, toPort: 5432 },
    );
    const idx = await store.load(R);
    // Someone changes the second rule's description after the load.
    const i = aws.rules.findIndex((x) => x.ruleId === 'sgr-0e0000000000000a2');
    aws.rules[i] = { ...aws.rules[i]!, description: 'keep: the vendor needs it' };
    const r = await revokeTemporary(ctx, R, idx, { now: () => T0 });
    assert.deepEqual(r.value, ['sgr-0e0000000000000a1']);
    assert.match(r.message, /Not removed: sgr-0e0000000000000a2: .*changed since.*keep: the vendor needs it/);
    assert.ok(aws.rules.some((x) => x.ruleId === 'sgr-0e0000000000000a2'));
  });
});
