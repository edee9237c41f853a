// The services the commands and views share. Built once in activate(); passed explicitly.
import * as vscode from 'vscode';
import type { AwsGateway } from './aws/index';
import { profileRegion } from './awsConfigFile';
import { ignoredMessage, resolveConnectionSettings, settingsFileValues, type IgnoredValue, type WorkspaceValue } from './domain/connectionSettings';
import { DEFAULT_ADDRESS_SERVICE, publicAddress } from './aws/publicAddress';
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
  readonly regions: readonly string[];
  readonly endpoint?: string;
  /** auroraSg.dryRun: EC2 writes are first sent with DryRun (the permission check); default on. */
  readonly dryRun: boolean;
  /** auroraSg.managedByTags: the tags that say a tool manages a group or database (src/domain/code/managed.ts). */
  readonly managedByTags: readonly string[];
}

/**
 * The settings to use. The endpoint and the profile come from the user's own settings only (never a
 * workspace's: src/domain/connectionSettings.ts); `found` are the values the workspace files set, read
 * by Ext.scanWorkspaceFiles(), so that `ignored` lists those VS Code hid from inspect() too.
 */
export function readSettings(found: readonly WorkspaceValue[] = []): { settings: Settings; ignored: readonly IgnoredValue[] } {
  const c = vscode.workspace.getConfiguration('auroraSg');
  const { endpoint, profile, ignored } = resolveConnectionSettings(c.inspect<string>('endpoint'), c.inspect<string>('profile'), found);
  const regions = [...new Set((c.get<string[]>('regions') ?? []).map((r) => String(r).trim()).filter(Boolean))];
  const dryRun = c.get<boolean>('dryRun', true) !== false;
  const tags = c.get<unknown>('managedByTags');
  const managedByTags = Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : DEFAULT_MANAGED_BY_TAGS;
  return { settings: { profile, regions, endpoint, dryRun, managedByTags }, ignored };
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
  /** Every question and notification goes through here; tests swap in scripted answers. */
  ui: Prompter = new VsCodePrompter();
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
    this.store = new RegionStore(async () => this.gateway(), this.settingsValue.regions);
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

  /** The clock of temporary access (tests inject one: test/vscode/temporaryAccess.test.ts). */
  clock: WatchClock = realClock;

  /** What temporary access needs: your public address (the address-service setting) and the time. */
  temporaryDeps(): TemporaryAccessDeps {
    return {
      address: () => publicAddress(vscode.workspace.getConfiguration('auroraSg').get<string>('temporaryAccess.addressService') || DEFAULT_ADDRESS_SERVICE),
      now: () => this.clock.now(),
    };
  }
  /** auroraSg.endpoint / auroraSg.profile as the workspace files set them (the last scan). */
  private workspaceValues: readonly WorkspaceValue[] = [];
  private scans = 0;
  /** The ignored values last reported, so each set is logged and shown once. */
  private reported = '[]';

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

  /** Logs a warning and shows one notification for a new set of ignored workspace values. */
  private report(ignored: readonly IgnoredValue[]): void {
    const key = JSON.stringify(ignored.map((i) => [i.setting, i.value]));
    if (key === this.reported) return;
    this.reported = key;
    if (!ignored.length) return;
    const message = ignoredMessage(ignored);
    this.log.warn(message);
    this.ui.warn(message);
  }

  get settings(): Settings {
    return this.settingsValue;
  }

  /** The gateway for the current settings, created (and the SDK loaded) on first use. */
  gateway(): AwsGateway {
    if (!this.gw) {
      const { profile, endpoint } = this.settingsValue;
      const aws = this.loadAws();
      this.log.info(`AWS layer ready: profile ${profile ?? '(default chain)'}${endpoint ? `, endpoint ${endpoint}` : ''}`);
      this.gw = aws.createGateway({ profile, endpoint }, (call, input) => {
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

  /** Regions to show: the setting, else AWS_REGION, else the profile's region (read without the SDK). */
  async regions(): Promise<readonly string[]> {
    if (this.settingsValue.regions.length) return this.settingsValue.regions;
    const r = process.env.AWS_REGION || (this.profileRegionValue ??= { region: profileRegion(this.settingsValue.profile) }).region;
    return r ? [r] : [];
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
    const read = readSettings(this.workspaceValues);
    this.settingsValue = read.settings;
    this.report(read.ignored);
    void this.scanWorkspaceFiles();
    this.profileRegionValue = undefined;
    this.gw?.dispose();
    this.gw = undefined;
    this.store.reset(async () => this.gateway(), this.settingsValue.regions);
  }

  dispose(): void {
    this.settle.dispose();
    for (const d of this.disposables) d.dispose();
    this.gw?.dispose();
  }
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
