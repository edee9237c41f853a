// auroraSg.createSecurityGroup: the questions not answered by the arguments (VPC, name,
// description, tags), then ops/groups.ts createGroup, which makes the same checks either way.
import type { RegionIndex } from '../domain/model';
import { validateGroupDescription, validateGroupName } from '../domain/validation';
import type { Ext } from '../ext';
import { createGroup } from '../ops/groups';
import { UserError } from '../ops/userError';
import { runSteps, type Step } from '../ui/steps';
import { createGroupArgs, parseTags } from './args';
import { indexFor, pickRegion, say } from './common';

interface NewGroupState {
  vpcId?: string;
  groupName?: string;
  description?: string;
  tags?: Record<string, string>;
}

function steps(ext: Ext, idx: RegionIndex, region: string): Step<NewGroupState>[] {
  const namesIn = (vpcId: string | undefined) => (idx.groupsByVpc.get(vpcId ?? '') ?? []).map((g) => g.groupName);
  return [
    {
      prompts: (s) => s.vpcId === undefined,
      run: async (s, at) => {
        const vpcs = [...idx.snapshot.vpcs].sort((a, b) => Number(b.isDefault) - Number(a.isDefault));
        if (!vpcs.length) throw new UserError(`There is no VPC in ${region} to create a group in.`);
        s.vpcId = await ext.ui.pick({
          ...at,
          placeholder: 'VPC of the new group',
          items: vpcs.map((v) => ({
            label: v.name ?? v.vpcId,
            description: [v.name ? v.vpcId : '', v.cidrBlocks.join(', '), v.isDefault ? 'default' : ''].filter(Boolean).join(' · '),
            value: v.vpcId,
          })),
        });
      },
    },
    {
      prompts: (s) => s.groupName === undefined,
      run: async (s, at) => {
        s.groupName = await ext.ui.input({
          ...at,
          prompt: 'Group name: up to 255 characters, not starting with "sg-", unique in the VPC',
          placeholder: 'e.g. appsrv1',
          validate: (v) => validateGroupName(v, namesIn(s.vpcId)),
        });
      },
    },
    {
      prompts: (s) => s.description === undefined,
      run: async (s, at) => {
        s.description = await ext.ui.input({
          ...at,
          prompt: 'Description (required by AWS; it cannot be changed later)',
          value: `Access for ${s.groupName}`,
          validate: validateGroupDescription,
        });
      },
    },
    {
      prompts: (s) => s.tags === undefined,
      run: async (s, at) => {
        const text = await ext.ui.input({
          ...at,
          prompt: 'Tags (optional): key=value, separated by commas',
          placeholder: 'team=shop, env=prod',
          validate: (v) => {
            const t = parseTags(v);
            return typeof t === 'string' ? t : undefined;
          },
        });
        s.tags = parseTags(text) as Record<string, string>;
      },
    },
  ];
}

/** auroraSg.createSecurityGroup: returns the new group id. */
export async function createSecurityGroup(ext: Ext, arg?: unknown): Promise<string | undefined> {
  const a = createGroupArgs(arg);
  const region = await pickRegion(ext, a.region, 'Create security group: Region');
  const idx = await indexFor(ext, region, { reads: ['vpcs', 'groups'], what: 'create a security group' });
  const s: NewGroupState = { vpcId: a.vpcId, groupName: a.groupName, description: a.description, tags: a.tags };
  // Called with a group name, nothing is asked: the checks below refuse what is missing.
  if (!a.complete) await runSteps(ext.ui, 'Create security group', s, steps(ext, idx, region));
  const done = await createGroup(ext, idx, { region, vpcId: s.vpcId!, groupName: s.groupName ?? '', description: s.description ?? '', tags: s.tags });
  say(ext).info(done.message);
  return done.value;
}
