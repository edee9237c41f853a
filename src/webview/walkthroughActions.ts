// The walkthrough's calls: one planned action of a step, and the re-reads around it. The database's
// group list goes through ops/databaseGroups (the same path as the association commands) and the
// EC2 instance's primary network interface's through writeThenVerify; a lost answer that was applied counts as applied once.
import type { Ec2Instance, RulePeer } from '../domain/model';
import type * as W from '../domain/walkthrough';
import { sameSet, setDatabaseGroups, type DatabaseOpsContext } from '../ops/databaseGroups';
import { createGroup, regionIndex } from '../ops/groups';
import { authorizeRule } from '../ops/rules';
import { AlreadyAllowedError, UserError } from '../ops/userError';
import { withChange } from '../ops/activity';
import { writeThenVerify } from '../ops/writeThenVerify';
import type { Prompter } from '../ui/prompter';

/** What a step did, for its outcome: sentences, and tags of what it made or found ('group:sg-…', 'cluster:id+sg-…'). */
export interface RunLog {
  readonly applied: string[];
  readonly created: string[];
  readonly reused: string[];
}

/** The ids of the groups made (or found) by earlier actions of the same run. */
export type RunIds = { app?: string; db?: string };

export interface ActionDeps {
  readonly ops: DatabaseOpsContext;
  /** Reads the VPC's EC2 instances again (the walkthrough's copy follows); undefined when that failed. */
  readonly reloadEc2: (region: string, vpcId: string) => Promise<readonly Ec2Instance[] | undefined>;
}

/**
 * A Prompter that shows ops' progress inside the walkthrough's own progress notification (the
 * step's), as its message, instead of a second notification. Everything else goes to `base`.
 */
export class InlineProgress implements Prompter {
  private readonly never = new AbortController().signal;
  constructor(
    private readonly base: Prompter,
    private readonly report: (message: string) => void,
  ) {}
  progress<T>(title: string, work: (signal: AbortSignal, report: (message: string) => void) => Promise<T>): Promise<T> {
    this.report(title);
    return work(this.never, this.report);
  }
  pick: Prompter['pick'] = (o) => this.base.pick(o);
  pickMany: Prompter['pickMany'] = (o) => this.base.pickMany(o);
  input: Prompter['input'] = (o) => this.base.input(o);
  confirm: Prompter['confirm'] = (m, d, a, o) => this.base.confirm(m, d, a, o);
  copy = (text: string) => this.base.copy(text);
  choose: Prompter['choose'] = (m, d, a) => this.base.choose(m, d, a);
  info = (m: string) => this.base.info(m);
  warn = (m: string) => this.base.warn(m);
  error = (m: string) => this.base.error(m);
}

export function tagOf(a: W.PlannedAction): string {
  switch (a.kind) {
    case 'createGroup':
      return `group:${a.existingId}`;
    case 'authorizeIngress':
      return `rule:${a.existingId}`;
    case 'modifyNetworkInterfaceAttribute':
      return `ec2:${a.existingId}`;
    case 'modifyDbCluster':
      return `cluster:${a.existingId}`;
    case 'modifyDbInstance':
      return `instance:${a.existingId}`;
    case 'describe':
      return `read:${a.id}`;
  }
}

const plural = (n: number) => `${n} group${n === 1 ? '' : 's'}`;

/** After a create failed: the group of that name made meanwhile, elsewhere (AWS said Duplicate, or ops found the name taken). */
async function madeMeanwhile(
  d: ActionDeps,
  err: unknown,
  region: string,
  vpcId: string,
  groupName: string,
): Promise<{ groupId: string; groupName: string } | undefined> {
  const name = (err as Error)?.name;
  if (name !== 'InvalidGroup.Duplicate' && name !== 'UserError') return undefined;
  const idx = await d.ops.store.load(region);
  return (idx.groupsByVpc.get(vpcId) ?? []).find((x) => x.groupName.toLowerCase() === groupName.toLowerCase());
}

