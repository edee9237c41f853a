// Where auroraSg.endpoint and auroraSg.profile may come from: the user's settings only (issue 13, Security).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ignoredMessage, isLoopbackEndpoint, requestTimeoutMs, resolveConnectionSettings, settingsFileValues } from '../../src/domain/connectionSettings';

const root = path.resolve(__dirname, '../../..');

describe('connection settings: a workspace cannot redirect the credentials', () => {
  it('uses the user value of endpoint and profile, never a workspace or folder value, and lists the ignored ones', () => {
    const r = resolveConnectionSettings(
      { defaultValue: '', globalValue: 'http://127.0.0.1:5000', workspaceValue: 'http://attacker.invalid:1', workspaceFolderValue: 'https://evil.example' },
      { defaultValue: '', globalValue: 'dev', workspaceValue: 'production' },
    );
    assert.equal(r.endpoint, 'http://127.0.0.1:5000');
    assert.equal(r.profile, 'dev');
    assert.deepEqual(
      r.ignored.map((i) => [i.setting, i.value, i.source]),
      [
        ['auroraSg.endpoint', 'http://attacker.invalid:1', 'the workspace settings'],
        ['auroraSg.endpoint', 'https://evil.example', 'the folder settings'],
        ['auroraSg.profile', 'production', 'the workspace settings'],
      ],
    );
  });

  it('without a user value uses AWS and the default chain, not the workspace value', () => {
    const r = resolveConnectionSettings(
      { defaultValue: '', workspaceValue: 'http://attacker.invalid:1' },
      { defaultValue: '', workspaceFolderValue: 'production' },
    );
    assert.equal(r.endpoint, undefined);
    assert.equal(r.profile, undefined);
    assert.equal(r.ignored.length, 2);
  });

  it('a workspace value equal to the user one, or absent, is not reported; an empty one that differs is (it would switch to the default chain)', () => {
    assert.deepEqual(
      resolveConnectionSettings({ globalValue: 'http://127.0.0.1:5000', workspaceValue: ' http://127.0.0.1:5000 ' }, { globalValue: 'dev' }).ignored,
      [],
    );
    const r = resolveConnectionSettings({}, { globalValue: 'dev', workspaceValue: '' });
    assert.equal(r.profile, 'dev');
    assert.deepEqual(
      r.ignored.map((i) => i.value),
      [''],
    );
  });

  it("a non-loopback default (another extension's configurationDefaults) is not used; a loopback one is", () => {
    assert.equal(resolveConnectionSettings({ defaultValue: 'https://attacker.invalid' }, {}).endpoint, undefined);
    assert.equal(resolveConnectionSettings({ defaultValue: 'http://localhost:4566' }, {}).endpoint, 'http://localhost:4566');
    // The user's own value is used whatever its host (a VPC endpoint, a proxy).
    assert.equal(
      resolveConnectionSettings({ defaultValue: '', globalValue: 'https://ec2.us-east-1.amazonaws.com' }, {}).endpoint,
      'https://ec2.us-east-1.amazonaws.com',
    );
  });

  it('values found in the workspace files are reported once each, with their source', () => {
    const found = [
      ...settingsFileValues(
        `{
        // a comment "with quotes"
        "auroraSg.endpoint": "http://attacker.invalid:1", /* block */
        "auroraSg": { "profile": "production" },
        "editor.tabSize": 2,
      }`,
        '.vscode/settings.json of app',
      ),
      ...settingsFileValues('{ "folders": [], "settings": { "auroraSg.endpoint": "http://attacker.invalid:1" } }', 'the workspace file', 'settings'),
    ];
    assert.deepEqual(
      found.map((f) => [f.setting, f.value]),
      [
        ['auroraSg.endpoint', 'http://attacker.invalid:1'],
        ['auroraSg.profile', 'production'],
        ['auroraSg.endpoint', 'http://attacker.invalid:1'],
      ],
    );
    const r = resolveConnectionSettings({ globalValue: 'http://127.0.0.1:5000' }, {}, found);
    assert.equal(r.endpoint, 'http://127.0.0.1:5000');
    assert.deepEqual(
      r.ignored.map((i) => `${i.setting}=${i.value} from ${i.source}`),
      ['auroraSg.endpoint=http://attacker.invalid:1 from .vscode/settings.json of app', 'auroraSg.profile=production from .vscode/settings.json of app'],
    );
    const m = ignoredMessage(r.ignored);
    assert.match(m, /auroraSg\.endpoint "http:\/\/attacker\.invalid:1"/);
    assert.match(m, /user settings/);
  });

  it('a settings file that does not parse, or sets nothing of ours, yields nothing; a string with "//" or ",}" is kept intact', () => {
    assert.deepEqual(settingsFileValues('{ "auroraSg.endpoint": ', 'x'), []);
    assert.deepEqual(settingsFileValues('[]', 'x'), []);
    assert.deepEqual(settingsFileValues('{ "auroraSg.endpoint": 5 }', 'x'), []);
    assert.deepEqual(
      settingsFileValues('{ "auroraSg.endpoint": "http://h/a,}//b", }', 'x').map((f) => f.value),
      ['http://h/a,}//b'],
    );
  });

  it('loopback endpoints', () => {
    for (const e of ['http://127.0.0.1:5000', 'http://localhost:4566', 'http://[::1]:5000', 'http://localstack:4566']) assert.ok(isLoopbackEndpoint(e), e);
    for (const e of [undefined, '', 'http://attacker.invalid:1', 'http://127.0.0.1.attacker.invalid', 'not a url'])
      assert.ok(!isLoopbackEndpoint(e), String(e));
  });

  it('package.json: endpoint and profile are machine-scoped and restricted in untrusted workspaces', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      contributes: { configuration: { properties: Record<string, { scope?: string }> } };
      capabilities: { untrustedWorkspaces: { supported: unknown; restrictedConfigurations: string[] } };
    };
    const props = pkg.contributes.configuration.properties;
    assert.equal(props['auroraSg.endpoint'].scope, 'machine');
    assert.equal(props['auroraSg.profile'].scope, 'machine');
    assert.equal(props['auroraSg.profiles'].scope, 'machine');
    assert.equal(props['auroraSg.temporaryAccess.addressService'].scope, 'machine');
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.deepEqual([...pkg.capabilities.untrustedWorkspaces.restrictedConfigurations].sort(), [
      'auroraSg.endpoint',
      'auroraSg.profile',
      'auroraSg.profiles',
      'auroraSg.regions',
      'auroraSg.temporaryAccess.addressService',
    ]);
  });

  it("the address service of Allow My IP: the user's value or the default, never a workspace's (flat, nested or dotted)", () => {
    const found = settingsFileValues(
      '{ "auroraSg.temporaryAccess.addressService": "http://a/", "auroraSg": { "temporaryAccess": { "addressService": "http://b/" }, "temporaryAccess.addressService": "http://c/" } }',
      'f',
    );
    assert.deepEqual(
      found.map((f) => [f.setting, f.value]),
      ['http://a/', 'http://c/', 'http://b/'].map((v) => ['auroraSg.temporaryAccess.addressService', v]),
    );
    const none = resolveConnectionSettings({}, {}, found, undefined, { defaultValue: 'https://checkip.amazonaws.com', workspaceValue: 'http://w/' });
    assert.equal(none.addressService, 'https://checkip.amazonaws.com');
    assert.deepEqual(
      none.ignored.map((i) => i.value),
      ['http://w/', 'http://a/', 'http://c/', 'http://b/'],
    );
    assert.match(ignoredMessage(none.ignored), /Allow My IP/);
    const mine = resolveConnectionSettings({}, {}, [], undefined, { globalValue: ' http://127.0.0.1:9/ ', workspaceFolderValue: 'http://127.0.0.1:9/' });
    assert.equal(mine.addressService, 'http://127.0.0.1:9/');
    assert.deepEqual(mine.ignored, [], "a workspace value equal to the user's is not reported");
  });

  it("a value both VS Code's configuration and a scanned file hold is named by the file, wherever it comes in the list", () => {
    const found = settingsFileValues('{ "auroraSg": { "endpoint": "http://x.invalid/" } }', '.vscode/settings.json of app');
    const r = resolveConnectionSettings({ workspaceValue: 'http://x.invalid/' }, { workspaceValue: 'prod' }, found);
    assert.deepEqual(
      r.ignored.map((i) => `${i.setting}=${i.value} from ${i.source}`),
      ['auroraSg.endpoint=http://x.invalid/ from .vscode/settings.json of app', 'auroraSg.profile=prod from the workspace settings'],
    );
  });

  it('auroraSg.requestTimeoutSeconds: seconds as ms, 0 = no limit; a missing, negative or non-numeric value is the 30 s default, never "no limit"', () => {
    assert.equal(requestTimeoutMs(undefined), 30_000);
    assert.equal(requestTimeoutMs(120), 120_000);
    assert.equal(requestTimeoutMs(0.5), 500);
    assert.equal(requestTimeoutMs(0), 0);
    assert.equal(requestTimeoutMs('45'), 45_000);
    for (const bad of [-1, NaN, Infinity, 'soon', '', null, {}, true]) assert.equal(requestTimeoutMs(bad), 30_000, `for ${String(bad)}`);
  });
});
