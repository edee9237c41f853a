// Messages between the results panel (Who Can Reach's diagram, Explain Path's hops) and the
// extension. Everything the webview sends is validated here before use.
import type { PathView } from './pathView';
import type { ReachGraph } from './reachGraph';

/** `note`: the graph or path was computed on older data than the extension holds (what on, and that a refresh recomputes it). */
export type ReachToWebview =
  | { readonly type: 'graph'; readonly graph: ReachGraph; readonly seq?: number; readonly note?: string }
  | { readonly type: 'path'; readonly path: PathView; readonly seq?: number; readonly note?: string }
  | { readonly type: 'error'; readonly message: string };

export type ReachFromWebview =
  | { readonly type: 'ready' }
  | { readonly type: 'refresh' }
  | { readonly type: 'reveal'; readonly groupId: string }
  /** A fix button of the path view: the index into the fixes it was sent. */
  | { readonly type: 'fix'; readonly index: number }
  /** Said after each render of message `seq`: what is on the page (the number of hops, or of diagram nodes). */
  | { readonly type: 'rendered'; readonly kind: 'graph' | 'path'; readonly items: number; readonly seq: number };

const GROUP_ID = /^sg-[0-9a-f]{8}([0-9a-f]{9})?$/;
const isIndex = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x < 1000;
const isSeq = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

/** The message, if it is one of ReachFromWebview exactly; undefined otherwise. */
export function parseReachMessage(x: unknown): ReachFromWebview | undefined {
  if (!x || typeof x !== 'object' || Array.isArray(x)) return undefined;
  const m = x as Record<string, unknown>;
  const keys = Object.keys(m);
  if (m.type === 'ready' || m.type === 'refresh') return keys.length === 1 ? { type: m.type } : undefined;
  if (m.type === 'reveal' && keys.length === 2 && typeof m.groupId === 'string' && GROUP_ID.test(m.groupId)) return { type: 'reveal', groupId: m.groupId };
  if (m.type === 'fix' && keys.length === 2 && isIndex(m.index)) return { type: 'fix', index: m.index };
  if (m.type === 'rendered' && keys.length === 4 && (m.kind === 'graph' || m.kind === 'path') && isIndex(m.items) && isSeq(m.seq))
    return { type: 'rendered', kind: m.kind, items: m.items, seq: m.seq };
  return undefined;
}
