// The access-graph diagram of one database, in a webview panel.
import * as vscode from 'vscode';
import type { ReachGraph } from '../domain/reachGraph';
import { parseReachMessage, type ReachToWebview } from '../domain/reachProtocol';
import { webviewPage } from './page';

export interface ReachPanelHost {
  /** Recomputes the graph (after a refresh of the data). */
  refresh(): Promise<ReachGraph | undefined>;
  reveal(groupId: string): Promise<void>;
  log(message: string): void;
}

export class ReachPanel implements vscode.Disposable {
  private static current: ReachPanel | undefined;
  private graph: ReachGraph;
  private readonly disposables: vscode.Disposable[] = [];

  /** Shows the graph, reusing the open panel. */
  static show(extensionUri: vscode.Uri, graph: ReachGraph, host: ReachPanelHost): ReachPanel {
    if (ReachPanel.current) {
      ReachPanel.current.host = host;
      ReachPanel.current.update(graph);
      ReachPanel.current.panel.reveal(vscode.ViewColumn.Active);
      return ReachPanel.current;
    }
    const panel = vscode.window.createWebviewPanel('auroraSg.reach', graph.title, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')],
      retainContextWhenHidden: false,
    });
    ReachPanel.current = new ReachPanel(panel, extensionUri, graph, host);
    return ReachPanel.current;
  }

  /** Closes the open panel, if any (on deactivation). */
  static disposeOpen(): void {
    ReachPanel.current?.panel.dispose();
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    graph: ReachGraph,
    private host: ReachPanelHost,
  ) {
    this.graph = graph;
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'activity.svg');
    panel.webview.html = this.html();
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
    panel.webview.onDidReceiveMessage((raw) => void this.onMessage(raw), null, this.disposables);
  }

  update(graph: ReachGraph): void {
    this.graph = graph;
    this.panel.title = graph.title;
    void this.post({ type: 'graph', graph });
  }

  private post(m: ReachToWebview): Thenable<boolean> {
    return this.panel.webview.postMessage(m);
  }

  /** Every message is checked against the protocol; anything else is logged and dropped. */
  async onMessage(raw: unknown): Promise<boolean> {
    const m = parseReachMessage(raw);
    if (!m) {
      this.host.log(`Diagram: ignored a malformed message (${typeof raw})`);
      return false;
    }
    if (m.type === 'ready') await this.post({ type: 'graph', graph: this.graph });
    else if (m.type === 'reveal') await this.host.reveal(m.groupId);
    else if (m.type === 'refresh') {
      const g = await this.host.refresh();
      if (g) this.update(g);
      else await this.post({ type: 'error', message: 'The database is no longer in the loaded data. Refresh the tree.' });
    }
    return true;
  }

  private html(): string {
    return webviewPage(this.panel.webview, this.extensionUri, {
      title: 'Who can reach',
      styles: ['dist/codicon.css', 'reach.css'],
      scripts: ['dist/reach.js'],
      fonts: true,
      body: [
        '<header><h1 id="title">Who can reach</h1><button id="refresh" type="button"><span class="codicon codicon-refresh"></span> Refresh</button></header>',
        '<p id="summary" class="summary" role="status"></p>',
        '<div class="legend"><span class="l-danger">open to the whole internet</span><span class="l-warn">public range or stale reference</span><span class="l-ok">private range or group</span></div>',
        '<div id="diagram"></div>',
      ].join('\n'),
    });
  }

  dispose(): void {
    if (ReachPanel.current === this) ReachPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
