// The read-only documents of auroraSg.compareGroups: a group's rules as canonical text
// (src/domain/ruleText.ts), under their own URI scheme, so VS Code's diff view compares two groups.
// The text follows the loaded data: when a scope's data changes, its open documents change too.
import * as vscode from 'vscode';
import { rulesText, scopeText } from '../domain/ruleText';
import type { RegionStore } from '../state/store';

export const RULES_SCHEME = 'aurora-sg-rules';

/** The URI of a group's rules document: the path names the group, the query holds the scope and the id. */
export function rulesUri(scope: string, groupId: string, groupName: string): vscode.Uri {
  const name = groupName.replace(/[/\\?#]/g, '_');
  return vscode.Uri.from({ scheme: RULES_SCHEME, path: `/${name} (${groupId})`, query: new URLSearchParams({ scope, group: groupId }).toString() });
}

function parse(uri: vscode.Uri): { scope: string; groupId: string } | undefined {
  const q = new URLSearchParams(uri.query);
  const scope = q.get('scope');
  const groupId = q.get('group');
  return scope && groupId ? { scope, groupId } : undefined;
}

export class RulesDocumentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly sub: { dispose(): void };

  constructor(private readonly store: Pick<RegionStore, 'index' | 'onChange'>) {
    this.sub = store.onChange((scope) => {
      for (const doc of vscode.workspace.textDocuments) {
        if (doc.uri.scheme !== RULES_SCHEME) continue;
        const p = parse(doc.uri);
        if (p && (scope === undefined || p.scope === scope)) this.changed.fire(doc.uri);
      }
    });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const p = parse(uri);
    if (!p) return 'Not a security group.\n';
    const idx = this.store.index(p.scope);
    if (!idx) return `The data of ${scopeText(p.scope)} is not loaded: refresh the Access view.\n`;
    if (!idx.groupsById.has(p.groupId)) return `Security group ${p.groupId} is not in ${scopeText(p.scope)} (deleted?).\n`;
    return rulesText(p.groupId, idx.rulesOf(p.groupId), (id) => idx.groupsById.get(id));
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }
}
