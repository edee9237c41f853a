// Which security groups guard a database, changed safely. ModifyDBCluster / ModifyDBInstance
// replace the whole list, so every change re-reads the database right before writing and sends
// the list merged: no group is ever dropped. One path for clusters and instances, used by the
// four association commands and the walkthrough: re-read, compare, confirm, write (the lost-answer
// protocol of writeThenVerify), re-read, warn when the result is not what was sent, watch it settle.
import { groupChangeTiming, mergeGroupLists, removeFromGroupList } from '../domain/changes';
import { clusterKindLabel, isRdsCustom, rdsCustomRefusal } from '../domain/engines';
import { uncheckedNote } from '../domain/activity';
import type { DbCluster, DbInstance } from '../domain/model';
import { CancelledError } from '../ui/prompter';
import type { OpsContext } from './context';
import { isSettled, type SettleWatches } from './settle';
import { UserError } from './userError';
import { withChange } from './activity';
import { writeThenVerify } from './writeThenVerify';

export type DatabaseKind = 'cluster' | 'instance';

export interface DatabaseTarget {
  readonly kind: DatabaseKind;
  readonly region: string;
  /** The cluster id or the DB instance id. */
  readonly id: string;
}

export type GroupEdit = { readonly add: readonly string[] } | { readonly remove: readonly string[] };

export type DatabaseOpsContext = OpsContext & { readonly settle: SettleWatches };

export interface SetGroupsOptions {
  /**
   * The list the user chose from, or the walkthrough previewed: refused ("changed meanwhile")
   * when the list read now differs from it as a set. Without it, the fresh list is the start.
   */
  readonly expected?: readonly string[];
  /** Where that list was seen, for the refusal's wording; default 'choosing'. */
  readonly seen?: 'choosing' | 'preview';
  /**
   * Asked with the list before and after the change, and `timing`: when the change takes effect
   * and what is pending on the database that it does not apply (groupChangeTiming, from the
   * database as read now), for the question's text. False ends with a CancelledError and nothing
   * sent. After a yes the database is read again, and refused if its list changed meanwhile.
   */
  readonly confirm?: (before: readonly string[], after: readonly string[], timing: string, unchecked: string) => Promise<boolean>;
}

export interface SetGroupsResult {
  /** False when there was nothing to do (`unchanged` says why): nothing was sent. */
  readonly changed: boolean;
  /** The list read right before the write. */
  readonly before: readonly string[];
  /** The list sent (when changed). */
  readonly sent?: readonly string[];
  /** The list read after the write (the sent list when that read failed). */
  readonly after: readonly string[];
  /** Set when AWS's answer was lost but the change is in place: a phrase for the success message. */
  readonly recovered?: string;
  readonly unchanged?: string;
  /** What was also shown as warnings (a group lost, a list changed elsewhere, a read that failed). */
  readonly warnings: readonly string[];
}

type Database = DbCluster | DbInstance;

const label = (t: DatabaseTarget) => (t.kind === 'cluster' ? 'DB cluster' : 'DB instance');
const idsOf = (d: Database) => d.securityGroups.map((g) => g.groupId);
export const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x)) && b.every((x) => a.includes(x));

/**
 * Text for a notification: VS Code turns `[text](command:…)` into a link, and names come from
 * AWS. The same guard as commands/common.ts plainText (which this layer cannot import).
 */
const plain = (text: string) => text.replace(/\]\(/g, ']\u200b(');

/** "dbsrv1 (sg-1), appsrv1 (sg-2)", with the names the store knows; "none" for an empty list. */
export function groupNames(ctx: Pick<OpsContext, 'store'>, region: string, ids: readonly string[]): string {
  const idx = ctx.store.index(region);
  return ids.map((g) => `${idx?.groupsById.get(g)?.groupName ?? '?'} (${g})`).join(', ') || 'none';
}

/** 'Aurora DB cluster orders', 'Multi-AZ DB cluster reports' ('DB cluster x' when the store does not know it). */
function memberOf(ctx: Pick<OpsContext, 'store'>, region: string, clusterId: string): string {
  return `${clusterKindLabel(ctx.store.index(region)?.clustersById.get(clusterId)?.kind)} ${clusterId}`;
}

/** Reads the database again (the store's copy follows); undefined when it is gone. */
function read(ctx: DatabaseOpsContext, t: DatabaseTarget): Promise<Database | undefined> {
  return t.kind === 'cluster' ? ctx.store.refreshCluster(t.region, t.id) : ctx.store.refreshInstance(t.region, t.id);
}

