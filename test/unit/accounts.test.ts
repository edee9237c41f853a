// Several accounts at once (issue 17): the routing gateway, the settings migration, the account
// labels and confirmations, and identity reads that never wait on one another.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AwsGateway, listProfiles, RoutingGateway, type ConnectionSettings } from '../../src/aws/index';
import { isSignInError } from '../../src/aws/errors';
import { regionArg } from '../../src/commands/args';
import { accountDescription, accountLabel, accountLine, isProductionName, migrateProfiles, profilesInUse } from '../../src/domain/accounts';
import { regionArg as cliRegion } from '../../src/domain/code/cli';
import { resolveConnectionSettings, settingsFileValues } from '../../src/domain/connectionSettings';
import { consoleUrl, ec2Arn } from '../../src/domain/console';
import { peerLabel } from '../../src/domain/rules';
import { AccountStore } from '../../src/state/accounts';
import { accountPrompter, commandScope, noteScope } from '../../src/ui/accountPrompter';
import type { Prompter } from '../../src/ui/prompter';

/** The public methods of a class (its prototype's functions but the constructor). */
function methods(proto: object): string[] {
  return Object.getOwnPropertyNames(proto).filter((k) => k !== 'constructor' && typeof Object.getOwnPropertyDescriptor(proto, k)?.value === 'function');
}

interface Call {
  readonly profile: string;
  readonly method: string;
  readonly args: unknown[];
}

/** A RoutingGateway over fake per-profile gateways that record every call. */
function routing(profiles: string[]): { gw: RoutingGateway; calls: Call[]; made: ConnectionSettings[] } {
  const calls: Call[] = [];
  const made: ConnectionSettings[] = [];
  const gw = new RoutingGateway(profiles, { endpoint: 'http://127.0.0.1:1' }, undefined, (settings) => {
    made.push(settings);
    const fake = new Proxy(
      {},
      {
        get: (_t, method) =>
          method === 'callCount'
            ? 2
            : (...args: unknown[]) => {
                calls.push({ profile: settings.profile!, method: String(method), args });
                return Promise.resolve(`answer of ${settings.profile}`);
              },
      },
    );
    return fake as AwsGateway;
  });
  return { gw, calls, made };
}

describe('several accounts: the routing gateway (src/aws/index.ts RoutingGateway)', () => {
  const own = methods(AwsGateway.prototype).filter((m) => m !== 'c');

  it('overrides every method of AwsGateway (a new method cannot reach the SDK with a scope key unrouted)', () => {
    const routed = new Set(methods(RoutingGateway.prototype));
    assert.deepEqual(
      own.filter((m) => !routed.has(m)),
      [],
    );
    assert.ok(own.length >= 25, own.join(', '));
  });

  it('each method with a scope key calls that profile’s gateway with the AWS Region, the other arguments unchanged', async () => {
    const { gw, calls } = routing(['dev', 'team/prod']);
    for (const m of own.filter((x) => x !== 'dispose')) {
      calls.length = 0;
      // Every argument the method declares after the key (its arity, optional ones included) is passed on.
      const extra = ['x', 'y', 'z', 'w'].slice(0, Math.max(0, (RoutingGateway.prototype as unknown as Record<string, () => void>)[m].length - 1));
      const out = await (gw as unknown as Record<string, (...a: unknown[]) => unknown>)[m]('team/prod/eu-west-1', ...extra);
      assert.equal(calls.length, 1, m);
      assert.equal(calls[0].profile, 'team/prod', m);
      assert.equal(calls[0].method, m);
      // forgetPrefixLists keeps the key: the profile's cache is keyed by scope (its clients are labelled with it).
      const args = [...calls[0].args];
      while (args.length && args[args.length - 1] === undefined) args.pop();
      assert.deepEqual(args, [m === 'forgetPrefixLists' ? 'team/prod/eu-west-1' : 'eu-west-1', ...extra], m);
      assert.equal(out, m === 'forgetPrefixLists' ? undefined : 'answer of team/prod', m);
    }
  });

  it('each profile’s gateway gets its own profile, no test-key fallback, and clients labelled with the scope key', () => {
    const { made } = routing(['dev', 'prod']);
    assert.deepEqual(
      made.map((s) => [s.profile, s.endpoint, s.testKeysFallback, s.scopeOf?.('us-east-1')]),
      [
        ['dev', 'http://127.0.0.1:1', false, 'dev/us-east-1'],
        ['prod', 'http://127.0.0.1:1', false, 'prod/us-east-1'],
      ],
    );
  });

  it('a bare Region or an unknown profile is refused before any call, saying what to write', async () => {
    const { gw, calls } = routing(['dev', 'prod']);
    await assert.rejects(
      async () => gw.loadRegion('us-east-1'),
      (e: Error) => e.name === 'UserError' && /dev\/us-east-1/.test(e.message),
    );
    await assert.rejects(
      async () => gw.authorizeRule('stage/us-east-1', {} as never),
      (e: Error) => e.name === 'UserError' && /"stage" is not one of the profiles in auroraSg\.profiles \(dev, prod\)/.test(e.message),
    );
    assert.equal(calls.length, 0);
  });

  it('forgetPrefixLists without a key forgets every profile’s; callCount sums them; dispose disposes each', () => {
    const { gw, calls } = routing(['dev', 'prod']);
    gw.forgetPrefixLists();
    assert.deepEqual(
      calls.map((c) => [c.profile, c.method, c.args.length]),
      [
        ['dev', 'forgetPrefixLists', 0],
        ['prod', 'forgetPrefixLists', 0],
      ],
    );
    assert.equal(gw.callCount, 4);
    gw.dispose();
    assert.deepEqual(
      calls.slice(2).map((c) => [c.profile, c.method]),
      [
        ['dev', 'dispose'],
        ['prod', 'dispose'],
      ],
    );
  });

  it('one connection (one-profile mode) refuses a scope key instead of sending it to the SDK as a Region', async () => {
    const gw = new AwsGateway({ endpoint: 'http://127.0.0.1:1' });
    try {
      await assert.rejects(
        async () => gw.readGroups('prod/us-east-1', ['sg-1']),
        (e: Error) => e.name === 'UserError' && /auroraSg\.profiles/.test(e.message),
      );
    } finally {
      gw.dispose();
    }
  });
});

