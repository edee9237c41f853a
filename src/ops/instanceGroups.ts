// Putting an EC2 instance into a security group, or taking it out: the groups of its primary
// network interface (attachment device index 0). ModifyNetworkInterfaceAttribute replaces that
// interface's list, so the list sent is the interface's own list as read just before, plus or minus
// the group; the other interfaces are neither sent nor changed (EC2 API Reference,
// ModifyInstanceAttribute Groups: "changes the security groups of the primary network interface";
// a multi-interface instance is refused there and changed per interface). The user confirms
// the list before and after; then the lost-answer protocol, then a re-read.
import type { Ec2Instance } from '../domain/model';
import { DEFAULT_LIMITS, quotaText } from '../domain/quotas';
import { countOf } from '../domain/rules';
import type { OpsContext } from './context';
import { sameSet } from './databaseGroups';
import { UserError } from './userError';
import { withChange } from './activity';
import { writeThenVerify } from './writeThenVerify';

export interface InstanceGroupEdit {
  readonly add?: string;
  readonly remove?: string;
}

export interface InstanceGroupsResult {
  readonly instanceId: string;
  readonly networkInterfaceId: string;
  readonly before: readonly string[];
  readonly after: readonly string[];
  readonly recovered?: string;
}

/**
 * Adds a group to (or removes one from) the instance's primary network interface. `confirm` gets
 * the interface and the lists before and after; undefined when declined.
 */
export async function setInstanceGroup(
  ctx: OpsContext,
  region: string,
  instanceId: string,
  edit: InstanceGroupEdit,
  names: (ids: readonly string[]) => string,
  confirm: (eni: string, before: readonly string[], after: readonly string[]) => Promise<boolean>,
): Promise<InstanceGroupsResult | undefined> {
  const gw = ctx.gateway();
  const find = async (): Promise<Ec2Instance> => {
    const i = (await gw.readEc2Instances(region)).find((x) => x.instanceId === instanceId);
    if (!i) throw new UserError(`EC2 instance ${instanceId} is not in ${region} (or is terminated). Refresh and choose another instance.`);
    return i;
  };
  const live = await find();
  const eni = live.primaryInterface?.networkInterfaceId;
  if (!eni) throw new UserError(`AWS named no primary network interface for ${instanceId}: its groups cannot be changed from here.`);
  const before = live.primaryInterface!.groupIds;
  let after: string[];
  if (edit.add) {
    if (before.includes(edit.add))
      throw new UserError(`${instanceId} already carries ${names([edit.add])} on its primary network interface ${eni}; nothing was changed.`);
    // The account's quota of groups per interface as the Region's load read it (quotas.ts), else AWS's default.
    const quota = (ctx.store.index(region)?.snapshot.limits ?? DEFAULT_LIMITS).groupsPerInterface;
    if (before.length >= quota.value)
      throw new UserError(
        `${instanceId}'s primary network interface ${eni} already has ${countOf(before.length, 'security group')}, the ${quotaText(quota)} per interface. Remove one first, or request a higher quota.`,
      );
    after = [...before, edit.add];
  } else if (edit.remove) {
    if (!before.includes(edit.remove))
      throw new UserError(`${instanceId} does not carry ${names([edit.remove])} on its primary network interface ${eni}; nothing was changed.`);
    // An interface always has at least one group (EC2 API Reference, ModifyNetworkInterfaceAttribute Groups).
    if (before.length === 1)
      throw new UserError(
        `${names([edit.remove])} is the only group of ${instanceId}'s network interface ${eni}: add another group first (an interface needs one).`,
      );
    after = before.filter((g) => g !== edit.remove);
  } else throw new UserError('Say which group to add or remove.');
  if (!(await confirm(eni, before, after))) return undefined;
  const text = (l: readonly string[]) => names(l) || 'none';
  const what = `${edit.add ? 'add' : 'remove'} ${names([edit.add ?? edit.remove!])} ${edit.add ? 'to' : 'from'} EC2 instance ${instanceId} (network interface ${eni})`;
  const account = ctx.store.index(region)?.groupsById.get(edit.add ?? edit.remove!)?.ownerId;
  const w = await withChange(ctx, { region, target: `EC2 instance ${instanceId} (${eni})`, what, account }, async (ctx, rec) => {
    const w = await writeThenVerify(ctx, {
      action: `${edit.add ? 'add' : 'remove'} ${names([edit.add ?? edit.remove!])} ${edit.add ? 'to' : 'from'} ${instanceId} (network interface ${eni})`,
      region,
      call: () => ctx.gateway().setNetworkInterfaceGroups(region, eni, after),
      verify: async () => {
        const now = await find();
        const groups = now.primaryInterface?.networkInterfaceId === eni ? now.primaryInterface.groupIds : [];
        if (sameSet(groups, after)) return { applied: true, value: undefined };
        if (sameSet(groups, before)) return { applied: false, detail: text(groups) };
        throw new UserError(`${instanceId}'s network interface ${eni} now has ${text(groups)} (sent: ${text(after)}); check it before trying again.`);
      },
      notApplied: (detail) => `Nothing was changed: ${instanceId}'s network interface ${eni} still has ${detail}.`,
    });
    rec.change = { kind: 'eniGroups', instanceId, networkInterfaceId: eni, before: [...before], after: [...after] };
    return w;
  });
  // Read back: success is what AWS now reports for that interface, not the call's answer.
  const now = await find().catch(() => undefined);
  const nowGroups = now?.primaryInterface?.networkInterfaceId === eni ? now.primaryInterface.groupIds : undefined;
  ctx.log.info(
    `ModifyNetworkInterfaceAttribute ${eni} (primary interface of ${instanceId}): before [${before.join(', ')}], sent [${after.join(', ')}], now [${nowGroups?.join(', ') ?? '?'}]`,
  );
  if (nowGroups && !sameSet(nowGroups, after))
    throw new UserError(
      `AWS reports ${instanceId}'s network interface ${eni} with ${text(nowGroups)} after the change (sent: ${text(after)}); check the instance in the console.`,
    );
  return { instanceId, networkInterfaceId: eni, before, after, ...(w.recovered ? { recovered: w.recovered } : {}) };
}
