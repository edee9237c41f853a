// The services the commands and views share. Built once in activate(); passed explicitly.
import * as vscode from 'vscode';
import type { AwsGateway, RoutingGateway } from './aws/index';
import { isSignInError } from './aws/errors';
import { accountLine, type AccountIdentity } from './domain/accounts';
import { parseScope, scopeKey } from './domain/scope';
import { AccountStore } from './state/accounts';
import { accountPrompter } from './ui/accountPrompter';
import { ssoLoginInTerminal } from './ui/signInTerminal';
import { profileRegion } from './awsConfigFile';
import {
  ignoredMessage,
  requestTimeoutMs,
  resolveConnectionSettings,
  settingsFileValues,
  type IgnoredValue,
  type WorkspaceValue,
} from './domain/connectionSettings';
import { publicAddress } from './aws/publicAddress';
import type { TemporaryAccessDeps } from './ops/temporaryAccess';
import { ActivityLog } from './ops/activity';
import { DEFAULT_MANAGED_BY_TAGS } from './domain/code/managed';
import { SettleWatches } from './ops/settle';
import { realClock, type WatchClock } from './state/temporaryWatch';
import type { AutoRefreshSettings } from './state/autoRefresh';
import { RegionStore } from './state/store';
import type { Prompter } from './ui/prompter';
import { VsCodePrompter } from './ui/vscodePrompter';

export interface Settings {
  readonly profile?: string;
  /** auroraSg.profiles: several accounts at once (scope keys profile/Region); empty: one-profile mode. */
  readonly profiles: readonly string[];
  readonly regions: readonly string[];
  readonly endpoint?: string;
  /** auroraSg.requestTimeoutSeconds, in ms: how long one attempt of a call waits for its answer (0 = never). */
  readonly requestTimeoutMs: number;
  /** auroraSg.dryRun: EC2 writes are first sent with DryRun (the permission check); default on. */
  readonly dryRun: boolean;
  /** auroraSg.managedByTags: the tags that say a tool manages a group or database (src/domain/code/managed.ts). */
  readonly managedByTags: readonly string[];
  /** auroraSg.temporaryAccess.addressService, the user's own value only (a workspace's is ignored and reported). */
  readonly addressService: string;
}

/**
 * The settings to use. The endpoint and the profile come from the user's own settings only (never a
 * workspace's: src/domain/connectionSettings.ts); `found` are the values the workspace files set, read
 * by Ext.scanWorkspaceFiles(), so that `ignored` lists those VS Code hid from inspect() too.
 */
export function readSettings(found: readonly WorkspaceValue[] = []): { settings: Settings; ignored: readonly IgnoredValue[] } {
  const c = vscode.workspace.getConfiguration('auroraSg');
  const { endpoint, profile, profiles, addressService, ignored } = resolveConnectionSettings(
    c.inspect<string>('endpoint'),
    c.inspect<string>('profile'),
    found,
    c.inspect<string[]>('profiles'),
    c.inspect<string>('temporaryAccess.addressService'),
  );
  const regions = [...new Set((c.get<string[]>('regions') ?? []).map((r) => String(r).trim()).filter(Boolean))];
  const dryRun = c.get<boolean>('dryRun', true) !== false;
  const tags = c.get<unknown>('managedByTags');
  const managedByTags = Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : DEFAULT_MANAGED_BY_TAGS;
  return {
    settings: {
      profile,
      profiles,
      regions,
      endpoint,
      requestTimeoutMs: requestTimeoutMs(c.get<unknown>('requestTimeoutSeconds')),
      dryRun,
      managedByTags,
      addressService,
    },
    ignored,
  };
}

/** auroraSg.autoRefresh.*: off unless the user turns it on. */
export function readAutoRefreshSettings(): AutoRefreshSettings {
  const c = vscode.workspace.getConfiguration('auroraSg.autoRefresh');
  const minutes = Number(c.get<number>('intervalMinutes') ?? 0);
  return { intervalMinutes: Number.isFinite(minutes) && minutes > 0 ? minutes : 0, onFocus: c.get<boolean>('onFocus') === true };
}

/** The AWS layer's module; the composition root passes its loader (src/bundles.ts), so activation never pays for the SDK. */
export type AwsModule = typeof import('./aws/index');

