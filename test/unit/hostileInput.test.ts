// Hostile input, property-based (fast-check): the rule labeller on any rule AWS (or something
// pretending to be AWS) could send, the rule builder on any input, the error translator on any
// thrown value, and the redaction of credentials from every text that reaches the user.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { SecurityGroupRule as SdkRule } from '@aws-sdk/client-ec2';
import { attemptsOf, mayHaveApplied, redact, translateError } from '../../src/aws/errors';
import { safeProtocol, toRule } from '../../src/aws/reads';
import { canonicalCidr } from '../../src/domain/cidr';
import { buildRule, type RuleInput, type SourceInput } from '../../src/domain/changes';
import type { SecurityGroup, SecurityGroupRule } from '../../src/domain/model';
import { compareRules, peerLabel, portHint, portLabel, ruleLabel } from '../../src/domain/rules';
import { validateGroupId, validatePorts, validatePrefixListId, validateRuleDescription } from '../../src/domain/validation';

/** Runs per property; each run is microseconds. */
export const HOSTILE_RUNS = 2000;
const RUNS = { numRuns: HOSTILE_RUNS };

const hex = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });
/** Names JavaScript objects inherit: a lookup table indexed by them answers something odd. */
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '__defineGetter__', 'prototype'];
const weirdText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.constantFrom(
    ...PROTOTYPE_KEYS,
    '',
    ' ',
    'undefined',
    'null',
    'NaN',
    '<img src=x onerror=alert(1)>',
    '[x](command:auroraSg.refresh)',
    '$(alert)',
    '-1',
    'all',
  ),
);
/** What AWS sends as IpProtocol, and what a broken or hostile endpoint might. */
const anyProtocol = fc.oneof(
  fc.constantFrom('tcp', 'udp', 'icmp', 'icmpv6', '-1', '6', '17', '1', '58', '50', '132', 'TCP', 'all'),
  fc.integer({ min: -5, max: 300 }).map(String),
  weirdText,
);
const anyPort = fc.option(fc.oneof(fc.integer({ min: -1, max: 65535 }), fc.integer(), fc.constantFrom(-1, 0, 65535, 255)), { nil: undefined });
const groupId = fc.oneof(
  hex(8).map((h) => `sg-${h}`),
  hex(17).map((h) => `sg-${h}`),
);

/** An SDK SecurityGroupRule with exactly one peer (or, hostile, none), any values. */
const sdkRule: fc.Arbitrary<SdkRule> = fc
  .record({
    id: hex(17),
    GroupId: groupId,
    IsEgress: fc.option(fc.boolean(), { nil: undefined }),
    IpProtocol: fc.option(anyProtocol, { nil: undefined }),
    FromPort: anyPort,
    ToPort: anyPort,
    Description: fc.option(weirdText, { nil: undefined }),
    peer: fc.oneof(
      weirdText.map((CidrIpv4) => ({ CidrIpv4 })),
      weirdText.map((CidrIpv6) => ({ CidrIpv6 })),
      weirdText.map((PrefixListId) => ({ PrefixListId })),
      fc
        .record({
          GroupId: fc.option(fc.oneof(groupId, weirdText), { nil: undefined }),
          UserId: fc.option(weirdText, { nil: undefined }),
          VpcPeeringConnectionId: fc.option(weirdText, { nil: undefined }),
        })
        .map((ReferencedGroupInfo) => ({ ReferencedGroupInfo })),
      fc.constant({}),
    ),
  })
  .map(({ id, peer, ...r }) => ({ ...r, ...peer, SecurityGroupRuleId: `sgr-${id}` }) as SdkRule);

const lookupOf =
  (names: Record<string, string>) =>
  (id: string): SecurityGroup | undefined =>
    Object.prototype.hasOwnProperty.call(names, id) ? { region: 'us-east-1', groupId: id, groupName: names[id], description: '', tags: {} } : undefined;