interface Plan {
  readonly db: Database;
  readonly before: readonly string[];
  /** The list to send; undefined when there is nothing to do. */
  readonly list?: readonly string[];
  readonly unchanged?: string;
}

/** Reads the database and works out the list to send, refusing what AWS would refuse or what would drop a group. */
async function plan(
  ctx: DatabaseOpsContext,
  t: DatabaseTarget,
  edit: GroupEdit,
  expected: readonly string[] | undefined,
  seen: 'choosing' | 'preview',
): Promise<Plan> {
  const db = await read(ctx, t);
  if (!db) throw new UserError(`${label(t)} ${t.id} no longer exists in ${t.region}. Refresh the tree.`);
  const member = t.kind === 'instance' ? (db as DbInstance).clusterId : undefined;
  // A member of a DB cluster (Aurora or Multi-AZ) takes its groups from the cluster: never send
  // VpcSecurityGroupIds to ModifyDBInstance for one (RDS API Reference, ModifyDBInstanceMessage).
  if (member) throw new UserError(`${t.id} belongs to ${memberOf(ctx, t.region, member)}: change the groups of the cluster instead.`);
  if (t.kind === 'instance' && isRdsCustom(db.engine)) throw new UserError(rdsCustomRefusal(t.id, db.engine));
  const before = idsOf(db);
  const names = (ids: readonly string[]) => groupNames(ctx, t.region, ids);
  if ('add' in edit ? edit.add.every((g) => before.includes(g)) : edit.remove.every((g) => !before.includes(g))) {
    const unchanged =
      'add' in edit
        ? `Every chosen group is already associated with ${t.id}; nothing to change.`
        : `Not associated with ${t.id}: ${edit.remove.join(', ')}. Refresh the tree to see the current groups.`;
    return { db, before, unchanged };
  }
  if (expected && !sameSet(before, expected)) {
    throw new UserError(
      seen === 'preview'
        ? `The groups of ${t.id} changed since the preview (now ${names(before)}): nothing was sent. Check the updated preview and apply again.`
        : `The groups of ${t.id} changed while you were choosing (now: ${names(before)}). Nothing was changed; run the command again.`,
    );
  }
  if (db.status !== 'available') throw new UserError(`${label(t)} ${t.id} is ${db.status}, not available. Wait until it is available and try again.`);
  let list: readonly string[];
  if ('add' in edit) {
    const merged = mergeGroupLists(before, edit.add);
    if (!merged.ok) throw new UserError(merged.error);
    list = merged.value.list;
    const idx = ctx.store.index(t.region);
    for (const g of merged.value.added) {
      const grp = idx?.groupsById.get(g);
      if (!grp) throw new UserError(`Security group ${g} is not in ${t.region}. Refresh the tree or check the id.`);
      if (db.vpcId && grp.vpcId !== db.vpcId)
        throw new UserError(`${grp.groupName} (${g}) is in ${grp.vpcId}, but the database is in ${db.vpcId}: a database can only use groups of its own VPC.`);
    }
  } else {
    const next = removeFromGroupList(before, edit.remove);
    if (!next.ok) throw new UserError(next.error);
    list = next.value;
  }
  return { db, before, list };
}

/**
 * Adds groups to, or removes groups from, a database's list. Throws a UserError for anything
 * refused before the write (and for a write whose outcome is not what was sent), a CancelledError
 * when the confirmation is declined (or the progress cancelled before the write), AWS errors as
 * they come. Returns what was read, sent and read back.
 */
