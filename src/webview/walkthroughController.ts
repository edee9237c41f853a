// One walkthrough: its state (kept in the workspace state, so a closed panel, an error or a reload
// resumes where it stopped), the data it plans from, the messages it handles, and the orchestration
// of a step: read, plan, compare with the preview, apply each action through ops, record the
// outcome; and the verification of the path. The panel (walkthroughPanel.ts) shows it.
import { commandScope } from '../ui/accountPrompter';
import * as vscode from 'vscode';
import { translateError } from '../aws/errors';
import { codeFormatLabel, renderCode } from '../domain/code';
import type { Ec2Instance, RegionIndex } from '../domain/model';
import { databasePrefixLists, NetworkIndex } from '../domain/network';
import * as W from '../domain/walkthrough';
import { parseWebviewMessage, type ExtensionMessage, type WebviewMessage } from '../domain/walkthroughProtocol';
import type { Ext } from '../ext';
import { staleNote } from '../state/liveAnswer';
import type { DataStamp } from '../state/store';
import type { DatabaseOpsContext } from '../ops/databaseGroups';
import { isUserError, UserError } from '../ops/userError';
import { executeAction, InlineProgress, tagOf, type RunIds, type RunLog } from './walkthroughActions';

export const STATE_KEY = 'auroraSg.walkthrough.state';
/** Context keys the native Getting Started walkthrough uses to tick its steps. */
export const DONE_CONTEXT: Readonly<Record<W.StepId, string>> = {
  target: 'auroraSg.walkthrough.targetDone',
  appGroup: 'auroraSg.walkthrough.appGroupDone',
  appServer: 'auroraSg.walkthrough.appServerDone',
  dbGroup: 'auroraSg.walkthrough.dbGroupDone',
  associate: 'auroraSg.walkthrough.associateDone',
  verify: 'auroraSg.walkthrough.verified',
};

/** Where the state is kept: the workspace state (or, in tests, memory). */
export interface StateStorage {
  get(key: string): unknown;
  update(key: string, value: unknown): Thenable<void>;
}

/** Told what the walkthrough sends and refuses (the log, and tests, listen). */
export interface WalkthroughObserver {
  /** A message for the webview; `toPanel` when a panel was there to get it (a notice is reported either way). */
  sent?(m: ExtensionMessage, toPanel: boolean): void;
  /** A message from the webview that failed the protocol check. */
  refused?(raw: unknown): void;
  /** The path was verified (again): by the verify step, or on the data after a change of it. */
  verified?(v: W.Verification, on: DataStamp): void;
}

