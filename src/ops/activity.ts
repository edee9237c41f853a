// The activity log, recorded by the operations layer: every change runs inside withChange, which
// hands its body a context whose gateway notes each write call (the API name and the exact input,
// built by the same request builders src/aws/writes.ts sends) and, before the first call of each
// kind of EC2 write, sends it once with DryRun: true, so a missing permission is reported with the
// action's name before anything is changed. When the body ends the entry (time, account, Region,
// target, what, calls, outcome, what Undo needs) goes to the ActivityLog, which keeps the newest
// ACTIVITY_LIMIT entries in the extension's global storage. No vscode here; no secret is ever kept.
import type { AwsGateway } from '../aws/index';
import { translateError } from '../aws/errors';
import {
  ACTIVITY_LIMIT,
  boundEntries,
  cleanEntry,
  DRY_RUN_APIS,
  parseEntries,
  redactInput,
  redactText,
  type ActivityCall,
  type ActivityChange,
  type ActivityEntry,
} from '../domain/activity';
import type { RuleSpec } from '../domain/model';
import {
  buildAuthorizeSecurityGroupInput,
  buildCreateSecurityGroupInput,
  buildDeleteSecurityGroupInput,
  buildModifyDBClusterInput,
  buildModifyDBInstanceInput,
  buildModifyNetworkInterfaceAttributeInput,
  buildModifySecurityGroupRulesInput,
  buildRevokeSecurityGroupInput,
  buildUpdateSecurityGroupRuleDescriptionsInput,
  type CreateGroupSpec,
  type PermissionSpec,
} from '../domain/requests';
import { isCancel } from '../ui/prompter';
import type { ChangeNotes, OpsContext } from './context';
import { isUserError, UserError } from './userError';

/** Where the entries live: the extension's global storage in VS Code, a variable in tests. */
export interface ActivityStorage {
  read(): unknown;
  write(entries: readonly ActivityEntry[]): PromiseLike<void> | void;
}