/** One call of a plan (and the re-reads around it). */
export async function executeAction(d: ActionDeps, a: W.PlannedAction, ctx: W.PlanContext, ids: RunIds, log: RunLog): Promise<void> {
  const store = d.ops.store;
  const region = ctx.choices.region;
  const idOf = (ref: W.GroupRef): string => {
    const id = ref.groupId ?? ids[ref.role];
    if (!id) throw new UserError(`The id of ${ref.groupName} is not known: apply the step that creates it first.`);
    return id;
  };
  const e = a.exec;
  switch (e.op) {
    case 'createGroup': {
      // Through ops (the checks and the lost-answer protocol of the create command); a group of
      // that name made meanwhile, elsewhere, is reused rather than refused.
      let id: string;
      try {
        const idx = await regionIndex(d.ops, region);
        id = (await createGroup(d.ops, idx, { region, vpcId: e.vpcId, groupName: e.groupName, description: e.description })).value;
        log.created.push(`group:${id}`);
        log.applied.push(`Created ${e.groupName} (${id}).`);
      } catch (err) {
        const g = await madeMeanwhile(d, err, region, e.vpcId, e.groupName);
        if (!g) throw err;
        id = g.groupId;
        log.reused.push(`group:${id}`);
        log.applied.push(`Found ${g.groupName} (${id}), created meanwhile; reused it.`);
      }
      ids[e.role] = id;
      return;
    }
    case 'authorizeIngress': {
      const groupId = idOf(e.group);
      const peer: RulePeer = e.peer.kind === 'group' ? { kind: 'group', groupId: idOf(e.peer.group) } : e.peer;
      const text = `tcp ${e.port} from ${e.peer.kind === 'group' ? e.peer.group.groupName : e.peer.cidr} into ${e.group.groupName}`;
      // Through ops: duplicate and quota checks, the world-open confirmation, the lost-answer protocol.
      await store.refreshGroups(region, [groupId]);
      const idx = await regionIndex(d.ops, region);
      try {
        const done = await authorizeRule(d.ops, region, idx, {
          groupId,
          isEgress: false,
          protocol: 'tcp',
          fromPort: e.port,
          toPort: e.port,
          peer,
          description: e.description,
        });
        if (!done) throw new UserError(`${text} was not added: the rule would open a database port to the whole internet, and that was declined.`);
        const ruleIds = done.value.length ? done.value : [`${groupId}:tcp:${e.port}`];
        for (const r of ruleIds) log.created.push(`rule:${r}`);
        log.applied.push(`Allowed ${text} (${ruleIds.join(', ')}).`);
      } catch (err) {
        if (!(err instanceof AlreadyAllowedError)) throw err;
        log.reused.push(`rule:${err.ruleId ?? `${groupId}:tcp:${e.port}`}`);
        log.applied.push(`${text} was already allowed (added meanwhile); nothing was sent twice.`);
      }
      return;
    }
    case 'setEc2Groups':
      return setEc2Groups(d, e, idOf(e.add), ctx, log);
    case 'setClusterGroups':
    case 'setDbInstanceGroups': {
      const add = idOf(e.add);
      const kind = e.op === 'setClusterGroups' ? 'cluster' : 'instance';
      const id = e.op === 'setClusterGroups' ? e.clusterId : e.instanceId;
      // The Apply button was the confirmation (after the preview): no question here.
      const r = await setDatabaseGroups(d.ops, { kind, region, id }, { add: [add] }, { expected: e.current, seen: 'preview' });
      if (!r.changed) {
        log.reused.push(`${kind}:${id}+${add}`);
        log.applied.push(`${e.add.groupName} is already associated with ${id}.`);
        return;
      }
      log.created.push(`${kind}:${id}+${add}`);
      log.applied.push(`Associated ${e.add.groupName} with ${id}; it kept ${plural(r.before.length)}${r.recovered ? ` (${r.recovered})` : ''}.`);
      log.applied.push(...r.warnings);
      return;
    }
    case 'read':
      return;
  }
}

/**
 * ModifyNetworkInterfaceAttribute replaces the groups of the instance's primary network interface
 * (device index 0; see requests.ts): re-read right before, send that interface's list merged,
 * verify on that interface. The other interfaces are neither sent nor changed.
 */
