// A real VS Code (code-server 4.99.4 = VS Code 1.99.3) opened in headless Chromium by playwright-core.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { freePort } from './moto';

export const CODE_SERVER_VERSION = '4.99.4';

export function codeServerBinary(): string {
  const cache = process.env.AURORA_SG_CACHE ?? path.join(os.homedir(), '.cache', 'aurora-sg');
  const bin = process.env.CODE_SERVER_BIN ?? path.join(cache, `code-server-${CODE_SERVER_VERSION}`, 'node_modules', '.bin', 'code-server');
  if (!fs.existsSync(bin)) throw new Error(`code-server was not found at ${bin}. Install it with: bash scripts/install-test-deps.sh`);
  return bin;
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
  stop(): Promise<void>;
}

export async function startCodeServer(o: CodeServerOptions): Promise<CodeServer> {
  const bin = codeServerBinary();
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
      const p = spawn(bin, ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', o.vsix!], { env, stdio: 'pipe' });
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
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    o.workspace,
  ];
  const proc: ChildProcess = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
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
  return {
    url,
    port,
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
  hooks: { onExit?: (code: number) => void; onLog?: (type: string, args: unknown[]) => void } = {},
  viewport = { width: 1400, height: 900 },
): Promise<Page> {
  const page = await browser.newPage({ viewport });
  await page.exposeFunction('codeAutomationExit', (code: number) => hooks.onExit?.(code));
  await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => hooks.onLog?.(type, args));
  await page.goto(url);
  return page;
}
