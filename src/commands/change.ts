// Registers the commands that change the account; their code loads on first use (src/lazy.ts).
// INTERIM (issue 12): the handlers throw; `guarded` (loaded with them) shows what they throw, until
// commands/index.ts registers every command through runCommand and this file goes.
import type * as vscode from 'vscode';
import type { Ext } from '../ext';
import { loadFeatures as f } from '../lazy';
import type { Node } from '../tree/nodes';

/** The Region named by a node or an argument object, for guarded's reload of a stale Region. */
function regionOf(arg: unknown, selected?: unknown): string | undefined {
  const first = Array.isArray(selected) && selected.length ? selected[0] : arg;
  const r = first && typeof first === 'object' ? (first as { region?: unknown }).region : undefined;
  return typeof r === 'string' ? r : undefined;
}

export function registerChangeCommands(ext: Ext, _view: vscode.TreeView<Node>, reg: (id: string, fn: (...args: any[]) => unknown) => void): void {
  const guard = <T>(action: string, region: string | undefined, body: () => Promise<T>) => f().guarded(ext, action, region, body);
  reg('auroraSg.createSecurityGroup', (arg?: unknown) => guard('create the security group', regionOf(arg), () => f().createSecurityGroup(ext, arg)));
  reg('auroraSg.addInboundRule', (arg?: unknown) => guard('add the inbound rule', regionOf(arg), () => f().addRule(ext, false, arg)));
  reg('auroraSg.addOutboundRule', (arg?: unknown) => guard('add the outbound rule', regionOf(arg), () => f().addRule(ext, true, arg)));
  reg('auroraSg.editRule', (arg?: unknown) => guard('edit the rule', regionOf(arg), () => f().editRule(ext, arg)));
  reg('auroraSg.removeRule', (arg?: unknown, selected?: unknown) => guard('remove the rules', regionOf(arg, selected), () => f().removeRules(ext, arg, selected)));
  reg('auroraSg.deleteSecurityGroup', (arg?: unknown) => guard('delete the security group', regionOf(arg), () => f().deleteSecurityGroup(ext, arg)));
  reg('auroraSg.associateWithCluster', (arg?: unknown) => f().associateWithCluster(ext, arg));
  reg('auroraSg.disassociateFromCluster', (arg?: unknown) => f().disassociateFromCluster(ext, arg));
  reg('auroraSg.associateWithInstance', (arg?: unknown) => f().associateWithInstance(ext, arg));
  reg('auroraSg.disassociateFromInstance', (arg?: unknown) => f().disassociateFromInstance(ext, arg));
}
