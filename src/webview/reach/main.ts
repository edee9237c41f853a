// The reachability diagram, inside the webview: lays out the graph with dagre and draws SVG.
// No inline handlers, no innerHTML with data: every text goes through textContent.
import dagre from '@dagrejs/dagre';
import type { PathView } from '../../domain/pathView';
import { graphSummary, type GraphNode, type ReachGraph } from '../../domain/reachGraph';

declare function acquireVsCodeApi(): { postMessage(m: unknown): void; getState(): unknown; setState(s: unknown): void };
const vscode = acquireVsCodeApi();
const SVG = 'http://www.w3.org/2000/svg';
const NODE_W = 210;
const NODE_H = 54;
const ICON: Record<GraphNode['kind'], string> = {
  database: 'codicon-database',
  dbGroup: 'codicon-shield',
  cidr: 'codicon-globe',
  group: 'codicon-shield',
  ec2: 'codicon-server',
  prefixList: 'codicon-list-unordered',
  subnet: 'codicon-type-hierarchy',
  acl: 'codicon-checklist',
  route: 'codicon-arrow-swap',
  setting: 'codicon-settings-gear',
};
const KIND_TEXT: Record<GraphNode['kind'], string> = {
  database: 'database',
  dbGroup: "database's security group",
  cidr: 'address range',
  group: 'security group',
  ec2: 'EC2 instance',
  prefixList: 'prefix list',
  subnet: 'subnet',
  acl: 'network ACL',
  route: 'route table',
  setting: 'database setting',
};

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function show(kind: 'graph' | 'path', note?: string): void {
  document.getElementById('graph')!.hidden = kind !== 'graph';
  document.getElementById('path')!.hidden = kind !== 'path';
  // Computed on older data than the extension holds: said above the summary, with the Refresh beside it.
  const stale = document.getElementById('stale')!;
  stale.textContent = note ?? '';
  stale.hidden = !note;
}

function html<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Explain Path: every hop in order, whatever its kind, with its verdict, reason and rules; then the fixes as buttons. */
function renderPath(path: PathView, seq = 0, note?: string): void {
  show('path', note);
  document.getElementById('title')!.textContent = path.title;
  const summary = document.getElementById('summary')!;
  summary.textContent = path.summary;
  summary.className = path.open ? 'summary ok' : 'summary danger';
  const list = document.getElementById('hops')!;
  list.replaceChildren();
  path.hops.forEach((h) => {
    const state = h.state ?? (h.ok ? 'allowed' : 'blocked');
    const li = html('li', `hop ${state === 'allowed' ? 'ok' : state === 'unknown' ? 'unknown' : 'closed'}${h.blocks ? ' blocks' : ''}`);
    const head = html('div', 'hop-head');
    const icon = html('span', `codicon ${state === 'allowed' ? 'codicon-pass' : state === 'unknown' ? 'codicon-question' : 'codicon-error'}`);
    icon.setAttribute('aria-hidden', 'true');
    const verdict = state === 'allowed' ? 'open' : state === 'unknown' ? 'unknown' : h.blocks ? 'blocks' : 'closed';
    head.append(icon, html('span', 'verdict', verdict), html('strong', 'hop-label', h.label), html('span', 'hop-kind', h.kind));
    li.appendChild(head);
    li.appendChild(html('p', 'hop-detail', h.detail));
    if (h.instanceIds?.length) li.appendChild(html('p', 'hop-rules', `Instances: ${h.instanceIds.join(', ')}`));
    if (h.ruleIds.length) li.appendChild(html('p', 'hop-rules', `Rules: ${h.ruleIds.join(', ')}`));
    if (h.entry) li.appendChild(html('p', 'hop-rules', `Decided by: ${h.entry}`));
    if (h.fix) li.appendChild(html('p', 'hop-fix', `To change: ${h.fix}`));
    if (h.groupId) {
      const b = html('button', 'link', 'Show the group in the tree');
      b.type = 'button';
      b.addEventListener('click', () => vscode.postMessage({ type: 'reveal', groupId: h.groupId }));
      li.appendChild(b);
    }
    list.appendChild(li);
  });
  const area = document.getElementById('fixes-area')!;
  const fixes = document.getElementById('fixes')!;
  fixes.replaceChildren();
  area.hidden = path.fixes.length === 0;
  path.fixes.forEach((f, index) => {
    const li = html('li');
    const b = html('button', index === 0 ? 'primary' : '', f.label);
    b.type = 'button';
    b.addEventListener('click', () => vscode.postMessage({ type: 'fix', index }));
    li.append(b, html('p', 'fix-detail', f.detail));
    fixes.appendChild(li);
  });
  vscode.setState({ path, note });
  vscode.postMessage({ type: 'rendered', kind: 'path', items: list.children.length, seq });
}

