import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { awsRegion, parseScope, profileOf, scopeKey } from '../../src/domain/scope';

describe('scope keys (src/domain/scope.ts)', () => {
  it('one-profile mode: the key is the Region', () => {
    assert.equal(scopeKey(undefined, 'us-east-1'), 'us-east-1');
    assert.deepEqual(parseScope('us-east-1'), { region: 'us-east-1' });
    assert.equal(profileOf('us-east-1'), undefined);
  });
  it('a profile whose name holds slashes still splits at the Region', () => {
    const k = scopeKey('team/prod', 'eu-west-2');
    assert.equal(k, 'team/prod/eu-west-2');
    assert.deepEqual(parseScope(k), { profile: 'team/prod', region: 'eu-west-2' });
    assert.equal(awsRegion(k), 'eu-west-2');
  });
  it('round-trips any profile name', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom('us-east-1', 'ap-southeast-2', 'us-gov-west-1'), (p, r) => {
        assert.deepEqual(parseScope(scopeKey(p, r)), { profile: p, region: r });
      }),
    );
  });
});
