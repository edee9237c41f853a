// The access-graph diagram of one database, in a webview panel.
import * as vscode from 'vscode';
import { reachGraph, type ReachGraph } from '../domain/reachGraph';
import { parseReachMessage, type ReachToWebview } from '../domain/reachProtocol';
import { staleNote, type LiveAnswer } from '../state/liveAnswer';
import type { ReachResult } from '../tree/analysisViews';
import { webviewPage } from './page';

export interface ReachPanelHost {
  /** The group's name in the Region's current data. */
  groupName(groupId: string): string | undefined;
  /** Reloads the Region (the answer recomputes itself on the new data); what went wrong, if the reload failed. */
  refresh(): Promise<string | undefined>;
  reveal(groupId: string): Promise<void>;
  log(message: string): void;
}

/** What the diagram shows: the graph, and the note when it was computed on older data than the store holds. */
export interface ReachPanelState {
  readonly graph: ReachGraph;
  readonly note?: string;
}

type ReachAnswer = LiveAnswer<ReachResult>;

export class ReachPanel implements vscode.Disposable {
  private static open: ReachPanel | undefined;
  private live: ReachAnswer;
  private liveSub: { dispose(): void } | undefined;
  private shown: ReachPanelState;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<ReachPanelState>();
  /** Fires with each state drawn (tests wait on it). */
  readonly onDidUpdate = this.changed.event;

  /** The open diagram, if any. */
  static get current(): ReachPanel | undefined {
    return ReachPanel.open;
  }

  /** Shows the answer (redrawn whenever it is recomputed), reusing the open panel. */
  static show(extensionUri: vscode.Uri, live: ReachAnswer, host: ReachPanelHost): ReachPanel {
    if (ReachPanel.open) {
      ReachPanel.open.host = host;
      ReachPanel.open.follow(live);
      ReachPanel.open.panel.reveal(vscode.ViewColumn.Active);
      return ReachPanel.open;
    }
    const panel = vscode.window.createWebviewPanel('auroraSg.reach', 'Who can reach', vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')],
      retainContextWhenHidden: false,
    });
    ReachPanel.open = new ReachPanel(panel, extensionUri, live, host);
    return ReachPanel.open;
  }

  /** Closes the open panel, if any (on deactivation). */
  static disposeOpen(): void {
    ReachPanel.open?.panel.dispose();
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    live: ReachAnswer,
    private host: ReachPanelHost,
  ) {
    this.live = live;
    this.shown = this.stateOf(live);
    this.follow(live);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'activity.svg');
    panel.webview.html = this.html();
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
    panel.webview.onDidReceiveMessage((raw) => void this.onMessage(raw), null, this.disposables);
  }

  /** What the diagram shows now. */
  get state(): ReachPanelState {
    return this.shown;
  }

  private stateOf(live: ReachAnswer): ReachPanelState {
    const r = live.value;
    const graph = r?.kind === 'reach' ? reachGraph(r.reach, (id) => this.host.groupName(id)) : { title: 'Who can reach', port: 0, nodes: [], edges: [] };
    const note = staleNote(live);
    return note ? { graph, note } : { graph };
  }

  private follow(live: ReachAnswer): void {
    const old = this.liveSub;
    this.live = live;
    this.liveSub = live.onDidChange(() => this.draw());
    old?.dispose();
    this.draw();
  }

  private draw(): void {
    this.shown = this.stateOf(this.live);
    this.panel.title = this.shown.graph.title;
    void this.post({ type: 'graph', ...this.shown });
    this.changed.fire(this.shown);
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
    if (m.type === 'ready') await this.post({ type: 'graph', ...this.shown });
    else if (m.type === 'reveal') await this.host.reveal(m.groupId);
    else if (m.type === 'refresh') {
      const failed = await this.host.refresh();
      // Drawn again by the answer when its data changed; said here when it could not be reloaded or recomputed.
      if (failed || this.live.lost) await this.post({ type: 'error', message: failed ?? `${this.live.lost}. Refresh the tree.` });
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
        '<p id="stale" class="stale" role="status" hidden></p>',
        '<p id="summary" class="summary" role="status"></p>',
        '<div class="legend"><span class="l-danger">open to the whole internet</span><span class="l-warn">public range or stale reference</span><span class="l-ok">private range or group</span></div>',
        '<div id="diagram"></div>',
      ].join('\n'),
    });
  }

  dispose(): void {
    if (ReachPanel.open === this) ReachPanel.open = undefined;
    this.liveSub?.dispose();
    this.changed.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
