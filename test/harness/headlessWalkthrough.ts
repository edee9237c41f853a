// Test-only parts of the walkthrough: a state storage in memory, a watcher that counts what the
// controller sends and refuses, and a headless run of the whole walkthrough through the very
// messages the webview posts. Runs in the extension host (the controller imports vscode).
import type { Ext } from '../../src/ext';
import * as W from '../../src/domain/walkthrough';
import { WalkthroughController, type StateStorage } from '../../src/webview/walkthroughController';

export function memoryStorage(): StateStorage {
  const m = new Map<string, unknown>();
  return { get: (k) => m.get(k), update: async (k, v) => void m.set(k, v) };
}

/** What a controller has sent and refused since watchWalkthrough was called. */
export interface WalkthroughWatch {
  /** Views posted to a panel (the first one means the page has loaded). */
  readonly viewsPosted: number;
  /** Notices, also those sent without a panel. */
  readonly notices: readonly { level: 'info' | 'error'; text: string }[];
  /** Messages refused by the protocol check. */
  readonly rejected: number;
  dispose(): void;
}

export function watchWalkthrough(c: WalkthroughController): WalkthroughWatch {
  const notices: { level: 'info' | 'error'; text: string }[] = [];
  let viewsPosted = 0;
  let rejected = 0;
  const sub = c.observe({
    sent: (m, toPanel) => {
      if (m.type === 'notice') notices.push({ level: m.level, text: m.text });
      else if (m.type === 'view' && toPanel) viewsPosted++;
    },
    refused: () => void rejected++,
  });
  return {
    get viewsPosted() {
      return viewsPosted;
    },
    notices,
    get rejected() {
      return rejected;
    },
    dispose: () => sub.dispose(),
  };
}

/** The verification shown on the verify step, if the walkthrough has one. */
export async function lastVerification(c: WalkthroughController): Promise<W.Verification | undefined> {
  return c.state.step === 'verify' ? (await c.view()).verification : undefined;
}

export interface HeadlessChoices {
  readonly region: string;
  readonly clusterId?: string;
  readonly dbInstanceId?: string;
  readonly vpcId?: string;
  readonly clientCidrs: string | readonly string[];
  readonly appPort?: number | string;
  readonly appGroupName?: string;
  readonly appGroupId?: string;
  readonly ec2InstanceId?: string;
  readonly dbGroupName?: string;
  readonly dbGroupId?: string;
}

export interface HeadlessResult {
  /** What the run made: 'group:sg-…', 'rule:sgr-…', 'ec2:i-…+sg-…', 'cluster:id+sg-…'. */
  readonly created: string[];
  /** What it found and reused. */
  readonly reused: string[];
  readonly verification?: W.Verification;
  readonly state: W.WalkthroughState;
  readonly rejected: number;
}

/**
 * Runs the whole walkthrough without the webview, through the same messages the webview posts
 * (update, apply with the previewed plan key). Throws when a step stops, with its message.
 */
export async function runWalkthroughHeadless(ext: Ext, choices: HeadlessChoices, storage: StateStorage = memoryStorage()): Promise<HeadlessResult> {
  const target = choices.clusterId ? `cluster:${choices.clusterId}` : choices.dbInstanceId ? `instance:${choices.dbInstanceId}` : '';
  const c = new WalkthroughController(ext, storage, W.initialState({ region: choices.region, target, vpcId: choices.vpcId ?? '' }));
  const seen = watchWalkthrough(c);
  const values: Partial<Record<W.ChoiceField, string>> = {
    appGroupId: choices.appGroupId ?? '',
    appGroupName: choices.appGroupName ?? W.DEFAULT_APP_GROUP_NAME,
    clientCidrs: typeof choices.clientCidrs === 'string' ? choices.clientCidrs : choices.clientCidrs.join(', '),
    appPort: String(choices.appPort ?? W.DEFAULT_APP_PORT),
    ec2InstanceId: choices.ec2InstanceId ?? '',
    dbGroupId: choices.dbGroupId ?? '',
    dbGroupName: choices.dbGroupName ?? W.DEFAULT_DB_GROUP_NAME,
  };
  const created: string[] = [];
  const reused: string[] = [];
  try {
    for (const step of W.STEP_IDS) {
      if (c.state.step !== step) throw new Error(`The walkthrough is on ${c.state.step}, expected ${step}.`);
      for (const [field, value] of Object.entries(values) as [W.ChoiceField, string][]) {
        if (W.FIELD_STEP[field] === step) await c.handle({ type: 'update', field, value });
      }
      const v = await c.view();
      if (!v.primary.enabled)
        throw new Error(`Step ${v.number} (${v.title}) cannot be applied: ${[...v.errors, ...v.fields.map((f) => f.error).filter(Boolean)].join(' ')}`);
      await c.handle({ type: 'apply', step, planKey: v.planKey });
      const o = c.state.outcomes[step];
      if (o?.error) throw new Error(`Step ${v.number} (${v.title}) stopped: ${o.error}`);
      if (step !== 'verify') {
        created.push(...(o?.created ?? []));
        reused.push(...(o?.reused ?? []));
      }
    }
    return { created, reused, verification: await lastVerification(c), state: c.state, rejected: seen.rejected };
  } finally {
    seen.dispose();
    c.dispose();
  }
}
