// Launcher 1 of 2 for the extension-host suite: @vscode/test-electron, for desktops that can
// download VS Code. The same suite and the same moto set-up as the code-server launcher.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { failOnAudit, prepareTestEnvironment, REPO_ROOT } from './testEnv';

async function main(): Promise<number> {
  const t = await prepareTestEnvironment();
  const userDataDir = path.join(t.scratchDir, 'user-data');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ 'security.workspace.trust.enabled': false, 'workbench.startupEditor': 'none', ...t.settings }, null, 2),
  );
  try {
    const code = await runTests({
      version: process.env.VSCODE_TEST_VERSION ?? '1.99.3',
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: path.join(REPO_ROOT, 'out', 'test', 'vscode', 'index.js'),
      extensionTestsEnv: t.env,
      launchArgs: [t.workspace, '--disable-extensions', '--user-data-dir', userDataDir, '--extensions-dir', path.join(t.scratchDir, 'extensions')],
    });
    return failOnAudit(t.audit(), code);
  } finally {
    await t.dispose();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`[electron] could not run the extension-host suite: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  },
);
