// auroraSg.find: search every loaded account and Region (the query language of
// src/domain/find/query.ts), results in the Find Results view. auroraSg.filterTree: the same
// queries (or plain text) hide what does not match in the Access tree. In dist/features.js.
import * as vscode from 'vscode';
import { prepareFind, type FindResult } from '../domain/find/match';
import { parseQuery, QUERY_PLACEHOLDER, QUERY_PROMPT, type Query } from '../domain/find/query';
import type { Ext } from '../ext';
import type { AnalysisState } from '../state/analysisState';
import type { FindResultsProvider } from '../tree/findView';
import type { TreeFilterControl } from '../tree/treeFilterControl';
import { UserError } from './common';

/** The query given as an argument (a string, or { query }), else asked with the syntax as placeholder. */
async function queryOf(ext: Ext, arg: unknown, title: string, value: string | undefined, prompt: string): Promise<Query | undefined> {
  const given =
    typeof arg === 'string'
      ? arg
      : arg && typeof arg === 'object' && typeof (arg as { query?: unknown }).query === 'string'
        ? (arg as { query: string }).query
        : undefined;
  const text =
    given ??
    (await ext.ui.input({
      title,
      prompt,
      placeholder: QUERY_PLACEHOLDER,
      ...(value ? { value } : {}),
      validate: (v) => {
        if (!v.trim()) return undefined;
        const r = parseQuery(v);
        return 'error' in r ? r.error : undefined;
      },
    }));
  if (!text.trim()) return undefined;
  const q = parseQuery(text);
  if ('error' in q) throw new UserError(q.error);
  return q;
}

export interface FindDeps {
  readonly ext: Ext;
  readonly analysis: AnalysisState;
  readonly results: FindResultsProvider;
}

/** auroraSg.find [query]: the results in the Find Results view (returned too). */
export async function findCommand(d: FindDeps, arg?: unknown): Promise<FindResult | undefined> {
  // What the query reads of every loaded rule is worked out while the user types, not after the last keystroke.
  for (const k of d.ext.store.getRegions()) {
    const idx = d.ext.store.index(k);
    if (idx) prepareFind(idx);
  }
  const q = await queryOf(d.ext, arg, 'Find in every loaded account and Region', d.results.query?.text, QUERY_PROMPT);
  if (!q) return undefined;
  const keys = d.ext.store.getRegions();
  // Regions not loaded yet are loaded first (a failed one is named in the tree; Find searches the others).
  await Promise.allSettled(keys.map((k) => d.ext.store.ensure(k)));
  // For an address, the path engine answers with routes and network ACLs when the network part can be read.
  if (q.terms.some((t) => t.kind === 'address'))
    await Promise.all(
      keys.map(async (k) => {
        const idx = d.ext.store.index(k);
        if (idx)
          await d.analysis
            .network(k, idx)
            .catch((e: unknown) =>
              d.ext.log.warn(
                `Find: could not read the network of ${k} (the answers are about the security groups only): ${(e as Error)?.message ?? String(e)}`,
              ),
            );
      }),
    );
  const r = d.results.show(q);
  await vscode.commands.executeCommand('auroraSg.findResults.focus');
  return r;
}

/** auroraSg.filterTree [query]: an empty answer clears the filter. */
export async function filterTree(ext: Ext, filter: TreeFilterControl, arg?: unknown): Promise<string | undefined> {
  const q = await queryOf(ext, arg, 'Filter the Access tree', filter.text, `Text, or any Find query: ${QUERY_PROMPT} Empty shows everything.`);
  await filter.apply(q?.text);
  return q?.text;
}
