// Starts a real moto server (the local AWS API) on a free loopback port.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';

export interface MotoServer {
  readonly url: string;
  readonly port: number;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export function motoBinary(): string {
  const bin = process.env.MOTO_SERVER_BIN ?? 'moto_server';
  const probe = spawnSync(bin, ['--help'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    throw new Error(`moto_server was not found (${bin}). Install it with: pip install 'moto[server]' (or run scripts/install-test-deps.sh).`);
  }
  return bin;
}

async function waitFor(url: string, proc: ChildProcess, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (proc.exitCode !== null) throw new Error(`moto_server exited early with code ${proc.exitCode}`);
    try {
      const r = await fetch(`${url}/moto-api/data.json`);
      if (r.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`moto_server did not answer at ${url} within ${timeoutMs} ms`);
}

export async function startMoto(opts: { port?: number; quiet?: boolean } = {}): Promise<MotoServer> {
  const bin = motoBinary();
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const proc = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', opts.quiet === false ? 'inherit' : 'ignore'] });
  await waitFor(url, proc, 30_000);
  return {
    url,
    port,
    async reset() {
      const r = await fetch(`${url}/moto-api/reset`, { method: 'POST' });
      if (!r.ok) throw new Error(`moto reset failed: HTTP ${r.status}`);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
        setTimeout(() => proc.kill('SIGKILL'), 3000).unref();
      }),
  };
}

/** Credentials and settings that point the AWS SDK at moto and away from the user's own profiles. */
export function motoEnv(url: string, scratchDir: string): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SESSION_TOKEN: 'testing-session',
    AWS_CONFIG_FILE: `${scratchDir}/aws-config`,
    AWS_SHARED_CREDENTIALS_FILE: `${scratchDir}/aws-credentials`,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    MOTO_URL: url,
  };
}

/**
 * Fixed test keys in the environment for a suite whose gateway reads the default credential chain
 * (moto accepts any key), no instance-metadata lookup and no SDK Node-version notice. Returns what
 * puts the keys and the metadata setting back as they were.
 */
export function useTestKeys(): () => void {
  const keys = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_EC2_METADATA_DISABLED'] as const;
  const saved = keys.map((k) => process.env[k]);
  process.env.AWS_ACCESS_KEY_ID = 'testing';
  process.env.AWS_SECRET_ACCESS_KEY = 'testing';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  return () =>
    keys.forEach((k, i) => {
      if (saved[i] === undefined) delete process.env[k];
      else process.env[k] = saved[i];
    });
}
