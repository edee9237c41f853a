// auroraSg.removeRule: the selected rules (or { region, groupId?, ruleIds }); ops/rules.ts
// revokeRules always asks first, and says exactly what was removed when it stops part way.
import type { Ext } from '../ext';
import { revokeRules } from '../ops/rules';
import { removeRulesArgs } from './args';
import { indexFor, pickRegion, say } from './common';

/** One or several rules, after a modal confirmation; returns the removed rule ids. */
export async function removeRules(ext: Ext, arg?: unknown, selected?: unknown): Promise<string[] | undefined> {
  const a = removeRulesArgs(arg, selected);
  const region = await pickRegion(ext, a.region, 'Remove rules: Region');
  const idx = await indexFor(ext, region, { reads: ['rules'], what: 'remove rules' });
  const done = await revokeRules(ext, region, idx, a);
  if (!done) return undefined;
  say(ext).info(done.message);
  return done.value;
}
