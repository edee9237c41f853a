// The one error and cancel policy of every command (src/commands/run.ts), without VS Code.
import * as assert from 'node:assert/strict';
import type { Ext } from '../../src/ext';
import { plainText, regionOf, runCommand } from '../../src/commands/run';
import { UserError } from '../../src/ops/userError';
import { BackError, CancelledError } from '../../src/ui/prompter';

function fakeExt(indexed = true) {
  const shown: string[] = [];
  const logged: { level: string; text: string }[] = [];
  const loads: string[] = [];
  const ext = {
    ui: { error: (m: string) => shown.push(m), info: () => undefined, warn: () => undefined },
    log: {
      info: (t: string) => logged.push({ level: 'info', text: t }),
      warn: (t: string) => logged.push({ level: 'warn', text: t }),
      error: (t: string) => logged.push({ level: 'error', text: t }),
    },
    store: { index: () => (indexed ? {} : undefined), load: async (r: string) => void loads.push(r) },
    settings: {},
  } as unknown as Ext;
  return { ext, shown, logged, loads };
}

describe('runCommand: the policy every registered command runs through', () => {
  it("returns the body's value and shows nothing when it succeeds (sync or async)", async () => {
    const f = fakeExt();
    assert.equal(await runCommand(f.ext, 'do it', undefined, () => 42), 42);
    assert.equal(await runCommand(f.ext, 'do it', undefined, async () => 'ok'), 'ok');
    assert.deepEqual(f.shown, []);
  });

  it('cancel and Back are silent', async () => {
    const f = fakeExt();
    assert.equal(await runCommand(f.ext, 'do it', undefined, () => Promise.reject(new CancelledError())), undefined);
    assert.equal(await runCommand(f.ext, 'do it', undefined, () => Promise.reject(new BackError())), undefined);
    assert.deepEqual(f.shown, []);
    assert.deepEqual(f.logged, []);
  });

  it('a UserError is its message (never a link), logged as a warning', async () => {
    const f = fakeExt();
    await runCommand(f.ext, 'add the rule', undefined, () => {
      throw new UserError('Group [x](command:evil) is gone.');
    });
    assert.deepEqual(f.shown, [plainText('Group [x](command:evil) is gone.')]);
    assert.deepEqual(f.logged, [{ level: 'warn', text: 'add the rule: Group [x](command:evil) is gone.' }]);
  });

  it('a JavaScript error is logged once with its stack and shown as an internal error', async () => {
    const f = fakeExt();
    await runCommand(f.ext, 'add the rule', undefined, () => (undefined as unknown as { x: number }).x);
    assert.equal(f.logged.length, 1);
    assert.equal(f.logged[0].level, 'error');
    assert.match(f.logged[0].text, /internal error: TypeError[\s\S]*at /);
    assert.deepEqual(f.shown, [
      'Could not add the rule: an internal error occurred (TypeError); nothing more was done. Details are in the Aurora Security Groups log.',
    ]);
  });

  it('an AWS error is translated; when AWS says the thing is gone, the Region is reloaded', async () => {
    const f = fakeExt();
    const gone = Object.assign(new Error('The security group does not exist'), { name: 'InvalidGroup.NotFound', $metadata: { httpStatusCode: 400 } });
    await runCommand(f.ext, 'edit the rule', 'eu-west-1', () => Promise.reject(gone));
    assert.deepEqual(f.loads, ['eu-west-1']);
    assert.equal(f.shown.length, 1);
    assert.equal(f.logged.filter((l) => l.level === 'error').length, 1);
    const g = fakeExt(false);
    await runCommand(g.ext, 'edit the rule', 'eu-west-1', () => Promise.reject(gone));
    assert.deepEqual(g.loads, [], 'a Region never loaded is not loaded for it');
  });

  it('regionOf reads the Region of a node or of { region }, and nothing else', () => {
    assert.equal(regionOf({ kind: 'group', region: 'us-east-1', groupId: 'sg-1' }), 'us-east-1');
    assert.equal(regionOf({ region: 'eu-west-1' }), 'eu-west-1');
    for (const x of [undefined, null, 'us-east-1', 5, {}, { region: 5 }, { region: '' }]) assert.equal(regionOf(x), undefined);
  });
});
