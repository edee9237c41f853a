// What the command bodies share: the Region and its data, notifications (argument parsing: args.ts).
import { translateError } from '../aws/errors';
import type { RegionIndex, RegionRead } from '../domain/model';
import { requireRead } from '../domain/model';
import type { Ext } from '../ext';
import { UserError } from '../ops/userError';
import { CancelledError } from '../ui/prompter';
import { noteScope } from '../ui/accountPrompter';
import { profileOf } from '../domain/scope';

export { UserError };
export { plainText, say } from './run';

import { regionArg } from './args';

export { isNode, requireString } from './args';

/** What a command needs of the Region's load: the reads it acts on, and what it is (for the message when one failed). */
export interface Needs {
  readonly reads: readonly RegionRead[];
  readonly what: string;
}

/**
 * A Region's data, loaded first when needed (with a cancellable progress: a cancel stops the reads).
 * With `needs`, a command that acts on a part that could not be read (RegionSnapshot.failures) is
 * refused with the read and the permission it needs, instead of acting on an empty list.
 */
export async function indexFor(ext: Ext, region: string, needs?: Needs): Promise<RegionIndex> {
  const idx = await loadedIndex(ext, region);
  if (needs) requireRead(idx.snapshot, needs.reads, needs.what);
  return idx;
}

async function loadedIndex(ext: Ext, region: string): Promise<RegionIndex> {
  const state = ext.store.state(region);
  const ready = state?.index && !state.loading ? state.index : undefined;
  if (ready) return ready;
  return ext.ui.progress(`Loading ${region}…`, async (signal) => {
    const onAbort = () => ext.store.cancel(region);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await ext.store.ensure(region, { retryFailed: true });
    } catch (e) {
      if (signal.aborted) throw new CancelledError();
      throw new UserError(`The data of ${region} could not be loaded: ${translateError(e, { region, endpoint: ext.settings.endpoint }).message}`);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  });
}

/** The scope chosen is the command's: its confirmations name that account (src/ui/accountPrompter.ts). */
function noted(scope: string): string {
  noteScope(scope);
  return scope;
}

/** "123456789012 · alias" beside a scope key in a picker (nothing in one-profile mode). */
export function scopeDescription(ext: Ext, scope: string): string | undefined {
  const profile = profileOf(scope);
  if (profile === undefined) return undefined;
  const id = ext.accounts.info(profile).identity;
  return id ? [id.accountId, id.alias].filter(Boolean).join(' · ') : undefined;
}

/** The Region from a node, the arguments, or the only/one chosen configured Region. */
export async function pickRegion(ext: Ext, given: string | undefined, title: string): Promise<string> {
  const chosen = regionArg(given);
  if (chosen) return noted(chosen);
  const regions = await ext.regions();
  if (regions.length === 0) throw new UserError('No Region is selected. Run "Aurora SG: Select Regions" first.');
  if (regions.length === 1) return noted(regions[0]);
  // With several accounts the keys are profile/Region: the picker names the account of each.
  return noted(
    await ext.ui.pick({
      title,
      placeholder: ext.multi ? 'Account and Region' : 'Region',
      items: regions.map((r) => ({ label: r, description: scopeDescription(ext, r), value: r })),
    }),
  );
}