async function setEc2Groups(d: ActionDeps, e: Extract<W.ExecSpec, { op: 'setEc2Groups' }>, add: string, ctx: W.PlanContext, log: RunLog): Promise<void> {
  const region = ctx.choices.region;
  const vpcId = ctx.choices.vpcId;
  const gw = d.ops.gateway();
  const eni = e.networkInterfaceId;
  const find = async () => (await gw.readEc2Instances(region, { vpcId })).find((i) => i.instanceId === e.instanceId);
  /** The primary interface's groups, as now read; throws when it is no longer the previewed interface. */
  const groupsOf = (i: Ec2Instance): readonly string[] => {
    if (i.primaryInterface?.networkInterfaceId !== eni)
      throw new UserError(
        `The primary network interface of ${e.instanceId} is now ${i.primaryInterface?.networkInterfaceId ?? 'unknown'}, not ${eni} as in the preview: nothing more was sent. Refresh and check the updated preview.`,
      );
    return i.primaryInterface.groupIds;
  };
  const live = await find();
  if (!live) throw new UserError(`EC2 instance ${e.instanceId} is no longer in ${vpcId}. Refresh and choose another instance.`);
  const before = groupsOf(live);
  if (before.includes(add)) {
    log.reused.push(`ec2:${e.instanceId}+${add}`);
    log.applied.push(`${e.instanceId} already carries ${e.add.groupName} on its primary network interface ${eni}.`);
    return;
  }
  const text = (l: readonly string[]) => l.join(', ') || 'none';
  if (!sameSet(before, e.current))
    throw new UserError(
      `The groups of ${e.instanceId}'s primary network interface ${eni} changed since the preview (now ${text(before)}): nothing was sent to it. Check the updated preview and apply again.`,
    );
  const list = [...before, add];
  const what = `add ${e.add.groupName} (${add}) to EC2 instance ${e.instanceId} (network interface ${eni})`;
  const change = { region, target: `EC2 instance ${e.instanceId} (${eni})`, what, account: d.ops.store.index(region)?.groupsById.get(add)?.ownerId };
  const w = await withChange(d.ops, change, async (ops, rec) => {
    const w = await writeThenVerify(ops, {
      action: `add ${e.add.groupName} to ${e.instanceId} (network interface ${eni})`,
      region,
      call: () => ops.gateway().setNetworkInterfaceGroups(region, eni, list),
      verify: async () => {
        const now = await find();
        if (!now) throw new UserError(`EC2 instance ${e.instanceId} is no longer in ${vpcId}.`);
        const groups = groupsOf(now);
        if (sameSet(groups, list)) return { applied: true, value: undefined };
        if (sameSet(groups, before)) return { applied: false, detail: text(groups) };
        throw new UserError(`${e.instanceId}'s network interface ${eni} now has ${text(groups)} (sent: ${text(list)}); check it before trying again.`);
      },
      notApplied: (detail) => `Nothing was changed: ${e.instanceId}'s network interface ${eni} still has ${detail}.`,
    });
    rec.change = { kind: 'eniGroups', instanceId: e.instanceId, networkInterfaceId: eni, before: [...before], after: list };
    return w;
  });
  const after = (await d.reloadEc2(region, vpcId))?.find((i) => i.instanceId === e.instanceId);
  const afterGroups = after?.primaryInterface?.networkInterfaceId === eni ? after.primaryInterface.groupIds : undefined;
  d.ops.log.info(
    `ModifyNetworkInterfaceAttribute ${eni} (primary interface of ${e.instanceId}): before [${before.join(', ')}], sent [${list.join(', ')}], now [${afterGroups?.join(', ') ?? '?'}]`,
  );
  if (after && !afterGroups?.includes(add))
    throw new UserError(
      `AWS reports ${e.instanceId}'s network interface ${eni} without ${e.add.groupName} after the change; check the instance in the console.`,
    );
  log.created.push(`ec2:${e.instanceId}+${add}`);
  log.applied.push(
    `Added ${e.add.groupName} to ${e.instanceId}'s primary network interface ${eni}; it kept ${plural(before.length)}${w.recovered ? ` (${w.recovered})` : ''}.`,
  );
}
