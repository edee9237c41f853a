// Undo (and redo) of an activity entry: read the account again, plan in the domain (src/domain/undo.ts:
// refused with the reason when the resource changed since the entry), then revert through the very
// ops function that makes that kind of change, with its usual confirmation. The revert is itself a
// change in the log (undoOf: the entry), so undoing it is a redo.
import { undoLabel, type ActivityEntry } from '../domain/activity';
import { buildRule } from '../domain/changes';
import { peerLabel, portLabel } from '../domain/rules';
import { notReversible, planUndo, undoReads, type UndoNow, type UndoRead } from '../domain/undo';
import { CancelledError } from '../ui/prompter';
import type { ActivityLog } from './activity';
import { groupNames, setDatabaseGroups, type DatabaseOpsContext } from './databaseGroups';
import { createGroup, deleteGroup, regionIndex } from './groups';
import { setInstanceGroup } from './instanceGroups';
import { authorizeRule, modifyRule, revokeRules } from './rules';
import { UserError } from './userError';

const isDefaultEgress = (r: { isEgress: boolean; protocol: string; peer: { kind: string; cidr?: string } }) =>
  r.isEgress && r.protocol === '-1' && r.peer.kind === 'cidr4' && r.peer.cidr === '0.0.0.0/0';

/** Reads what planUndo needs, fresh from AWS (the store's copy follows). */
async function readNow(ctx: DatabaseOpsContext, region: string, need: UndoRead): Promise<UndoNow> {
  switch (need.kind) {
    case 'rules': {
      await regionIndex(ctx, region);
      await ctx.store.refreshGroups(region, [...need.groupIds]);
      const idx = await regionIndex(ctx, region);
      return {
        rules: need.groupIds.flatMap((g) => idx.rulesOf(g)),
        goneGroups: need.groupIds.filter((g) => !idx.groupsById.has(g)),
      };
    }
    case 'dbGroups': {
      await regionIndex(ctx, region);
      const db =
        need.target.kind === 'cluster' ? await ctx.store.refreshCluster(region, need.target.id) : await ctx.store.refreshInstance(region, need.target.id);
      return { groupIds: db ? db.securityGroups.map((g) => g.groupId) : null };
    }
    case 'eniGroups': {
      const i = (await ctx.gateway().readEc2Instances(region)).find((x) => x.instanceId === need.instanceId);
      return { groupIds: i?.primaryInterface?.networkInterfaceId === need.networkInterfaceId ? i.primaryInterface.groupIds : null };
    }
    case 'group': {
      await regionIndex(ctx, region);
      await ctx.store.refreshGroups(region, [need.groupId]);
      const idx = await regionIndex(ctx, region);
      const g = idx.groupsById.get(need.groupId);
      return g ? { group: { groupName: g.groupName, extraRules: idx.rulesOf(g.groupId).filter((r) => !isDefaultEgress(r)).length } } : {};
    }
    case 'vpcNames': {
      const idx = await regionIndex(ctx, region);
      await ctx.store.refreshGroups(
        region,
        (idx.groupsByVpc.get(need.vpcId) ?? []).map((g) => g.groupId),
      );
      const fresh = await regionIndex(ctx, region);
      return { namesInVpc: (fresh.groupsByVpc.get(need.vpcId) ?? []).map((g) => g.groupName) };
    }
  }
}

/** Why the undo of `e` is refused right now, or undefined; for a preview without changing anything. */
export async function undoRefusal(ctx: DatabaseOpsContext, e: ActivityEntry): Promise<string | undefined> {
  const need = undoReads(e);
  if (!need) return notReversible(e);
  const d = planUndo(e, await readNow(ctx, e.region, need));
  return d.ok ? undefined : d.reason;
}

/**
 * Undoes (or, for an entry that was an undo, redoes) entry `id`. Throws a UserError with the reason
 * when it is refused (nothing sent), a CancelledError when a confirmation is declined.
 */
