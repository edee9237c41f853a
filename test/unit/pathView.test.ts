// The Explain Path editor panel's data (src/domain/pathView.ts) and the panel's message protocol.
import * as assert from 'node:assert/strict';
import type { PathExplanation } from '../../src/domain/analysis';
import { pathFixes, pathView } from '../../src/domain/pathView';
import { parseReachMessage } from '../../src/domain/reachProtocol';

const closed: PathExplanation = {
  target: { kind: 'cluster', id: 'orders', engine: 'aurora-mysql', port: 3306, groupIds: ['sg-db'], vpcId: 'vpc-1' } as unknown as PathExplanation['target'],
  port: 3306,
  open: false,
  verdict: 'closed',
  networkChecked: true,
  hops: [
    { kind: 'source', label: 'EC2 instance web-1 (i-1)', ok: true, state: 'allowed', detail: 'private IP 10.0.1.5; groups default (sg-def).', ruleIds: [] },
    // A hop kind this module has never heard of (the path engine may add subnets, ACLs, routes): shown as it is.
    {
      kind: 'networkAcl' as 'source',
      label: 'Network ACL acl-1 of subnet-1',
      ok: true,
      state: 'allowed',
      detail: 'Rule 100 allows tcp 3306 from 0.0.0.0/0.',
      ruleIds: ['100'],
    },
    {
      kind: 'ingress',
      label: 'Inbound to dbsrv1 (sg-db)',
      ok: false,
      state: 'blocked',
      detail: 'No inbound rule allows tcp 3306 from web-1.',
      ruleIds: [],
      groupId: 'sg-db',
    },
  ],
  missingRules: [{ groupId: 'sg-db', isEgress: false, protocol: 'tcp', fromPort: 3306, toPort: 3306, source: { cidr: '10.0.1.5/32' } }],
  joinGroups: ['sg-app'],
};

describe('pathView: Explain Path in the editor', () => {
  it('keeps every hop whole and in order, whatever its kind', () => {
    const v = pathView(closed, 'web-1', []);
    assert.deepEqual(
      v.hops.map((h) => [h.kind, h.label, h.ok, h.detail, h.ruleIds]),
      closed.hops.map((h) => [h.kind, h.label, h.ok, h.detail, h.ruleIds]),
    );
    assert.equal(v.hops[2].groupId, 'sg-db');
    assert.equal(v.summary, 'Closed: web-1 cannot reach orders on port 3306; closed at "Inbound to dbsrv1 (sg-db)".');
    assert.equal(v.title, 'web-1 → orders on port 3306');
  });

  it('offers joining an allowed group first, then each missing rule; none when open', () => {
    const fixes = pathFixes(closed, undefined, { instanceId: 'i-1', name: 'web-1' });
    assert.deepEqual(
      fixes.map((f) => [f.kind, f.label]),
      [
        ['join', 'Add web-1 to sg-app'],
        ['rule', 'Add inbound tcp 3306 from 10.0.1.5/32 to sg-db'],
      ],
    );
    assert.deepEqual(pathFixes(closed, undefined), [fixes[1]], 'no join offer without an EC2 instance');
    assert.deepEqual(pathFixes({ ...closed, open: true }, undefined), []);
    assert.deepEqual(
      pathView(closed, 'web-1', fixes).fixes.map((f) => Object.keys(f).sort()),
      [
        ['detail', 'label'],
        ['detail', 'label'],
      ],
      'the webview gets labels, never command arguments',
    );
  });

  it('the protocol takes exactly the messages the panel expects', () => {
    assert.deepEqual(parseReachMessage({ type: 'fix', index: 1 }), { type: 'fix', index: 1 });
    assert.deepEqual(parseReachMessage({ type: 'rendered', kind: 'path', items: 3, seq: 2 }), { type: 'rendered', kind: 'path', items: 3, seq: 2 });
    for (const bad of [
      { type: 'fix', index: -1 },
      { type: 'fix', index: 1.5 },
      { type: 'fix', index: '1' },
      { type: 'fix', index: 1, extra: 1 },
      { type: 'rendered', kind: 'x', items: 1, seq: 0 },
    ])
      assert.equal(parseReachMessage(bad), undefined, JSON.stringify(bad));
  });
});
