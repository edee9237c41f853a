// The walkthrough's diagram: clients -> app-server group -> database group -> database, as SVG.
import type { ExtensionMessage } from '../../domain/walkthroughProtocol';
import type { IconName } from './icons';
import { el, iconAt, svg, truncate } from './dom';

type Diagram = Extract<ExtensionMessage, { type: 'view' }>['view']['diagram'];
type DiagramNode = Diagram['nodes'][number];

const ORDER: readonly DiagramNode['id'][] = ['clients', 'app', 'db', 'target'];
const NODE_ICONS: Readonly<Record<DiagramNode['id'], IconName>> = { clients: 'globe', app: 'shield', db: 'shield', target: 'database' };
const STATE_WORDS: Readonly<Record<DiagramNode['state'], string>> = { exists: 'in the account', planned: 'will be created', missing: 'not set up' };
/** Captions above the boxes: where each part lives. */
const CAPTIONS = ['outside the VPC', 'app-server group', 'database group', 'Aurora / RDS'];

export function diagram(d: Diagram): HTMLElement {
  const W = 880;
  const H = 124;
  const nodeW = 156;
  const nodeH = 74;
  const gap = (W - 4 * nodeW - 8) / 3;
  const xOf = (i: number) => 4 + i * (nodeW + gap);
  const y = 36;
  const titleOf = (id: DiagramNode['id']) => d.nodes.find((n) => n.id === id)?.title ?? id;
  const description = d.edges.map((e) => titleOf(e.from) + ' to ' + titleOf(e.to) + ', ' + e.label + ': ' + STATE_WORDS[e.state]).join('; ');

  const s = svg('svg', {
    class: 'diagram-svg',
    viewBox: '0 0 ' + W + ' ' + H,
    role: 'img',
    'aria-label': 'Access path. ' + description,
    preserveAspectRatio: 'xMidYMid meet',
  });
  s.append(svg('title', { text: 'Access path: ' + description }));
  const defs = svg('defs');
  for (const st of ['exists', 'planned', 'missing'] as const) {
    defs.append(
      svg(
        'marker',
        {
          id: 'arrow-' + st,
          viewBox: '0 0 10 10',
          refX: 9,
          refY: 5,
          markerWidth: 9,
          markerHeight: 9,
          markerUnits: 'userSpaceOnUse',
          orient: 'auto-start-reverse',
        },
        [svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow arrow-' + st })],
      ),
    );
  }
  s.append(defs);

  for (const e of d.edges) {
    const i = ORDER.indexOf(e.from);
    const x1 = xOf(i) + nodeW;
    const x2 = xOf(i + 1);
    const ym = y + nodeH / 2;
    s.append(
      svg('line', {
        x1: x1 + 2,
        y1: ym,
        x2: x2 - 3,
        y2: ym,
        class: 'edge edge-' + e.state + (e.focus ? ' is-focus' : ''),
        'marker-end': 'url(#arrow-' + e.state + ')',
      }),
    );
    s.append(svg('text', { x: (x1 + x2) / 2, y: ym - 8, class: 'edge-label' + (e.focus ? ' is-focus' : ''), 'text-anchor': 'middle', text: e.label }));
    s.append(
      svg('text', {
        x: (x1 + x2) / 2,
        y: ym + 17,
        class: 'edge-state',
        'text-anchor': 'middle',
        text: e.state === 'exists' ? 'open' : e.state === 'planned' ? 'planned' : '',
      }),
    );
  }

  ORDER.forEach((id, i) => {
    const n = d.nodes.find((x) => x.id === id);
    if (!n) return;
    const x = xOf(i);
    const g = svg('g', { class: 'node node-' + n.state + (n.focus ? ' is-focus' : '') });
    g.append(svg('rect', { x, y, width: nodeW, height: nodeH, rx: 4, ry: 4, class: 'node-box' }));
    g.append(iconAt(NODE_ICONS[id], x + 10, y + 10, 'd-icon'));
    g.append(svg('text', { x: x + 32, y: y + 22, class: 'node-title', text: truncate(n.title, 17) }));
    g.append(svg('text', { x: x + 10, y: y + 44, class: 'node-sub', text: truncate(n.subtitle, 21) }));
    if (n.detail) g.append(svg('text', { x: x + 10, y: y + 63, class: 'node-detail', text: truncate(n.detail, 24) }));
    s.append(g);
  });
  CAPTIONS.forEach((c, i) => s.append(svg('text', { x: xOf(i), y: 22, class: 'caption', text: c })));

  const legend = el('div', { class: 'legend', 'aria-hidden': 'true' }, [
    el('span', { class: 'legend-item legend-exists', text: 'in the account' }),
    el('span', { class: 'legend-item legend-planned', text: 'will be created' }),
    el('span', { class: 'legend-item legend-missing', text: 'not set up yet' }),
  ]);
  return el('section', { class: 'diagram', 'aria-label': 'Access path diagram' }, [s, legend]);
}
