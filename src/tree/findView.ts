// The Find Results view (auroraSg.findResults): what auroraSg.find matched in every loaded account
// and Region, grouped by account (when several profiles are loaded) / Region / group; each row
// reveals its node in the Access tree. Computed again whenever a Region's loaded data changes.
import * as vscode from 'vscode';
import type { FindResult, FindScope, ReachHit } from '../domain/find/match';
import type { Query } from '../domain/find/query';
import type { RegionIndex } from '../domain/model';
import { countOf, ruleLabel } from '../domain/rules';
import { parseScope } from '../domain/scope';
import type { ResolvedTarget } from '../domain/analysis';
import type { RegionStore } from '../state/store';
import { dataTreeItem, type ReachNode } from './analysisViews';

/** A row of the view: plain data, drawn as the reach view's rows are. */
export type FindNode = ReachNode;

const reveal = (arg: object): vscode.Command => ({ command: 'auroraSg.revealGroup', title: 'Show in the Access view', arguments: [arg] });

function dbNode(key: string, t: ResolvedTarget, description: string, tooltip?: string, icon = 'database'): FindNode {
  const arg =
    t.kind === 'cluster' ? { kind: 'cluster', region: key, clusterId: t.id } : { kind: 'dbInstance', region: key, instanceId: t.id, clusterId: t.clusterId };
  return {
    id: `${key}|db:${t.id}|${description}`,
    label: t.id,
    description,
    ...(tooltip ? { tooltip } : {}),
    icon: new vscode.ThemeIcon(icon),
    command: reveal(arg),
  };
}

function reachText(h: ReachHit): string {
  const how = h.verdict === 'open' ? 'reachable' : h.verdict === 'partial' ? 'some instances reachable' : 'not blocked by the groups; a hop could not be read';
  return `tcp ${h.port} · ${how}${h.networkChecked ? '' : ' (security groups only)'}`;
}

/** The nodes of one scope: the databases an address reaches, the databases and groups that matched. */
function scopeNodes(key: string, r: FindResult, idx: RegionIndex | undefined): FindNode[] {
  const out: FindNode[] = [];
  const reach = r.reach.filter((h) => h.key === key);
  if (reach.length) {
    out.push({
      id: `${key}|reach`,
      label: `Databases ${reach[0]!.source} can reach`,
      description: String(reach.length),
      icon: new vscode.ThemeIcon('plug'),
      expanded: true,
      children: reach.map((h) => dbNode(key, h.target, reachText(h), `Let in by ${h.ruleIds.join(', ') || 'no rule of its own (unknown hop)'}`, 'pass')),
    });
  }
  for (const d of r.databases)
    if (d.key === key) out.push(dbNode(key, d.target, `${d.target.kind === 'cluster' ? 'DB cluster' : 'DB instance'} · ${d.target.engine}`));
  const lookup = (id: string) => idx?.groupsById.get(id);
  for (const g of r.groups) {
    if (g.key !== key) continue;
    const gid = g.group.groupId;
    out.push({
      id: `${key}|sg:${gid}`,
      label: g.group.groupName,
      description: [gid, g.group.vpcId, g.whole ? undefined : countOf(g.rules.length, 'rule')].filter(Boolean).join(' · '),
      tooltip: g.group.description,
      icon: new vscode.ThemeIcon('shield'),
      command: reveal({ kind: 'group', region: key, groupId: gid }),
      expanded: true,
      children: g.rules.map((rule) => ({
        id: `${key}|sg:${gid}|${rule.ruleId}`,
        label: ruleLabel(rule, lookup),
        description: [rule.isEgress ? 'outbound' : 'inbound', rule.description].filter(Boolean).join(' · '),
        tooltip: rule.ruleId,
        icon: new vscode.ThemeIcon(rule.isEgress ? 'arrow-up' : 'arrow-down'),
        command: reveal({ kind: 'rule', region: key, groupId: gid, ruleId: rule.ruleId, egress: rule.isEgress }),
      })),
    });
  }
  return out;
}