function wellFormedText(label: unknown, what: string, allowWord = false): void {
  assert.equal(typeof label, 'string', `${what} is a ${typeof label}`);
  assert.ok((label as string).trim().length > 0, `${what} is empty`);
  assert.doesNotMatch(label as string, /\[object |function \w*\(|native code/, `${what}: ${label}`);
  // "undefined" only where the input itself said so
  if (!allowWord) assert.doesNotMatch(label as string, /undefined/, `${what}: ${label}`);
}

describe('hostile input: the rule labeller (property-based)', () => {
  it('any rule from AWS, once read, labels as non-empty text: never throws, never "[object", "undefined" or a function', () => {
    fc.assert(
      fc.property(sdkRule, fc.dictionary(groupId, weirdText), (r, names) => {
        const rule = toRule('us-east-1', r);
        const lookup = lookupOf(names);
        const said = JSON.stringify([r, names]).includes('undefined');
        wellFormedText(portLabel(rule), 'portLabel', said);
        wellFormedText(ruleLabel(rule, lookup), 'ruleLabel', said);
        wellFormedText(ruleLabel(rule), 'ruleLabel without lookup', said);
        assert.equal(typeof peerLabel(rule.peer, lookup), 'string');
        const hint = portHint(rule);
        assert.ok(hint === undefined || typeof hint === 'string');
        // The label says which way the traffic goes.
        assert.match(ruleLabel(rule, lookup), rule.isEgress ? / to / : / from /);
      }),
      RUNS,
    );
  });

  it('a protocol read from AWS is a protocol token or a marked unknown one: never an object property name', () => {
    fc.assert(
      fc.property(anyProtocol, (p) => {
        const rule = toRule('us-east-1', { SecurityGroupRuleId: 'sgr-1', GroupId: 'sg-12345678', IpProtocol: p, CidrIpv4: '10.0.0.0/8' });
        assert.match(rule.protocol, /^(-1|tcp|udp|icmp|icmpv6|\d{1,3}|x-[a-z0-9-]+)$/);
        assert.equal(safeProtocol(rule.protocol), rule.protocol, 'idempotent');
      }),
      RUNS,
    );
  });

  it('rules in the domain with AWS protocols and any ports label without "NaN" or "undefined"', () => {
    const protocol = fc.oneof(fc.constantFrom('tcp', 'udp', 'icmp', 'icmpv6', '-1'), fc.integer({ min: 0, max: 255 }).map(String));
    fc.assert(
      fc.property(protocol, fc.integer({ min: -1, max: 70000 }), fc.integer({ min: -1, max: 70000 }), fc.boolean(), (p, from, to, egress) => {
        const rule: SecurityGroupRule = {
          region: 'us-east-1',
          ruleId: 'sgr-1',
          groupId: 'sg-1',
          isEgress: egress,
          protocol: p,
          fromPort: from,
          toPort: to,
          peer: { kind: 'cidr4', cidr: '10.0.0.0/8' },
        };
        const label = ruleLabel(rule);
        wellFormedText(label, 'ruleLabel');
        assert.doesNotMatch(label, /NaN/);
        assert.ok(label.endsWith(' 10.0.0.0/8'));
      }),
      RUNS,
    );
  });

  it('compareRules is a consistent order (reflexive, antisymmetric): sorting is stable across runs', () => {
    fc.assert(
      fc.property(fc.array(sdkRule, { maxLength: 12 }), (raw) => {
        const rules = raw.map((r) => toRule('us-east-1', r));
        for (const a of rules) {
          assert.equal(compareRules(a, a), 0);
          for (const b of rules) assert.equal(Math.sign(compareRules(a, b)), -Math.sign(compareRules(b, a)) || 0);
        }
        const once = [...rules].sort(compareRules).map((r) => r.ruleId);
        const twice = [...rules]
          .reverse()
          .sort(compareRules)
          .map((r) => r.ruleId);
        assert.deepEqual(new Set(once), new Set(twice));
      }),
      { numRuns: 500 },
    );
  });
});

describe('hostile input: buildRule (property-based)', () => {
  const cidrish = fc.oneof(
    fc
      .tuple(
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: -1, max: 40 }),
      )
      .map(([a, b, c, d, p]) => `${a}.${b}.${c}.${d}/${p}`),
    fc.constantFrom('0.0.0.0/0', '::/0', '2001:DB8::/32', '10.0.0.1/8', ' 10.0.0.0/8 ', 'fe80::1%eth0/64', '1.2.3.4', '::ffff:1.2.3.4/120'),
    weirdText,
  );
  const source: fc.Arbitrary<SourceInput> = fc.oneof(
    cidrish.map((cidr) => ({ cidr })),
    fc.oneof(groupId, weirdText).map((g) => ({ groupId: g })),
    fc
      .oneof(
        hex(8).map((h) => `pl-${h}`),
        hex(17).map((h) => `pl-${h}`),
        weirdText,
      )
      .map((prefixListId) => ({ prefixListId })),
    // what an untyped caller may pass as the source: the builder must refuse it, not throw
    fc.anything().map((x) => x as unknown as SourceInput),
  );
  const input: fc.Arbitrary<RuleInput> = fc.record({
    groupId: fc.oneof(groupId, weirdText),
    isEgress: fc.boolean(),
    protocol: anyProtocol,
    fromPort: anyPort,
    toPort: anyPort,
    source,
    description: fc.option(fc.oneof(weirdText, fc.string({ unit: fc.constantFrom(...'abc &<>[]()'), maxLength: 300 })), { nil: undefined }),
  });

  it('never throws; either a rule AWS accepts (valid id, ports, canonical CIDR, description) or one sentence', () => {
    fc.assert(
      fc.property(input, (i) => {
        const r = buildRule(i);
        if (!r.ok) {
          assert.equal(typeof r.error, 'string');
          assert.ok(r.error.trim().length > 10, r.error);
          return;
        }
        const d = r.value;
        assert.equal(validateGroupId(d.groupId), undefined);
        const ports = validatePorts(d.protocol, d.fromPort, d.toPort);
        assert.ok(!('error' in ports), JSON.stringify(ports));
        assert.deepEqual(ports, { fromPort: d.fromPort, toPort: d.toPort });
        if (d.peer.kind === 'cidr4' || d.peer.kind === 'cidr6') {
          const c = canonicalCidr(d.peer.cidr);
          assert.ok(!('error' in c) && !c.changed && c.cidr === d.peer.cidr, `${d.peer.cidr} is canonical`);
          assert.equal(c.version === 4 ? 'cidr4' : 'cidr6', d.peer.kind);
        }
        if (d.peer.kind === 'group') assert.equal(validateGroupId(d.peer.groupId), undefined);
        if (d.peer.kind === 'prefixList') assert.equal(validatePrefixListId(d.peer.prefixListId), undefined);
        if (d.description !== undefined) assert.equal(validateRuleDescription(d.description, d.peer.kind), undefined);
        if (d.protocol === 'icmp') assert.notEqual(d.peer.kind, 'cidr6');
        if (d.protocol === 'icmpv6') assert.notEqual(d.peer.kind, 'cidr4');
        wellFormedText(ruleLabel({ ...d, region: 'us-east-1', ruleId: 'sgr-new' }), 'label of the built rule');
      }),
      RUNS,
    );
  });
});

