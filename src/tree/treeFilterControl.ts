// The Access tree's filter as the view shows it (auroraSg.filterTree): its text in the view's
// description, the context key of the title's clear button, the text kept per workspace
// (context.workspaceState) across restarts. The filter itself (src/tree/treeFilter.ts, Find's
// matching) is in dist/features.js: it is made when the tree first needs it below a Region.
import type * as vscode from 'vscode';
import type { RegionIndex } from '../domain/model';
import type { Node } from './nodes';

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

  constructor(
    private readonly provider: { setFilter(f: NodeFilter | undefined): void },
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

  private show(text: string | undefined): void {
    this.textValue = text;
    let made: NodeFilter | undefined;
    // The Regions show as they are: the filter is made (and its bundle loaded) for what lies below them.
    const lazy: NodeFilter = {
      keep: (parent, kids, idxOf) => (!parent || parent.kind === 'region' ? kids : (made ??= this.make(text!)).keep(parent, kids, idxOf)),
    };
    this.provider.setFilter(text ? lazy : undefined);
    this.view.description = text ? `filter: ${text}` : undefined;
    this.setContext(TREE_FILTERED_CONTEXT, !!text);
  }
}
