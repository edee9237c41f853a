// Registers the commands that change the account.
import type * as vscode from 'vscode';
import type { Ext } from '../ext';
import type { Node } from '../tree/nodes';
import { associateWithCluster, associateWithInstance, disassociateFromCluster, disassociateFromInstance } from './associate';
import { createSecurityGroup } from './createSecurityGroup';
import { deleteSecurityGroup } from './deleteSecurityGroup';
import { addRule, editRule, removeRules } from './rules';

export function registerChangeCommands(ext: Ext, _view: vscode.TreeView<Node>, reg: (id: string, fn: (...args: any[]) => unknown) => void): void {
  reg('auroraSg.createSecurityGroup', (arg?: unknown) => createSecurityGroup(ext, arg));
  reg('auroraSg.addInboundRule', (arg?: unknown) => addRule(ext, false, arg));
  reg('auroraSg.addOutboundRule', (arg?: unknown) => addRule(ext, true, arg));
  reg('auroraSg.editRule', (arg?: unknown) => editRule(ext, arg));
  reg('auroraSg.removeRule', (arg?: unknown, selected?: unknown) => removeRules(ext, arg, selected));
  reg('auroraSg.deleteSecurityGroup', (arg?: unknown) => deleteSecurityGroup(ext, arg));
  reg('auroraSg.associateWithCluster', (arg?: unknown) => associateWithCluster(ext, arg));
  reg('auroraSg.disassociateFromCluster', (arg?: unknown) => disassociateFromCluster(ext, arg));
  reg('auroraSg.associateWithInstance', (arg?: unknown) => associateWithInstance(ext, arg));
  reg('auroraSg.disassociateFromInstance', (arg?: unknown) => disassociateFromInstance(ext, arg));
}
