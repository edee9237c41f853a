// What both launchers of the extension-host suite share: moto, a scratch folder, settings, env.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { motoEnv, startMoto, type MotoServer } from './moto';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const TEST_REGION = 'us-east-1';

export interface TestEnvironment {
  readonly moto: MotoServer;
  readonly scratchDir: string;
  readonly workspace: string;
  readonly env: Record<string, string>;
  readonly settings: Record<string, unknown>;
  dispose(): Promise<void>;
}

export async function prepareTestEnvironment(): Promise<TestEnvironment> {
  const moto = await startMoto();
  const scratchDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aurora-sg-test-'));
  const workspace = path.join(scratchDir, 'workspace');
  fs.mkdirSync(workspace, { recursive: true });
  fs.writeFileSync(path.join(workspace, 'README.txt'), 'Workspace for the Aurora Security Groups extension tests.\n');
  const env = {
    ...motoEnv(moto.url, scratchDir),
    AURORA_SG_TEST_REGION: TEST_REGION,
    AURORA_SG_REPO: REPO_ROOT,
    // activate() returns its internals (test/vscode/util.ts api()) only when this is set.
    AURORA_SG_TEST_API: '1',
    AURORA_SG_SCREENSHOTS: process.env.AURORA_SG_SCREENSHOTS ?? path.join(REPO_ROOT, 'test-results', 'screenshots'),
  };
  const settings = { 'auroraSg.endpoint': moto.url, 'auroraSg.regions': [TEST_REGION] };
  return {
    moto,
    scratchDir,
    workspace,
    env,
    settings,
    async dispose() {
      await moto.stop();
      fs.rmSync(scratchDir, { recursive: true, force: true });
    },
  };
}
