// The results panel in the editor area: Who Can Reach's diagram, or Explain Path's every hop with
// its verdict, reason and fixes (issue 14 item 6: results too wide for the side bar). One panel,
// reused for both; the side views keep a summary with "Open in Editor".
import * as vscode from 'vscode';
import type { PathView } from '../domain/pathView';
import type { ReachGraph } from '../domain/reachGraph';
import { parseReachMessage, type ReachToWebview } from '../domain/reachProtocol';
import { webviewPage } from './page';

/** What the panel shows. */
export type ReachContent = { readonly kind: 'graph'; readonly graph: ReachGraph } | { readonly kind: 'path'; readonly path: PathView };

export interface ReachPanelHost {
  /** Recomputes the content (after a refresh of the data). */
  refresh(): Promise<ReachContent | undefined>;
  reveal(groupId: string): Promise<void>;
  /** Runs the path view's fix `index` through its normal command. */
  fix?(index: number): Promise<void>;
  log(message: string): void;
}

/** What the webview drew of the content last sent: the number of hops, or of diagram nodes. */
export interface Rendered {
  readonly kind: 'graph' | 'path';
  readonly items: number;
}

const titleOf = (c: ReachContent) => (c.kind === 'graph' ? c.graph.title : `Path: ${c.path.title}`);

export class ReachPanel implements vscode.Disposable {
  private static current: ReachPanel | undefined;
  private content: ReachContent;
  private readonly disposables: vscode.Disposable[] = [];
  /** The number of the content last sent, and what the webview said it drew of it. */
  private seq = 0;
  private drawn: Rendered | undefined;
  private waiters: ((r: Rendered) => void)[] = [];

  /** The open panel, if any. */
  static get open(): ReachPanel | undefined {
    return ReachPanel.current;
  }

  /** Shows the content, reusing the open panel. */
  static show(extensionUri: vscode.Uri, c: ReachContent, host: ReachPanelHost): ReachPanel {
    if (ReachPanel.current) {
      ReachPanel.current.host = host;
      ReachPanel.current.update(c);
      ReachPanel.current.panel.reveal(vscode.ViewColumn.Active);
      return ReachPanel.current;
    }
    const panel = vscode.window.createWebviewPanel('auroraSg.reach', titleOf(c), vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')],
      retainContextWhenHidden: false,
    });
    ReachPanel.current = new ReachPanel(panel, extensionUri, c, host);
    return ReachPanel.current;
  }

  /** Closes the open panel, if any (on deactivation). */
  static disposeOpen(): void {
    ReachPanel.current?.panel.dispose();
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    content: ReachContent,
    private host: ReachPanelHost,
  ) {
    this.content = content;
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'activity.svg');
    panel.webview.html = this.html();
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
    panel.webview.onDidReceiveMessage((raw) => void this.onMessage(raw), null, this.disposables);
  }

  /** What the panel shows now. */
  get shown(): ReachContent {
    return this.content;
  }

  /** Resolves once the webview has drawn the content shown now (tests wait on it, never on time). */
  whenRendered(): Promise<Rendered> {
    return this.drawn ? Promise.resolve(this.drawn) : new Promise((resolve) => this.waiters.push(resolve));
  }

  update(content: ReachContent): void {
    this.content = content;
    this.seq++;
    this.drawn = undefined;
    this.panel.title = titleOf(content);
    void this.post(this.message());
  }

  private message(): ReachToWebview {
    const seq = this.seq;
    return this.content.kind === 'graph' ? { type: 'graph', graph: this.content.graph, seq } : { type: 'path', path: this.content.path, seq };
  }

  private post(m: ReachToWebview): Thenable<boolean> {
    return this.panel.webview.postMessage(m);
  }

  /** Every message is checked against the protocol; anything else is logged and dropped. */
  async onMessage(raw: unknown): Promise<boolean> {
    const m = parseReachMessage(raw);
    if (!m) {
      this.host.log(`Results panel: ignored a malformed message (${typeof raw})`);
      return false;
    }
    if (m.type === 'ready') await this.post(this.message());
    else if (m.type === 'reveal') await this.host.reveal(m.groupId);
    else if (m.type === 'rendered') {
      if (m.seq !== this.seq) return true;
      this.drawn = { kind: m.kind, items: m.items };
      for (const w of this.waiters.splice(0)) w(this.drawn);
    } else if (m.type === 'fix') {
      if (this.content.kind === 'path' && m.index < this.content.path.fixes.length) await this.host.fix?.(m.index);
    } else if (m.type === 'refresh') {
      const c = await this.host.refresh();
      if (c) this.update(c);
      else await this.post({ type: 'error', message: 'The database is no longer in the loaded data. Refresh the tree.' });
    }
    return true;
  }

  private html(): string {
    return webviewPage(this.panel.webview, this.extensionUri, {
      title: 'Reachability',
      styles: ['dist/codicon.css', 'reach.css'],
      scripts: ['dist/reach.js'],
      fonts: true,
      body: [
        '<header><h1 id="title">Reachability</h1><button id="refresh" type="button"><span class="codicon codicon-refresh" aria-hidden="true"></span> Refresh</button></header>',
        '<p id="summary" class="summary" role="status"></p>',
        '<section id="path" hidden>',
        '<h2 id="hops-title">Hop by hop</h2><ol id="hops" class="hops" aria-labelledby="hops-title"></ol>',
        '<div id="fixes-area" hidden><h2 id="fixes-title">Fixes</h2><ul id="fixes" class="fixes" aria-labelledby="fixes-title"></ul></div>',
        '</section>',
        '<section id="graph">',
        '<div class="legend"><span class="l-danger">open to the whole internet</span><span class="l-warn">public range or stale reference</span><span class="l-ok">private range or group</span></div>',
        '<div id="diagram"></div>',
        '</section>',
      ].join('\n'),
    });
  }

  dispose(): void {
    if (ReachPanel.current === this) ReachPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
