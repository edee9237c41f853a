// The guided walkthrough's webview panel: creates it (or brings it back after a reload), sets up
// its page, and hands every message to the walkthrough's controller (walkthroughController.ts),
// which keeps the state and applies the steps. The webview is untrusted: every message is checked
// by parseWebviewMessage there, and the webview never receives credentials.
import { parseScope } from '../domain/scope';
import * as vscode from 'vscode';
import { webviewPage } from './page';
import * as W from '../domain/walkthrough';
import { isRegionCode } from '../domain/validation';
import type { Ext } from '../ext';
import { STATE_KEY, WalkthroughController, type StateStorage } from './walkthroughController';

export const VIEW_TYPE = 'auroraSg.walkthrough';

/** Sets up the panel's page and shows the walkthrough in it (a new panel, or one restored after a reload). */
function show(c: WalkthroughController, panel: vscode.WebviewPanel, extensionUri: vscode.Uri): void {
  const media = vscode.Uri.joinPath(extensionUri, 'media');
  panel.webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: [media] };
  panel.iconPath = vscode.Uri.joinPath(media, 'activity.svg');
  panel.webview.html = html(panel.webview, extensionUri);
  c.attach(panel);
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

/** The database asked for: a tree node (cluster, DB instance) or { region, clusterId } / { region, dbInstanceId }. */
export function targetOf(arg: unknown): { region: string; target: string } | { error: string } | undefined {
  if (arg === undefined || arg === null) return undefined;
  if (typeof arg !== 'object' || Array.isArray(arg))
    return { error: 'The walkthrough takes a cluster or DB instance, or { region, clusterId } / { region, dbInstanceId }.' };
  const a = arg as Record<string, unknown>;
  const region = a.region;
  // A scope key with several accounts: profile/Region (src/domain/scope.ts).
  const scope = typeof region === 'string' ? parseScope(region) : undefined;
  if (typeof region !== 'string' || !isRegionCode(scope!.region) || scope!.profile === '')
    return { error: `"${String(region)}" is not a Region code (such as us-east-1).` };
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
  // A walkthrough for another database starts with what was typed in the last one (issue 14 item 10).
  const kept = saved ? W.carriedChoices(saved.choices) : {};
  const fresh = (): W.WalkthroughState => W.initialState({ ...kept, ...(t ? { region: t.region, target: t.target } : {}) });
  const wanted = !t ? (saved ?? fresh()) : saved && saved.choices.region === t.region && saved.choices.target === t.target ? saved : fresh();
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
  show(c, panel, context.extensionUri);
  return c;
}

/** Brings the panel back after a reload (called by the serializer registered at activation). */
export async function restoreWalkthrough(ext: Ext, context: vscode.ExtensionContext, panel: vscode.WebviewPanel): Promise<void> {
  if (WalkthroughController.current?.webviewPanel) {
    panel.dispose();
    return;
  }
  const c = new WalkthroughController(ext, context.workspaceState, loadState(context.workspaceState) ?? W.initialState());
  show(c, panel, context.extensionUri);
}

/** Disposes the open walkthrough, if any (on deactivation). */
export function disposeWalkthrough(): void {
  WalkthroughController.current?.dispose();
}