interface Ec2Load {
  readonly list?: Ec2Instance[];
  readonly error?: string;
}

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
  private recheckQueued = false;
  /** The data the verification was computed on. */
  private verifiedOn: DataStamp | undefined;
  private readonly observers = new Set<WalkthroughObserver>();

  constructor(
    private readonly ext: Ext,
    private readonly storage: StateStorage,
    initial: W.WalkthroughState,
  ) {
    this.stateValue = W.resume(initial);
    this.disposables.push(
      ext.store.onChange((region) => {
        if (region && region !== this.stateValue.choices.region) return;
        // Whoever changed the data: the verification is checked again on it, the panel redrawn.
        // One check queued at a time, after the step or check that runs (which may be the change).
        if (this.recheckQueued) return;
        this.recheckQueued = true;
        void this.enqueue(async () => {
          this.recheckQueued = false;
          if (this.verification) await this.reverify();
          else await this.sendView();
        });
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

  /** Shows this walkthrough in a panel (its page set up by walkthroughPanel.ts): messages come in here, views go out. */
  attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    WalkthroughController.active = this;
    panel.title = this.title();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.handle(raw)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Tells `o` what is sent and refused from now on. */
  observe(o: WalkthroughObserver): { dispose(): void } {
    this.observers.add(o);
    return { dispose: () => this.observers.delete(o) };
  }

  title(): string {
    const t = W.parseTarget(this.stateValue.choices.target);
    return t ? `Access: ${t.id}` : 'Access Walkthrough';
  }

  /** Checks a message from the webview and handles it; false when it was refused. */
  async handle(raw: unknown): Promise<boolean> {
    const m = parseWebviewMessage(raw);
    if (!m) {
      for (const o of this.observers) o.refused?.(raw);
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

  private dispatch(m: WebviewMessage): Promise<void> {
    // The walkthrough acts in its database's scope: its confirmations name that account (src/ui/accountPrompter.ts).
    return commandScope.run({ scope: this.stateValue.choices.region }, () => this.dispatchInScope(m));
  }

  private async dispatchInScope(m: WebviewMessage): Promise<void> {
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
      case 'copyCode':
        return this.copyCode(m.step, m.format);
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
    for (const id of W.STEP_IDS) this.ext.setContext(DONE_CONTEXT[id], W.isComplete(this.stateValue, id));
  }

  private async notice(level: 'info' | 'error', text: string): Promise<void> {
    await this.post({ type: 'notice', level, text });
  }

  private async post(m: ExtensionMessage): Promise<void> {
    let toPanel = false;
    if (this.panel) {
      try {
        await this.panel.webview.postMessage(m);
        toPanel = true;
      } catch {
        // the panel was closed meanwhile
      }
    }
    for (const o of this.observers) o.sent?.(m, toPanel);
  }

  private translate(e: unknown, action?: string): string {
    if (isUserError(e)) return e.message;
    const s = this.ext.settings;
    const t = translateError(e, { action, region: this.stateValue.choices.region, profile: s.profile, endpoint: s.endpoint });
    this.ext.log.error(`Walkthrough: ${action ?? 'load'} failed: ${t.code}: ${t.detail ?? ''}${t.requestId ? ` (request ${t.requestId})` : ''}`);
    return t.message;
  }

  /** The data to plan from: the Region's index (re-read when `fresh`) and the VPC's EC2 instances. */
  private async context(fresh: boolean): Promise<W.PlanContext | undefined> {
    let c = this.stateValue.choices;
    const known = await this.ext.regions();
    if (c.region && !known.includes(c.region)) {
      // The settings changed under the open panel: its scope is no longer loaded (e.g. one profile
      // became several, and a key is now profile/Region). The choice of Region and database starts
      // again (typed ranges, ports and group names are kept, as for another database) rather than
      // guessing which account the old one meant.
      // Its progress and verification belonged to the old scope: the walkthrough starts over there.
      this.verification = undefined;
      await this.setState(W.initialState(W.carriedChoices(c)));
      if (this.panel) this.panel.title = this.title();
      c = this.stateValue.choices;
    }
    if (!c.region) {
      // Only the one Region there is is chosen for the user: with several, databases of the same
      // name can be in each, and a guess would set up access in the wrong place.
      if (known.length !== 1) return undefined;
      c = { ...c, region: known[0] };
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
    const { dryRun, managedByTags } = this.ext.settings;
    return { index, ec2: ec2.list, ec2Error: ec2.error, choices: this.stateValue.choices, dryRun, managedByTags };
  }

  /** The network part read back for the verification (routes, ACLs); a failure is said, never taken for "open". */
  /** The network part the last verification read (routes, ACLs), reused when the groups change. */
  private lastNetwork: { network?: NetworkIndex; networkError?: string } | undefined;

  private async readNetwork(region: string | undefined, index: RegionIndex): Promise<{ network?: NetworkIndex; networkError?: string }> {
    if (!region) return {};
    try {
      return { network: new NetworkIndex(await this.ext.gateway().loadNetwork(region, databasePrefixLists(index))) };
    } catch (e) {
      return { networkError: this.translate(e) };
    }
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
      staleNote: this.verificationNote(),
    });
  }

  private async sendView(): Promise<void> {
    if (!this.panel) return;
    const view = await this.view();
    if (!this.panel) return;
    this.panel.title = this.title();
    await this.post({ type: 'view', view });
  }

  private async copy(step: W.StepId, index: number): Promise<void> {
    if (step !== this.stateValue.step) return this.notice('error', 'That step is no longer the one shown.');
    const ctx = await this.context(false);
    if (!ctx) return this.notice('error', 'Choose a Region first.');
    const plan = W.planStep(step, ctx);
    let text: string | undefined;
    let what = index === -1 ? 'the AWS CLI commands of this step' : 'the AWS CLI command';
    if (index === -2) {
      // Every step from this one on, as one script (steps already done contribute nothing).
      const steps = W.STEP_IDS.slice(W.stepIndex(step));
      const parts = steps.flatMap((id) => {
        const lines = W.planStep(id, ctx)
          .actions.filter((a) => a.cli && a.status !== 'exists')
          .map((a) => `# ${a.sentence}\n${a.cli}`);
        return lines.length ? [`# Step ${W.stepIndex(id) + 1}: ${W.STEP_TEXT[id].title}\n${lines.join('\n')}`] : [];
      });
      text = parts.length ? `#!/bin/sh\n# Aurora access walkthrough (${ctx.choices.region})\nset -e\n\n${parts.join('\n\n')}\n` : undefined;
      what = `the commands of ${parts.length === 1 ? '1 step' : `${parts.length} steps`} as a shell script`;
    } else if (index === -1) {
      const lines = plan.actions.filter((a) => a.cli && a.status !== 'exists').map((a) => `# ${a.sentence}\n${a.cli}`);
      text = lines.length ? `# Aurora access walkthrough, step ${W.stepIndex(step) + 1}: ${W.STEP_TEXT[step].title}\n${lines.join('\n')}\n` : undefined;
    } else {
      text = plan.actions[index]?.cli;
    }
    if (!text) return this.notice('error', 'There is no AWS CLI command to copy here.');
    await vscode.env.clipboard.writeText(text);
    await this.notice('info', `Copied ${what} to the clipboard.`);
  }

  /** Every step from `step` on, still to do, as CloudFormation or Terraform (steps done contribute nothing). */
  private async copyCode(step: W.StepId, format: 'cloudformation' | 'terraform'): Promise<void> {
    if (step !== this.stateValue.step) return this.notice('error', 'That step is no longer the one shown.');
    const ctx = await this.context(false);
    if (!ctx) return this.notice('error', 'Choose a Region first.');
    const steps = W.STEP_IDS.slice(W.stepIndex(step));
    const execs = steps.flatMap((id) =>
      W.planStep(id, ctx)
        .actions.filter((a) => a.status === 'todo')
        .map((a) => a.exec),
    );
    const changes = W.walkthroughChanges(execs, ctx.index);
    if (!changes.length) return this.notice('error', 'Nothing is left to send from this step on: there is no change to copy.');
    const text = renderCode(format, changes, {
      region: ctx.index.snapshot.region,
      title: `Aurora access walkthrough, steps ${W.stepIndex(step) + 1}-${W.STEP_IDS.length}: what is still to do`,
    });
    await vscode.env.clipboard.writeText(text);
    await this.notice('info', `Copied the remaining steps as ${codeFormatLabel(format)} to the clipboard; nothing was changed.`);
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

  /** The services ops need, with their progress shown as the message of the step's own notification. */
  private ops(report: (message: string) => void): DatabaseOpsContext {
    const ext = this.ext;
    return {
      gateway: () => ext.gateway(),
      store: ext.store,
      log: ext.log,
      settings: ext.settings,
      settle: ext.settle,
      activity: ext.activity,
      ui: new InlineProgress(ext.ui, report),
    };
  }

  private async apply(step: W.StepId, planKey: string): Promise<void> {
    const n = W.stepIndex(step) + 1;
    const title = W.STEP_TEXT[step].title;
    const log: RunLog = { applied: [], created: [], reused: [] };
    this.busy = `Applying step ${n}: ${title}…`;
    const done = this.ext.beginWork();
    this.verification = undefined;
    await this.sendView();
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Access walkthrough, step ${n} (${title})`, cancellable: false },
        async (progress) => {
          progress.report({ message: 'Reading the account…' });
          const ctx = await this.context(true);
          if (!ctx) throw new UserError(this.loadError ?? 'Choose a Region first (Aurora SG: Select Regions).');
          const plan = W.planStep(step, ctx);
          if (plan.errors.length) throw new UserError(plan.errors.map((e) => e.message).join(' '));
          if (plan.planKey !== planKey)
            throw new UserError('The account or the choices changed since the preview, so nothing was sent. Check the updated preview, then apply again.');
          const deps = {
            ops: this.ops((message) => progress.report({ message })),
            reloadEc2: async (region: string, vpcId: string) => (await this.loadEc2(region, vpcId, true)).list,
          };
          const ids: RunIds = {};
          for (const a of plan.actions) {
            if (a.status === 'exists') {
              log.reused.push(tagOf(a));
              log.applied.push(a.sentence);
              continue;
            }
            if (a.status !== 'todo') continue;
            progress.report({ message: a.sentence });
            await executeAction(deps, a, ctx, ids, log);
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
      done();
    }
    await this.sendView();
    if (this.stateValue.step === 'verify' && step !== 'verify') await this.verify();
  }

  /** Reads the account back and checks each hop. */
  async verify(): Promise<W.Verification | undefined> {
    this.busy = 'Reading the account back…';
    await this.sendView();
    let v: W.Verification | undefined;
    let on: DataStamp | undefined;
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Access walkthrough: verifying the path', cancellable: false },
        async () => {
          const ctx = await this.context(true);
          if (!ctx) throw new UserError(this.loadError ?? 'Choose a Region first.');
          on = this.ext.store.stamp(ctx.choices.region);
          this.lastNetwork = await this.readNetwork(ctx.choices.region, ctx.index);
          v = W.verifyPath({ ...ctx, ...this.lastNetwork });
        },
      );
      await this.record(v!, on!);
    } catch (e) {
      const message = this.translate(e, 'verify the path');
      await this.setState(W.failStep(this.stateValue, 'verify', { at: Date.now(), applied: [], created: [], reused: [], error: message }));
    } finally {
      this.busy = undefined;
    }
    await this.sendView();
    return v;
  }

  /**
   * The data changed since the verification: it is checked again on the data as the store holds
   * it now (no read), so it never says "Verified" beside a view that says the path is closed.
   */
  private async reverify(): Promise<void> {
    const region = this.stateValue.choices.region;
    if (!region || this.verifiedOn?.revision === this.ext.store.stamp(region).revision) return this.sendView();
    const ctx = await this.context(false);
    // Not computable now (the Region failed to load): the older verification stays, with its note.
    // The network as the last verification read it (routes and ACLs are not re-read here).
    if (ctx) await this.record(W.verifyPath({ ...ctx, ...(this.lastNetwork ?? {}) }), this.ext.store.stamp(ctx.choices.region));
    await this.sendView();
  }

  /** Keeps a verification and the verify step's outcome from it. */
  private async record(v: W.Verification, on: DataStamp): Promise<void> {
    this.verification = v;
    this.verifiedOn = on;
    const checked = v.hops.filter((h) => !h.skipped);
    const outcome: W.StepOutcome = {
      at: Date.now(),
      applied: [
        v.ok
          ? `The path is open on every hop (${checked.length} checked).`
          : `Not open: ${checked
              .filter((h) => !h.ok)
              .map((h) => h.label)
              .join('; ')}.`,
      ],
      created: [],
      reused: [],
    };
    await this.setState(
      v.ok ? W.completeStep(this.stateValue, 'verify', outcome) : W.failStep(this.stateValue, 'verify', { ...outcome, error: outcome.applied[0] }),
    );
    for (const o of this.observers) o.verified?.(v, on);
  }

  /** The note the verification gets when it is on older data than the store holds. */
  private verificationNote(): string | undefined {
    const region = this.stateValue.choices.region;
    if (!this.verification || !this.verifiedOn || !region) return undefined;
    return staleNote({ stamp: this.verifiedOn, stale: this.verifiedOn.revision !== this.ext.store.stamp(region).revision, lost: this.loadError });
  }

  dispose(): void {
    if (WalkthroughController.active === this) WalkthroughController.active = undefined;
    this.panel = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.observers.clear();
  }
}
