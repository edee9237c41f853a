// The composition root. Activation wires things together and does nothing slow: no AWS call, no
// SDK code loaded, no command body loaded (src/bundles.ts; the commands are in src/commands/index.ts).
import * as vscode from 'vscode';
import { isAwsLoaded, loadAws, loadFeatures, type Features } from './bundles';
import { registerCommands } from './commands/index';
import { redact, translateError } from './aws/errors';
import { activityStorage, Ext, readAutoRefreshSettings } from './ext';
import { RegionIndex } from './domain/model';
import { AnalysisState } from './state/analysisState';
import { AutoRefresh } from './state/autoRefresh';
import { RegionStore } from './state/store';
import { TemporaryWatch } from './state/temporaryWatch';
import { FindingsProvider, ReachTreeProvider, type FindingNode, type ReachNode } from './tree/analysisViews';
import type { Node } from './tree/nodes';
import { AuroraSgTreeProvider, md } from './tree/provider';
import { RULES_SCHEME, RulesDocumentProvider } from './tree/rulesDocument';
import { FindResultsProvider, type FindNode } from './tree/findView';
import { TreeFilterControl } from './tree/treeFilterControl';
import type { FindScope } from './domain/find/match';
import { ACTIVITY_SCHEME, ActivityTreeProvider, type ActivityNode } from './tree/activityView';
import { entryDetails } from './domain/activity';
import { accountLabel, isProductionName } from './domain/accounts';
import { ActivityLog } from './ops/activity';
import { VsCodePrompter } from './ui/vscodePrompter';

/** Set by the bundle's first and last lines (esbuild banner/footer): when its evaluation started and ended. */
declare const __auroraSgLoadStart: number | undefined;
declare const __auroraSgLoadEnd: number | undefined;

/** What activate() returns to other extensions: versioned, and nothing more is public yet. */
export interface ExtensionApi {
  readonly apiVersion: 1;
}

/** The internals the extension-host tests drive, returned only under the test harness (AURORA_SG_TEST_API=1). */
export interface TestApi extends ExtensionApi {
  readonly ext: Ext;
  readonly provider: AuroraSgTreeProvider;
  readonly view: vscode.TreeView<Node>;
  readonly analysis: AnalysisState;
  readonly reachView: ReachTreeProvider;
  readonly findings: FindingsProvider;
  readonly findResults: FindResultsProvider;
  readonly findTree: vscode.TreeView<FindNode>;
  readonly treeFilter: TreeFilterControl;
  readonly activityView: ActivityTreeProvider;
  readonly activityTree: vscode.TreeView<ActivityNode>;
  /** The connection status-bar item; `updated()` settles when its text reflects the last change of the store. */
  readonly statusBar: { readonly item: vscode.StatusBarItem; updated(): Promise<void> };
  readonly temporary: TemporaryWatch;
  /** Every context key the extension has set, with its last value. */
  readonly contextKeys: ReadonlyMap<string, unknown>;
  /**
   * The shipped modules themselves (dist/extension.js, and dist/features.js on first use), so a test
   * can build a store and a provider over data of its own and exercise the code that ships rather
   * than a second copy compiled for the tests.
   */
  readonly modules: {
    readonly RegionStore: typeof RegionStore;
    readonly AuroraSgTreeProvider: typeof AuroraSgTreeProvider;
    readonly RegionIndex: typeof RegionIndex;
    readonly TreeFilterControl: typeof TreeFilterControl;
    readonly features: () => Features;
    /** A log over a storage of the test's (the extension's global state: a fresh store, as after a reload). */
    readonly ActivityLog: typeof ActivityLog;
    readonly activityStorage: typeof activityStorage;
  };
  /** The automatic refresh (auroraSg.autoRefresh.*); tests give it a clock of their own. */
  readonly autoRefresh: AutoRefresh;
  /** Milliseconds activate() took. */
  readonly activationMs: number;
  /** Milliseconds of module evaluation plus activate(): the extension's own start-up cost. */
  readonly loadAndActivateMs: number;
}

