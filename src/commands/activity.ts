// The Activity view's commands: an entry's details (a read-only editor), Export Activity Log (JSON
// lines), and Undo / Redo of an entry (through ops/undo.ts, in dist/features.js).
import * as vscode from 'vscode';
import { toJsonLines } from '../domain/activity';
import type { Ext } from '../ext';
import { UserError } from '../ops/userError';
import { activityUri } from '../tree/activityView';
import { say } from './run';

/** The entry id a command was given: an Activity node, `{ id }`, or the id itself. */
export function entryIdOf(arg: unknown): string {
  const id = typeof arg === 'string' ? arg : arg && typeof arg === 'object' ? (arg as { id?: unknown }).id : undefined;
  if (typeof id !== 'string' || !id) throw new UserError('Choose an entry in the Activity view.');
  return id;
}

/** auroraSg.showActivityEntry node|{ id }: the entry's details (calls, inputs, outcome) in a read-only editor. */
export async function showActivityEntry(ext: Ext, arg: unknown): Promise<vscode.TextDocument> {
  const id = entryIdOf(arg);
  if (!ext.activity.get(id)) throw new UserError(`Activity entry ${id} is no longer in the log.`);
  const doc = await vscode.workspace.openTextDocument(activityUri(id));
  await vscode.window.showTextDocument(doc, { preview: true });
  return doc;
}

/**
 * auroraSg.exportActivity [{ path }]: the log as JSON lines, oldest first, to a file chosen in a save
 * dialog (or `path`). Returns the file written, undefined when the dialog was closed.
 */
export async function exportActivity(ext: Ext, arg: unknown): Promise<string | undefined> {
  const given = arg && typeof arg === 'object' ? (arg as { path?: unknown }).path : undefined;
  const entries = ext.activity.list();
  if (!entries.length) throw new UserError('The activity log is empty: no change has been made from this extension yet.');
  const uri =
    typeof given === 'string' && given
      ? vscode.Uri.file(given)
      : await vscode.window.showSaveDialog({
          title: 'Export Activity Log',
          saveLabel: 'Export',
          filters: { 'JSON lines': ['jsonl'] },
          defaultUri: vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? ext.context.globalStorageUri, 'aurora-sg-activity.jsonl'),
        });
  if (!uri) return undefined;
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(toJsonLines(entries)));
  say(ext).info(`Exported ${entries.length} activity entr${entries.length === 1 ? 'y' : 'ies'} to ${uri.fsPath}.`);
  return uri.fsPath;
}
