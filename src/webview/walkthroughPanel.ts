// The guided walkthrough's webview panel: shows the steps of the Aurora guide's scenario, applies
// one step at a time through the AWS layer, and keeps its progress in the workspace state so a
// closed panel, an error or a reload resumes where it stopped. The webview is untrusted: every
// message is checked by parseWebviewMessage, and the webview never receives credentials.
import * as vscode from 'vscode';
import { webviewPage } from './page';
import { translateError } from '../aws/errors';
import { findDuplicate, mergeGroupLists } from '../domain/changes';
import type { Ec2Instance, RulePeer } from '../domain/model';
import * as W from '../domain/walkthrough';
import { parseWebviewMessage, type ExtensionMessage, type WebviewMessage } from '../domain/walkthroughProtocol';
import type { Ext } from '../ext';

export const VIEW_TYPE = 'auroraSg.walkthrough';
export const STATE_KEY = 'auroraSg.walkthrough.state';
export const COMMAND_ID = 'auroraSg.openWalkthrough';
/** Context keys the native Getting Started walkthrough uses to tick its steps. */
export const DONE_CONTEXT: Readonly<Record<W.StepId, string>> = {
  target: 'auroraSg.walkthrough.targetDone',
  appGroup: 'auroraSg.walkthrough.appGroupDone',
  appServer: 'auroraSg.walkthrough.appServerDone',
  dbGroup: 'auroraSg.walkthrough.dbGroupDone',
  associate: 'auroraSg.walkthrough.associateDone',
  verify: 'auroraSg.walkthrough.verified',
};

/** Where the state is kept: the workspace state, or memory (headless runs). */
export interface StateStorage {
  get(key: string): unknown;
  update(key: string, value: unknown): Thenable<void>;
}

export function memoryStorage(): StateStorage {
  const m = new Map<string, unknown>();
  return { get: (k) => m.get(k), update: async (k, v) => void m.set(k, v) };
}

/** A problem to show as it is (no AWS error to translate). */
class WalkthroughError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WalkthroughError';
  }
}

interface Ec2Load {
  readonly list?: Ec2Instance[];
  readonly error?: string;
}

interface RunLog {
  readonly applied: string[];
  readonly created: string[];
  readonly reused: string[];
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * One walkthrough: its state, the data it plans from, and (optionally) the panel that shows it.
 * Tests drive it with the very messages the webview posts (`handle`).
 */
export class WalkthroughController implements vscode.Disposable {
  private static active: WalkthroughController | undefined;
  private stateValue: W.WalkthroughState;
  private readonly ec2 = new Map<string, Ec2Load>();
  private verification: W.Verification | undefined;
  private busy: string | undefined;
  private loadError: string | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private panel: vscode.WebviewPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  /** Messages refused by the protocol check (for tests and the log). */
  rejected = 0;
  /** Views posted to the webview (tests wait for the first one: the page has loaded). */
  viewsPosted = 0;
  /** Notices sent to the webview (also kept without a panel, for tests). */
  readonly notices: { level: 'info' | 'error'; text: string }[] = [];

  constructor(
    private readonly ext: Ext,
    private readonly storage: StateStorage,
    initial: W.WalkthroughState,
  ) {
    this.stateValue = W.resume(initial);
    this.disposables.push(
      ext.store.onChange((region) => {
        if (!this.panel || this.busy || (region && region !== this.stateValue.choices.region)) return;
        if (this.refreshTimer) clearTimeout(this.refreshTimer);
        this.refreshTimer = setTimeout(() => void this.enqueue(() => this.sendView()), 400);
      }),
    );
    this.setDoneContexts();
  }

  /** The walkthrough shown in the panel, if one is open. */
  static get current(): WalkthroughController | undefined {
    return WalkthroughController.active;
  }

  get state(): W.WalkthroughState {
    return this.stateValue;
  }

  get webviewPanel(): vscode.WebviewPanel | undefined {
    return this.panel;
  }