describe('several accounts: the settings (auroraSg.profiles) and Select Profiles… migration', () => {
  it('the list as used: trimmed, no empty names, no duplicates; anything else is no list', () => {
    assert.deepEqual(profilesInUse([' dev ', 'prod', '', 'dev', 3, null]), ['dev', 'prod']);
    assert.deepEqual(profilesInUse('prod'), []);
    assert.deepEqual(profilesInUse(undefined), []);
  });

  it('choosing several moves the single auroraSg.profile into the list, first, and clears it', () => {
    assert.deepEqual(migrateProfiles('prod', ['dev', 'prod', 'staging']), { profile: '', profiles: ['prod', 'dev', 'staging'] });
    assert.deepEqual(migrateProfiles(undefined, ['dev', 'staging']), { profile: '', profiles: ['dev', 'staging'] });
    // The single profile not chosen: it is not kept.
    assert.deepEqual(migrateProfiles('old', ['dev', 'staging']), { profile: '', profiles: ['dev', 'staging'] });
  });

  it('choosing one (or none) goes back to one-profile mode: auroraSg.profile, the list cleared', () => {
    assert.deepEqual(migrateProfiles('prod', ['dev']), { profile: 'dev', profiles: [] });
    assert.deepEqual(migrateProfiles('prod', []), { profile: '', profiles: [] });
  });

  it('auroraSg.profiles is read from the user settings only; a workspace list is ignored and reported', () => {
    const r = resolveConnectionSettings({}, { globalValue: '' }, [], { defaultValue: [], globalValue: ['dev', 'prod'], workspaceValue: ['attacker'] });
    assert.deepEqual(r.profiles, ['dev', 'prod']);
    assert.deepEqual(
      r.ignored.map((i) => [i.setting, i.value, i.source]),
      [['auroraSg.profiles', 'attacker', 'the workspace settings']],
    );
    const none = resolveConnectionSettings({}, {}, [], { defaultValue: [], workspaceFolderValue: ['prod'] });
    assert.deepEqual(none.profiles, []);
    assert.equal(none.ignored.length, 1);
    // Without the fourth argument (as before): no list.
    assert.deepEqual(resolveConnectionSettings({}, {}).profiles, []);
  });

  it('the profiles to pick from are the profiles: no sso-session or services section of the config file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aurora-sg-profiles-'));
    const saved = [process.env.AWS_CONFIG_FILE, process.env.AWS_SHARED_CREDENTIALS_FILE];
    try {
      fs.writeFileSync(
        path.join(dir, 'config'),
        '[profile dev]\nregion = eu-west-1\n[sso-session corp]\nsso_region = us-east-1\n[services local]\nec2 =\n  endpoint_url = http://127.0.0.1:1\n',
      );
      fs.writeFileSync(path.join(dir, 'credentials'), '[prod]\naws_access_key_id = a\naws_secret_access_key = b\n');
      process.env.AWS_CONFIG_FILE = path.join(dir, 'config');
      process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(dir, 'credentials');
      assert.deepEqual(
        (await listProfiles()).map((p) => p.name),
        ['dev', 'prod'],
      );
    } finally {
      [process.env.AWS_CONFIG_FILE, process.env.AWS_SHARED_CREDENTIALS_FILE] = saved;
      if (saved[0] === undefined) delete process.env.AWS_CONFIG_FILE;
      if (saved[1] === undefined) delete process.env.AWS_SHARED_CREDENTIALS_FILE;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a settings file that sets auroraSg.profiles (flat or nested) is found, so its value is reported', () => {
    const found = settingsFileValues('{ "auroraSg.profiles": ["x"], "auroraSg": { "profiles": ["y"] } }', 'f');
    assert.deepEqual(
      found.map((f) => [f.setting, f.value]),
      [
        ['auroraSg.profiles', ['x']],
        ['auroraSg.profiles', ['y']],
      ],
    );
    const r = resolveConnectionSettings({}, {}, found, { globalValue: ['dev'] });
    assert.deepEqual(
      r.ignored.map((i) => i.value),
      ['x', 'y'],
    );
  });
});