export async function setDatabaseGroups(ctx: DatabaseOpsContext, t: DatabaseTarget, edit: GroupEdit, o: SetGroupsOptions = {}): Promise<SetGroupsResult> {
  const given = 'add' in edit ? edit.add : edit.remove;
  if (!given.length) throw new UserError(`No group was given to ${'add' in edit ? 'associate' : 'remove'}.`);
  // RDS Custom: refused before any call when the store already knows the instance (plan() checks the fresh read too).
  const known = t.kind === 'instance' ? ctx.store.index(t.region)?.instancesById.get(t.id) : undefined;
  if (known && isRdsCustom(known.engine)) throw new UserError(rdsCustomRefusal(t.id, known.engine));
  const seen = o.seen ?? 'choosing';
  const names = (ids: readonly string[]) => groupNames(ctx, t.region, ids);
  let p = await plan(ctx, t, edit, o.expected, seen);
  if (!p.list) return { changed: false, before: p.before, after: p.before, unchanged: p.unchanged, warnings: [] };
  if (o.confirm) {
    const unchecked = uncheckedNote([t.kind === 'cluster' ? 'ModifyDBCluster' : 'ModifyDBInstance'], !!ctx.settings.dryRun);
    if (!(await o.confirm(p.before, p.list, groupChangeTiming(t.kind, t.id, p.db.pendingChanges), unchecked))) throw new CancelledError();
  }
  const title = 'add' in edit ? `Associating ${names(edit.add)} with ${t.id}…` : `Removing ${names(edit.remove)} from ${t.id}…`;
  const what = 'add' in edit ? `associate ${names(edit.add)} with ${label(t)} ${t.id}` : `remove ${names(edit.remove)} from ${label(t)} ${t.id}`;
  const account = ctx.store.index(t.region)?.groupsById.get(given[0])?.ownerId;
  return withChange(ctx, { region: t.region, target: `${label(t)} ${t.id}`, what, account }, (ctx, rec) =>
    ctx.ui.progress(title, async (signal) => {
      // The user took time to answer: read again right before the replacing write.
      if (o.confirm) p = await plan(ctx, t, edit, p.before, 'choosing');
      if (!p.list) return { changed: false, before: p.before, after: p.before, unchanged: p.unchanged, warnings: [] };
      if (signal.aborted) throw new CancelledError();
      const { before, list } = { before: p.before, list: p.list };
      const op = t.kind === 'cluster' ? 'ModifyDBCluster' : 'ModifyDBInstance';
      const gw = ctx.gateway();
      const written = await writeThenVerify<Database | undefined>(ctx, {
        action: `change the groups of ${t.id}`,
        region: t.region,
        call: () => (t.kind === 'cluster' ? gw.setClusterGroups(t.region, t.id, list) : gw.setInstanceGroups(t.region, t.id, list)),
        verify: async () => {
          const now = await read(ctx, t);
          if (!now) throw new UserError(`${label(t)} ${t.id} no longer exists in ${t.region}.`);
          const ids = idsOf(now);
          if (sameSet(ids, list)) return { applied: true, value: now };
          if (sameSet(ids, before)) return { applied: false, detail: names(ids) };
          throw new UserError(`${t.id} now has ${names(ids)} (sent: ${names(list)}); check it before trying again.`);
        },
        notApplied: (detail) => `Nothing was changed: ${t.id} still has ${detail}.`,
      });
      // The change is in place (nothing after this point undoes or hides that): read it back.
      const warnings: string[] = [];
      let db: Database | undefined;
      try {
        db = await read(ctx, t);
        if (!db) warnings.push(`${t.id} was changed, but reading it again found no ${label(t)}: refresh the tree.`);
      } catch (e) {
        ctx.log.warn(`${op} ${t.id}: reading it again after the change failed: ${(e as Error)?.name}: ${(e as Error)?.message}`);
        warnings.push(`${t.id} was changed, but reading it again failed: refresh the tree to see its groups.`);
      }
      const after = db ? idsOf(db) : [...list];
      ctx.log.info(`${op} ${t.id}: before [${before.join(', ')}], sent [${list.join(', ')}], now [${db ? after.join(', ') : '?'}]`);
      if (db) {
        const lost = before.filter((g) => list.includes(g) && !after.includes(g));
        if (lost.length)
          warnings.push(`AWS reports ${t.id} without ${lost.join(', ')}; check the ${t.kind === 'cluster' ? 'cluster' : 'instance'} in the console.`);
        else if (!sameSet(after, list))
          warnings.push(`${t.id} now has ${names(after)}, not what was sent (${names(list)}): it was changed elsewhere at the same time.`);
      }
      for (const w of warnings) ctx.ui.warn(plain(w));
      const state = db ?? written.value;
      if (state && !isSettled(state)) ctx.settle.watch(`${t.region}/${t.kind}/${t.id}`, () => read(ctx, t));
      rec.change = { kind: 'dbGroups', target: { kind: t.kind, id: t.id }, before: [...before], after: [...after] };
      return { changed: true, before, sent: list, after, recovered: written.recovered, warnings };
    }),
  );
}
