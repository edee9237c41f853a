// The results panel in the editor area: Who Can Reach's diagram, or Explain Path's every hop with
// its verdict, reason and fixes (issue 14 item 6: results too wide for the side bar). One panel,
// reused for both; the side views keep a summary with "Open in Editor". It follows a live answer
// (src/state/liveAnswer.ts): redrawn whenever the answer is recomputed on changed data, with a note
// when it could only be computed on older data (issue 14 item 2).
import * as vscode from 'vscode';
import type { PathView } from '../domain/pathView';
import type { ReachGraph } from '../domain/reachGraph';
import { parseReachMessage, type ReachToWebview } from '../domain/reachProtocol';
import { staleNote, type LiveAnswer } from '../state/liveAnswer';
import type { ReachResult } from '../tree/analysisViews';
import { webviewPage } from './page';

/** What the panel shows. */
export type ReachContent = { readonly kind: 'graph'; readonly graph: ReachGraph } | { readonly kind: 'path'; readonly path: PathView };

export interface ReachPanelHost {
  /** What to draw for the answer as it is now (the diagram of a reach, the path view of a path). */
  contentOf(result: ReachResult | undefined): ReachContent;
  /** Reloads the Region (the answer recomputes itself on the new data); what went wrong, if the reload failed. */
  refresh(): Promise<string | undefined>;
  reveal(groupId: string): Promise<void>;
  /** Runs the path view's fix `index` through its normal command. */
  fix?(index: number): Promise<void>;
  log(message: string): void;
}

/** What the diagram shows: the graph (empty for a path), and the note when it was computed on older data. */
export interface ReachPanelState {
  readonly graph: ReachGraph;
  readonly note?: string;
}

/** What the webview drew of the content last sent: the number of hops, or of diagram nodes. */
export interface Rendered {
  readonly kind: 'graph' | 'path';
  readonly items: number;
}

type ReachAnswer = LiveAnswer<ReachResult>;

const titleOf = (c: ReachContent) => (c.kind === 'graph' ? c.graph.title : `Path: ${c.path.title}`);
const EMPTY_GRAPH: ReachGraph = { title: 'Who can reach', port: 0, nodes: [], edges: [] };

export class ReachPanel implements vscode.Disposable {
  private static instance: ReachPanel | undefined;
  private live: ReachAnswer;
  private liveSub: { dispose(): void } | undefined;
  private content!: ReachContent;
  private note: string | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<ReachPanelState>();
  /** Fires with each state drawn (tests wait on it). */
  readonly onDidUpdate = this.changed.event;
  /** The number of the content last sent, and what the webview said it drew of it. */
  private seq = 0;
  private drawn: Rendered | undefined;
  private waiters: ((r: Rendered) => void)[] = [];

  /** The open panel, if any. */
  static get open(): ReachPanel | undefined {
    return ReachPanel.instance;
  }

  /** The open panel, if any (the same as `open`). */
  static get current(): ReachPanel | undefined {
    return ReachPanel.instance;
  }

  /** Shows the answer (redrawn whenever it is recomputed), reusing the open panel. */
  static show(extensionUri: vscode.Uri, live: ReachAnswer, host: ReachPanelHost): ReachPanel {
    if (ReachPanel.instance) {
      ReachPanel.instance.host = host;
      ReachPanel.instance.follow(live);
      ReachPanel.instance.panel.reveal(vscode.ViewColumn.Active);
      return ReachPanel.instance;
    }
    const panel = vscode.window.createWebviewPanel('auroraSg.reach', 'Reachability', vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')],
      retainContextWhenHidden: false,
    });
    ReachPanel.instance = new ReachPanel(panel, extensionUri, live, host);
    return ReachPanel.instance;
  }

  /** Closes the open panel, if any (on deactivation). */
  static disposeOpen(): void {
    ReachPanel.instance?.panel.dispose();
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    live: ReachAnswer,
    private host: ReachPanelHost,
  ) {
    this.live = live;
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'activity.svg');
    panel.webview.html = this.html();
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
    panel.webview.onDidReceiveMessage((raw) => void this.onMessage(raw), null, this.disposables);
    this.follow(live);
  }

  /** What the panel shows now. */
  get shown(): ReachContent {
    return this.content;
  }

  /** The diagram's state: its graph (empty when a path is shown) and the older-data note. */
  get state(): ReachPanelState {
    const graph = this.content.kind === 'graph' ? this.content.graph : EMPTY_GRAPH;
    return this.note ? { graph, note: this.note } : { graph };
  }

  /** Resolves once the webview has drawn the content shown now (tests wait on it, never on time). */
  whenRendered(): Promise<Rendered> {
    return this.drawn ? Promise.resolve(this.drawn) : new Promise((resolve) => this.waiters.push(resolve));
  }

  private follow(live: ReachAnswer): void {
    const old = this.liveSub;
    this.live = live;
    this.liveSub = live.onDidChange(() => this.draw());
    old?.dispose();
    this.draw();
  }

  private draw(): void {
    this.content = this.host.contentOf(this.live.value);
    this.note = staleNote(this.live);
    this.seq++;
    this.drawn = undefined;
    this.panel.title = titleOf(this.content);
    void this.post(this.message());
    this.changed.fire(this.state);
  }

  private message(): ReachToWebview {
    const seq = this.seq;
    const note = this.note ? { note: this.note } : {};
    return this.content.kind === 'graph' ? { type: 'graph', graph: this.content.graph, seq, ...note } : { type: 'path', path: this.content.path, seq, ...note };
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
      const failed = await this.host.refresh();
      // Drawn again by the answer when its data changed; said here when it could not be reloaded or recomputed.
      if (failed || this.live.lost) await this.post({ type: 'error', message: failed ?? `${this.live.lost}. Refresh the tree.` });
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
        '<p id="stale" class="stale" role="status" hidden></p>',
        '<p id="summary" class="summary" role="status"></p>',
        '<section id="path" hidden>',
        '<h2 id="hops-title">Hop by hop</h2><ol id="hops" class="hops" aria-labelledby="hops-title"></ol>',
        '<div id="fixes-area" hidden><h2 id="fixes-title">Fixes</h2><ul id="fixes" class="fixes" aria-labelledby="fixes-title"></ul></div>',
        '</section>',
        '<section id="graph">',
        '<div class="legend"><span class="l-danger">open to the whole internet</span><span class="l-warn">public range or stale reference</span><span class="l-ok">private range or group</span><span class="l-blocks">network hop that stops it</span></div>',
        '<div id="diagram"></div>',
        '<div id="stops-area" hidden><h2 id="stops-title">What stops it on the network</h2><ol id="stops" class="hops" aria-labelledby="stops-title"></ol></div>',
        '</section>',
      ].join('\n'),
    });
  }

  dispose(): void {
    if (ReachPanel.instance === this) ReachPanel.instance = undefined;
    this.liveSub?.dispose();
    this.changed.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