describe('several accounts: labels, confirmations and scope keys in what is shown', () => {
  const prod = { profile: 'prod', identity: { accountId: '222222222222', alias: 'acme-live' } };

  it('an account is its profile, id and alias', () => {
    assert.equal(accountLabel(prod), 'prod (222222222222, alias acme-live)');
    assert.equal(accountLabel({ profile: 'dev', identity: { accountId: '111111111111' } }), 'dev (111111111111)');
    assert.equal(accountLabel({ profile: 'dev' }), 'dev');
    assert.equal(accountDescription(prod), '222222222222 · acme-live');
    assert.equal(accountDescription({ profile: 'x', error: new Error('e'), signedOut: true }), 'signed out: Sign in');
  });

  it('a production account (its profile or alias matches /prod/i) is named first, in capitals', () => {
    assert.ok(isProductionName('Prod-EU'));
    assert.ok(isProductionName('ops', 'acme-production'));
    assert.ok(!isProductionName('dev', 'staging'));
    assert.equal(accountLine('prod/us-east-1', prod), 'PRODUCTION account prod (222222222222, alias acme-live), Region us-east-1.');
    assert.equal(accountLine('dev/eu-west-1', { profile: 'dev', identity: { accountId: '111111111111' } }), 'Account dev (111111111111), Region eu-west-1.');
    assert.equal(accountLine('us-east-1', undefined), '');
  });

  it('the prompter starts every confirmation with the account of the command’s scope (and only with several accounts)', async () => {
    const seen: string[] = [];
    const base = {
      confirm: async (_m: string, d: string) => (seen.push(d), true),
      choose: async (_m: string, d: string) => (seen.push(d), undefined),
    } as unknown as Prompter;
    const ui = accountPrompter(base, (scope) => (scope?.includes('/') ? accountLine(scope, scope.startsWith('prod/') ? prod : undefined) : ''));
    await commandScope.run({ scope: 'prod/us-east-1' }, () => ui.confirm('Delete web?', 'It goes.', 'Delete'));
    await commandScope.run({}, async () => {
      noteScope('dev/eu-west-1');
      await ui.choose('Which?', 'Pick.', ['A']);
    });
    await ui.confirm('Add?', 'detail', 'Add', { code: { title: 't', region: 'prod/us-east-1', changes: () => [] } });
    await commandScope.run({ scope: 'us-east-1' }, () => ui.confirm('One profile', 'unchanged', 'OK'));
    assert.deepEqual(seen, [
      'PRODUCTION account prod (222222222222, alias acme-live), Region us-east-1.\n\nIt goes.',
      'Account dev, Region eu-west-1.\n\nPick.',
      'PRODUCTION account prod (222222222222, alias acme-live), Region us-east-1.\n\ndetail',
      'unchanged',
    ]);
  });

  it('a typed confirmation (Delete Security Group’s name) names the account in its title; other inputs are left alone', async () => {
    const titles: string[] = [];
    const base = { input: async (o: { title: string }) => (titles.push(o.title), 'x') } as unknown as Prompter;
    const ui = accountPrompter(base, (scope) => (scope?.includes('/') ? accountLine(scope, scope.startsWith('prod/') ? prod : undefined) : ''));
    await ui.input({ title: 'Delete security group web (sg-1)', confirms: 'prod/us-east-1' });
    await commandScope.run({ scope: 'dev/eu-west-1' }, () => ui.input({ title: 'Delete security group db (sg-2)', confirms: '' }));
    await commandScope.run({ scope: 'prod/us-east-1' }, () => ui.input({ title: 'Description' }));
    await ui.input({ title: 'One profile', confirms: 'us-east-1' });
    assert.deepEqual(titles, [
      'Delete security group web (sg-1) in PRODUCTION account prod (222222222222, alias acme-live), Region us-east-1',
      'Delete security group db (sg-2) in Account dev, Region eu-west-1',
      'Description',
      'One profile',
    ]);
  });

  it('a group of another loaded account is labelled with that account’s profile', () => {
    const peer = { kind: 'group', groupId: 'sg-0b', userId: '222222222222' } as const;
    const names = (id: string) => (id === '222222222222' ? 'prod' : undefined);
    assert.equal(
      peerLabel(peer, () => undefined, names),
      'sg-0b (account prod, 222222222222)',
    );
    assert.equal(
      peerLabel({ ...peer, userId: '333333333333' }, () => undefined, names),
      'sg-0b (account 333333333333)',
    );
    assert.equal(peerLabel(peer), 'sg-0b (account 222222222222)');
  });

  it('console links, ARNs and CLI lines use the AWS Region of a scope key (and the profile)', () => {
    assert.equal(
      consoleUrl({ kind: 'group', region: 'prod/eu-west-1', groupId: 'sg-1' }),
      'https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#SecurityGroup:groupId=sg-1',
    );
    assert.equal(ec2Arn('prod/us-gov-west-1', '222222222222', 'security-group', 'sg-1'), 'arn:aws-us-gov:ec2:us-gov-west-1:222222222222:security-group/sg-1');
    assert.equal(cliRegion('team prod/eu-west-1'), "--region eu-west-1 --profile 'team prod'");
    assert.equal(cliRegion('eu-west-1'), '--region eu-west-1');
  });

  it('command arguments take a scope key profile/Region; a malformed one is refused', () => {
    assert.equal(regionArg('prod/us-east-1'), 'prod/us-east-1');
    assert.equal(regionArg('team/prod/us-east-1'), 'team/prod/us-east-1');
    assert.throws(() => regionArg('prod/mars'), /is not a Region code/);
    assert.throws(() => regionArg('pr od/us-east-1'), /is not a Region code/);
    assert.throws(() => regionArg('/us-east-1'), /is not a Region code/);
  });

  it('an SSO sign-in that is missing or expired is told apart from other failures', () => {
    assert.ok(isSignInError({ name: 'CredentialsProviderError', message: 'The SSO session associated with this profile has expired' }));
    assert.ok(isSignInError({ name: 'TokenProviderError', message: 'Token is expired' }));
    assert.ok(isSignInError({ name: 'ExpiredToken', message: 'x' }));
    assert.ok(!isSignInError({ name: 'AccessDenied', message: 'no', $metadata: { httpStatusCode: 403 } }));
    assert.ok(!isSignInError({ name: 'ThrottlingException', message: 'Rate exceeded' }));
  });
});

