// DOM helpers of the walkthrough webview: elements and SVG built through DOM calls (text only through
// textContent, never innerHTML), codicons as inline SVG, buttons.
import { ICONS, type IconName } from './icons';

const SVG_NS = 'http://www.w3.org/2000/svg';

export type AttrValue = string | number | boolean | undefined | null;
export type Child = Node | string | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Record<string, AttrValue> | null,
  children?: readonly Child[],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') node.className = String(v);
      else if (k === 'text') node.textContent = String(v);
      else if (k === 'hidden') node.hidden = true;
      else if (k === 'disabled') (node as unknown as { disabled: boolean }).disabled = true;
      else node.setAttribute(k, v === true ? '' : String(v));
    }
  }
  for (const c of children ?? []) {
    if (c === null || c === undefined || c === false) continue;
    node.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return node;
}

export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs?: Record<string, string | number | undefined | null>,
  children?: readonly (SVGElement | null | undefined)[],
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null) continue;
    if (k === 'text') node.textContent = String(v);
    else node.setAttribute(k, String(v));
  }
  for (const c of children ?? []) if (c) node.append(c);
  return node;
}

/** A codicon as inline SVG (16x16, currentColor). */
export function icon(name: IconName, cls?: string): SVGSVGElement {
  const s = svg('svg', { class: 'icon' + (cls ? ' ' + cls : ''), viewBox: '0 0 16 16', width: 16, height: 16, 'aria-hidden': 'true', focusable: 'false' });
  for (const p of ICONS[name]) s.append(svg('path', { d: p.d, 'fill-rule': p.r, 'clip-rule': p.r }));
  return s;
}

/** Icon drawn inside the diagram's SVG at (x, y). */
export function iconAt(name: IconName, x: number, y: number, cls?: string): SVGGElement {
  const g = svg('g', { transform: 'translate(' + x + ' ' + y + ')', class: cls || 'd-icon' });
  for (const p of ICONS[name]) g.append(svg('path', { d: p.d, 'fill-rule': p.r, 'clip-rule': p.r }));
  return g;
}

export interface ButtonOptions {
  readonly class?: string;
  readonly title?: string;
  readonly ariaLabel?: string;
  readonly disabled?: boolean;
  readonly action?: string;
  readonly icon?: IconName;
  readonly onClick?: () => void;
}

export function button(label: string, o: ButtonOptions = {}): HTMLButtonElement {
  const b = el(
    'button',
    {
      type: 'button',
      class: o.class || 'button secondary',
      title: o.title,
      'aria-label': o.ariaLabel,
      disabled: o.disabled,
      'data-action': o.action,
    },
    [o.icon ? icon(o.icon) : null, label ? el('span', { text: label }) : null],
  );
  if (o.onClick) b.addEventListener('click', o.onClick);
  return b;
}

export const truncate = (s: string, n: number) => (s.length > n ? s.slice(0, n - 1) + '…' : s);

export const isTextInput = (e: Element | null): e is HTMLInputElement | HTMLTextAreaElement => !!e && (e.tagName === 'INPUT' || e.tagName === 'TEXTAREA');