export class Ext implements vscode.Disposable {
  readonly store: RegionStore;
  /** Waits for databases to settle after their groups changed; all stop on reset and dispose. */
  readonly settle: SettleWatches;
  private baseUiValue: Prompter = new VsCodePrompter();
  private uiValue: Prompter = this.baseUiValue;
  /**
   * Every question and notification goes through here; tests swap in scripted answers. With several
   * accounts its confirmations start with the account they change (src/ui/accountPrompter.ts).
   */
  get ui(): Prompter {
    return this.uiValue;
  }
  set ui(p: Prompter) {
    this.baseUiValue = p;
    this.uiValue = accountPrompter(p, (scope) => (scope && this.multi ? accountLine(scope, this.accounts.info(profileOfScope(scope))) : ''));
  }
  /** The prompter as set, without the account line. */
  get baseUi(): Prompter {
    return this.baseUiValue;
  }
  /** The accounts of auroraSg.profiles (their ids and aliases); empty in one-profile mode. */
  readonly accounts: AccountStore;
  /** Every change the extension made, kept in the global storage (across windows and reloads). */
  readonly activity: ActivityLog;
  /** Every context key the extension has set, with its value (menus and welcome views read them; so do the tests). */
  readonly contextKeys = new Map<string, unknown>();
  private gw: AwsGateway | undefined;
  private settingsValue: Settings;
  /** The profile's Region from ~/.aws/config, read once per settings (the file is read synchronously). */
  private profileRegionValue: { readonly region: string | undefined } | undefined;

  constructor(
    readonly context: vscode.ExtensionContext,
    readonly log: vscode.LogOutputChannel,
    /** Loads the AWS layer (dist/aws.js) on first use. */
    readonly loadAws: () => AwsModule,
  ) {
    const read = readSettings();
    this.settingsValue = read.settings;
    this.store = new RegionStore(async () => this.gateway(), this.storeRegions());
    this.accounts = new AccountStore((p) => this.readIdentity(p), this.settingsValue.profiles, isSignInError);
    this.ui = this.baseUiValue;
    this.settle = new SettleWatches(this.store);
    this.activity = new ActivityLog(activityStorage(context.globalState));
    this.report(read.ignored);
    // A workspace's machine-scoped values never reach inspect() (VS Code drops them) and changing them
    // fires no configuration change: read the files themselves, now and when they change.
    const watcher = vscode.workspace.createFileSystemWatcher('**/.vscode/settings.json');
    const rescan = () => void this.scanWorkspaceFiles();
    this.disposables.push(
      watcher,
      watcher.onDidCreate(rescan),
      watcher.onDidChange(rescan),
      watcher.onDidDelete(rescan),
      vscode.workspace.onDidChangeWorkspaceFolders(rescan),
    );
    rescan();
  }

  private readonly disposables: vscode.Disposable[] = [];

  /** Runs the sign-in of a profile (aws sso login in a terminal) and resolves its exit code; tests replace it. */
  signInRunner: (profile: string) => Promise<number | undefined> = ssoLoginInTerminal;

  /** The clock of temporary access (tests inject one: test/vscode/temporaryAccess.test.ts). */
  clock: WatchClock = realClock;

  /** What temporary access needs: your public address (the address-service setting) and the time. */
  temporaryDeps(): TemporaryAccessDeps {
    return {
      // Read when asked (a change of the setting needs no reload), and never a workspace's value: the
      // address it answers is the one let in on a database port (src/domain/connectionSettings.ts).
      address: () => publicAddress(readSettings(this.workspaceValues).settings.addressService),
      now: () => this.clock.now(),
    };
  }
  /** auroraSg.endpoint / auroraSg.profile as the workspace files set them (the last scan). */
  private workspaceValues: readonly WorkspaceValue[] = [];
  private scans = 0;
  /** The ignored values (setting and value) of the last report: a notice is shown only for one not among them. */
  private reported = new Set<string>();