/** How long after activation the AWS layer's module is loaded ahead of its first use. */
const AWS_PRELOAD_DELAY_MS = 500;

/** The environment variable the test harness sets in the extension host (test/harness/testEnv.ts). */
export const TEST_API_ENV = 'AURORA_SG_TEST_API';

/** auroraSg.loading is true while any Region loads: the view title then offers Cancel Loading. */
function trackLoading(ext: Ext): { dispose(): void } {
  const loading = new Set<string>();
  const sub = ext.store.onChange((region) => {
    if (region === undefined) loading.clear();
    else if (ext.store.isLoading(region)) loading.add(region);
    else loading.delete(region);
    const now = loading.size > 0;
    if (ext.contextKeys.get('auroraSg.loading') !== now) ext.setContext('auroraSg.loading', now);
  });
  return sub;
}

function statusBar(ext: Ext): { item: vscode.StatusBarItem; update(): Promise<void> } {
  const item = vscode.window.createStatusBarItem('auroraSg.connection', vscode.StatusBarAlignment.Left, 50);
  item.name = 'Aurora Security Groups connection';
  item.command = 'auroraSg.configure';
  const update = async () => {
    const s = ext.settings;
    const regions = await ext.regions();
    ext.setContext('auroraSg.noRegions', regions.length === 0);
    const { failed, partly } = loadProblems(ext, regions);
    const problem = failed.length ? `load failed: ${failed.join(', ')}` : partly.length ? `partly loaded: ${partly.join(', ')}` : undefined;
    // With several accounts: the profiles (a production one in capitals) and how many Regions in all.
    const where = s.profiles.length
      ? `${s.profiles.map((p) => (isProductionName(p, ext.accounts.info(p).identity?.alias) ? p.toUpperCase() : p)).join(', ')} · ${regions.length} Region${regions.length === 1 ? '' : 's'}`
      : `${s.profile ?? 'default'} · ${regions.length ? regions.join(', ') : 'no Region'}`;
    item.text = `${problem ? '$(warning)' : '$(cloud)'} ${where}${s.endpoint ? ' · local' : ''}${problem ? ` · ${problem}` : ''}`;
    item.backgroundColor = failed.length
      ? new vscode.ThemeColor('statusBarItem.errorBackground')
      : partly.length
        ? new vscode.ThemeColor('statusBarItem.warningBackground')
        : undefined;
    const problems = failed
      .map((r) => `- $(error) ${r}: ${md(loadErrorText(ext, r))}`)
      .concat(partly.map((r) => `- $(warning) ${r}: partly loaded (see the Region in the Access view)`));
    const who = s.profiles.length
      ? `- Accounts: ${s.profiles.map((p) => md(accountLabel(ext.accounts.info(p)))).join(', ')}`
      : `- Profile: ${s.profile ?? 'default credential chain'}`;
    item.tooltip = new vscode.MarkdownString(
      `**Aurora Security Groups**\n\n${who}\n- Regions: ${regions.join(', ') || 'none'}\n- Endpoint: ${s.endpoint ?? 'AWS'}${problems.length ? `\n\n${problems.join('\n')}` : ''}\n\nClick to change.`,
    );
    item.show();
  };
  return { item, update };
}

/** Regions whose last load failed, and Regions loaded only in part (some reads failed). */
function loadProblems(ext: Ext, regions: readonly string[]): { failed: string[]; partly: string[] } {
  const failed = regions.filter((r) => {
    const st = ext.store.state(r);
    return !!st?.error && !st.cancelled;
  });
  const partly = regions.filter((r) => !failed.includes(r) && !!ext.store.index(r)?.snapshot.failures?.length);
  return { failed, partly };
}

