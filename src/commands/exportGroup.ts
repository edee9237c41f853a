// auroraSg.exportSecurityGroup: a security group and its rules as code (AWS CLI, CloudFormation YAML,
// Terraform with import blocks) in a new untitled editor. Reads only what is loaded; changes nothing.
import * as vscode from 'vscode';
import { CODE_FORMATS, codeFormatLabel, groupExport, renderCode, type CodeFormat } from '../domain/code';
import { countOf } from '../domain/rules';
import type { Ext } from '../ext';
import { groupItems } from './addRuleSteps';
import { exportGroupArgs } from './args';
import { indexFor, pickRegion, say, UserError } from './common';

/** Returns the code shown (and opened in the editor). */
export async function exportSecurityGroup(ext: Ext, arg?: unknown): Promise<{ format: CodeFormat; text: string; uri: string } | undefined> {
  const a = exportGroupArgs(arg);
  const region = await pickRegion(ext, a.region, 'Export security group: Region');
  const idx = await indexFor(ext, region, { reads: ['groups', 'rules'], what: 'export a security group' });
  if (!idx.snapshot.groups.length) throw new UserError(`There is no security group in ${region}.`);
  const groupId = a.groupId ?? (await ext.ui.pick({ title: 'Export Security Group as Code', placeholder: 'Security group', items: groupItems(idx) }));
  const g = idx.groupsById.get(groupId);
  if (!g) throw new UserError(`Security group ${groupId} is not in ${region}. Refresh the tree or check the id.`);
  const format =
    a.format ??
    (await ext.ui.pick<CodeFormat>({
      title: `Export ${g.groupName} as Code`,
      placeholder: 'Format',
      items: CODE_FORMATS.map((f) => ({ label: f.label, description: f.detail, value: f.format })),
    }));
  const rules = idx.rulesOf(groupId);
  const text = renderCode(format, groupExport(g, rules), {
    region,
    title: `Security group ${g.groupName} (${g.groupId}) with its ${countOf(rules.length, 'rule')}, as read ${new Date(idx.snapshot.loadedAt).toISOString()}`,
    file: true,
  });
  // Terraform has no built-in language in VS Code: plain text unless an extension provides it.
  const wanted = CODE_FORMATS.find((f) => f.format === format)!.language;
  const language = (await vscode.languages.getLanguages()).includes(wanted) ? wanted : 'plaintext';
  const doc = await vscode.workspace.openTextDocument({ language, content: text });
  await vscode.window.showTextDocument(doc, { preview: false });
  say(ext).info(`Exported ${g.groupName} (${countOf(rules.length, 'rule')}) as ${codeFormatLabel(format)} in a new editor; nothing was changed.`);
  return { format, text, uri: doc.uri.toString() };
}
