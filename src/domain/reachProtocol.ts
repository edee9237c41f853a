// Messages between the reachability diagram webview and the extension. Everything the webview
// sends is validated here before use.
import type { ReachGraph } from './reachGraph';

/** `note`: the graph was computed on older data than the extension holds (what on, and that a refresh recomputes it). */
export type ReachToWebview =
  { readonly type: 'graph'; readonly graph: ReachGraph; readonly note?: string } | { readonly type: 'error'; readonly message: string };

export type ReachFromWebview = { readonly type: 'ready' } | { readonly type: 'refresh' } | { readonly type: 'reveal'; readonly groupId: string };

const GROUP_ID = /^sg-[0-9a-f]{8}([0-9a-f]{9})?$/;

/** The message, if it is one of ReachFromWebview exactly; undefined otherwise. */
export function parseReachMessage(x: unknown): ReachFromWebview | undefined {
  if (!x || typeof x !== 'object' || Array.isArray(x)) return undefined;
  const m = x as Record<string, unknown>;
  const keys = Object.keys(m);
  if (m.type === 'ready' || m.type === 'refresh') return keys.length === 1 ? { type: m.type } : undefined;
  if (m.type === 'reveal' && keys.length === 2 && typeof m.groupId === 'string' && GROUP_ID.test(m.groupId)) return { type: 'reveal', groupId: m.groupId };
  return undefined;
}
