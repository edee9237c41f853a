// What both launchers of the extension-host suite share: moto, a scratch folder, settings, env.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startFaultProxy, type FaultProxy } from './faultProxy';
import { auditProxy } from './rulesAudit';
import { motoEnv, startMoto, type MotoServer } from './moto';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const TEST_REGION = 'us-east-1';

export interface TestEnvironment {
  readonly moto: MotoServer;
  /** The AWS-rules layer (test/harness/awsRules.ts) in front of moto; the extension talks to it. */
  readonly awsRules: FaultProxy;
  /** What the rules layer saw that the run must fail on (test/harness/rulesAudit.ts). */
  audit(): string[];
  readonly scratchDir: string;
  readonly workspace: string;
  readonly env: Record<string, string>;
  readonly settings: Record<string, unknown>;
  dispose(): Promise<void>;
}

export async function prepareTestEnvironment(): Promise<TestEnvironment> {
  const moto = await startMoto();
  const awsRules = await startFaultProxy(moto.url);
  const scratchDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aurora-sg-test-'));
  const workspace = path.join(scratchDir, 'workspace');
  fs.mkdirSync(workspace, { recursive: true });
  fs.writeFileSync(path.join(workspace, 'README.txt'), 'Workspace for the Aurora Security Groups extension tests.\n');
  const env = {
    ...motoEnv(moto.url, scratchDir),
    // The extension's endpoint; tests seed and read moto directly through MOTO_URL.
    AURORA_SG_AWS_URL: awsRules.url,
    AURORA_SG_TEST_REGION: TEST_REGION,
    AURORA_SG_REPO: REPO_ROOT,
    // activate() returns its internals (test/vscode/util.ts api()) only when this is set.
    AURORA_SG_TEST_API: '1',
    AURORA_SG_SCREENSHOTS: process.env.AURORA_SG_SCREENSHOTS ?? path.join(REPO_ROOT, 'test-results', 'screenshots'),
  };
  const settings = { 'auroraSg.endpoint': awsRules.url, 'auroraSg.regions': [TEST_REGION] };
  return {
    moto,
    awsRules,
    audit: () => auditProxy(awsRules),
    scratchDir,
    workspace,
    env,
    settings,
    async dispose() {
      await awsRules.close();
      await moto.stop();
      fs.rmSync(scratchDir, { recursive: true, force: true });
    },
  };
}

/** Prints the audit's problems; a suite that passed fails when there are any. */
export function failOnAudit(problems: readonly string[], code: number): number {
  if (problems.length === 0) return code;
  console.error(`[aws-rules] the run sent calls AWS would refuse:\n  ${problems.join('\n  ')}`);
  return code === 0 ? 1 : code;
}
