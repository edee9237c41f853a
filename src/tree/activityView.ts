// The Activity view: the activity log's entries, newest first. Each opens its details (a read-only
// editor); a reversible one offers Undo (Redo for an undo). Plain data in, TreeItems out.
import * as vscode from 'vscode';
import { isReversible, undoLabel, type ActivityEntry } from '../domain/activity';

/** An entry of the view: its id (the entry is read from the log when needed). */
export interface ActivityNode {
  readonly kind: 'activity';
  readonly id: string;
}

/** The log as the view needs it. */
export interface ActivitySource {
  list(): readonly ActivityEntry[];
  get(id: string): ActivityEntry | undefined;
  onChange(listener: () => void): { dispose(): void };
}

/** The read-only documents of the entries' details: `aurora-sg-activity:/<id>.txt`. */
export const ACTIVITY_SCHEME = 'aurora-sg-activity';

export function activityUri(id: string): vscode.Uri {
  return vscode.Uri.from({ scheme: ACTIVITY_SCHEME, path: `/${id}.txt` });
}

const when = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');

export function activityItem(e: ActivityEntry): vscode.TreeItem {
  const item = new vscode.TreeItem(e.what, vscode.TreeItemCollapsibleState.None);
  item.id = `activity:${e.id}`;
  const status = e.status === 'applied' ? 'applied' : e.status === 'recovered' ? 'applied, answer lost, verified' : e.outcome.split(':')[0];
  item.description = `${when(e.time)} · ${e.region} · ${status}${e.undoOf ? ' · undo' : ''}`;
  item.iconPath = new vscode.ThemeIcon(
    e.status === 'applied' || e.status === 'recovered' ? 'pass' : e.status === 'failed' ? 'error' : 'warning',
    new vscode.ThemeColor(
      e.status === 'applied' || e.status === 'recovered' ? 'testing.iconPassed' : e.status === 'failed' ? 'errorForeground' : 'editorWarning.foreground',
    ),
  );
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = false;
  md.appendText(`${e.what}\n\n${e.time} · ${e.account ?? 'account unknown'} · ${e.region}\nTarget: ${e.target}\nOutcome: ${e.outcome}`);
  if (e.advice) md.appendText(`\nWhat to do: ${e.advice}`);
  md.appendText(`\n${e.calls.length} API call${e.calls.length === 1 ? '' : 's'}: ${e.calls.map((c) => `${c.api}${c.dryRun ? ' (DryRun)' : ''}`).join(', ')}`);
  item.tooltip = md;
  item.contextValue = isReversible(e) ? `activity.reversible.${undoLabel(e).toLowerCase()}` : 'activity.entry';
  item.command = { command: 'auroraSg.showActivityEntry', title: 'Show Details', arguments: [{ kind: 'activity', id: e.id } satisfies ActivityNode] };
  return item;
}

export class ActivityTreeProvider implements vscode.TreeDataProvider<ActivityNode>, vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ActivityNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly docChanged = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.docChanged.event;
  private readonly sub: { dispose(): void };

  constructor(
    private readonly log: ActivitySource,
    private readonly details: (e: ActivityEntry) => string,
  ) {
    this.sub = log.onChange(() => this.changed.fire(undefined));
  }

  getChildren(node?: ActivityNode): ActivityNode[] {
    if (node) return [];
    return this.log.list().map((e) => ({ kind: 'activity', id: e.id }));
  }

  getTreeItem(node: ActivityNode): vscode.TreeItem {
    const e = this.log.get(node.id);
    return e ? activityItem(e) : new vscode.TreeItem(`Entry ${node.id} (no longer in the log)`);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const id = uri.path.replace(/^\//, '').replace(/\.txt$/, '');
    const e = this.log.get(id);
    return e ? this.details(e) : `Activity entry ${id} is no longer in the log.\n`;
  }

  /** Re-reads the log (another window may have written to it). */
  refresh(): void {
    this.changed.fire(undefined);
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
    this.docChanged.dispose();
  }
}
