// auroraSg.applyFindingFix: a finding's fix, applied through the normal commands (removeRule,
// editRule), so it gets their confirmations and their checks.
import * as vscode from 'vscode';
import type { Ext } from '../ext';
import { parseFindingArg } from './analysisArgs';
import { indexFor, say, UserError } from './common';

export async function applyFindingFix(ext: Ext, arg?: unknown): Promise<unknown> {
  const { region, fix } = parseFindingArg(arg);
  if (fix.kind === 'revoke') return vscode.commands.executeCommand('auroraSg.removeRule', { region, groupId: fix.groupId, ruleIds: [...fix.ruleIds] });
  const idx = await indexFor(ext, region, { reads: ['groups', 'rules'], what: 'apply the fix' });
  const rule = idx.snapshot.rules.find((r) => r.ruleId === fix.ruleId);
  if (!rule) throw new UserError(`Rule ${fix.ruleId} is no longer there. Refresh the tree.`);
  say(ext).info(`Suggested: ${fix.suggestion}`);
  return vscode.commands.executeCommand('auroraSg.editRule', { kind: 'rule', region, groupId: rule.groupId, ruleId: rule.ruleId, egress: rule.isEgress });
}