  /** Shows this walkthrough in a panel (a new one, or one restored after a reload). */
  attach(panel: vscode.WebviewPanel, extensionUri: vscode.Uri): void {
    this.panel = panel;
    WalkthroughController.active = this;
    const media = vscode.Uri.joinPath(extensionUri, 'media');
    panel.webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: [media] };
    panel.iconPath = vscode.Uri.joinPath(media, 'activity.svg');
    panel.title = this.title();
    panel.webview.html = html(panel.webview, extensionUri);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.handle(raw)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  title(): string {
    const t = W.parseTarget(this.stateValue.choices.target);
    return t ? `Access: ${t.id}` : 'Access Walkthrough';
  }

  /** Checks a message from the webview and handles it; false when it was refused. */
  async handle(raw: unknown): Promise<boolean> {
    const m = parseWebviewMessage(raw);
    if (!m) {
      this.rejected++;
      let shape = typeof raw;
      try {
        shape = `${typeof raw} ${JSON.stringify(raw)?.slice(0, 120) ?? ''}` as typeof shape;
      } catch {
        // not serialisable: the type is enough
      }
      this.ext.log.warn(`Walkthrough: refused a malformed message from the webview (${shape})`);
      return false;
    }
    await this.enqueue(() => this.dispatch(m));
    return true;
  }

  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async dispatch(m: WebviewMessage): Promise<void> {
    switch (m.type) {
      case 'ready':
        await this.sendView();
        if (this.stateValue.step === 'verify' && !this.verification && W.isComplete(this.stateValue, 'associate')) await this.verify();
        return;
      case 'update': {
        const r = W.updateChoice(this.stateValue, m.field, m.value);
        if (r.refused) return this.notice('error', r.refused);
        if (r.changed) {
          this.verification = undefined;
          await this.setState(r.state);
          if (this.panel) this.panel.title = this.title();
        }
        return this.sendView();
      }
      case 'apply':
        if (m.step !== this.stateValue.step) return this.notice('error', 'That step is no longer the one shown; nothing was applied.');
        if (m.step === 'verify') {
          await this.verify();
          return;
        }
        return this.apply(m.step, m.planKey);
      case 'next':
      case 'back':
      case 'goto': {
        const before = this.stateValue.step;
        const s = m.type === 'next' ? W.next(this.stateValue) : m.type === 'back' ? W.back(this.stateValue) : W.goTo(this.stateValue, m.step);
        await this.setState(s);
        await this.sendView();
        if (s.step === 'verify' && before !== 'verify') await this.verify();
        return;
      }
      case 'copy':
        return this.copy(m.step, m.index);
      case 'refresh':
        await this.context(true);
        if (this.stateValue.step === 'verify' && this.verification) await this.verify();
        else await this.sendView();
        return;
      case 'reset':
        return this.reset();
      case 'showLog':
        this.ext.log.show(true);
        return;
      case 'selectRegions':
        await vscode.commands.executeCommand('auroraSg.selectRegions');
        return this.sendView();
    }
  }

  private async setState(s: W.WalkthroughState): Promise<void> {
    this.stateValue = s;
    this.setDoneContexts();
    await this.storage.update(STATE_KEY, s);
  }

  private setDoneContexts(): void {
    for (const id of W.STEP_IDS) void vscode.commands.executeCommand('setContext', DONE_CONTEXT[id], W.isComplete(this.stateValue, id));
  }

  private async notice(level: 'info' | 'error', text: string): Promise<void> {
    this.notices.push({ level, text });
    await this.post({ type: 'notice', level, text });
  }

  private async post(m: ExtensionMessage): Promise<void> {
    if (!this.panel) return;
    try {
      await this.panel.webview.postMessage(m);
    } catch {
      // the panel was closed meanwhile
    }
  }

  private translate(e: unknown, action?: string): string {
    if (e instanceof WalkthroughError || (e as Error)?.name === 'WalkthroughError') return (e as Error).message;
    const s = this.ext.settings;
    const t = translateError(e, { action, region: this.stateValue.choices.region, profile: s.profile, endpoint: s.endpoint });
    this.ext.log.error(`Walkthrough: ${action ?? 'load'} failed: ${t.code}: ${t.detail ?? ''}${t.requestId ? ` (request ${t.requestId})` : ''}`);
    return t.message;
  }

