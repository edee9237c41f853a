// The activity log's data: one entry per change the extension made (or tried), with the exact API
// calls and their inputs, the outcome, and what Undo needs to put things back. Plain data, kept in
// the extension's global storage; nothing here may ever hold a secret (redactInput, redactText).
import type { RuleSpec } from './model';

/** One API call of a change, as sent (the input the SDK got, without secrets). */
export interface ActivityCall {
  /** 'EC2' or 'RDS'. */
  readonly service: string;
  /** The API name: AuthorizeSecurityGroupIngress, ModifyDBCluster, ... */
  readonly api: string;
  readonly input: unknown;
  /** Sent with DryRun: true (the permission check before the change). */
  readonly dryRun?: boolean;
  /** 'ok', 'allowed' (a dry run AWS would let through), or the error's code. */
  readonly result: string;
  /** The error's message (redacted), when it failed. */
  readonly message?: string;
}

/** A rule as an entry keeps it: what it allows and its description (never a region or an account). */
export type RuleRecord = RuleSpec & { readonly ruleId: string };

/** What the change did, in terms Undo can reverse; 'none' when it cannot be reversed. */
export type ActivityChange =
  | { readonly kind: 'ruleAdded'; readonly groupId: string; readonly rules: readonly RuleRecord[] }
  | { readonly kind: 'rulesRevoked'; readonly rules: readonly RuleRecord[] }
  | { readonly kind: 'ruleEdited'; readonly groupId: string; readonly before: RuleRecord; readonly after: RuleRecord }
  | {
      readonly kind: 'dbGroups';
      readonly target: { readonly kind: 'cluster' | 'instance'; readonly id: string };
      readonly before: readonly string[];
      readonly after: readonly string[];
    }
  | {
      readonly kind: 'eniGroups';
      readonly instanceId: string;
      readonly networkInterfaceId: string;
      readonly before: readonly string[];
      readonly after: readonly string[];
    }
  | {
      readonly kind: 'groupCreated';
      readonly groupId: string;
      readonly groupName: string;
      readonly vpcId: string;
      readonly description: string;
      readonly tags?: Readonly<Record<string, string>>;
    }
  | {
      readonly kind: 'groupDeleted';
      readonly groupId: string;
      readonly groupName: string;
      readonly vpcId?: string;
      readonly description: string;
      readonly tags?: Readonly<Record<string, string>>;
      /** It had no rules but AWS's default outbound allow-all: creating it again (a new id) puts it back. */
      readonly recreatable: boolean;
    }
  | { readonly kind: 'none' };

export type ActivityStatus = 'applied' | 'recovered' | 'failed' | 'unknown' | 'partial';

export interface ActivityEntry {
  readonly id: string;
  /** ISO time the change started. */
  readonly time: string;
  /** The AWS account (the group's owner) when known, else undefined. */
  readonly account?: string;
  /** The profile the change was made with ('default chain' when none): a name, never a key. */
  readonly profile?: string;
  readonly region: string;
  /** What was changed: "sg-0a1 (dbsrv1)", "DB cluster orders". */
  readonly target: string;
  /** What the change does: "add tcp 3306 from appsrv1 to dbsrv1". */
  readonly what: string;
  readonly calls: readonly ActivityCall[];
  readonly status: ActivityStatus;
  /** The outcome in words: "applied", "applied, answer lost, verified", "failed: <reason>". */
  readonly outcome: string;
  /** For a failed entry: what to do now. */
  readonly advice?: string;
  readonly change: ActivityChange;
  /** The entry this one undid (undo of an undo is a redo). */
  readonly undoOf?: string;
}

/** Entries kept; the oldest are dropped beyond it. */
export const ACTIVITY_LIMIT = 500;

/** Newest first, at most `limit`, one per id (the newest copy wins). */
export function boundEntries(entries: readonly ActivityEntry[], limit = ACTIVITY_LIMIT): ActivityEntry[] {
  const seen = new Set<string>();
  const out: ActivityEntry[] = [];
  const sorted = [...entries].sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  for (const e of sorted) {
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    out.push(e);
    if (out.length >= limit) break;
  }
  return out;
}

