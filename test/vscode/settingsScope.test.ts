// A repository's .vscode/settings.json must not redirect the signed requests (auroraSg.endpoint) or
// switch the account (auroraSg.profile): issue 13, Security. The workspace here sets both, in the flat
// form (which VS Code drops for machine-scoped settings) and in the nested form ("auroraSg": {...},
// which VS Code's scope filter does not see); the extension must keep the user's values either way,
// say once that it ignored the workspace's, and still load from moto.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TestAccountIds } from '../harness/seed';
import { ScriptedPrompter, script } from './scripted';
import { api, AWS_URL, logText, REGION, reseed, setSettings } from './util';

/** Polls `check`; on a timeout fails with `what` (a function: described as things are then). */
async function until(what: string | (() => string), check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Settings scope: a workspace cannot choose the endpoint or the profile', () => {
  let ids: TestAccountIds;
  let prompter: ScriptedPrompter;
  let dir: string;
  let file: string;

  before(async () => {
    ids = await reseed();
    await setSettings({ endpoint: AWS_URL, regions: [REGION], profile: '' });
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test workspace has a folder (test/harness/testEnv.ts)');
    dir = path.join(folder.uri.fsPath, '.vscode');
    file = path.join(dir, 'settings.json');
    assert.ok(!fs.existsSync(file), `${file} exists before the test`);
    prompter = await script();
  });

  after(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    const a = await api();
    await a.ext.scanWorkspaceFiles();
    const { VsCodePrompter } = await import('../../src/ui/vscodePrompter');
    a.ext.ui = new VsCodePrompter();
  });

  async function assertUserSettingsInUse(): Promise<void> {
    const a = await api();
    assert.equal(a.ext.settings.endpoint, AWS_URL);
    assert.equal(a.ext.settings.profile, undefined);
    // A tree load still reaches moto (attacker.invalid does not resolve).
    const idx = await a.ext.store.load(REGION);
    assert.ok(
      idx.snapshot.vpcs.some((v) => v.vpcId === ids.vpcId),
      'the seeded VPC was read from moto',
    );
    const ready = (await logText()).split('\n').filter((l) => l.includes('AWS layer ready'));
    assert.ok(ready.length, 'the gateway was created');
    assert.match(ready[ready.length - 1], new RegExp(`profile \\(default chain\\), endpoint ${AWS_URL.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    assert.doesNotMatch(ready[ready.length - 1], /attacker|production/);
  }

  it('flat "auroraSg.endpoint" / "auroraSg.profile" in .vscode/settings.json: ignored, and the user is told once', async () => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ 'auroraSg.endpoint': 'http://attacker.invalid:1', 'auroraSg.profile': 'production' }, null, 2));
    await until('the notice about the ignored workspace values', () => prompter.warnings.some((w) => w.includes('attacker.invalid')));
    assert.equal(prompter.warnings.length, 1, prompter.warnings.join('\n'));
    assert.match(prompter.warnings[0], /auroraSg\.endpoint "http:\/\/attacker\.invalid:1" \(from \.vscode\/settings\.json of workspace\)/);
    assert.match(prompter.warnings[0], /auroraSg\.profile "production"/);
    assert.match(prompter.warnings[0], /user settings/);
    // VS Code itself drops workspace values of machine-scoped settings (package.json "scope": "machine").
    const c = vscode.workspace.getConfiguration('auroraSg');
    assert.equal(c.get('endpoint'), AWS_URL);
    assert.equal(c.inspect('endpoint')?.workspaceValue, undefined);
    // A settings change reloads the extension's settings: still the user's, and no second notice.
    const a = await api();
    await setSettings({ regions: [REGION, 'us-west-2'] });
    await until('the reload after a settings change', () => a.ext.settings.regions.length === 2);
    assert.equal(a.ext.settings.endpoint, AWS_URL);
    await setSettings({ regions: [REGION] });
    await until('the reload after the Regions were set back', () => a.ext.settings.regions.length === 1);
    await a.ext.scanWorkspaceFiles();
    assert.equal(prompter.warnings.length, 1, 'the same ignored values are reported once');
    await assertUserSettingsInUse();
    assert.match(await logText(), /Ignored auroraSg\.endpoint "http:\/\/attacker\.invalid:1"/);
  });

  it('nested "auroraSg": { endpoint, profile } (past VS Code\'s scope filter): the extension still uses the user\'s values', async () => {
    const changed = new Promise<boolean>((resolve) => {
      const sub = vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('auroraSg')) return;
        sub.dispose();
        resolve(true);
      });
      setTimeout(() => {
        sub.dispose();
        resolve(false);
      }, 5000);
    });
    fs.writeFileSync(file, JSON.stringify({ auroraSg: { endpoint: 'https://attacker.invalid/nested', profile: 'production-nested' } }, null, 2));
    await until('the notice about the nested values', () => prompter.warnings.some((w) => w.includes('attacker.invalid/nested')));
    const fired = await changed;
    const seen = vscode.workspace.getConfiguration('auroraSg').get<string>('endpoint');
    // What this VS Code does with the nested form, for the record; the extension's answer must not depend on it.
    console.log(`[settingsScope] nested form: onDidChangeConfiguration ${fired ? 'fired' : 'did not fire'}; getConfiguration().get('endpoint') = ${seen}`);
    assert.equal(prompter.warnings.length, 2, prompter.warnings.join('\n'));
    assert.match(prompter.warnings[1], /auroraSg\.profile "production-nested"/);
    await assertUserSettingsInUse();
  });

  it("auroraSg.temporaryAccess.addressService from the workspace (flat and nested): Allow My IP asks the user's service, never the workspace's", async () => {
    // The address this service answers is the /32 Allow My IP opens on a database port: a repository
    // choosing it could let its own host in. Two local stand-ins: the user's and the workspace's.
    const asked: string[] = [];
    const serve = (name: string, address: string) => {
      const server = http.createServer((_req, res) => {
        asked.push(name);
        res.end(`${address}\n`);
      });
      return new Promise<http.Server>((r) => server.listen(0, '127.0.0.1', () => r(server)));
    };
    const user = await serve('user', '198.51.100.7');
    const theirs = await serve('workspace', '203.0.113.66');
    const url = (s: http.Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}/`;
    const a = await api();
    try {
      await setSettings({ 'temporaryAccess.addressService': url(user) });
      for (const [n, content] of [
        [3, { 'auroraSg.temporaryAccess.addressService': url(theirs) }],
        [4, { auroraSg: { temporaryAccess: { addressService: `${url(theirs)}nested` } } }],
      ] as const) {
        fs.writeFileSync(file, JSON.stringify(content, null, 2));
        await until(
          () =>
            `notice ${n} about the address service (notices so far: ${prompter.warnings.length}: ${prompter.warnings.map((w) => w.slice(0, 160)).join(' || ')})`,
          () => prompter.warnings.length === n,
        );
        assert.match(
          prompter.warnings[n - 1],
          /auroraSg\.temporaryAccess\.addressService "http:\/\/127\.0\.0\.1:\d+\/(nested)?" \(from \.vscode\/settings\.json of workspace\)/,
        );
        assert.equal((await a.ext.temporaryDeps().address()).cidr, '198.51.100.7/32');
      }
      assert.deepEqual(asked, ['user', 'user'], "the workspace's service was never asked");
    } finally {
      await setSettings({ 'temporaryAccess.addressService': undefined });
      user.close();
      theirs.close();
    }
  });
});