function loadErrorText(ext: Ext, region: string): string {
  return translateError(ext.store.state(region)?.error, { region, endpoint: ext.settings.endpoint }).message;
}

/**
 * A Region's load that failed, in the log once per failure: the error's name, message and the
 * endpoint it went to (the per-call lines give only the call); a partial load names the reads that failed.
 */
function logLoadProblems(ext: Ext): { dispose(): void } {
  const logged = new Map<string, unknown>();
  return ext.store.onChange((region) => {
    if (region === undefined) return logged.clear();
    const st = ext.store.state(region);
    if (!st || st.loading) return;
    const key = st.error ?? st.index?.snapshot;
    if (logged.get(region) === key) return;
    logged.set(region, key);
    const where = ext.settings.endpoint ? `endpoint ${ext.settings.endpoint}` : 'AWS';
    if (st.error && !st.cancelled) {
      const e = st.error as { name?: string; code?: string; message?: string };
      const t = translateError(st.error, { region, endpoint: ext.settings.endpoint });
      ext.log.error(
        `Loading ${region} failed (${where}): ${e?.name ?? 'Error'}${e?.code && e.code !== e.name ? ` ${e.code}` : ''}: ${redact(e?.message ?? String(st.error))}. ${t.message}`,
      );
    } else if (!st.error)
      for (const f of st.index?.snapshot.failures ?? []) {
        const e = f.error as { name?: string; message?: string };
        ext.log.warn(
          `Loading ${region} (${where}): could not read ${f.read} (needs ${f.action}): ${e?.name ?? 'Error'}: ${redact(e?.message ?? String(f.error))}`,
        );
      }
  });
}

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Aurora Security Groups', { log: true });
  const ext = new Ext(context, log, loadAws);
  // "Copy as Code…" of a confirmation: the generators are in dist/features.js, loaded on first use.
  if (ext.baseUi instanceof VsCodePrompter) ext.baseUi.codeOffer = (ui, offer) => loadFeatures().offerCode(ui, offer);

  const provider = new AuroraSgTreeProvider({
    store: ext.store,
    regions: () => ext.regions(),
    onDidLoadEmpty: (empty) => ext.setContext('auroraSg.empty', empty),
    endpoint: () => ext.settings.endpoint,
    managedByTags: () => ext.settings.managedByTags,
    groupUsage: (region, groupId) => loadFeatures().readGroupUsage(ext, region, groupId),
    accounts: ext.accounts,
    scopesOf: (profile) => ext.scopesOf(profile),
  });
  const view = vscode.window.createTreeView<Node>('auroraSg.explorer', { treeDataProvider: provider, showCollapseAll: true, canSelectMany: true });
  // A load for a view that is not drawing (a command run with the view closed) holds nothing back.
  ext.store.firstRowsWanted = () => view.visible;

  // The analysis state gets its readers injected: the EC2 instances from the gateway, the findings pass from dist/features.js.
  const analysis = new AnalysisState(
    (region) => ext.gateway().readEc2Instances(region),
    (idx, o) => loadFeatures().findings(idx, o),
    (region, prefixListIds) => ext.gateway().loadNetwork(region, prefixListIds),
    (region) => ext.forgetPrefixLists(region),
  );
  const reachView = new ReachTreeProvider(ext.store);
  const reachTree = vscode.window.createTreeView<ReachNode>('auroraSg.reach', { treeDataProvider: reachView });
  const findings = new FindingsProvider(
    ext.store,
    analysis,
    () => ext.regions(),
    (m) => log.error(m),
  );
  const findingsTree = vscode.window.createTreeView<FindingNode>('auroraSg.findings', { treeDataProvider: findings });
  const activityView = new ActivityTreeProvider(ext.activity, entryDetails);
  // The rules of a group as canonical text, for auroraSg.compareGroups (read-only documents, live with the data).
  const rulesDocuments = new RulesDocumentProvider(ext.store);
  const activityTree = vscode.window.createTreeView<ActivityNode>('auroraSg.activity', { treeDataProvider: activityView });
  // Find (its results recomputed on every change of the data) and the tree's filter, kept per workspace.
  // Every loaded scope (a Region of an account, as the store keys it), with its network part when it was read.
  const findScopes = (): FindScope[] =>
    ext.store.getRegions().flatMap((key) => {
      const idx = ext.store.index(key);
      const network = idx ? analysis.networkLoaded(key) : undefined;
      return idx ? [{ key, idx, ...(network ? { network } : {}) }] : [];
    });
  const findResults = new FindResultsProvider(ext.store, findScopes, (q, scopes) => loadFeatures().find(q, scopes));
  const findTree = vscode.window.createTreeView<FindNode>('auroraSg.findResults', { treeDataProvider: findResults });
  const showFindSummary = () => {
    const s = findResults.summary();
    findTree.description = s.description;
    findTree.message = s.message;
  };
  showFindSummary();
  const treeFilter = new TreeFilterControl(
    provider,
    view,
    context.workspaceState,
    (k, v) => ext.setContext(k, v),
    (text) => loadFeatures().treeFilterOf(text, (key) => analysis.networkLoaded(key)),
  );
  treeFilter.restore();
  // High and medium findings counted on the views (and so on the activity bar).
  findings.showBadgeOn(view, findingsTree);

  // The tree refreshes on its own only when the user asks for it (an interval, the window's focus).
  const autoRefresh = new AutoRefresh({
    busy: () => ext.working || ext.store.getRegions().some((r) => ext.store.isLoading(r)),
    refresh: async (reason) => {
      const regions = await ext.regions();
      log.info(`Automatic refresh (${reason === 'focus' ? 'the window regained the focus' : 'interval'}): ${regions.join(', ') || 'no Region'}`);
      for (const r of regions) analysis.reset(r);
      await ext.store.refreshAll(regions);
    },
  });
  autoRefresh.configure(readAutoRefreshSettings());

  const status = statusBar(ext);
  let statusUpdate = status.update();

  registerCommands({ ext, context, view, analysis, reachView, findings, findResults, treeFilter });

  // Temporary rules are removed when they expire (and, after a load, those that expired meanwhile),
  // unless the user turned that off: then they are findings to act on.
  const temporary = new TemporaryWatch(
    {
      indexes: async () => (await ext.regions()).flatMap((region) => (ext.store.index(region) ? [{ region, idx: ext.store.index(region)! }] : [])),
      autoRevoke: () => vscode.workspace.getConfiguration('auroraSg').get<boolean>('temporaryAccess.autoRevoke', true),
      revokeExpired: async (region, idx) => {
        const r = await loadFeatures().revokeTemporary(ext, region, idx, ext.temporaryDeps());
        ext.log.info(r.message);
        if (r.value.length) void vscode.window.showInformationMessage(r.message);
      },
      tick: () => provider.refreshView(),
    },
    { now: () => ext.clock.now(), setTimer: (ms, fn) => ext.clock.setTimer(ms, fn) },
  );

  context.subscriptions.push(
    log,
    ext,
    provider,
    view,
    reachView,
    reachTree,
    findings,
    findingsTree,
    findResults,
    findTree,
    findResults.onDidUpdate(showFindSummary),
    vscode.window.registerFileDecorationProvider(findings),
    activityView,
    activityTree,
    vscode.workspace.registerTextDocumentContentProvider(ACTIVITY_SCHEME, activityView),
    rulesDocuments,
    vscode.workspace.registerTextDocumentContentProvider(RULES_SCHEME, rulesDocuments),
    // Another window may have added entries: the view reads the log again when it becomes visible.
    activityTree.onDidChangeVisibility((e) => e.visible && activityView.refresh()),
    status.item,
    trackLoading(ext),
    logLoadProblems(ext),
    ext.store.onChange(() => {
      statusUpdate = status.update();
      void temporary.check();
    }),
    ext.accounts.onChange(() => {
      statusUpdate = status.update();
    }),
    { dispose: () => temporary.dispose() },
    autoRefresh,
    vscode.window.onDidChangeWindowState((w) => autoRefresh.focusChanged(w.focused)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('auroraSg')) return;
      if (e.affectsConfiguration('auroraSg.autoRefresh')) {
        autoRefresh.configure(readAutoRefreshSettings());
        // The auto-refresh settings alone keep the data; the connection settings drop it.
        if (!['profile', 'profiles', 'regions', 'endpoint'].some((k) => e.affectsConfiguration(`auroraSg.${k}`))) return;
      }
      // The managed-by tags change only what is shown and asked: no reload of the account.
      if (
        e.affectsConfiguration('auroraSg.managedByTags') &&
        !['profile', 'profiles', 'regions', 'endpoint'].some((k) => e.affectsConfiguration(`auroraSg.${k}`))
      ) {
        ext.reloadManagedTags();
        provider.refreshView();
        return;
      }
      ext.reload();
      analysis.reset();
      ext.setContext('auroraSg.empty', false);
      statusUpdate = status.update();
      provider.refreshView();
    }),
  );
  // Activation is onStartupFinished and loads nothing slow; once the window is up, the AWS layer's
  // module (dist/aws.js, the SDK) is loaded in the background, so the view's first rows do not wait
  // for it when it opens, and one load is run with every call answered in the process (warmUpReads,
  // src/aws/warmUp.ts), so the first real load runs compiled code. No AWS call, no credentials read.
  const warm = setTimeout(() => {
    try {
      const aws = loadAws();
      // A load already under way (the view opened first) is warm enough by itself: no competing for the CPU.
      if (ext.gatewayCreated) return;
      const t0 = performance.now();
      void aws
        .warmUpReads()
        .then((answered) =>
          log.info(`AWS layer warmed up in ${(performance.now() - t0).toFixed(0)} ms (${answered.length} calls answered locally, none sent)`),
        );
    } catch (e) {
      log.warn(`Could not load the AWS layer ahead of use: ${e instanceof Error ? e.message : String(e)}`);
    }
  }, AWS_PRELOAD_DELAY_MS);
  warm.unref?.();
  context.subscriptions.push({ dispose: () => clearTimeout(warm) });
  const now = performance.now();
  const activationMs = now - started;
  const bundled = typeof __auroraSgLoadStart === 'number' && typeof __auroraSgLoadEnd === 'number';
  const moduleMs = bundled ? __auroraSgLoadEnd! - __auroraSgLoadStart! : 0;
  const loadAndActivateMs = moduleMs + activationMs;
  const hostMs = bundled ? started - __auroraSgLoadEnd! : 0;
  log.info(
    `Activated in ${activationMs.toFixed(1)} ms (${loadAndActivateMs.toFixed(1)} ms with module load; VS Code took ${hostMs.toFixed(1)} ms between load and activate); AWS SDK loaded: ${isAwsLoaded() ? 'yes' : 'no'}`,
  );
  const api: ExtensionApi = { apiVersion: 1 };
  if (process.env[TEST_API_ENV] !== '1') return api;
  const testApi: TestApi = {
    ...api,
    ext,
    provider,
    view,
    analysis,
    reachView,
    findings,
    findResults,
    findTree,
    treeFilter,
    activityView,
    activityTree,
    statusBar: { item: status.item, updated: () => statusUpdate },
    temporary,
    contextKeys: ext.contextKeys,
    modules: { RegionStore, AuroraSgTreeProvider, RegionIndex, TreeFilterControl, features: loadFeatures, ActivityLog, activityStorage },
    autoRefresh,
    activationMs,
    loadAndActivateMs,
  };
  return testApi;
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions (the open panels too: src/commands/index.ts).
}