/** Keys that name a secret: never recorded, whatever their value. */
const SECRET_KEY = /secret|token|password|passwd|credential|session|signature|authorization|private.?key|access.?key/i;
/** Access key ids (AKIA…, ASIA…) and the shapes of a signature or a secret key in text. */
const SECRET_TEXT: readonly [RegExp, string][] = [
  [/\b(?:AKIA|ASIA|AIDA|AROA)[A-Z0-9]{16}\b/g, '[access key id]'],
  [/(aws_secret_access_key|aws_session_token|X-Amz-Security-Token|X-Amz-Signature|Signature|Credential)\s*[=:]\s*[^\s&,;"']+/gi, '$1=[redacted]'],
  // A secret access key's shape: 40 characters of base64 with digits and both cases.
  [/(?<![A-Za-z0-9/+])(?=[A-Za-z0-9/+]*\d)(?=[A-Za-z0-9/+]*[a-z])(?=[A-Za-z0-9/+]*[A-Z])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/g, '[redacted]'],
];

/** Text with anything that looks like a credential replaced (and cut to `max` characters). */
export function redactText(text: string, max = 2000): string {
  let t = text;
  for (const [re, by] of SECRET_TEXT) t = t.replace(re, by);
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

/** A call's input as recorded: secret-named keys dropped, strings redacted, functions and cycles left out. */
export function redactInput(input: unknown, depth = 0): unknown {
  if (depth > 8) return '[deep]';
  if (typeof input === 'string') return redactText(input, 1000);
  if (typeof input === 'number' || typeof input === 'boolean' || input === null || input === undefined) return input;
  if (Array.isArray(input)) return input.slice(0, 200).map((x) => redactInput(x, depth + 1));
  if (typeof input === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
      if (SECRET_KEY.test(k) || typeof v === 'function' || v === undefined) continue;
      out[k] = redactInput(v, depth + 1);
    }
    return out;
  }
  return undefined;
}

/** An entry as stored: every text field and input redacted once more (a stored entry is never trusted to be clean). */
export function cleanEntry(e: ActivityEntry): ActivityEntry {
  return {
    ...e,
    what: redactText(e.what),
    target: redactText(e.target),
    outcome: redactText(e.outcome),
    ...(e.advice !== undefined ? { advice: redactText(e.advice) } : {}),
    calls: e.calls.map((c) => ({ ...c, input: redactInput(c.input), ...(c.message !== undefined ? { message: redactText(c.message) } : {}) })),
  };
}

/** Entries read from storage: only well-formed ones survive (a corrupt store must not break the view). */
export function parseEntries(raw: unknown): ActivityEntry[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter(
    (e): e is ActivityEntry =>
      !!e &&
      typeof e === 'object' &&
      typeof (e as ActivityEntry).id === 'string' &&
      typeof (e as ActivityEntry).time === 'string' &&
      typeof (e as ActivityEntry).region === 'string' &&
      Array.isArray((e as ActivityEntry).calls) &&
      !!(e as ActivityEntry).change,
  );
}

/** One line per entry, oldest first (the export: JSON lines). */
export function toJsonLines(entries: readonly ActivityEntry[]): string {
  return [...entries]
    .reverse()
    .map((e) => JSON.stringify(cleanEntry(e)))
    .join('\n')
    .concat(entries.length ? '\n' : '');
}

/** Whether Undo applies: a reversible kind that was applied (in full, or verified after a lost answer). */
export function isReversible(e: ActivityEntry): boolean {
  if (e.status !== 'applied' && e.status !== 'recovered') return false;
  const c = e.change;
  if (c.kind === 'none') return false;
  if (c.kind === 'groupDeleted') return c.recreatable;
  return true;
}

/** "Undo" or, for an entry that was itself an undo, "Redo". */
export const undoLabel = (e: ActivityEntry) => (e.undoOf ? 'Redo' : 'Undo');

/** What the change left in place, in a line (what Undo compares the account with); '' for none. */
export function changeText(c: ActivityChange): string {
  const list = (ids: readonly string[]) => ids.join(', ') || 'none';
  switch (c.kind) {
    case 'ruleAdded':
      return `rule ${c.rules.map((r) => r.ruleId).join(', ')} in ${c.groupId}`;
    case 'rulesRevoked':
      return `no rule ${c.rules.map((r) => r.ruleId).join(', ')}`;
    case 'ruleEdited':
      return `rule ${c.after.ruleId} in ${c.groupId}${c.after.ruleId !== c.before.ruleId ? ` (replacing ${c.before.ruleId})` : ''}`;
    case 'dbGroups':
      return `DB ${c.target.kind} ${c.target.id} with ${list(c.after)} (before: ${list(c.before)})`;
    case 'eniGroups':
      return `${c.instanceId}'s network interface ${c.networkInterfaceId} with ${list(c.after)} (before: ${list(c.before)})`;
    case 'groupCreated':
      return `security group ${c.groupName} (${c.groupId}) in ${c.vpcId}`;
    case 'groupDeleted':
      return `no security group ${c.groupName} (${c.groupId})`;
    case 'none':
      return '';
  }
}

/** The details of an entry as text for a read-only editor. */
export function entryDetails(e: ActivityEntry): string {
  const lines = [
    `${e.what}`,
    '',
    `Time:    ${e.time}`,
    `Account: ${e.account ?? 'unknown'}${e.profile ? ` (profile ${e.profile})` : ''}`,
    `Region:  ${e.region}`,
    `Target:  ${e.target}`,
    `Outcome: ${e.outcome}`,
  ];
  if (e.advice) lines.push(`What to do: ${e.advice}`);
  const left = changeText(e.change);
  if (left) lines.push(`Left:    ${left}`);
  if (e.undoOf) lines.push(`Undoes:  entry ${e.undoOf}`);
  lines.push(`Undo:    ${isReversible(e) ? `available (${undoLabel(e)} on the entry re-reads the account first)` : 'not available for this entry'}`);
  lines.push('', `API calls (${e.calls.length}):`);
  e.calls.forEach((c, i) => {
    lines.push(
      `${i + 1}. ${c.service} ${c.api}${c.dryRun ? ' (DryRun)' : ''}: ${c.result}${c.message ? ` (${c.message})` : ''}`,
      ...JSON.stringify(c.input, undefined, 2)
        .split('\n')
        .map((l) => `   ${l}`),
    );
  });
  lines.push('', `Entry id: ${e.id}`);
  return `${lines.join('\n')}\n`;
}

/** The EC2 writes that take DryRun (EC2 API Reference, each action's DryRun parameter): checked before a change. */
export const DRY_RUN_APIS: ReadonlySet<string> = new Set([
  'AuthorizeSecurityGroupIngress',
  'AuthorizeSecurityGroupEgress',
  'RevokeSecurityGroupIngress',
  'RevokeSecurityGroupEgress',
  'ModifySecurityGroupRules',
  'UpdateSecurityGroupRuleDescriptionsIngress',
  'UpdateSecurityGroupRuleDescriptionsEgress',
  'CreateSecurityGroup',
  'DeleteSecurityGroup',
  'ModifyNetworkInterfaceAttribute',
  'ModifyInstanceAttribute',
  'CreateTags',
]);

/**
 * The sentence for a preview or confirmation: which of its calls the permission check cannot try
 * first (RDS has no DryRun: ModifyDBCluster, ModifyDBInstance), or '' when every call can be.
 */
export function uncheckedNote(apis: readonly string[], dryRun: boolean): string {
  const rds = [...new Set(apis.filter((a) => !DRY_RUN_APIS.has(a)))];
  const ec2 = [...new Set(apis.filter((a) => DRY_RUN_APIS.has(a)))];
  if (!dryRun) return ec2.length || rds.length ? 'Permissions are not checked before the change (auroraSg.dryRun is off).' : '';
  if (!rds.length) return '';
  const names = rds.map((a) => (a.startsWith('ModifyDB') ? `rds:${a}` : a)).join(', ');
  return `${names} cannot be checked for permission before the change (RDS has no dry run)${ec2.length ? `; ${ec2.map((a) => `ec2:${a}`).join(', ')} will be` : ''}.`;
}