  /** The data to plan from: the Region's index (re-read when `fresh`) and the VPC's EC2 instances. */
  private async context(fresh: boolean): Promise<W.PlanContext | undefined> {
    let c = this.stateValue.choices;
    if (!c.region) {
      const regions = await this.ext.regions();
      if (!regions.length) return undefined;
      c = { ...c, region: regions[0] };
      await this.setState({ ...this.stateValue, choices: c });
    }
    const region = c.region;
    let index = this.ext.store.index(region);
    try {
      index = fresh ? await this.ext.store.load(region) : await this.ext.store.ensure(region);
      this.loadError = undefined;
    } catch (e) {
      this.loadError = `The data of ${region} could not be read: ${this.translate(e)}`;
      if (!index) return undefined;
    }
    const filled = W.withDefaults(c, index);
    if (filled !== c) await this.setState({ ...this.stateValue, choices: filled });
    const ec2 = filled.vpcId ? await this.loadEc2(region, filled.vpcId, fresh) : {};
    return { index, ec2: ec2.list, ec2Error: ec2.error, choices: this.stateValue.choices };
  }

  private async loadEc2(region: string, vpcId: string, fresh: boolean): Promise<Ec2Load> {
    const key = `${region}|${vpcId}`;
    const had = this.ec2.get(key);
    if (had && !fresh) return had;
    let result: Ec2Load;
    try {
      result = { list: await this.ext.gateway().readEc2Instances(region, { vpcId }) };
    } catch (e) {
      result = { error: this.translate(e, 'read the EC2 instances') };
    }
    this.ec2.set(key, result);
    return result;
  }

  /** The view of the current step, as the webview gets it. */
  async view(): Promise<W.WalkthroughView> {
    const ctx = await this.context(false);
    return W.buildView(this.stateValue, ctx, {
      regions: await this.ext.regions(),
      verification: this.verification,
      busy: this.busy,
      loadError: this.loadError,
    });
  }

  private async sendView(): Promise<void> {
    if (!this.panel) return;
    const view = await this.view();
    if (!this.panel) return;
    this.panel.title = this.title();
    await this.post({ type: 'view', view });
    this.viewsPosted++;
  }

  private async copy(step: W.StepId, index: number): Promise<void> {
    if (step !== this.stateValue.step) return this.notice('error', 'That step is no longer the one shown.');
    const ctx = await this.context(false);
    if (!ctx) return this.notice('error', 'Choose a Region first.');
    const plan = W.planStep(step, ctx);
    let text: string | undefined;
    if (index === -1) {
      const lines = plan.actions.filter((a) => a.cli && a.status !== 'exists').map((a) => `# ${a.sentence}\n${a.cli}`);
      text = lines.length ? `# Aurora access walkthrough, step ${W.stepIndex(step) + 1}: ${W.STEP_TEXT[step].title}\n${lines.join('\n')}\n` : undefined;
    } else {
      text = plan.actions[index]?.cli;
    }
    if (!text) return this.notice('error', 'There is no AWS CLI command to copy here.');
    await vscode.env.clipboard.writeText(text);
    await this.notice('info', index === -1 ? 'Copied the AWS CLI commands of this step.' : 'Copied the AWS CLI command.');
  }

  private async reset(): Promise<void> {
    if (this.busy) return this.notice('error', 'Wait until the current step is applied.');
    const ok = await this.ext.ui.confirm(
      'Start the walkthrough over?',
      'The walkthrough forgets its progress and your choices (the database stays chosen). Nothing in AWS is changed or removed: groups and rules already made are found and reused.',
      'Start Over',
    );
    if (!ok) return;
    const c = this.stateValue.choices;
    this.verification = undefined;
    await this.setState(W.initialState({ region: c.region, vpcId: c.vpcId, target: c.target }));
    await this.sendView();
  }

  /** Replaces the walkthrough (another database was asked for). */
  async restart(state: W.WalkthroughState): Promise<void> {
    await this.enqueue(async () => {
      this.verification = undefined;
      await this.setState(W.resume(state));
      if (this.panel) this.panel.title = this.title();
      await this.sendView();
    });
  }

  get isBusy(): boolean {
    return !!this.busy;
  }