export async function undoEntry(base: DatabaseOpsContext, log: Pick<ActivityLog, 'get'>, id: string): Promise<string> {
  const e = log.get(id);
  if (!e) throw new UserError(`Activity entry ${id} is not in the log (it may have been dropped as the oldest). Nothing was changed.`);
  const verb = undoLabel(e);
  const need = undoReads(e);
  if (!need) throw new UserError(`Cannot ${verb.toLowerCase()} "${e.what}": ${notReversible(e)}`);
  const region = e.region;
  const decision = planUndo(e, await readNow(base, region, need));
  if (!decision.ok) throw new UserError(`Cannot ${verb.toLowerCase()} "${e.what}": ${decision.reason}`);
  // The revert is a change of its own, marked as this entry's undo.
  const ctx: DatabaseOpsContext = {
    gateway: () => base.gateway(),
    store: base.store,
    ui: base.ui,
    log: base.log,
    settings: base.settings,
    settle: base.settle,
    ...(base.activity ? { activity: base.activity } : {}),
    undoOf: e.id,
  };
  const names = (ids: readonly string[]) => groupNames(ctx, region, ids);
  const lead = `${verb}: ${e.what} (${e.time})`;
  /** A confirmation for the plans whose usual path asks none (adding a rule back, a description, creating a group). */
  const confirm = async (detail: string, action: string) => {
    if (!(await ctx.ui.confirm(`${verb} this change?`, `${lead}\n\n${detail}`, action))) throw new CancelledError();
  };
  const p = decision.plan;
  switch (p.op) {
    case 'revoke': {
      const idx = await regionIndex(ctx, region);
      const done = await revokeRules(ctx, region, idx, { ruleIds: p.ruleIds, groupId: p.groupId });
      if (!done) throw new CancelledError();
      return `${verb} done: ${done.message}`;
    }
    case 'authorize': {
      await confirm(`Add back: ${p.rules.map((r) => `${portLabel(r)} ${r.isEgress ? 'to' : 'from'} ${peerLabel(r.peer)}`).join('; ')}`, `${verb}: Add Back`);
      const messages: string[] = [];
      for (const r of p.rules) {
        const idx = await regionIndex(ctx, region);
        const source =
          r.peer.kind === 'group'
            ? { groupId: r.peer.groupId, userId: r.peer.userId }
            : r.peer.kind === 'prefixList'
              ? { prefixListId: r.peer.prefixListId }
              : { cidr: r.peer.cidr };
        const draft = buildRule({
          groupId: r.groupId,
          isEgress: r.isEgress,
          protocol: r.protocol,
          fromPort: r.protocol === '-1' ? undefined : r.fromPort,
          toPort: r.protocol === '-1' ? undefined : r.toPort,
          source,
          description: r.description,
        });
        if (!draft.ok) throw new UserError(`Cannot ${verb.toLowerCase()}: ${draft.error}`);
        const done = await authorizeRule(ctx, region, idx, draft.value);
        if (!done) throw new CancelledError();
        messages.push(done.message);
      }
      return `${verb} done: ${messages.join(' ')}`;
    }
    case 'modify': {
      const idx = await regionIndex(ctx, region);
      const rule = idx.snapshot.rules.find((r) => r.ruleId === p.ruleId);
      if (!rule) throw new UserError(`Rule ${p.ruleId} is no longer in ${region}. Nothing was changed.`);
      if (p.descriptionOnly)
        await confirm(
          `Set the description of rule ${p.ruleId} back to ${p.edit.description ? `"${p.edit.description}"` : 'none'}.`,
          `${verb}: Set Description`,
        );
      const done = await modifyRule(ctx, region, idx, rule, p.edit);
      if (!done) throw new CancelledError();
      return `${verb} done: ${done.message}`;
    }
    case 'dbGroups': {
      const r = await setDatabaseGroups(ctx, { kind: p.target.kind, region, id: p.target.id }, p.edit, {
        expected: p.expected,
        confirm: (before, after, timing, unchecked) =>
          ctx.ui.confirm(
            `${verb}: put back the groups of ${p.target.id}?`,
            `${lead}\n\nBefore: ${names(before)}\nAfter:  ${names(after)}\n\n${timing}${unchecked ? `\n\n${unchecked}` : ''}`,
            `${verb}: Change Groups`,
          ),
      });
      if (!r.changed) throw new UserError(r.unchanged ?? 'Nothing to change.');
      return `${verb} done: ${p.target.id} is now guarded by ${names(r.after)}${r.recovered ? ` (${r.recovered})` : ''}.`;
    }
    case 'eniGroups': {
      const r = await setInstanceGroup(ctx, region, p.instanceId, p.edit, names, (eni, before, after) =>
        ctx.ui.confirm(
          `${verb}: put back the groups of ${p.instanceId}?`,
          `${lead}\n\nPrimary network interface ${eni}\nBefore: ${names(before)}\nAfter:  ${names(after)}`,
          `${verb}: Change Groups`,
        ),
      );
      if (!r) throw new CancelledError();
      return `${verb} done: ${r.instanceId}'s network interface ${r.networkInterfaceId} now has ${names(r.after)}.`;
    }
    case 'deleteGroup': {
      const done = await deleteGroup(ctx, region, p.groupId);
      return `${verb} done: ${done.message}`;
    }
    case 'createGroup': {
      await confirm(`Create ${p.groupName} again in ${p.vpcId} (it gets a new id).`, `${verb}: Create Group`);
      const idx = await regionIndex(ctx, region);
      const done = await createGroup(ctx, idx, {
        region,
        vpcId: p.vpcId,
        groupName: p.groupName,
        description: p.description,
        ...(p.tags ? { tags: p.tags } : {}),
      });
      return `${verb} done: ${done.message}`;
    }
  }
}
