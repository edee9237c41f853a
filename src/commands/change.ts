import type * as vscode from 'vscode';
import type { Ext } from '../ext';
import type { Node } from '../tree/nodes';

export function registerChangeCommands(_ext: Ext, _view: vscode.TreeView<Node>, _reg: (id: string, fn: (...args: any[]) => unknown) => void): void {}