  private async apply(step: W.StepId, planKey: string): Promise<void> {
    const n = W.stepIndex(step) + 1;
    const title = W.STEP_TEXT[step].title;
    const log: RunLog = { applied: [], created: [], reused: [] };
    this.busy = `Applying step ${n}: ${title}…`;
    this.verification = undefined;
    await this.sendView();
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Access walkthrough, step ${n} (${title})`, cancellable: false },
        async (progress) => {
          progress.report({ message: 'Reading the account…' });
          const ctx = await this.context(true);
          if (!ctx) throw new WalkthroughError(this.loadError ?? 'Choose a Region first (Aurora SG: Select Regions).');
          const plan = W.planStep(step, ctx);
          if (plan.errors.length) throw new WalkthroughError(plan.errors.map((e) => e.message).join(' '));
          if (plan.planKey !== planKey)
            throw new WalkthroughError('The account or the choices changed since the preview, so nothing was sent. Check the updated preview, then apply again.');
          const ids: { app?: string; db?: string } = {};
          for (const a of plan.actions) {
            if (a.status === 'exists') {
              log.reused.push(tagOf(a));
              log.applied.push(a.sentence);
              continue;
            }
            if (a.status !== 'todo') continue;
            progress.report({ message: a.sentence });
            await this.execute(a, ctx, ids, log);
          }
        },
      );
      if (!log.applied.length && step !== 'target') log.applied.push(step === 'appServer' ? 'Skipped: no EC2 instance was chosen.' : 'Nothing to change.');
      const outcome: W.StepOutcome = { at: Date.now(), applied: [...log.applied], created: [...log.created], reused: [...log.reused] };
      this.ext.log.info(`Walkthrough step ${n} (${title}) done: created [${log.created.join(', ')}], reused [${log.reused.join(', ')}]`);
      await this.setState(W.completeStep(this.stateValue, step, outcome));
      if (this.panel) this.panel.title = this.title();
    } catch (e) {
      const message = this.translate(e, `apply step ${n} (${title})`);
      this.ext.log.warn(`Walkthrough step ${n} (${title}) stopped: ${message}${log.applied.length ? `; done before: ${log.applied.join(' ')}` : ''}`);
      await this.setState(W.failStep(this.stateValue, step, { at: Date.now(), ...log, error: message }));
    } finally {
      this.busy = undefined;
    }
    await this.sendView();
    if (this.stateValue.step === 'verify' && step !== 'verify') await this.verify();
  }

  /** One call of a plan (and the re-reads around it). */
  private async execute(a: W.PlannedAction, ctx: W.PlanContext, ids: { app?: string; db?: string }, log: RunLog): Promise<void> {
    const gw = this.ext.gateway();
    const store = this.ext.store;
    const region = ctx.choices.region;
    const idOf = (ref: W.GroupRef): string => {
      const id = ref.groupId ?? ids[ref.role];
      if (!id) throw new WalkthroughError(`The id of ${ref.groupName} is not known: apply the step that creates it first.`);
      return id;
    };
    const e = a.exec;
    switch (e.op) {
      case 'createGroup': {
        let id: string;
        try {
          id = await gw.createSecurityGroup(region, { vpcId: e.vpcId, groupName: e.groupName, description: e.description });
          log.created.push(`group:${id}`);
          log.applied.push(`Created ${e.groupName} (${id}).`);
        } catch (err) {
          if ((err as Error)?.name !== 'InvalidGroup.Duplicate') throw err;
          // Made meanwhile (elsewhere): reuse it rather than fail.
          const idx = await store.load(region);
          const g = (idx.groupsByVpc.get(e.vpcId) ?? []).find((x) => x.groupName.toLowerCase() === e.groupName.toLowerCase());
          if (!g) throw err;
          id = g.groupId;
          log.reused.push(`group:${id}`);
          log.applied.push(`Found ${g.groupName} (${id}), created meanwhile; reused it.`);
        }
        ids[e.role] = id;
        await store.refreshGroups(region, [id]);
        return;
      }
      case 'authorizeIngress': {
        const groupId = idOf(e.group);
        const peer: RulePeer = e.peer.kind === 'group' ? { kind: 'group', groupId: idOf(e.peer.group) } : e.peer;
        const text = `tcp ${e.port} from ${e.peer.kind === 'group' ? e.peer.group.groupName : e.peer.cidr} into ${e.group.groupName}`;
        try {
          const rules = await gw.authorizeRule(region, { groupId, isEgress: false, protocol: 'tcp', fromPort: e.port, toPort: e.port, peer, description: e.description });
          await store.refreshGroups(region, [groupId]);
          let ruleIds = rules.map((r) => r.ruleId);
          if (!ruleIds.length) {
            const idx = store.index(region);
            const found = idx && findDuplicate(idx.rulesOf(groupId), { groupId, isEgress: false, protocol: 'tcp', fromPort: e.port, toPort: e.port, peer });
            ruleIds = found ? [found.ruleId] : [`${groupId}:tcp:${e.port}`];
          }
          for (const r of ruleIds) log.created.push(`rule:${r}`);
          log.applied.push(`Allowed ${text} (${ruleIds.join(', ')}).`);
        } catch (err) {
          if ((err as Error)?.name !== 'InvalidPermission.Duplicate') throw err;
          log.reused.push(`rule:${groupId}:tcp:${e.port}`);
          log.applied.push(`${text} was already allowed (added meanwhile); nothing was sent twice.`);
          await store.refreshGroups(region, [groupId]);
        }
        return;
      }
      case 'setEc2Groups': {
        const add = idOf(e.add);
        const vpcId = ctx.choices.vpcId;
        // Re-read the instance right before the replacing write.
        const live = (await gw.readEc2Instances(region, { vpcId })).find((i) => i.instanceId === e.instanceId);
        if (!live) throw new WalkthroughError(`EC2 instance ${e.instanceId} is no longer in ${vpcId}. Refresh and choose another instance.`);
        if (live.securityGroupIds.includes(add)) {
          log.reused.push(`ec2:${e.instanceId}+${add}`);
          log.applied.push(`${e.instanceId} already carries ${e.add.groupName}.`);
          return;
        }
        if (!sameList(live.securityGroupIds, e.current))
          throw new WalkthroughError(`The groups of ${e.instanceId} changed since the preview (now ${live.securityGroupIds.join(', ') || 'none'}): nothing was sent to it. Check the updated preview and apply again.`);
        const list = [...live.securityGroupIds, add];
        await gw.setEc2InstanceGroups(region, e.instanceId, list);
        const after = (await this.loadEc2(region, vpcId, true)).list?.find((i) => i.instanceId === e.instanceId);
        this.ext.log.info(`ModifyInstanceAttribute ${e.instanceId}: before [${live.securityGroupIds.join(', ')}], sent [${list.join(', ')}], now [${after?.securityGroupIds.join(', ') ?? '?'}]`);
        if (after && !after.securityGroupIds.includes(add)) throw new WalkthroughError(`AWS reports ${e.instanceId} without ${e.add.groupName} after the change; check the instance in the console.`);
        log.created.push(`ec2:${e.instanceId}+${add}`);
        log.applied.push(`Added ${e.add.groupName} to ${e.instanceId}; it kept ${live.securityGroupIds.length} group${live.securityGroupIds.length === 1 ? '' : 's'}.`);
        return;
      }
      case 'setClusterGroups':
      case 'setDbInstanceGroups': {
        const add = idOf(e.add);
        const cluster = e.op === 'setClusterGroups';
        const id = cluster ? e.clusterId : e.instanceId;
        // ModifyDBCluster / ModifyDBInstance replace the list: re-read right before writing, send it merged.
        const latest = cluster ? await store.refreshCluster(region, id) : await store.refreshInstance(region, id);
        if (!latest) throw new WalkthroughError(`${cluster ? 'DB cluster' : 'DB instance'} ${id} no longer exists in ${region}.`);
        const current = latest.securityGroups.map((g) => g.groupId);
        if (current.includes(add)) {
          log.reused.push(`${cluster ? 'cluster' : 'instance'}:${id}+${add}`);
          log.applied.push(`${e.add.groupName} is already associated with ${id}.`);
          return;
        }
        if (!sameList(current, e.current))
          throw new WalkthroughError(`The groups of ${id} changed since the preview (now ${current.join(', ') || 'none'}): nothing was sent. Check the updated preview and apply again.`);
        if (latest.status !== 'available') throw new WalkthroughError(`${id} is ${latest.status}, not available: wait until it is available and apply again.`);
        const merged = mergeGroupLists(current, [add]);
        if (!merged.ok) throw new WalkthroughError(merged.error);
        if (cluster) await gw.setClusterGroups(region, id, merged.value.list);
        else await gw.setInstanceGroups(region, id, merged.value.list);
        const after = cluster ? await store.refreshCluster(region, id) : await store.refreshInstance(region, id);
        const now = after?.securityGroups.map((g) => g.groupId) ?? [];
        this.ext.log.info(`${cluster ? 'ModifyDBCluster' : 'ModifyDBInstance'} ${id}: before [${current.join(', ')}], sent [${merged.value.list.join(', ')}], now [${now.join(', ')}]`);
        const lost = current.filter((g) => !now.includes(g));
        if (lost.length) throw new WalkthroughError(`AWS reports ${id} without ${lost.join(', ')} after the change; check it in the console.`);
        log.created.push(`${cluster ? 'cluster' : 'instance'}:${id}+${add}`);
        log.applied.push(`Associated ${e.add.groupName} with ${id}; it kept ${current.length} group${current.length === 1 ? '' : 's'}.`);
        return;
      }
      case 'read':
        return;
    }
  }

  /** Reads the account back and checks each hop. */
  async verify(): Promise<W.Verification | undefined> {
    this.busy = 'Reading the account back…';
    await this.sendView();
    let v: W.Verification | undefined;
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Access walkthrough: verifying the path', cancellable: false }, async () => {
        const ctx = await this.context(true);
        if (!ctx) throw new WalkthroughError(this.loadError ?? 'Choose a Region first.');
        v = W.verifyPath(ctx);
      });
      this.verification = v;
      const checked = v!.hops.filter((h) => !h.skipped);
      const outcome: W.StepOutcome = {
        at: Date.now(),
        applied: [v!.ok ? `The path is open on every hop (${checked.length} checked).` : `Not open: ${checked.filter((h) => !h.ok).map((h) => h.label).join('; ')}.`],
        created: [],
        reused: [],
      };
      await this.setState(v!.ok ? W.completeStep(this.stateValue, 'verify', outcome) : W.failStep(this.stateValue, 'verify', { ...outcome, error: outcome.applied[0] }));
    } catch (e) {
      const message = this.translate(e, 'verify the path');
      await this.setState(W.failStep(this.stateValue, 'verify', { at: Date.now(), applied: [], created: [], reused: [], error: message }));
    } finally {
      this.busy = undefined;
    }
    await this.sendView();
    return v;
  }

  get lastVerification(): W.Verification | undefined {
    return this.verification;
  }

  dispose(): void {
    if (WalkthroughController.active === this) WalkthroughController.active = undefined;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.panel = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function tagOf(a: W.PlannedAction): string {
  switch (a.kind) {
    case 'createGroup':
      return `group:${a.existingId}`;
    case 'authorizeIngress':
      return `rule:${a.existingId}`;
    case 'modifyInstanceAttribute':
      return `ec2:${a.existingId}`;
    case 'modifyDbCluster':
      return `cluster:${a.existingId}`;
    case 'modifyDbInstance':
      return `instance:${a.existingId}`;
    case 'describe':
      return `read:${a.id}`;
  }
}

/** The page: no inline script or style, scripts only with this load's nonce, files only from media/. */
export function html(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  return webviewPage(webview, extensionUri, {
    title: 'Aurora access walkthrough',
    styles: ['walkthrough.css'],
    scripts: ['dist/walkthrough.js'],
    body: '<div id="app" class="app"><p class="loading">Loading the walkthrough…</p></div>\n<div id="notice" class="notice" role="status" aria-live="polite"></div>',
  });
}

const REGION_RE = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** The database asked for: a tree node (cluster, DB instance) or { region, clusterId } / { region, dbInstanceId }. */
export function targetOf(arg: unknown): { region: string; target: string } | { error: string } | undefined {
  if (arg === undefined || arg === null) return undefined;
  if (typeof arg !== 'object' || Array.isArray(arg)) return { error: 'The walkthrough takes a cluster or DB instance, or { region, clusterId } / { region, dbInstanceId }.' };
  const a = arg as Record<string, unknown>;
  const region = a.region;
  if (typeof region !== 'string' || !REGION_RE.test(region)) return { error: `"${String(region)}" is not a Region code (such as us-east-1).` };
  const str = (v: unknown) => (typeof v === 'string' && v.trim() && v.length <= 128 ? v.trim() : undefined);
  if (a.kind === 'cluster' && str(a.clusterId)) return { region, target: `cluster:${str(a.clusterId)}` };
  if (a.kind === 'dbInstance') {
    if (str(a.clusterId)) return { region, target: `cluster:${str(a.clusterId)}` };
    if (str(a.instanceId)) return { region, target: `instance:${str(a.instanceId)}` };
  }
  if (a.kind === undefined && str(a.clusterId)) return { region, target: `cluster:${str(a.clusterId)}` };
  if (a.kind === undefined && str(a.dbInstanceId)) return { region, target: `instance:${str(a.dbInstanceId)}` };
  return { error: 'The walkthrough takes a cluster or DB instance, or { region, clusterId } / { region, dbInstanceId }.' };
}

function loadState(storage: StateStorage): W.WalkthroughState | undefined {
  return W.normaliseState(storage.get(STATE_KEY));
}

/** auroraSg.openWalkthrough: opens (or reveals) the panel; resumes the saved walkthrough for the same database. */
export async function openWalkthrough(ext: Ext, context: vscode.ExtensionContext, arg?: unknown): Promise<WalkthroughController | undefined> {
  const t = targetOf(arg);
  if (t && 'error' in t) {
    ext.ui.error(t.error);
    return undefined;
  }
  const saved = loadState(context.workspaceState);
  const fresh = (): W.WalkthroughState => W.initialState(t ? { region: t.region, target: t.target } : {});
  const wanted = !t ? saved ?? fresh() : saved && saved.choices.region === t.region && saved.choices.target === t.target ? saved : fresh();
  const open = WalkthroughController.current;
  if (open?.webviewPanel) {
    if (t && (open.state.choices.region !== t.region || open.state.choices.target !== t.target)) {
      if (open.isBusy) ext.ui.warn('The walkthrough is applying a step; try again when it is done.');
      else await open.restart(wanted);
    }
    open.webviewPanel.reveal(vscode.ViewColumn.Active);
    return open;
  }
  const c = new WalkthroughController(ext, context.workspaceState, wanted);
  const panel = vscode.window.createWebviewPanel(VIEW_TYPE, c.title(), vscode.ViewColumn.Active, {
    enableScripts: true,
    enableCommandUris: false,
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'media')],
  });
  await context.workspaceState.update(STATE_KEY, c.state);
  c.attach(panel, context.extensionUri);
  return c;
}

/** Brings the panel back after a reload (called by the serializer registered at activation). */
export async function restoreWalkthrough(ext: Ext, context: vscode.ExtensionContext, panel: vscode.WebviewPanel): Promise<void> {
  if (WalkthroughController.current?.webviewPanel) {
    panel.dispose();
    return;
  }
  const c = new WalkthroughController(ext, context.workspaceState, loadState(context.workspaceState) ?? W.initialState());
  c.attach(panel, context.extensionUri);
}

/** Disposes the open walkthrough, if any (on deactivation). */
export function disposeWalkthrough(): void {
  WalkthroughController.current?.dispose();
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
      if (!v.primary.enabled) throw new Error(`Step ${v.number} (${v.title}) cannot be applied: ${[...v.errors, ...v.fields.map((f) => f.error).filter(Boolean)].join(' ')}`);
      await c.handle({ type: 'apply', step, planKey: v.planKey });
      const o = c.state.outcomes[step];
      if (o?.error) throw new Error(`Step ${v.number} (${v.title}) stopped: ${o.error}`);
      if (step !== 'verify') {
        created.push(...(o?.created ?? []));
        reused.push(...(o?.reused ?? []));
      }
    }
    return { created, reused, verification: c.lastVerification, state: c.state, rejected: c.rejected };
  } finally {
    c.dispose();
  }
}