describe('several accounts: identity reads (src/state/accounts.ts)', () => {
  it('each account reads on its own: one that never answers and one that fails hold back none of the others', async () => {
    let hang: (() => void) | undefined;
    const store = new AccountStore(
      (profile) =>
        profile === 'slow'
          ? new Promise((resolve) => (hang = () => resolve({ accountId: '333333333333' })))
          : profile === 'gone'
            ? Promise.reject(Object.assign(new Error('The SSO session has expired'), { name: 'CredentialsProviderError' }))
            : Promise.resolve({ accountId: '111111111111', alias: 'acme-dev' }),
      ['slow', 'gone', 'dev'],
      isSignInError,
    );
    const changed: (string | undefined)[] = [];
    store.onChange((p) => changed.push(p));
    void store.ensure('slow');
    const [gone, dev] = await Promise.all([store.ensure('gone'), store.ensure('dev')]);
    assert.equal(dev.identity?.accountId, '111111111111');
    assert.equal(gone.signedOut, true);
    assert.equal(store.info('slow').loading, true);
    assert.equal(store.byAccountId('111111111111')?.profile, 'dev');
    hang!();
    assert.equal((await store.ensure('slow')).identity?.accountId, '333333333333');
    assert.ok(changed.includes('dev') && changed.includes('gone') && changed.includes('slow'));
  });

  it('a reset drops what was read; an answer of before the reset is not recorded', async () => {
    let answer: ((v: { accountId: string }) => void) | undefined;
    const store = new AccountStore(
      () => new Promise((r) => (answer = r)),
      ['a'],
      () => false,
    );
    const p = store.load('a');
    store.reset(() => Promise.resolve({ accountId: '2' }), ['b']);
    answer!({ accountId: '1' });
    await p;
    assert.equal(store.info('a').identity, undefined);
    assert.deepEqual(store.getProfiles(), ['b']);
  });
});