  /** Reads .vscode/settings.json of every workspace folder and the .code-workspace file, then reports what is ignored. */
  async scanWorkspaceFiles(): Promise<void> {
    const scan = ++this.scans;
    const read = async (uri: vscode.Uri) => {
      try {
        return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      } catch {
        return undefined;
      }
    };
    const found: WorkspaceValue[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const t = await read(vscode.Uri.joinPath(folder.uri, '.vscode', 'settings.json'));
      if (t !== undefined) found.push(...settingsFileValues(t, `.vscode/settings.json of ${folder.name}`));
    }
    const file = vscode.workspace.workspaceFile;
    if (file && file.scheme !== 'untitled') {
      const t = await read(file);
      if (t !== undefined) found.push(...settingsFileValues(t, 'the workspace file', 'settings'));
    }
    if (scan !== this.scans) return;
    this.workspaceValues = found;
    this.report(readSettings(found).ignored);
  }

  /**
   * Logs a warning and shows one notification when a workspace value is newly ignored (the message
   * lists all of them). Two sources see a settings file change, at their own pace: the file scan and
   * VS Code's configuration (inspect(), which VS Code 1.99 fills with the nested form too). A report
   * made while one lagged holds values of both the old and the new file; compared as whole sets, it
   * and the report after it were two notices for one change (and, in the extension-host suite, a
   * notice count that depended on the order). Compared value by value, a lagging source adds nothing
   * new. A value no longer ignored is forgotten, so it is reported again if it comes back.
   */
  private report(ignored: readonly IgnoredValue[]): void {
    const now = new Set(ignored.map((i) => JSON.stringify([i.setting, i.value])));
    const added = [...now].some((k) => !this.reported.has(k));
    this.reported = now;
    if (!added) return;
    const message = ignoredMessage(ignored);
    this.log.warn(message);
    this.ui.warn(message);
  }

  get settings(): Settings {
    return this.settingsValue;
  }

  /** Several accounts at once (auroraSg.profiles): the store's keys are profile/Region. */
  get multi(): boolean {
    return this.settingsValue.profiles.length > 0;
  }

  /** Whether gateway() has been called since the last settings change (an AWS call may be under way). */
  get gatewayCreated(): boolean {
    return this.gw !== undefined;
  }

  /** The gateway for the current settings, created (and the SDK loaded) on first use. */
  gateway(): AwsGateway {
    if (!this.gw) {
      const { profile, profiles, endpoint, requestTimeoutMs } = this.settingsValue;
      const aws = this.loadAws();
      this.log.info(
        `AWS layer ready: ${profiles.length ? `profiles ${profiles.join(', ')}` : `profile ${profile ?? '(default chain)'}`}${endpoint ? `, endpoint ${endpoint}` : ''}`,
      );
      const create = (settings: { endpoint?: string; requestTimeoutMs: number }, onCall: Parameters<typeof aws.createGateway>[1]) =>
        profiles.length ? aws.createRoutingGateway(profiles, settings, onCall) : aws.createGateway({ ...settings, profile }, onCall);
      this.gw = create({ endpoint, requestTimeoutMs }, (call, input) => {
        const summary = call.command.startsWith('Describe') ? '' : ` ${summarise(input)}`;
        // DryRunOperation is the permission check's "allowed" (ops/activity.ts), not a failure.
        if (call.error === 'DryRunOperation') return this.log.info(`${call.service} ${call.command} ${call.region} ${call.ms} ms DryRun: allowed${summary}`);
        const line = `${call.service} ${call.command} ${call.region} ${call.ms} ms${call.error ? ` failed: ${call.error}${call.errorMessage ? `: ${call.errorMessage}` : ''}${endpoint ? ` (endpoint ${endpoint})` : ''}` : ''}${summary}`;
        if (call.error) this.log.warn(line);
        else this.log.info(line);
      });
    }
    return this.gw;
  }

  /** Drops the gateway's cached prefix list entries (a Region's refresh); never creates the gateway. */
  forgetPrefixLists(region?: string): void {
    this.gw?.forgetPrefixLists(region);
  }

  /**
   * Regions to show: the setting, else AWS_REGION, else the profile's region (read without the SDK).
   * With several accounts: the scope keys of every profile's Regions (scopesOf).
   */
  async regions(): Promise<readonly string[]> {
    if (this.multi) return this.settingsValue.profiles.flatMap((p) => this.scopesOf(p));
    if (this.settingsValue.regions.length) return this.settingsValue.regions;
    const r = process.env.AWS_REGION || (this.profileRegionValue ??= { region: profileRegion(this.settingsValue.profile) }).region;
    return r ? [r] : [];
  }

