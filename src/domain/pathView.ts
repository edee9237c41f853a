// What the editor panel shows of an Explain Path result: plain data, built from the path engine's
// result (analysis/path.ts) alone. Every hop is shown generically (its kind, label, verdict, detail
// and rules), so a hop kind the engine adds later shows without a change here or in the webview.
import type { PathExplanation } from './analysis';
import type { RegionIndex } from './model';

export interface PathViewHop {
  readonly kind: string;
  readonly label: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly ruleIds: readonly string[];
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
  const closed = p.hops.find((h) => !h.ok);
  return {
    title: `${source} → ${p.target.id} on port ${p.port}`,
    open: p.open,
    summary: p.open
      ? `Open: ${source} can open a TCP connection to ${p.target.id} on port ${p.port}.`
      : `Closed: ${source} cannot reach ${p.target.id} on port ${p.port}${closed ? `; closed at "${closed.label}"` : ''}.`,
    hops: p.hops.map((h) => ({
      kind: h.kind,
      label: h.label,
      ok: h.ok,
      detail: h.detail,
      ruleIds: [...h.ruleIds],
      ...(h.groupId ? { groupId: h.groupId } : {}),
    })),
    fixes: fixes.map((f) => ({ label: f.label, detail: f.detail })),
  };
}
