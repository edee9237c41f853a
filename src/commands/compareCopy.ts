// auroraSg.compareGroups and auroraSg.copyRules: two groups of any scopes (accounts, Regions).
// Compare opens VS Code's diff view over the two groups' rules as canonical text (read-only
// documents, src/tree/rulesDocument.ts). Copy asks where to (an existing group, or a new group in a
// VPC), then ops/copyRules.ts plans, confirms the plan and writes through the add-rule path.
import * as vscode from 'vscode';
import { scopeText } from '../domain/ruleText';
import { validateGroupDescription, validateGroupName } from '../domain/validation';
import type { Ext } from '../ext';
import { copyRules as copyRulesOp, type CopyDestination, type CopyResult } from '../ops/copyRules';
import { rulesUri } from '../tree/rulesDocument';
import { runSteps } from '../ui/steps';
import { isNode, say, UserError } from './common';
import { groupItems, loadedScopes, whereText, type ScopedGroup } from './goTo';

/** The group a command was started from: a group node (or one under it), or `{ region, groupId }`. */
function groupArg(arg: unknown): ScopedGroup | undefined {
  if (isNode(arg) && (arg.kind === 'group' || arg.kind === 'direction' || arg.kind === 'rule')) return { scope: arg.region, groupId: arg.groupId };
  const a = arg as { region?: unknown; groupId?: unknown } | undefined;
  return a && typeof a.region === 'string' && typeof a.groupId === 'string' ? { scope: a.region, groupId: a.groupId } : undefined;
}

async function pickGroup(ext: Ext, title: string, placeholder: string, except?: ScopedGroup): Promise<ScopedGroup> {
  const items = groupItems(await loadedScopes(ext), except);
  if (!items.length) throw new UserError('No other security group is loaded.');
  return ext.ui.pick({ title, placeholder, items });
}

function groupOf(ext: Ext, g: ScopedGroup): { groupName: string; groupId: string } {
  const found = ext.store.index(g.scope)?.groupsById.get(g.groupId);
  if (!found) throw new UserError(`Security group ${g.groupId} is not in the loaded data of ${scopeText(g.scope)}. Refresh the tree.`);
  return found;
}

/** auroraSg.compareGroups [group]: a diff of two groups' rules; returns the two documents' URIs. */
export async function compareGroups(ext: Ext, arg?: unknown): Promise<{ left: string; right: string }> {
  const first = groupArg(arg) ?? (await pickGroup(ext, 'Compare security groups (1/2)', 'The first group'));
  const a = groupOf(ext, first);
  const second = await pickGroup(ext, `Compare ${a.groupName} with…`, 'The group to compare with', first);
  const b = groupOf(ext, second);
  const left = rulesUri(first.scope, first.groupId, a.groupName);
  const right = rulesUri(second.scope, second.groupId, b.groupName);
  const where = (g: ScopedGroup) => whereText(g.scope);
  const title = `${a.groupName} (${where(first)}) ↔ ${b.groupName} (${where(second)})`;
  await vscode.commands.executeCommand('vscode.diff', left, right, title, { preview: false });
  return { left: left.toString(), right: right.toString() };
}

const EXISTING = 'existing';
const NEW = 'new';

interface CopyState {
  into?: typeof EXISTING | typeof NEW;
  target?: ScopedGroup;
  vpc?: { scope: string; vpcId: string };
  groupName?: string;
  description?: string;
}

/** auroraSg.copyRules [group]: copies the group's rules into another group or a new group; returns the target and the new rule ids. */
export async function copyRules(ext: Ext, arg?: unknown): Promise<CopyResult | undefined> {
  const from = groupArg(arg) ?? (await pickGroup(ext, 'Copy rules: from', 'The group whose rules are copied'));
  const src = groupOf(ext, from);
  const loaded = await loadedScopes(ext);
  const title = `Copy rules of ${src.groupName}`;
  const s: CopyState = {};
  await runSteps(ext.ui, title, s, [
    {
      run: async (st, at) => {
        st.into = await ext.ui.pick({
          ...at,
          placeholder: 'Where to copy the rules',
          items: [
            { label: 'Into an existing group…', description: 'adds the rules it lacks; removes none', value: EXISTING },
            {
              label: 'Into a new group…',
              description: 'in a VPC of any loaded account or Region (as the console\'s "Copy to new security group")',
              value: NEW,
            },
          ],
        });
      },
    },
    {
      prompts: (st) => st.into === EXISTING,
      run: async (st, at) => {
        const items = groupItems(loaded, from);
        if (!items.length) throw new UserError('No other security group is loaded.');
        st.target = await ext.ui.pick({ ...at, placeholder: 'The group to copy the rules into', items });
      },
    },
    {
      prompts: (st) => st.into === NEW,
      run: async (st, at) => {
        const items = loaded.flatMap(({ scope, idx }) =>
          idx.snapshot.vpcs.map((v) => ({
            label: `$(cloud) ${v.name ?? v.vpcId}`,
            description: [v.name ? v.vpcId : '', v.cidrBlocks.join(', '), v.isDefault ? 'default' : ''].filter(Boolean).join(' · '),
            detail: whereText(scope, v.ownerId),
            value: { scope, vpcId: v.vpcId },
          })),
        );
        if (!items.length) throw new UserError('No VPC is loaded to create the group in.');
        st.vpc = await ext.ui.pick({ ...at, placeholder: 'The VPC of the new group', items });
      },
    },
    {
      prompts: (st) => st.into === NEW,
      run: async (st, at) => {
        const names = (ext.store.index(st.vpc!.scope)?.groupsByVpc.get(st.vpc!.vpcId) ?? []).map((g) => g.groupName);
        st.groupName = await ext.ui.input({
          ...at,
          prompt: 'Name of the new group: up to 255 characters, not starting with "sg-", unique in the VPC',
          value: names.some((n) => n.toLowerCase() === src.groupName.toLowerCase()) ? `${src.groupName}-copy` : src.groupName,
          validate: (v) => validateGroupName(v, names),
        });
      },
    },
    {
      prompts: (st) => st.into === NEW,
      run: async (st, at) => {
        const d = ext.store.index(from.scope)?.groupsById.get(from.groupId)?.description;
        st.description = await ext.ui.input({
          ...at,
          prompt: 'Description (required by AWS; it cannot be changed later)',
          value: d ?? `Copy of ${src.groupName}`,
          validate: validateGroupDescription,
        });
      },
    },
  ]);
  const to: CopyDestination =
    s.into === EXISTING
      ? { scope: s.target!.scope, groupId: s.target!.groupId }
      : { scope: s.vpc!.scope, vpcId: s.vpc!.vpcId, groupName: s.groupName!, description: s.description! };
  const done = await copyRulesOp(ext, { scope: from.scope, groupId: from.groupId }, to);
  if (!done) return undefined;
  say(ext).info(done.message);
  return done.value;
}