/** Under the diagram: each network hop that stops a source, what decided it and what to change, as the Explain Path panel says it. */
function renderStops(graph: ReachGraph): void {
  const stops = graph.nodes.filter((n) => n.blocks);
  const area = document.getElementById('stops-area')!;
  const list = document.getElementById('stops')!;
  list.replaceChildren();
  area.hidden = stops.length === 0;
  for (const n of stops) {
    const li = html('li', `hop ${n.state === 'unknown' ? 'unknown' : 'closed'} blocks`);
    const head = html('div', 'hop-head');
    const icon = html('span', `codicon ${n.state === 'unknown' ? 'codicon-question' : 'codicon-error'}`);
    icon.setAttribute('aria-hidden', 'true');
    head.append(
      icon,
      html('span', 'verdict', n.state === 'unknown' ? 'unknown' : 'blocks'),
      html('strong', 'hop-label', n.label),
      html('span', 'hop-kind', KIND_TEXT[n.kind]),
    );
    li.appendChild(head);
    if (n.detail) li.appendChild(html('p', 'hop-detail', n.detail));
    if (n.entry) li.appendChild(html('p', 'hop-rules', `Decided by: ${n.entry}`));
    if (n.fix) li.appendChild(html('p', 'hop-fix', `To change: ${n.fix}`));
    list.appendChild(li);
  }
}

