// Registers the walkthrough's command and the serializer that brings its panel back after a
// reload; the panel's code itself loads on first use (dist/features.js).
import * as vscode from 'vscode';
import type { Ext } from '../ext';
import { isFeaturesLoaded, loadFeatures } from '../lazy';

export const WALKTHROUGH_VIEW_TYPE = 'auroraSg.walkthrough';

export function registerWalkthrough(ext: Ext, context: vscode.ExtensionContext, reg: (id: string, fn: (...args: any[]) => unknown) => void): void {
  reg('auroraSg.openWalkthrough', (arg?: unknown) => loadFeatures().openWalkthrough(ext, context, arg));
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(WALKTHROUGH_VIEW_TYPE, {
      deserializeWebviewPanel: (panel: vscode.WebviewPanel) => loadFeatures().restoreWalkthrough(ext, context, panel),
    }),
    { dispose: () => isFeaturesLoaded() && loadFeatures().disposeWalkthrough() },
  );
}
