// One activation of the bundled extension in plain Node with a stubbed `vscode` module.
// argv[2]: 'lazy' (the shipped bundle) or 'eager' (the AWS layer loaded first, as one bundle would).
// Prints JSON: { ms, sdkLoaded, modules }.
const Module = require('node:module');
const path = require('node:path');
const dist = path.resolve(__dirname, '..', '..', 'dist');
const mode = process.argv[2] ?? 'lazy';

const noop = () => undefined;
const disposable = { dispose: noop };
class EventEmitter {
  constructor() {
    this.event = () => disposable;
  }
  fire() {}
  dispose() {}
}
class TreeItem {
  constructor(label, state) {
    this.label = label;
    this.collapsibleState = state;
  }
}
class ThemeIcon {
  constructor(id, color) {
    this.id = id;
    this.color = color;
  }
}
class ThemeColor {
  constructor(id) {
    this.id = id;
  }
}
class MarkdownString {
  constructor(v) {
    this.value = v;
  }
}
const channel = { info: noop, warn: noop, error: noop, debug: noop, trace: noop, append: noop, appendLine: noop, show: noop, dispose: noop };
const vscode = {
  version: '1.99.3',
  EventEmitter,
  TreeItem,
  ThemeIcon,
  ThemeColor,
  MarkdownString,
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  StatusBarAlignment: { Left: 1, Right: 2 },
  ConfigurationTarget: { Global: 1 },
  ProgressLocation: { Notification: 15 },
  QuickInputButtons: { Back: {} },
  Uri: { parse: (s) => ({ toString: () => s }), joinPath: (...a) => ({ fsPath: a.join('/') }) },
  env: { clipboard: { writeText: async () => undefined }, openExternal: async () => true },
  window: {
    createOutputChannel: () => channel,
    createTreeView: () => ({ dispose: noop, reveal: async () => undefined }),
    createStatusBarItem: () => ({ show: noop, hide: noop, dispose: noop }),
    registerWebviewPanelSerializer: () => disposable,
    registerTreeDataProvider: () => disposable,
    registerFileDecorationProvider: () => disposable,
    showInformationMessage: async () => undefined,
  },
  commands: { registerCommand: () => disposable, executeCommand: async () => undefined },
  workspace: {
    getConfiguration: () => ({ get: (k) => (k === 'regions' ? ['us-east-1'] : undefined), update: async () => undefined, inspect: () => undefined }),
    onDidChangeConfiguration: () => disposable,
  },
  extensions: { getExtension: () => undefined },
};
// Whatever else activation touches (watchers, events, folders) answers with an inert stand-in: any
// property, called or not, is another stand-in (never a thenable).
const inert = new Proxy(function () {}, {
  get: (_t, k) => (k === 'then' ? undefined : k === Symbol.iterator ? [][Symbol.iterator].bind([]) : k === Symbol.toPrimitive ? () => '' : inert),
  apply: () => inert,
});
const lenient = (o) => new Proxy(o, { get: (t, p) => (p in t ? t[p] : inert) });
for (const k of ['window', 'workspace', 'commands']) vscode[k] = lenient(vscode[k]);
for (const k of ['createTreeView', 'createStatusBarItem', 'createOutputChannel']) {
  const make = vscode.window[k];
  vscode.window[k] = (...a) => lenient(make(...a));
}
const origResolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'vscode') return 'vscode';
  return origResolve.call(this, request, ...rest);
};
require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscode };

const context = {
  subscriptions: [],
  extensionUri: { fsPath: path.dirname(dist) },
  extensionPath: path.dirname(dist),
  workspaceState: { get: noop, update: async () => undefined },
  globalState: { get: noop, update: async () => undefined },
};
const started = process.hrtime.bigint();
if (mode === 'eager') require(path.join(dist, 'aws.js'));
const ext = require(path.join(dist, 'extension.js'));
ext.activate(context);
const ms = Number(process.hrtime.bigint() - started) / 1e6;
const modules = Object.keys(require.cache).filter((k) => k !== 'vscode');
console.log(
  JSON.stringify({ ms, sdkLoaded: modules.some((m) => m.endsWith(path.join('dist', 'aws.js'))), modules: modules.map((m) => path.relative(process.cwd(), m)) }),
);
process.exit(0);
