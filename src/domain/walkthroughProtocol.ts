// Messages between the walkthrough webview and the extension. The webview is untrusted input:
// everything it posts goes through parseWebviewMessage, which accepts exactly the shapes below
// (no unknown type, no extra or missing key, no nested value, no over-long text) and nothing else.
// Pure: no vscode.
import { CHOICE_FIELDS, isStepId, type ChoiceField, type StepId, type WalkthroughView } from './walkthrough';

/** Webview -> extension. */
export type WebviewMessage =
  /** The page loaded (or was restored): send the view. */
  | { readonly type: 'ready' }
  /** A form field of the current step changed (always text, as typed). */
  | { readonly type: 'update'; readonly field: ChoiceField; readonly value: string }
  /** Apply the current step; planKey is the fingerprint of the plan the user saw. */
  | { readonly type: 'apply'; readonly step: StepId; readonly planKey: string }
  | { readonly type: 'next' }
  | { readonly type: 'back' }
  | { readonly type: 'goto'; readonly step: StepId }
  /** Copy the CLI command of action `index` of the step (-1: every command of the step, as a script). */
  /** index: an action of the step; -1 the whole step; -2 every step still to do, as one script. */
  | { readonly type: 'copy'; readonly step: StepId; readonly index: number }
  /** Copy every step still to do, from `step` on, as CloudFormation YAML or Terraform (src/domain/code). */
  | { readonly type: 'copyCode'; readonly step: StepId; readonly format: PlanCodeFormat }
  /** Read the account again. */
  | { readonly type: 'refresh' }
  /** Start over (asks first; nothing in AWS is undone). */
  | { readonly type: 'reset' }
  | { readonly type: 'showLog' }
  /** Open the Region picker (when no Region is configured). */
  | { readonly type: 'selectRegions' };

export type WebviewMessageType = WebviewMessage['type'];

/** The formats the plan's copy-as-code buttons offer (its CLI is the copy buttons' own). */
export const PLAN_CODE_FORMATS = ['cloudformation', 'terraform'] as const;
export type PlanCodeFormat = (typeof PLAN_CODE_FORMATS)[number];

/** Extension -> webview. */
export type ExtensionMessage =
  { readonly type: 'view'; readonly view: WalkthroughView } | { readonly type: 'notice'; readonly level: 'info' | 'error'; readonly text: string };

/** Longest text accepted per field (the domain explains AWS's own, smaller limits). */
export const FIELD_MAX: Readonly<Record<ChoiceField, number>> = {
  region: 32,
  vpcId: 64,
  target: 128,
  appGroupId: 64,
  appGroupName: 512,
  clientCidrs: 2000,
  appPort: 16,
  ec2InstanceId: 64,
  dbGroupId: 64,
  dbGroupName: 512,
};
export const PLAN_KEY_MAX = 64;
export const MAX_ACTION_INDEX = 100;

const KEYS: Readonly<Record<WebviewMessageType, readonly string[]>> = {
  ready: [],
  update: ['field', 'value'],
  apply: ['step', 'planKey'],
  next: [],
  back: [],
  goto: ['step'],
  copy: ['step', 'index'],
  copyCode: ['step', 'format'],
  refresh: [],
  reset: [],
  showLog: [],
  selectRegions: [],
};

const isChoiceField = (x: unknown): x is ChoiceField => typeof x === 'string' && (CHOICE_FIELDS as readonly string[]).includes(x);

/** Only a plain object made by JSON or an object literal: no arrays, class instances or exotic prototypes. */
function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** No control characters other than tab and line breaks (a pasted list of CIDRs may have them). */
const cleanText = (s: string, max: number) => s.length <= max && !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s);

/** The message, if it is exactly one of WebviewMessage; undefined for anything else. */
export function parseWebviewMessage(x: unknown): WebviewMessage | undefined {
  if (!isPlainObject(x)) return undefined;
  const type = x.type;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(KEYS, type)) return undefined;
  const want = ['type', ...KEYS[type as WebviewMessageType]];
  const keys = Object.keys(x);
  if (keys.length !== want.length || !keys.every((k) => want.includes(k))) return undefined;
  if (Object.getOwnPropertySymbols(x).length) return undefined;
  for (const k of keys) {
    const d = Object.getOwnPropertyDescriptor(x, k);
    if (!d || !('value' in d)) return undefined; // no getters
    const v = d.value;
    if (v !== null && typeof v === 'object') return undefined; // no nesting
  }
  switch (type as WebviewMessageType) {
    case 'ready':
    case 'next':
    case 'back':
    case 'refresh':
    case 'reset':
    case 'showLog':
    case 'selectRegions':
      return { type } as WebviewMessage;
    case 'update': {
      const { field, value } = x;
      if (!isChoiceField(field) || typeof value !== 'string' || !cleanText(value, FIELD_MAX[field])) return undefined;
      return { type: 'update', field, value };
    }
    case 'apply': {
      const { step, planKey } = x;
      if (!isStepId(step) || typeof planKey !== 'string' || planKey.length === 0 || planKey.length > PLAN_KEY_MAX || !/^[A-Za-z0-9-]+$/.test(planKey))
        return undefined;
      return { type: 'apply', step, planKey };
    }
    case 'goto': {
      const { step } = x;
      return isStepId(step) ? { type: 'goto', step } : undefined;
    }
    case 'copy': {
      const { step, index } = x;
      if (!isStepId(step) || typeof index !== 'number' || !Number.isInteger(index) || index < -2 || index > MAX_ACTION_INDEX) return undefined;
      return { type: 'copy', step, index };
    }
    case 'copyCode': {
      const { step, format } = x;
      if (!isStepId(step) || typeof format !== 'string' || !(PLAN_CODE_FORMATS as readonly string[]).includes(format)) return undefined;
      return { type: 'copyCode', step, format: format as PlanCodeFormat };
    }
  }
}