describe('hostile input: errors never throw and never carry a credential (property-based)', () => {
  const b64 = (min: number) =>
    fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'), minLength: min, maxLength: min + 20 });
  const keyId = fc
    .string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'), minLength: 16, maxLength: 16 })
    .chain((k) => fc.constantFrom(`AKIA${k}`, `ASIA${k}`));
  const secret = b64(40).map((s) => `SeCrEt${s}`);
  const token = b64(60).map((s) => `ToKeN${s}`);
  const signature = hex(64);
  /** A credential as it could appear in a message from an endpoint, a proxy or a credential process. */
  const leak = fc.tuple(keyId, secret, token, signature).chain(([k, s, t, sig]) =>
    fc.constantFrom(
      {
        text: `Authorization: AWS4-HMAC-SHA256 Credential=${k}/20260101/us-east-1/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=${sig}`,
        secrets: [k, sig],
      },
      { text: `authorization=AWS4-HMAC-SHA256 Credential=${k}/20260101/us-east-1/ec2/aws4_request,SignedHeaders=host,Signature=${sig}`, secrets: [k, sig] },
      { text: `https://ec2.amazonaws.com/?X-Amz-Credential=${k}%2F20260101&X-Amz-Security-Token=${t}&X-Amz-Signature=${sig}`, secrets: [k, t, sig] },
      { text: `x-amz-security-token: ${t}`, secrets: [t] },
      { text: `X-Amz-Security-Token=${t}`, secrets: [t] },
      { text: `aws_secret_access_key = ${s}`, secrets: [s] },
      { text: `aws_session_token=${t}`, secrets: [t] },
      { text: `{"AccessKeyId":"${k}","SecretAccessKey":"${s}","SessionToken":"${t}"}`, secrets: [k, s, t] },
      { text: `the key ${k} is not valid`, secrets: [k] },
    ),
  );
  const around = fc.string({ unit: fc.constantFrom(...'abcdefghij .,;\n()[]'), maxLength: 40 });

  it('redact() removes every planted credential, wherever it sits in the text, and is idempotent', () => {
    fc.assert(
      fc.property(around, leak, around, (before, l, after) => {
        const out = redact(`${before}${l.text}${after}`);
        for (const sec of l.secrets) assert.ok(!out.includes(sec), `${sec} survived in: ${out}`);
        assert.equal(redact(out), out);
      }),
      RUNS,
    );
  });

  it('redact() leaves ordinary messages alone', () => {
    const ordinary = fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz ABCDEFGH0123456789.,()-'sg-"), maxLength: 120 });
    fc.assert(
      fc.property(ordinary, (t) => {
        assert.equal(redact(t), t);
      }),
      RUNS,
    );
  });

  it('translateError() never throws on anything thrown, always says something, and leaks no planted credential', () => {
    const thrown = fc.oneof(
      fc.anything(),
      fc.record({
        name: weirdText,
        message: weirdText,
        code: fc.option(weirdText, { nil: undefined }),
        $metadata: fc.option(
          fc.record({
            httpStatusCode: fc.option(fc.integer({ min: 0, max: 600 }), { nil: undefined }),
            attempts: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
          }),
          { nil: undefined },
        ),
      }),
    );
    fc.assert(
      fc.property(
        thrown,
        leak,
        fc.constantFrom('AuthFailure', 'SignatureDoesNotMatch', 'InvalidParameterValue', 'Whatever', 'CredentialsProviderError', 'InternalError'),
        (x, l, name) => {
          const t = translateError(x, { action: 'add the rule', region: 'us-east-1', profile: 'dev' });
          assert.equal(typeof t.message, 'string');
          assert.ok(t.message.length > 0);
          assert.equal(typeof mayHaveApplied(x), 'boolean');
          assert.ok(Number.isFinite(attemptsOf(x)) || attemptsOf(x) === undefined);
          const leaky = translateError(
            { name, message: `AWS said: ${l.text}`, $metadata: { httpStatusCode: name === 'InternalError' ? 500 : 400 } },
            { region: 'us-east-1' },
          );
          for (const sec of l.secrets) {
            assert.ok(!leaky.message.includes(sec), `message leaks ${sec}: ${leaky.message}`);
            assert.ok(!(leaky.detail ?? '').includes(sec), `detail leaks ${sec}: ${leaky.detail}`);
          }
        },
      ),
      RUNS,
    );
  });
});
