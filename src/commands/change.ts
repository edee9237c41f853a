// Registers the commands that change the account; their code loads on first use (src/lazy.ts).
import type * as vscode from 'vscode';
import type { Ext } from '../ext';
import { loadFeatures as f } from '../lazy';
import { guarded } from './common';
import type { Node } from '../tree/nodes';

export function registerChangeCommands(ext: Ext, _view: vscode.TreeView<Node>, reg: (id: string, fn: (...args: any[]) => unknown) => void): void {
  reg('auroraSg.createSecurityGroup', (arg?: unknown) => f().createSecurityGroup(ext, arg));
  reg('auroraSg.addInboundRule', (arg?: unknown) => f().addRule(ext, false, arg));
  reg('auroraSg.addOutboundRule', (arg?: unknown) => f().addRule(ext, true, arg));
  reg('auroraSg.editRule', (arg?: unknown) => f().editRule(ext, arg));
  reg('auroraSg.removeRule', (arg?: unknown, selected?: unknown) => f().removeRules(ext, arg, selected));
  reg('auroraSg.deleteSecurityGroup', (arg?: unknown) => f().deleteSecurityGroup(ext, arg));
  // INTERIM (issue 12): these handlers throw; the lead's command table (runCommand) replaces guarded here.
  const regionOf = (arg: unknown) => (arg && typeof arg === 'object' && typeof (arg as { region?: unknown }).region === 'string' ? (arg as { region: string }).region : undefined);
  reg('auroraSg.associateWithCluster', (arg?: unknown) => guarded(ext, 'associate the security groups with the DB cluster', regionOf(arg), () => f().associateWithCluster(ext, arg)));
  reg('auroraSg.disassociateFromCluster', (arg?: unknown) => guarded(ext, 'remove the security group from the DB cluster', regionOf(arg), () => f().disassociateFromCluster(ext, arg)));
  reg('auroraSg.associateWithInstance', (arg?: unknown) => guarded(ext, 'associate the security groups with the DB instance', regionOf(arg), () => f().associateWithInstance(ext, arg)));
  reg('auroraSg.disassociateFromInstance', (arg?: unknown) => guarded(ext, 'remove the security group from the DB instance', regionOf(arg), () => f().disassociateFromInstance(ext, arg)));
}
