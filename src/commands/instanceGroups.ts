// auroraSg.addInstanceToGroup / auroraSg.removeInstanceFromGroup: put an EC2 instance into a
// security group (or take it out) through its primary network interface, the usual fix when an app
// server cannot reach a database that already allows a group (Explain Path offers it first). From a
// group node (the instance is asked for), or { region, instanceId, groupId }. The change always
// asks, with the interface and its list before and after; the write is ops/instanceGroups.
import type { Ec2Instance } from '../domain/model';
import { validateGroupId } from '../domain/validation';
import type { Ext } from '../ext';
import type { AnalysisState } from '../state/analysisState';
import { groupNames } from '../ops/databaseGroups';
import { setInstanceGroup } from '../ops/instanceGroups';
import { regionArg, shown } from './args';
import { indexFor, isNode, pickRegion, say, UserError } from './common';

interface InstanceGroupArgs {
  readonly region?: string;
  readonly instanceId?: string;
  readonly groupId?: string;
}

const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;

function parseArgs(arg: unknown): InstanceGroupArgs {
  if (isNode(arg)) {
    if (arg.kind !== 'group') throw new UserError('Start this from a security group in the Access view, or pass { region, instanceId, groupId }.');
    return { region: arg.region, groupId: arg.groupId };
  }
  if (arg === undefined || arg === null) return {};
  if (typeof arg !== 'object') throw new UserError('The argument must be { region, instanceId, groupId }.');
  const a = arg as Record<string, unknown>;
  const out: { region?: string; instanceId?: string; groupId?: string } = { region: regionArg(a.region) };
  if (a.instanceId !== undefined) {
    if (typeof a.instanceId !== 'string' || !INSTANCE_ID.test(a.instanceId.trim()))
      throw new UserError(`"${shown(a.instanceId).slice(0, 40)}" is not an EC2 instance id (i- and 8 or 17 hex digits).`);
    out.instanceId = a.instanceId.trim();
  }
  if (a.groupId !== undefined) {
    const problem = typeof a.groupId === 'string' ? validateGroupId(a.groupId.trim()) : 'The argument "groupId" must be text.';
    if (problem) throw new UserError(problem);
    out.groupId = (a.groupId as string).trim();
  }
  return out;
}

/** Returns the interface's groups after the change; undefined when declined. */
export function addInstanceToGroup(ext: Ext, analysis: AnalysisState, arg?: unknown): Promise<string[] | undefined> {
  return change(ext, analysis, 'add', parseArgs(arg));
}

export function removeInstanceFromGroup(ext: Ext, analysis: AnalysisState, arg?: unknown): Promise<string[] | undefined> {
  return change(ext, analysis, 'remove', parseArgs(arg));
}

async function change(ext: Ext, analysis: AnalysisState, op: 'add' | 'remove', a: InstanceGroupArgs): Promise<string[] | undefined> {
  const verb = op === 'add' ? 'Add EC2 instance to security group' : 'Remove EC2 instance from security group';
  const region = await pickRegion(ext, a.region, `${verb}: Region`);
  const idx = await indexFor(ext, region);
  const names = (ids: readonly string[]) => groupNames(ext, region, ids);
  let groupId = a.groupId;
  if (!groupId) {
    if (!idx.snapshot.groups.length) throw new UserError(`There is no security group in ${region}.`);
    groupId = await ext.ui.pick({
      title: `${verb} (${region})`,
      placeholder: 'Security group',
      items: [...idx.snapshot.groups]
        .sort((x, y) => x.groupName.localeCompare(y.groupName))
        .map((g) => ({ label: g.groupName, description: `${g.groupId} · ${g.vpcId ?? ''}`, detail: g.description, value: g.groupId })),
    });
  }
  const group = idx.groupsById.get(groupId);
  if (!group) throw new UserError(`Security group ${groupId} is not in ${region}. Refresh the tree.`);
  let instanceId = a.instanceId;
  if (!instanceId) {
    // Only instances of the group's VPC: an interface takes groups of its own VPC only.
    const all = await ext.gateway().readEc2Instances(region, { vpcId: group.vpcId });
    const carries = (i: Ec2Instance) => i.primaryInterface?.groupIds.includes(groupId!) ?? false;
    const offered = all.filter((i) => (op === 'add' ? !carries(i) : carries(i)));
    if (!offered.length)
      throw new UserError(
        op === 'add'
          ? `Every EC2 instance of ${group.vpcId ?? region} already carries ${group.groupName}, or there is none.`
          : `No EC2 instance carries ${group.groupName} on its primary network interface.`,
      );
    instanceId = await ext.ui.pick({
      title: `${verb}: ${group.groupName} (${region})`,
      placeholder: 'EC2 instance',
      items: offered.map((i) => ({
        label: i.name ?? i.instanceId,
        description: [i.instanceId, i.privateIp, i.state].filter(Boolean).join(' · '),
        detail: `Now: ${names(i.primaryInterface?.groupIds ?? [])}`,
        value: i.instanceId,
      })),
    });
  }
  const r = await setInstanceGroup(ext, region, instanceId, op === 'add' ? { add: groupId } : { remove: groupId }, names, (eni, before, after) =>
    ext.ui.confirm(
      op === 'add' ? `Add ${instanceId} to ${group.groupName}?` : `Remove ${instanceId} from ${group.groupName}?`,
      `Primary network interface ${eni} (${region}); its other interfaces are not changed.\nBefore: ${names(before)}\nAfter:  ${names(after)}\n\n` +
        (op === 'add'
          ? `${instanceId} gets what ${group.groupName}'s rules allow, and every rule that references ${group.groupName} now admits it.`
          : `What only ${group.groupName} allowed ${instanceId} stops at once.`),
      op === 'add' ? 'Add to Group' : 'Remove from Group',
    ),
  );
  if (!r) return undefined;
  // Who carries which group changed: the analysis re-reads the Region's EC2 instances, the views recompute.
  analysis.reset(region);
  ext.store.noteChange(region);
  say(ext).info(`${r.instanceId}'s network interface ${r.networkInterfaceId} now has ${names(r.after)}${r.recovered ? ` (${r.recovered})` : ''}.`);
  return [...r.after];
}