function render(graph: ReachGraph, seq = 0, note?: string): void {
  show('graph', note);
  const title = document.getElementById('title')!;
  title.textContent = graph.title;
  const summary = document.getElementById('summary')!;
  const said = graphSummary(graph);
  summary.textContent = said.text;
  summary.className = said.danger ? 'summary danger' : 'summary';

  const host = document.getElementById('diagram')!;
  // Left to right reads like the path (clients -> groups -> database); a narrow panel gets top to bottom.
  const layout = (rankdir: 'LR' | 'TB') => {
    const gr = new dagre.graphlib.Graph({ multigraph: true });
    gr.setGraph({ rankdir, nodesep: rankdir === 'LR' ? 18 : 24, ranksep: rankdir === 'LR' ? 80 : 56, marginx: 16, marginy: 16 });
    gr.setDefaultEdgeLabel(() => ({}));
    for (const n of graph.nodes) gr.setNode(n.id, { width: NODE_W, height: NODE_H });
    graph.edges.forEach((e, i) => gr.setEdge(e.from, e.to, { label: e.label ?? '', width: Math.min(160, 7 * (e.label ?? '').length), height: 14 }, `e${i}`));
    dagre.layout(gr);
    return gr;
  };
  let g = layout('LR');
  if (((g.graph() as { width?: number }).width ?? 0) > Math.max(320, host.clientWidth) * 1.1) g = layout('TB');
  const size = g.graph() as { width?: number; height?: number };

  host.replaceChildren();
  const w = size.width ?? 400;
  const h = size.height ?? 200;
  // Scaled down to the panel's width when wider (viewBox), never up.
  const svg = el('svg', { viewBox: `0 0 ${w} ${h}`, width: w, height: h, role: 'img', 'aria-label': graph.title });
  svg.style.minWidth = `${Math.round(w * 0.8)}px`;
  const defs = el('defs');
  const marker = el('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
  marker.appendChild(el('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrowhead' }));
  defs.appendChild(marker);
  svg.appendChild(defs);

  const edgeEls: { from: string; to: string; path: SVGPathElement }[] = [];
  graph.edges.forEach((e, i) => {
    const info = g.edge({ v: e.from, w: e.to, name: `e${i}` }) as { points: { x: number; y: number }[]; x?: number; y?: number };
    if (!info) return;
    const d = info.points.map((p, k) => `${k ? 'L' : 'M'} ${p.x} ${p.y}`).join(' ');
    const path = el('path', { d, class: `edge${e.dashed ? ' dashed' : ''}`, 'marker-end': 'url(#arrow)' });
    svg.appendChild(path);
    edgeEls.push({ from: e.from, to: e.to, path });
    if (e.label && info.x !== undefined && info.y !== undefined) {
      const t = el('text', { x: info.x, y: info.y + 4, class: 'edge-label', 'text-anchor': 'middle' });
      t.textContent = clip(e.label, 26);
      svg.appendChild(t);
    }
  });

  for (const n of graph.nodes) {
    const pos = g.node(n.id) as { x: number; y: number };
    const grp = el('g', {
      class: `node ${n.kind} tone-${n.tone}${n.blocks ? ' blocks' : ''}`,
      transform: `translate(${pos.x - NODE_W / 2}, ${pos.y - NODE_H / 2})`,
      tabindex: 0,
      role: 'button',
    });
    grp.setAttribute(
      'aria-label',
      `${KIND_TEXT[n.kind]} ${n.label}${n.detail ? `, ${n.detail}` : ''}${n.fix ? `. To change: ${n.fix}` : ''}${n.groupId ? ', press Enter to show it in the tree' : ''}`,
    );
    grp.appendChild(el('rect', { width: NODE_W, height: NODE_H, rx: 4 }));
    const fo = el('foreignObject', { x: 8, y: 6, width: 22, height: 22 });
    const icon = document.createElement('span');
    icon.className = `codicon ${ICON[n.kind]}`;
    fo.appendChild(icon);
    grp.appendChild(fo);
    const label = el('text', { x: 34, y: 22, class: 'node-label' });
    label.textContent = clip(n.label, 25);
    grp.appendChild(label);
    const detail = el('text', { x: 34, y: 40, class: 'node-detail' });
    detail.textContent = clip(n.detail ?? KIND_TEXT[n.kind], 30);
    grp.appendChild(detail);
    const tip = el('title');
    tip.textContent = [n.label, n.detail ?? '', n.entry ? `Decided by: ${n.entry}` : '', n.fix ? `To change: ${n.fix}` : ''].filter(Boolean).join('\n');
    grp.appendChild(tip);
    const highlight = (on: boolean) => {
      for (const e of edgeEls) if (e.from === n.id || e.to === n.id) e.path.classList.toggle('hot', on);
    };
    grp.addEventListener('mouseenter', () => highlight(true));
    grp.addEventListener('mouseleave', () => highlight(false));
    grp.addEventListener('focus', () => highlight(true));
    grp.addEventListener('blur', () => highlight(false));
    if (n.groupId) {
      const reveal = () => vscode.postMessage({ type: 'reveal', groupId: n.groupId });
      grp.classList.add('clickable');
      grp.addEventListener('click', reveal);
      grp.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter' || ev.key === ' ') {
          ev.preventDefault();
          reveal();
        }
      });
    }
    svg.appendChild(grp);
  }
  host.appendChild(svg);
  renderStops(graph);
  vscode.setState({ graph, note });
  vscode.postMessage({ type: 'rendered', kind: 'graph', items: graph.nodes.length, seq });
}

window.addEventListener('message', (ev: MessageEvent) => {
  const m = ev.data as { type?: string; graph?: ReachGraph; path?: PathView; message?: string; seq?: number; note?: string };
  const seq = typeof m?.seq === 'number' ? m.seq : 0;
  const note = typeof m?.note === 'string' ? m.note : undefined;
  if (m?.type === 'graph' && m.graph) render(m.graph, seq, note);
  if (m?.type === 'path' && m.path) renderPath(m.path, seq, note);
  if (m?.type === 'error' && typeof m.message === 'string') {
    const s = document.getElementById('summary')!;
    s.textContent = m.message;
    s.className = 'summary danger';
  }
});
document.getElementById('refresh')?.addEventListener('click', () => vscode.postMessage({ type: 'refresh' }));
const saved = vscode.getState() as { graph?: ReachGraph; path?: PathView; note?: string } | undefined;
if (saved?.graph) render(saved.graph, 0, saved.note);
else if (saved?.path) renderPath(saved.path, 0, saved.note);
vscode.postMessage({ type: 'ready' });