  /** Each profile's Region from ~/.aws/config, read once per settings. */
  private readonly profileRegions = new Map<string, string | undefined>();

  /**
   * The scope keys of one profile's account: auroraSg.regions, else the profile's region in
   * ~/.aws/config, else AWS_REGION.
   */
  scopesOf(profile: string): string[] {
    if (!this.profileRegions.has(profile)) this.profileRegions.set(profile, profileRegion(profile));
    const regions = this.settingsValue.regions.length
      ? this.settingsValue.regions
      : [this.profileRegions.get(profile) || process.env.AWS_REGION].filter((r): r is string => !!r);
    return regions.map((r) => scopeKey(profile, r));
  }

  /** The store's configured keys: the Regions setting in one-profile mode (as before), every scope with several accounts. */
  private storeRegions(): readonly string[] {
    return this.multi ? this.settingsValue.profiles.flatMap((p) => this.scopesOf(p)) : this.settingsValue.regions;
  }

  /** Who a profile's credentials are (STS, IAM alias), read in its first Region (us-east-1 without one). */
  private readIdentity(profile: string): Promise<AccountIdentity> {
    const scope = this.scopesOf(profile)[0] ?? scopeKey(profile, 'us-east-1');
    return (this.gateway() as RoutingGateway).accountIdentity(scope);
  }

  /** Reads a profile's account again and reloads its Regions (after a sign-in). */
  async reloadAccount(profile: string): Promise<void> {
    const scopes = this.scopesOf(profile);
    await Promise.allSettled([this.accounts.load(profile), this.store.refreshAll(scopes)]);
  }

  /** Sets a context key (through VS Code's setContext) and records it in contextKeys. */
  setContext(key: string, value: unknown): void {
    this.contextKeys.set(key, value);
    void vscode.commands.executeCommand('setContext', key, value);
  }

  /** Commands and walkthrough steps running now (an automatic refresh waits for them). */
  private work = 0;

  /** Marks work (a command, a walkthrough step) as running until the returned function is called. */
  beginWork(): () => void {
    this.work++;
    let done = false;
    return () => {
      if (!done) this.work--;
      done = true;
    };
  }

  get working(): boolean {
    return this.work > 0;
  }

  /** Only auroraSg.managedByTags changed: nothing to reload, the views are redrawn. */
  reloadManagedTags(): void {
    this.settingsValue = { ...this.settingsValue, managedByTags: readSettings(this.workspaceValues).settings.managedByTags };
  }

  /** Settings changed: drop the gateway and the cached data. */
  reload(): void {
    this.settingsValue = readSettings(this.workspaceValues).settings;
    // Reported by the scan, with the files as they are now (the last scan's may be older than the change).
    void this.scanWorkspaceFiles();
    this.profileRegionValue = undefined;
    this.profileRegions.clear();
    this.gw?.dispose();
    this.gw = undefined;
    this.store.reset(async () => this.gateway(), this.storeRegions());
    this.accounts.reset((p) => this.readIdentity(p), this.settingsValue.profiles);
  }

  dispose(): void {
    this.settle.dispose();
    for (const d of this.disposables) d.dispose();
    this.gw?.dispose();
  }
}

function profileOfScope(scope: string): string {
  return parseScope(scope).profile ?? '';
}

/** The global-storage key of the activity log. */
export const ACTIVITY_KEY = 'auroraSg.activity';

/** The activity log's storage: the extension's global state (shared by the windows, kept across reloads). */
export function activityStorage(state: vscode.Memento): { read(): unknown; write(entries: readonly unknown[]): PromiseLike<void> } {
  return { read: () => state.get(ACTIVITY_KEY), write: (entries) => state.update(ACTIVITY_KEY, entries) };
}

/** A short, secret-free summary of a write call's input for the log. */
export function summarise(input: unknown): string {
  try {
    const s = JSON.stringify(input, (k, v) => (/secret|token|password|credential/i.test(k) ? '***' : v));
    return s.length > 400 ? `${s.slice(0, 400)}…` : s;
  } catch {
    return '';
  }
}
