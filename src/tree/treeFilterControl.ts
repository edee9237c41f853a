// The Access tree's filter as the view shows it (auroraSg.filterTree): its text in the view's
// description, the context key of the title's clear button, the text kept per workspace
// (context.workspaceState) across restarts. A node revealed while the filter hides it (a Find
// result, Go To) is shown through the filter, with its parents, until the filter changes: the
// view's description counts them. The filter itself (src/tree/treeFilter.ts, Find's
// matching) is in dist/features.js: it is made when the tree first needs it below a Region.
import type * as vscode from 'vscode';
import type { RegionIndex } from '../domain/model';
import { nodeId, type Node } from './nodes';

/** What the provider asks of a filter: the children of `parent` it keeps. */
export interface NodeFilter {
  keep(parent: Node | undefined, kids: Node[], idxOf: (key: string) => RegionIndex | undefined): Node[];
}

/** Where the filter is kept: per workspace (context.workspaceState), across restarts. */
export const TREE_FILTER_KEY = 'auroraSg.treeFilter';
/** The context key the view title's clear button shows on. */
export const TREE_FILTERED_CONTEXT = 'auroraSg.treeFiltered';

export class TreeFilterControl {
  private textValue: string | undefined;
  /** The ids of the nodes revealed through the filter and of their parents; how many were revealed. */
  private readonly through = new Set<string>();
  private revealed = 0;
  /** The filter of the text (made when the tree first needs it below a Region; kept when nodes are shown through it). */
  private made: NodeFilter | undefined;

  constructor(
    private readonly provider: { setFilter(f: NodeFilter | undefined): void; getParent(n: Node): Node | undefined },
    private readonly view: Pick<vscode.TreeView<unknown>, 'description'>,
    private readonly state: vscode.Memento,
    private readonly setContext: (key: string, value: unknown) => void,
    /** Makes the filter of a text (loads dist/features.js). */
    private readonly make: (text: string) => NodeFilter,
  ) {}

  /** The filter's text; undefined when the tree is not filtered. */
  get text(): string | undefined {
    return this.textValue;
  }

  /** Filters the tree by `text`, a query already checked (undefined: shows everything again), and keeps it for the workspace. */
  async apply(text: string | undefined): Promise<void> {
    this.show(text);
    await this.state.update(TREE_FILTER_KEY, text);
  }

  /** The filter kept from the last session, if any. */
  restore(): void {
    const text = this.state.get<unknown>(TREE_FILTER_KEY);
    if (typeof text === 'string' && text) this.show(text);
  }

  /**
   * Before a reveal: with a filter on, the node and its parents show through it (until the filter
   * changes), so a Find result or a Go To pick the filter hides can be revealed.
   */
  showThrough(node: Node): void {
    if (!this.textValue) return;
    const id = nodeId(node);
    if (this.through.has(id)) return;
    for (let n: Node | undefined = node; n; n = this.provider.getParent(n)) this.through.add(nodeId(n));
    this.revealed++;
    this.setFilter(this.textValue);
  }

  private show(text: string | undefined): void {
    this.textValue = text;
    this.through.clear();
    this.revealed = 0;
    this.made = undefined;
    this.setFilter(text);
    this.setContext(TREE_FILTERED_CONTEXT, !!text);
  }

  private setFilter(text: string | undefined): void {
    const through = this.through;
    // The Regions show as they are: the filter is made (and its bundle loaded) for what lies below them.
    const lazy: NodeFilter = {
      keep: (parent, kids, idxOf) => {
        if (!parent || parent.kind === 'region') return kids;
        const kept = (this.made ??= this.make(text!)).keep(parent, kids, idxOf);
        if (!through.size || kept.length === kids.length) return kept;
        // Kept is a subset of kids, or the one row saying nothing matches (dropped once a node shows through).
        const shown = new Set(kept);
        return kids.some((k) => !shown.has(k) && through.has(nodeId(k))) ? kids.filter((k) => shown.has(k) || through.has(nodeId(k))) : kept;
      },
    };
    this.provider.setFilter(text ? lazy : undefined);
    this.view.description = text ? `filter: ${text}${this.revealed ? ` (+${this.revealed} revealed)` : ''}` : undefined;
  }
}
