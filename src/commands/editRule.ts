// auroraSg.editRule: from a rule node, what to change and its new value (two steps); with
// arguments, nothing is asked. ops/rules.ts modifyRule confirms a change of what the rule allows,
// sends a description-only edit as UpdateSecurityGroupRuleDescriptions*, and replaces a rule whose
// source changes kind (AWS cannot change it in place: EC2 API reference, SecurityGroupRuleRequest).
import type { SourceInput } from '../domain/changes';
import type { RegionIndex, SecurityGroupRule } from '../domain/model';
import { peerLabel, portLabel, ruleLabel } from '../domain/rules';
import { parsePortRange, validateCidrInput, validateRuleDescription } from '../domain/validation';
import type { Ext } from '../ext';
import { modifyRule, ruleToEdit, type RuleEdit } from '../ops/rules';
import { UserError } from '../ops/userError';
import { runSteps } from '../ui/steps';
import { editRuleArgs } from './args';
import { indexFor, pickRegion, say } from './common';

interface Edit {
  what?: 'ports' | 'source' | 'description';
  fromPort?: number;
  toPort?: number;
  source?: SourceInput;
  description?: string;
}

/** The questions from a rule node: what to change, then its new value. */
async function askEdit(ext: Ext, idx: RegionIndex, rule: SecurityGroupRule): Promise<RuleEdit> {
  const lookup = (id: string) => idx.groupsById.get(id);
  const peerText =
    rule.peer.kind === 'cidr4' || rule.peer.kind === 'cidr6' ? rule.peer.cidr : rule.peer.kind === 'group' ? rule.peer.groupId : rule.peer.prefixListId;
  const s: Edit = {};
  await runSteps(ext.ui, `Edit ${ruleLabel(rule, lookup)}`, s, [
    {
      run: async (s, at) => {
        s.what = await ext.ui.pick<'ports' | 'source' | 'description'>({
          ...at,
          placeholder: 'What to change',
          items: [
            { label: 'Port or range', description: portLabel(rule), value: 'ports' },
            { label: rule.isEgress ? 'Destination' : 'Source', description: peerLabel(rule.peer, lookup), value: 'source' },
            { label: 'Description', description: rule.description ?? '(none)', value: 'description' },
          ],
        });
      },
    },
    {
      prompts: (s) => s.what === 'ports',
      run: async (s, at) => {
        if (rule.protocol !== 'tcp' && rule.protocol !== 'udp')
          throw new UserError(`A ${portLabel(rule)} rule has no port range to edit; remove it and add another.`);
        const text = await ext.ui.input({
          ...at,
          title: 'Edit rule: port or range',
          value: rule.fromPort === rule.toPort ? String(rule.fromPort) : `${rule.fromPort}-${rule.toPort}`,
          validate: (v) => {
            const p = parsePortRange(v);
            return 'error' in p ? p.error : undefined;
          },
        });
        Object.assign(s, parsePortRange(text));
      },
    },
    {
      prompts: (s) => s.what === 'source',
      run: async (s, at) => {
        const text = await ext.ui.input({
          ...at,
          title: 'Edit rule: CIDR range, security group id or prefix list id',
          prompt: `Another kind of source (IPv4 / IPv6 range, group, prefix list) replaces the rule: AWS cannot change a rule's kind.`,
          value: peerText,
          validate: (v) => (/^sg-/.test(v.trim()) || /^pl-/.test(v.trim()) ? undefined : validateCidrInput(v)),
        });
        const t = text.trim();
        s.source = t.startsWith('sg-') ? { groupId: t } : t.startsWith('pl-') ? { prefixListId: t } : { cidr: t };
      },
    },
    {
      prompts: (s) => s.what === 'description',
      run: async (s, at) => {
        s.description = await ext.ui.input({
          ...at,
          title: 'Edit rule: description',
          value: rule.description ?? '',
          validate: (v) => validateRuleDescription(v, rule.peer.kind),
        });
      },
    },
  ]);
  return s;
}

/** Edits the rule (see modifyRule); returns its id, or the new rule's id when a change of kind replaced it. */
export async function editRule(ext: Ext, arg?: unknown): Promise<string | undefined> {
  const a = editRuleArgs(arg);
  const region = await pickRegion(ext, a.region, 'Edit rule: Region');
  const idx = await indexFor(ext, region, { reads: ['groups', 'rules'], what: 'edit the rule' });
  const rule = await ruleToEdit(ext, region, idx, a.ruleId, a.treeGroupId);
  const edit = a.treeGroupId !== undefined ? await askEdit(ext, idx, rule) : a;
  const done = await modifyRule(ext, region, idx, rule, edit);
  if (!done) return undefined;
  say(ext).info(done.message);
  return done.value;
}
