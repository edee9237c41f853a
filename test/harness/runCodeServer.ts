// Launcher 2 of 2 for the extension-host suite: code-server in headless Chromium, the VS Code that
// AURORA_SG_VSCODE names (test/harness/codeServer.ts VSCODE_BUILDS; the oldest by default).
// The suite (out/test/vscode/index.js) runs inside the real extension host; its exit code comes
// back through window.codeAutomationExit.
import * as path from 'node:path';
import { format } from 'node:util';
import { launchBrowser, openWorkbench, remoteUri, startCodeServer, workbenchUrl } from './codeServer';
import { failOnAudit, prepareTestEnvironment, REPO_ROOT } from './testEnv';

async function main(): Promise<number> {
  const t = await prepareTestEnvironment();
  const logs: string[] = [];
  const cs = await startCodeServer({
    workspace: t.workspace,
    settings: t.settings,
    env: { ...t.env, ...(process.env.MOCHA_GREP ? { MOCHA_GREP: process.env.MOCHA_GREP } : {}) },
    scratchDir: t.scratchDir,
    log: (l) => logs.push(l),
  });
  console.log(`[vscode] VS Code ${cs.build.vscode} (code-server ${cs.build.codeServer})`);
  const browser = await launchBrowser();
  try {
    const exit = new Promise<number>((resolve) => {
      const payload: [string, string][] = [
        ['extensionDevelopmentPath', remoteUri(cs, REPO_ROOT)],
        ['extensionTestsPath', remoteUri(cs, path.join(REPO_ROOT, 'out', 'test', 'vscode', 'index.js'))],
        ['skipWelcome', 'true'],
      ];
      void openWorkbench(browser, workbenchUrl(cs, t.workspace, payload), {
        onExit: (code) => resolve(code),
        onLog: (_type, args) => {
          const line = Array.isArray(args) ? format(...(args as unknown[])) : String(args);
          process.stdout.write(line.endsWith('\n') ? line : `${line}\n`);
        },
      });
    });
    const timeoutMs = Number(process.env.AURORA_SG_VSCODE_TIMEOUT_MS ?? 20 * 60_000);
    const timer = new Promise<number>((resolve) => setTimeout(() => resolve(-1), timeoutMs).unref());
    const code = await Promise.race([exit, timer]);
    if (code === -1) {
      console.error(`The extension-host suite did not report an exit code within ${timeoutMs / 1000} s.`);
      console.error(logs.join('').slice(-4000));
      return 1;
    }
    console.log(`[vscode] extension-host suite in VS Code ${cs.build.vscode} (code-server ${cs.build.codeServer}) finished with exit code ${code}`);
    return failOnAudit(t.audit(), code);
  } finally {
    await browser.close().catch(() => undefined);
    await cs.stop();
    await t.dispose();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`[vscode] could not run the extension-host suite: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  },
);