/** Account (when a key has a profile) / Region / results. */
export function findNodes(r: FindResult, keys: readonly string[], idxOf: (key: string) => RegionIndex | undefined): FindNode[] {
  const notes: FindNode[] = r.notes.map((n, i) => ({ id: `note:${i}`, label: n, icon: new vscode.ThemeIcon('warning') }));
  const regionNode = (key: string): FindNode | undefined => {
    const kids = scopeNodes(key, r, idxOf(key));
    return kids.length
      ? { id: `r:${key}`, label: parseScope(key).region, description: String(kids.length), icon: new vscode.ThemeIcon('globe'), children: kids, expanded: true }
      : undefined;
  };
  const profiles = [...new Set(keys.map((k) => parseScope(k).profile))];
  if (profiles.every((p) => p === undefined)) return [...notes, ...keys.flatMap((k) => regionNode(k) ?? [])];
  return [
    ...notes,
    ...profiles.flatMap((p) => {
      const regions = keys.filter((k) => parseScope(k).profile === p).flatMap((k) => regionNode(k) ?? []);
      return regions.length ? [{ id: `a:${p ?? ''}`, label: p ?? 'default', icon: new vscode.ThemeIcon('account'), children: regions, expanded: true }] : [];
    }),
  ];
}

export class FindResultsProvider implements vscode.TreeDataProvider<FindNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly updated = new vscode.EventEmitter<FindResult | undefined>();
  /** Fires after every computation of the results (and on clear). */
  readonly onDidUpdate = this.updated.event;
  private nodes: FindNode[] = [];
  private queryValue: Query | undefined;
  private resultValue: FindResult | undefined;
  /** The indexes the results were computed on: a change of any recomputes them. */
  private computedOn: (RegionIndex | undefined)[] = [];
  private readonly sub: { dispose(): void };

  constructor(
    private readonly store: RegionStore,
    /** The scopes to search now (every loaded key, with its network part when read). */
    private readonly scopes: () => FindScope[],
    /** Find's matching (src/domain/find/match.ts find, in dist/features.js). */
    private readonly search: (q: Query, scopes: readonly FindScope[]) => FindResult,
  ) {
    this.sub = store.onChange(() => {
      if (!this.queryValue) return;
      const now = this.store.getRegions().map((k) => this.store.index(k));
      if (now.length === this.computedOn.length && now.every((x, i) => x === this.computedOn[i])) return;
      this.compute();
    });
  }

  get query(): Query | undefined {
    return this.queryValue;
  }

  get result(): FindResult | undefined {
    return this.resultValue;
  }

  /** Searches for `query` now, and again after every change of the data. */
  show(query: Query): FindResult {
    this.queryValue = query;
    return this.compute();
  }

  clear(): void {
    this.queryValue = undefined;
    this.resultValue = undefined;
    this.nodes = [];
    this.emitter.fire();
    this.updated.fire(undefined);
  }

  private compute(): FindResult {
    const keys = this.store.getRegions();
    this.computedOn = keys.map((k) => this.store.index(k));
    const r = this.search(this.queryValue!, this.scopes());
    this.resultValue = r;
    this.nodes = findNodes(r, keys, (k) => this.store.index(k));
    this.emitter.fire();
    this.updated.fire(r);
    return r;
  }

  /** "3 results for …" (the view's description) and the message when nothing matched. */
  summary(): { description?: string; message?: string } {
    const r = this.resultValue;
    const q = this.queryValue;
    if (!r || !q) return { message: 'Run Find (the search button of the Access view) to search every loaded account and Region.' };
    const n = r.groups.length + r.databases.length + r.reach.length;
    const parts = [countOf(r.groups.length, 'group'), countOf(r.ruleCount, 'rule')];
    if (r.databases.length) parts.push(countOf(r.databases.length, 'database'));
    if (r.reach.length) parts.push(`${countOf(r.reach.length, 'database')} reachable`);
    return {
      description: `${q.text}: ${n ? parts.join(', ') : 'no match'}`,
      ...(n ? {} : { message: `Nothing matches "${q.text}" in the loaded data.${r.notes.length ? ` ${r.notes.join(' ')}` : ''}` }),
    };
  }

  getTreeItem(n: FindNode): vscode.TreeItem {
    return dataTreeItem(n);
  }

  getChildren(n?: FindNode): FindNode[] {
    return n ? [...(n.children ?? [])] : this.nodes;
  }

  dispose(): void {
    this.sub.dispose();
    this.emitter.dispose();
    this.updated.dispose();
  }
}
