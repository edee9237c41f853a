// What the editor panel shows of an Explain Path result: plain data, built from the path engine's
// result (analysis/path.ts) alone. Every hop is shown generically (its kind, label, verdict, detail
// and rules), so a hop kind the engine adds later shows without a change here or in the webview.
import type { PathExplanation } from './analysis';
import type { RegionIndex } from './model';

export interface PathViewHop {
  readonly kind: string;
  readonly label: string;
  readonly ok: boolean;
  /** 'allowed', 'blocked' or 'unknown' (not readable: the detail names the permission); unknown is neither. */
  readonly state: 'allowed' | 'blocked' | 'unknown';
  /** The hop that decides a closed path. */
  readonly blocks?: boolean;
  readonly detail: string;
  readonly ruleIds: readonly string[];
  /** What decided a network hop (an ACL entry, a route), and what to change when it blocks. */
  readonly entry?: string;
  readonly fix?: string;
  /** The DB instances a network hop is about (absent: all of them). */
  readonly instanceIds?: readonly string[];
  /** A security group to show in the tree from this hop. */
  readonly groupId?: string;
}

/** A fix the panel offers as a button: run through the normal commands (their checks and confirmations). */
export type PathFix =
  | { readonly kind: 'join'; readonly label: string; readonly detail: string; readonly instanceId: string; readonly groupId: string }
  | {
      readonly kind: 'rule';
      readonly label: string;
      readonly detail: string;
      readonly rule: NonNullable<PathExplanation['missingRule']>;
    };

export interface PathView {
  readonly title: string;
  readonly open: boolean;
  readonly summary: string;
  readonly hops: readonly PathViewHop[];
  /** Without their command arguments: what the webview is told. */
  readonly fixes: readonly { readonly label: string; readonly detail: string }[];
}

/** The fixes of a closed path, best first: joining a group the database already allows, then each missing rule. */
export function pathFixes(p: PathExplanation, idx: RegionIndex | undefined, instance?: { instanceId: string; name?: string }): PathFix[] {
  if (p.open) return [];
  const name = (id: string) => idx?.groupsById.get(id)?.groupName ?? id;
  const out: PathFix[] = [];
  if (instance)
    for (const g of p.joinGroups ?? []) {
      out.push({
        kind: 'join',
        label: `Add ${instance.name ?? instance.instanceId} to ${name(g)}`,
        detail: `${name(g)} (${g}) is already allowed in on port ${p.port}: the instance's primary network interface gets it, nothing else is opened.`,
        instanceId: instance.instanceId,
        groupId: g,
      });
    }
  for (const m of p.missingRules) {
    const peer = 'cidr' in m.source ? m.source.cidr : name(m.source.groupId);
    out.push({
      kind: 'rule',
      label: `Add ${m.isEgress ? 'outbound' : 'inbound'} tcp ${m.fromPort === m.toPort ? m.fromPort : `${m.fromPort}-${m.toPort}`} ${m.isEgress ? 'to' : 'from'} ${peer} to ${name(m.groupId)}`,
      detail: `Through Add ${m.isEgress ? 'Outbound' : 'Inbound'} Rule, with its checks and confirmations.`,
      rule: m,
    });
  }
  return out;
}

export function pathView(p: PathExplanation, source: string, fixes: readonly PathFix[]): PathView {
  const closed = p.blockingHop !== undefined ? p.hops[p.blockingHop] : p.hops.find((h) => !h.ok);
  const at = closed ? `; ${p.verdict === 'unknown' ? 'not known at' : 'closed at'} "${closed.label}"` : '';
  const summary =
    p.verdict === 'open'
      ? `Open: ${source} can open a TCP connection to ${p.target.id} on port ${p.port}.`
      : p.verdict === 'partial'
        ? `Partly open: ${source} reaches only some instances of ${p.target.id} on port ${p.port}${at}.`
        : p.verdict === 'unknown'
          ? `Unknown: whether ${source} reaches ${p.target.id} on port ${p.port} could not be checked${at}.`
          : `Closed: ${source} cannot reach ${p.target.id} on port ${p.port}${at}.`;
  return {
    title: `${source} → ${p.target.id} on port ${p.port}`,
    open: p.open,
    summary: p.networkChecked ? summary : `${summary} (security groups only: the network could not be read)`,
    hops: p.hops.map((h, i) => ({
      kind: h.kind,
      label: h.label,
      ok: h.ok,
      state: h.state ?? (h.ok ? 'allowed' : 'blocked'),
      ...(i === p.blockingHop ? { blocks: true } : {}),
      detail: h.detail,
      ruleIds: [...h.ruleIds],
      ...(h.entry ? { entry: h.entry } : {}),
      ...(h.fix ? { fix: h.fix } : {}),
      ...(h.instanceIds ? { instanceIds: [...h.instanceIds] } : {}),
      ...(h.groupId ? { groupId: h.groupId } : {}),
    })),
    fixes: fixes.map((f) => ({ label: f.label, detail: f.detail })),
  };
}
