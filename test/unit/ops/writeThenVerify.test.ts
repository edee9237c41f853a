import * as assert from 'node:assert/strict';
import { errorSentence, writeThenVerify, type WriteSpec } from '../../../src/ops/writeThenVerify';
import { UserError } from '../../../src/ops/userError';
import { awsError, FakeAws, fakeContext, R, rejection } from './fakeAws';

describe('ops: writeThenVerify, the lost-answer protocol', () => {
  const setup = () => fakeContext(new FakeAws());
  /** A spec whose call fails with `error` (or succeeds with 'sent'), and whose verify says `found`. */
  function spec(
    error: unknown,
    found: Awaited<ReturnType<WriteSpec<string>['verify']>> | Error = { applied: true, value: 'found' },
    extra: Partial<WriteSpec<string>> = {},
  ) {
    const seen = { calls: 0, verifies: 0 };
    const s: WriteSpec<string> = {
      action: 'add the thing',
      region: R,
      call: async () => {
        seen.calls++;
        if (error) throw error;
        return 'sent';
      },
      verify: async () => {
        seen.verifies++;
        if (found instanceof Error) throw found;
        return found;
      },
      ...extra,
    };
    return { s, seen };
  }

  it('a write that succeeds returns its value and reads nothing again', async () => {
    const { ctx, logs } = setup();
    const { s, seen } = spec(undefined);
    assert.deepEqual(await writeThenVerify(ctx, s), { value: 'sent' });
    assert.deepEqual(seen, { calls: 1, verifies: 0 });
    assert.deepEqual(logs, []);
  });

  it('cancelled before the call: nothing is sent, CancelledError', async () => {
    const { ctx } = setup();
    const ac = new AbortController();
    ac.abort();
    const { s, seen } = spec(undefined, undefined, { signal: ac.signal });
    assert.equal((await rejection(writeThenVerify(ctx, s))).name, 'CancelledError');
    assert.equal(seen.calls, 0);
  });

  it('a refusal AWS gave on the first and only attempt is passed on unchanged, with no re-read', async () => {
    const { ctx } = setup();
    const e = awsError('InvalidParameterValue', 400);
    const { s, seen } = spec(e);
    assert.equal(await rejection(writeThenVerify(ctx, s)), e);
    assert.equal(seen.verifies, 0);
  });

  it('a UserError from the call passes through as it is (not classified, not verified)', async () => {
    const { ctx } = setup();
    const e = new UserError('Refused: added elsewhere.');
    const { s, seen } = spec(e, undefined, { classify: () => 'verify' });
    assert.equal(await rejection(writeThenVerify(ctx, s)), e);
    assert.equal(seen.verifies, 0);
  });

  it('classify: a UserError refuses with it; "verify" re-reads an error that would otherwise pass', async () => {
    const { ctx } = setup();
    const refusal = new UserError('no');
    assert.equal(await rejection(writeThenVerify(ctx, spec(awsError('X', 400), undefined, { classify: () => refusal }).s)), refusal);
    const { s, seen } = spec(awsError('InvalidGroup.NotFound', 400), undefined, { classify: () => 'verify' });
    assert.deepEqual(await writeThenVerify(ctx, s), { value: 'found', recovered: "AWS's answer was lost; read again, it is in place" });
    assert.equal(seen.verifies, 1);
  });

  it('an answer lost but applied: the re-read value, a phrase for the message, and both logged', async () => {
    const { ctx, logs } = setup();
    assert.deepEqual(await writeThenVerify(ctx, spec(awsError('InternalError', 500, 3)).s), {
      value: 'found',
      recovered: "AWS's first answer was lost; the retry found it in place",
    });
    assert.match(logs[0], /^error: add the thing failed: InternalError: InternalError \(test\) \(3 attempts\)$/);
    assert.match(logs[1], /^info: add the thing: the call failed \(InternalError, 3 attempts?\), but it was applied/);
    const custom = spec(awsError('InternalError', 500), undefined, { recovered: (e) => `phrase for ${(e as Error).name}` });
    assert.equal((await writeThenVerify(ctx, custom.s)).recovered, 'phrase for InternalError');
  });

  it('not applied: the translated error, then what the re-read found', async () => {
    const { ctx } = setup();
    const plain = await rejection(writeThenVerify(ctx, spec(awsError('Unavailable', 503, 3), { applied: false }).s));
    assert.equal(plain.name, 'UserError');
    assert.equal(plain.message, 'Could not add the thing: AWS had an internal error (HTTP 503, Unavailable). Try again in a moment. Nothing was changed.');
    const said = await rejection(
      writeThenVerify(ctx, spec(awsError('Unavailable', 503), { applied: false, detail: 'd' }, { notApplied: (d) => `Detail ${d}.` }).s),
    );
    assert.match(said.message, /Try again in a moment\. Detail d\.$/);
  });

  it('the re-read fails too: unknown, by default or in the words given; a UserError from verify is its verdict', async () => {
    const { ctx } = setup();
    const unknown = await rejection(writeThenVerify(ctx, spec(awsError('Unavailable', 503), new Error('read failed')).s));
    assert.match(
      unknown.message,
      /Try again in a moment\. Could not tell whether that was applied: reading AWS again failed too\. Refresh the tree to check before trying again\.$/,
    );
    const custom = await rejection(
      writeThenVerify(ctx, spec(awsError('Unavailable', 503), new Error('x'), { unknown: (e, t) => `${(e as Error).name} / ${t.code}` }).s),
    );
    assert.equal(custom.message, 'Unavailable / Unavailable');
    const verdict = await rejection(writeThenVerify(ctx, spec(awsError('Unavailable', 503), new UserError('The list differs from both.')).s));
    assert.match(verdict.message, /Try again in a moment\. The list differs from both\.$/);
  });

  it('refreshed: the translated error says the tree has been refreshed', async () => {
    const { ctx } = setup();
    const e = await rejection(writeThenVerify(ctx, spec(awsError('InvalidGroup.NotFound', 400, 2), { applied: false }, { refreshed: true }).s));
    assert.match(
      e.message,
      /The security group no longer exists in this Region\. The tree has been refreshed to show the current groups\. Nothing was changed\.$/,
    );
  });

  it('errorSentence: the first line of the translated error, ending with a full stop', () => {
    assert.equal(errorSentence(awsError('Unavailable', 503)), 'AWS had an internal error (HTTP 503, Unavailable). Try again in a moment.');
    assert.equal(errorSentence(new Error('no stop')), 'no stop.');
  });
});