/** The log of changes: newest first, bounded, shared through its storage (other windows write there too). */
export class ActivityLog {
  private entries: ActivityEntry[];
  private readonly listeners = new Set<() => void>();
  private seq = 0;
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly storage: ActivityStorage,
    readonly limit = ACTIVITY_LIMIT,
  ) {
    this.entries = boundEntries(parseEntries(storage.read()), limit);
  }

  /** The entries, newest first (read again from the storage, where another window may have written). */
  list(): readonly ActivityEntry[] {
    this.entries = boundEntries([...this.entries, ...parseEntries(this.storage.read())], this.limit);
    return this.entries;
  }

  /** One entry: from the copy read last (the view asks once per row), else read again. */
  get(id: string): ActivityEntry | undefined {
    return this.entries.find((e) => e.id === id) ?? this.list().find((e) => e.id === id);
  }

  /** A new entry's id: the time and a counter, unique within the window; with a random part across windows. */
  newId(now: Date): string {
    return `${now.toISOString().replace(/[-:.]/g, '')}-${(++this.seq).toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
  }

  /** Adds an entry (cleaned of anything secret-shaped once more), drops the oldest beyond the limit, saves. */
  async record(e: ActivityEntry): Promise<void> {
    const clean = cleanEntry(e);
    this.entries = boundEntries([clean, ...this.entries, ...parseEntries(this.storage.read())], this.limit);
    const snapshot = this.entries;
    this.saving = this.saving.then(() => this.storage.write(snapshot)).catch(() => undefined);
    for (const l of [...this.listeners]) l();
    await this.saving;
  }

  /** Resolves when every entry recorded so far is saved. */
  saved(): Promise<void> {
    return this.saving;
  }

  onChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
}

/** A gateway write method's call, described as AWS sees it. */
interface Described {
  readonly service: 'EC2' | 'RDS';
  readonly api: string;
  readonly input: object;
  readonly region: string;
}

type WriteMethod =
  | 'createSecurityGroup'
  | 'authorizeRule'
  | 'revokeRules'
  | 'modifyRule'
  | 'updateRuleDescription'
  | 'deleteSecurityGroup'
  | 'setClusterGroups'
  | 'setInstanceGroups'
  | 'setNetworkInterfaceGroups';

/** Each write of the gateway with the API it sends and its input (the builders src/aws/writes.ts uses). */
const DESCRIBE: { readonly [M in WriteMethod]: (...args: Parameters<AwsGateway[M]>) => Described } = {
  createSecurityGroup: (region, spec: CreateGroupSpec) => ({ service: 'EC2', api: 'CreateSecurityGroup', input: buildCreateSecurityGroupInput(spec), region }),
  authorizeRule: (region, spec: RuleSpec) => ({
    service: 'EC2',
    api: spec.isEgress ? 'AuthorizeSecurityGroupEgress' : 'AuthorizeSecurityGroupIngress',
    input: buildAuthorizeSecurityGroupInput(spec),
    region,
  }),
  revokeRules: (region, groupId, isEgress, ruleIds) => ({
    service: 'EC2',
    api: isEgress ? 'RevokeSecurityGroupEgress' : 'RevokeSecurityGroupIngress',
    input: buildRevokeSecurityGroupInput(groupId, ruleIds),
    region,
  }),
  modifyRule: (region, groupId, ruleId, spec: PermissionSpec) => ({
    service: 'EC2',
    api: 'ModifySecurityGroupRules',
    input: buildModifySecurityGroupRulesInput(groupId, ruleId, spec),
    region,
  }),
  updateRuleDescription: (region, spec: RuleSpec) => ({
    service: 'EC2',
    api: spec.isEgress ? 'UpdateSecurityGroupRuleDescriptionsEgress' : 'UpdateSecurityGroupRuleDescriptionsIngress',
    input: buildUpdateSecurityGroupRuleDescriptionsInput(spec),
    region,
  }),
  deleteSecurityGroup: (region, groupId) => ({ service: 'EC2', api: 'DeleteSecurityGroup', input: buildDeleteSecurityGroupInput(groupId), region }),
  setClusterGroups: (region, id, groupIds) => ({ service: 'RDS', api: 'ModifyDBCluster', input: buildModifyDBClusterInput(id, groupIds), region }),
  setInstanceGroups: (region, id, groupIds) => ({ service: 'RDS', api: 'ModifyDBInstance', input: buildModifyDBInstanceInput(id, groupIds), region }),
  setNetworkInterfaceGroups: (region, eni, groupIds) => ({
    service: 'EC2',
    api: 'ModifyNetworkInterfaceAttribute',
    input: buildModifyNetworkInterfaceAttributeInput(eni, groupIds),
    region,
  }),
};

/** A planned write, for a permission check before the first call: the gateway method and its arguments. */
export type PlannedWrite = { [M in WriteMethod]: [M, ...Parameters<AwsGateway[M]>] }[WriteMethod];

/** The API a planned write sends (for a preview's "cannot be checked" note). */
export function apiOf(w: PlannedWrite): string {
  const [m, ...args] = w;
  return (DESCRIBE[m] as (...a: unknown[]) => Described)(...args).api;
}

/** A dry run AWS refused: the permission is missing, nothing was changed. */
export class PermissionDeniedError extends UserError {
  constructor(
    message: string,
    readonly api: string,
  ) {
    super(message);
  }
}

/** What one change records while it runs. */
export class ChangeRecorder implements ChangeNotes {
  readonly calls: ActivityCall[] = [];
  /** Set by the body once the change is in place: what Undo reverses. */
  change: ActivityChange = { kind: 'none' };
  /** writeThenVerify: the answer was lost, a re-read found the change in place. */
  recovered?: string;
  /** writeThenVerify: neither the call nor the re-read could tell. */
  unknown = false;
  /** The account, when the body learns it (a group's owner). */
  account?: string;
  /** The EC2 APIs already checked with a dry run in this change (one dry run per kind). */
  private readonly checked = new Set<string>();

  constructor(
    private readonly ctx: OpsContext,
    private readonly gw: AwsGateway,
  ) {}

  /** Whether any real (not dry-run) call was sent. */
  get sent(): boolean {
    return this.calls.some((c) => !c.dryRun);
  }

  /**
   * Sends each planned EC2 write of a kind not yet checked with DryRun: true, before the first call
   * of the change. UnauthorizedOperation ends the change with a PermissionDeniedError; an answer
   * other than DryRunOperation is noted and the change goes on (the real call will tell).
   */
  async check(writes: readonly PlannedWrite[]): Promise<void> {
    for (const [m, ...args] of writes) await this.checkOne((DESCRIBE[m] as (...a: unknown[]) => Described)(...args));
  }

  private async checkOne(d: Described): Promise<void> {
    if (!this.ctx.settings.dryRun || d.service !== 'EC2' || !DRY_RUN_APIS.has(d.api) || this.checked.has(d.api)) return;
    this.checked.add(d.api);
    try {
      const r = await this.gw.dryRun(d.region, d.api, d.input);
      this.calls.push({
        service: d.service,
        api: d.api,
        input: redactInput(d.input),
        dryRun: true,
        result: r === 'allowed' ? 'allowed' : 'answered as a real call',
      });
      if (r === 'answered') this.ctx.log.warn(`The endpoint answered ${d.api} with DryRun as a real call (AWS answers DryRunOperation).`);
    } catch (e) {
      this.calls.push(this.failedCall(d, e, true));
      if ((e as Error)?.name === 'UnauthorizedOperation') {
        const t = translateError(e, { region: d.region, profile: this.ctx.settings.profile, endpoint: this.ctx.settings.endpoint, operation: `ec2:${d.api}` });
        throw new PermissionDeniedError(
          `The permission check before the change (ec2:${d.api} with DryRun) was refused: ${t.message} Nothing was changed.`,
          d.api,
        );
      }
      this.ctx.log.warn(`The permission check of ${d.api} (DryRun) answered ${(e as Error)?.name ?? 'an error'}; sending the change itself.`);
    }
  }

  private failedCall(d: Described, e: unknown, dryRun: boolean): ActivityCall {
    const err = e as { name?: string; message?: string };
    return {
      service: d.service,
      api: d.api,
      input: redactInput(d.input),
      ...(dryRun ? { dryRun: true } : {}),
      result: err?.name && err.name !== 'Error' ? err.name : 'Error',
      ...(err?.message ? { message: redactText(translateError(e).detail ?? err.message, 500) } : {}),
    };
  }

  /** The gateway the change's body uses: every write checked (DryRun, once per kind) and recorded. */
  gateway(): AwsGateway {
    const wrapped = Object.create(this.gw) as AwsGateway;
    for (const m of Object.keys(DESCRIBE) as WriteMethod[]) {
      const describe = DESCRIBE[m] as (...a: unknown[]) => Described;
      const real = this.gw[m] as ((...a: unknown[]) => Promise<unknown>) | undefined;
      // A gateway without this write (a test's partial fake) keeps lacking it.
      if (typeof real !== 'function') continue;
      (wrapped as unknown as Record<string, unknown>)[m] = async (...args: unknown[]) => {
        const d = describe(...args);
        await this.checkOne(d);
        try {
          const out = await real.apply(this.gw, args);
          this.calls.push({ service: d.service, api: d.api, input: redactInput(d.input), result: 'ok' });
          return out;
        } catch (e) {
          this.calls.push(this.failedCall(d, e, false));
          throw e;
        }
      };
    }
    return wrapped;
  }
}

/** The context a change's body runs with: its gateway records, and `change` is its recorder. */
export type ChangeContext<C extends OpsContext = OpsContext> = C & { readonly change: ChangeRecorder };

export interface ChangeMeta {
  readonly region: string;
  /** What is changed, for the log: "dbsrv1 (sg-0a2)". */
  readonly target: string;
  /** What the change does: "add tcp 3306 from appsrv1 to dbsrv1". */
  readonly what: string;
  /** The account, when known before (the group's owner). */
  readonly account?: string;
}

/** What to do after a failure, said with a failed entry. */
function adviceFor(e: unknown, status: 'failed' | 'unknown' | 'partial'): string {
  if (e instanceof PermissionDeniedError)
    return `Ask for the IAM permission ec2:${e.api} (or use a profile that has it), then run the change again. Nothing was changed.`;
  if (status === 'unknown') return 'Refresh the tree and check whether the change is in place before trying again.';
  if (status === 'partial')
    return 'Part of the change is in place: refresh the tree, then finish or revert it by hand (the calls below say which ones went through).';
  const name = (e as Error)?.name;
  if (name === 'UnauthorizedOperation' || name === 'AccessDenied' || name === 'AccessDeniedException')
    return 'Ask for the IAM permission named above (or use a profile that has it), then run the change again.';
  return 'Nothing was changed: refresh the tree, fix what the message says, and run the change again.';
}

/**
 * Runs one change: `body` gets a context whose gateway records (and dry-runs) its writes. When at
 * least one call was sent, an entry is recorded: applied, applied after a lost answer (verified),
 * failed with the translated reason and what to do, unknown, or partly applied. Nothing sent (a
 * refusal before any call, a declined confirmation): no entry. The body's result or error passes through.
 */
export async function withChange<T, C extends OpsContext>(
  ctx: C,
  meta: ChangeMeta,
  body: (ctx: ChangeContext<C>, rec: ChangeRecorder) => Promise<T>,
): Promise<T> {
  const rec = new ChangeRecorder(ctx, ctx.gateway());
  const gw = rec.gateway();
  const inner = Object.create(ctx, { gateway: { value: () => gw }, change: { value: rec } }) as ChangeContext<C>;
  const started = new Date();
  const base = {
    time: started.toISOString(),
    region: meta.region,
    target: meta.target,
    what: meta.what,
    profile: ctx.settings.profile ?? 'default credential chain',
    ...(ctx.undoOf ? { undoOf: ctx.undoOf } : {}),
  };
  const save = async (entry: Omit<ActivityEntry, 'id' | 'time' | 'region' | 'target' | 'what' | 'calls'>) => {
    if (!ctx.activity || !rec.calls.length) return;
    const account = rec.account ?? meta.account;
    await ctx.activity
      .record({ id: ctx.activity.newId(started), ...base, ...(account ? { account } : {}), calls: rec.calls, ...entry })
      .catch((e: unknown) => ctx.log.warn(`Could not save the activity entry: ${(e as Error)?.message ?? String(e)}`));
  };
  try {
    const out = await body(inner, rec);
    if (rec.sent) {
      const status = rec.unknown ? 'unknown' : rec.recovered ? 'recovered' : 'applied';
      await save({ status, outcome: status === 'recovered' ? `applied, answer lost, verified (${rec.recovered})` : status, change: rec.change });
    }
    return out;
  } catch (e) {
    if (isCancel(e) && !rec.sent) throw e;
    const okCalls = rec.calls.filter((c) => !c.dryRun && c.result === 'ok').length;
    const status = rec.unknown ? 'unknown' : okCalls > 0 || (rec.recovered && rec.sent) ? 'partial' : 'failed';
    const reason = isUserError(e)
      ? (e as Error).message
      : isCancel(e)
        ? 'cancelled part way'
        : translateError(e, { region: meta.region, endpoint: ctx.settings.endpoint }).message;
    await save({ status, outcome: `${status === 'partial' ? 'partly applied' : status}: ${reason}`, advice: adviceFor(e, status), change: { kind: 'none' } });
    throw e;
  }
}
