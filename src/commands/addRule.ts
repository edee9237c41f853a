// auroraSg.addInboundRule / addOutboundRule: the questions not answered by the arguments
// (addRuleSteps.ts), the rule built and validated (domain/changes.ts), then ops/rules.ts
// authorizeRule: the checks against the loaded Region, the world-open confirmation, the write.
import { buildRule, type RuleInput } from '../domain/changes';
import type { Ext } from '../ext';
import { authorizeRule } from '../ops/rules';
import { UserError } from '../ops/userError';
import { runSteps } from '../ui/steps';
import { addRuleSteps, ruleInput, type AddRuleState } from './addRuleSteps';
import { addRuleArgs } from './args';
import { indexFor, pickRegion, say } from './common';

/** Returns the created rule ids. */
export async function addRule(ext: Ext, isEgress: boolean, arg?: unknown): Promise<string[] | undefined> {
  const a = addRuleArgs(arg);
  const region = await pickRegion(ext, a.region, 'Add rule: Region');
  const idx = await indexFor(ext, region, { reads: ['groups', 'rules'], what: 'add a rule' });
  let input: RuleInput;
  if (a.complete) {
    input = {
      groupId: a.groupId!,
      isEgress,
      protocol: String(a.protocol ?? ''),
      fromPort: a.fromPort,
      toPort: a.toPort,
      source: a.source!,
      description: a.description,
    };
  } else {
    const clusterPort = a.clusterId ? idx.clustersById.get(a.clusterId)?.port : undefined;
    const s: AddRuleState = { groupId: a.groupId, description: a.description };
    await runSteps(ext.ui, `Add ${isEgress ? 'outbound' : 'inbound'} rule`, s, addRuleSteps(ext, region, idx, isEgress, clusterPort));
    input = ruleInput(s, isEgress);
  }
  const r = buildRule(input);
  if (!r.ok) throw new UserError(r.error);
  const done = await authorizeRule(ext, region, idx, r.value);
  if (!done) return undefined;
  say(ext).info(done.message);
  return done.value;
}
