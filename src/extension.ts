// Activation wires things together and does nothing slow: no AWS call, no SDK code loaded.
import * as vscode from 'vscode';
import * as browse from './commands/browse';
import { Ext, isAwsLoaded } from './ext';
import type { Node } from './tree/nodes';
import { AuroraSgTreeProvider } from './tree/provider';
import { registerChangeCommands } from './commands/change';
import { loadFeatures } from './lazy';
import { registerWalkthrough } from './webview/walkthroughRegister';
import { AnalysisState } from './state/analysisState';
import { FindingsProvider, ReachTreeProvider, type FindingNode, type ReachNode } from './tree/analysisViews';

/** Set by the bundle's first and last lines (esbuild banner/footer): when its evaluation started and ended. */
declare const __auroraSgLoadStart: number | undefined;
declare const __auroraSgLoadEnd: number | undefined;

export interface ExtensionApi {
  readonly ext: Ext;
  readonly provider: AuroraSgTreeProvider;
  readonly view: vscode.TreeView<Node>;
  readonly analysis: AnalysisState;
  readonly reachView: ReachTreeProvider;
  readonly findings: FindingsProvider;
  /** Milliseconds activate() took. */
  readonly activationMs: number;
  /** Milliseconds of module evaluation plus activate(): the extension's own start-up cost. */
  readonly loadAndActivateMs: number;
}

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Aurora Security Groups', { log: true });
  const ext = new Ext(context, log);
  const setContext = (key: string, value: unknown) => void vscode.commands.executeCommand('setContext', key, value);

  const provider = new AuroraSgTreeProvider({
    store: ext.store,
    regions: () => ext.regions(),
    onDidLoadEmpty: (empty) => setContext('auroraSg.empty', empty),
  });
  const view = vscode.window.createTreeView<Node>('auroraSg.explorer', { treeDataProvider: provider, showCollapseAll: true, canSelectMany: true });

  const analysis = new AnalysisState((region) => ext.gateway().readEc2Instances(region));
  const reachView = new ReachTreeProvider(ext.store);
  const reachTree = vscode.window.createTreeView<ReachNode>('auroraSg.reach', { treeDataProvider: reachView });
  const findings = new FindingsProvider(ext.store, analysis, () => ext.regions());
  const findingsTree = vscode.window.createTreeView<FindingNode>('auroraSg.findings', { treeDataProvider: findings });

  const status = vscode.window.createStatusBarItem('auroraSg.connection', vscode.StatusBarAlignment.Left, 50);
  status.name = 'Aurora Security Groups connection';
  status.command = 'auroraSg.configure';
  const updateStatus = async () => {
    const s = ext.settings;
    const regions = await ext.regions();
    setContext('auroraSg.noRegions', regions.length === 0);
    status.text = `$(cloud) ${s.profile ?? 'default'} · ${regions.length ? regions.join(', ') : 'no Region'}${s.endpoint ? ' · local' : ''}`;
    status.tooltip = new vscode.MarkdownString(
      `**Aurora Security Groups**\n\n- Profile: ${s.profile ?? 'default credential chain'}\n- Regions: ${regions.join(', ') || 'none'}\n- Endpoint: ${s.endpoint ?? 'AWS'}\n\nClick to change.`,
    );
    status.show();
  };
  void updateStatus();

  const reg = (id: string, fn: (...args: any[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  reg('auroraSg.refresh', (node?: Node) => {
    if (!node || node.kind === 'region') analysis.reset(node?.region);
    return browse.refresh(ext, node);
  });
  reg('auroraSg.selectProfile', (p?: string) => browse.selectProfile(ext, typeof p === 'string' ? p : undefined));
  reg('auroraSg.selectRegions', (r?: string[]) => browse.selectRegions(ext, Array.isArray(r) ? r : undefined));
  reg('auroraSg.setEndpoint', (e?: string) => browse.setEndpoint(ext, typeof e === 'string' ? e : undefined));
  reg('auroraSg.configure', () => browse.configure(ext));
  reg('auroraSg.copyId', (node?: Node) => browse.copyId(ext, node));
  reg('auroraSg.copyArn', (node?: Node) => browse.copyArn(ext, node));
  reg('auroraSg.openInConsole', (node?: Node) => browse.openInConsole(ext, node));
  reg('auroraSg.revealGroup', (node?: Node) => browse.revealGroup(ext, view, node));
  reg('auroraSg.showLog', () => log.show());
  registerChangeCommands(ext, view, reg);
  registerWalkthrough(ext, context, reg);
  const deps = { ext, analysis, reachView, reachTree: reachTree as vscode.TreeView<unknown>, extensionUri: context.extensionUri };
  reg('auroraSg.whoCanReach', (arg?: unknown) => loadFeatures().whoCanReach(deps, arg));
  reg('auroraSg.explainPath', (arg?: unknown) => loadFeatures().explainPath(deps, arg));
  reg('auroraSg.applyFindingFix', (arg?: unknown) => loadFeatures().applyFindingFix(deps, arg));
  reg('auroraSg.refreshFindings', () => {
    analysis.reset();
    findings.changed();
  });

  context.subscriptions.push(
    log,
    ext,
    provider,
    view,
    reachView,
    reachTree,
    findings,
    findingsTree,
    vscode.window.registerFileDecorationProvider(findings),
    status,
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('auroraSg')) return;
      ext.reload();
      analysis.reset();
      setContext('auroraSg.empty', false);
      void updateStatus();
      provider.refreshView();
    }),
  );
  const now = performance.now();
  const activationMs = now - started;
  const bundled = typeof __auroraSgLoadStart === 'number' && typeof __auroraSgLoadEnd === 'number';
  const moduleMs = bundled ? __auroraSgLoadEnd! - __auroraSgLoadStart! : 0;
  const loadAndActivateMs = moduleMs + activationMs;
  const hostMs = bundled ? started - __auroraSgLoadEnd! : 0;
  log.info(
    `Activated in ${activationMs.toFixed(1)} ms (${loadAndActivateMs.toFixed(1)} ms with module load; VS Code took ${hostMs.toFixed(1)} ms between load and activate); AWS SDK loaded: ${isAwsLoaded() ? 'yes' : 'no'}`,
  );
  return { ext, provider, view, analysis, reachView, findings, activationMs, loadAndActivateMs };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
