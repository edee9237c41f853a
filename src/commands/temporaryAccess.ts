// auroraSg.allowMyIp / auroraSg.revokeTemporaryRules: temporary access for your own address.
// From a database node (its port; the group asked for when it has several), a group node (the
// port of the databases it guards, else asked), or { region, groupId, port, minutes }. The write
// is ops/temporaryAccess.ts; the expiry is kept in the rule's description only.
import type { RegionIndex } from '../domain/model';
import { temporaryRules, timeLeftText } from '../domain/temporaryAccess';
import { validateGroupId } from '../domain/validation';
import type { Ext } from '../ext';
import { allowMyIp as allowOp, revokeTemporary, type TemporaryAccessDeps } from '../ops/temporaryAccess';
import { regionArg } from './args';
import { indexFor, isNode, pickRegion, say, UserError } from './common';

interface AllowArgs {
  region?: string;
  groupId?: string;
  clusterId?: string;
  instanceId?: string;
  port?: number;
  minutes?: number;
}

function parseArgs(arg: unknown): AllowArgs {
  if (isNode(arg)) {
    if (arg.kind === 'group') return { region: arg.region, groupId: arg.groupId };
    if (arg.kind === 'cluster') return { region: arg.region, clusterId: arg.clusterId };
    if (arg.kind === 'dbInstance') return { region: arg.region, instanceId: arg.instanceId };
    throw new UserError('Start this from a database or a security group in the Access view, or pass { region, groupId, port, minutes }.');
  }
  if (arg === undefined || arg === null) return {};
  if (typeof arg !== 'object') throw new UserError('The argument must be { region, groupId, port, minutes }.');
  const a = arg as Record<string, unknown>;
  const out: AllowArgs = { region: regionArg(a.region) };
  if (a.groupId !== undefined) {
    const problem = typeof a.groupId === 'string' ? validateGroupId(a.groupId.trim()) : 'The argument "groupId" must be text.';
    if (problem) throw new UserError(problem);
    out.groupId = (a.groupId as string).trim();
  }
  for (const k of ['clusterId', 'instanceId'] as const) {
    if (a[k] === undefined) continue;
    if (typeof a[k] !== 'string' || !a[k]) throw new UserError(`The argument "${k}" must be a database identifier.`);
    out[k] = a[k] as string;
  }
  if (a.port !== undefined) {
    if (typeof a.port !== 'number' || !Number.isInteger(a.port) || a.port < 1 || a.port > 65535)
      throw new UserError('The argument "port" must be a port from 1 to 65535.');
    out.port = a.port;
  }
  if (a.minutes !== undefined) {
    if (typeof a.minutes !== 'number' || !Number.isFinite(a.minutes)) throw new UserError('The argument "minutes" must be a number of minutes.');
    out.minutes = a.minutes;
  }
  return out;
}

/** The database, its port and the group to add to. */
async function target(ext: Ext, region: string, idx: RegionIndex, a: AllowArgs): Promise<{ groupId: string; port: number; what: string }> {
  const db = a.clusterId ? idx.clustersById.get(a.clusterId) : a.instanceId ? idx.instancesById.get(a.instanceId) : undefined;
  if ((a.clusterId || a.instanceId) && !db) throw new UserError(`Database ${a.clusterId ?? a.instanceId} is not in ${region}. Refresh the tree.`);
  let groupId = a.groupId;
  let port = a.port;
  let what: string | undefined;
  if (db) {
    const id = 'clusterId' in db && !('instanceId' in db) ? db.clusterId : (db as { instanceId: string }).instanceId;
    what = id;
    port ??= db.port;
    const groups = db.securityGroups.map((g) => g.groupId);
    if (!groupId) {
      if (!groups.length) throw new UserError(`${id} has no security group to add the rule to.`);
      groupId =
        groups.length === 1
          ? groups[0]!
          : await ext.ui.pick({
              title: `Allow My IP to ${id} (${region})`,
              placeholder: 'Which of its security groups gets the temporary rule?',
              items: groups.map((g) => ({ label: idx.groupsById.get(g)?.groupName ?? g, description: g, value: g })),
            });
    }
  }
  if (!groupId) {
    const groups = [...idx.snapshot.groups].sort((x, y) => x.groupName.localeCompare(y.groupName));
    if (!groups.length) throw new UserError(`There is no security group in ${region}.`);
    groupId = await ext.ui.pick({
      title: `Allow My IP (${region})`,
      placeholder: 'Security group',
      items: groups.map((g) => ({ label: g.groupName, description: `${g.groupId} · ${g.vpcId ?? ''}`, value: g.groupId })),
    });
  }
  const g = idx.groupsById.get(groupId);
  if (!g) throw new UserError(`Security group ${groupId} is not in ${region}. Refresh the tree or check the id.`);
  if (port === undefined) {
    const guarded = idx.attachmentsOf(groupId);
    const ports = [...new Set([...guarded.clusters, ...guarded.instances].map((d) => d.port).filter((p): p is number => p !== undefined))];
    if (ports.length === 1) port = ports[0];
    else {
      const typed = await ext.ui.input({
        title: `Allow My IP to ${g.groupName} (${region})`,
        prompt: 'The TCP port to open for your address (the database port)',
        value: ports[0] !== undefined ? String(ports[0]) : '',
        validate: (v) => (/^\d+$/.test(v.trim()) && Number(v) >= 1 && Number(v) <= 65535 ? undefined : 'Type a port from 1 to 65535.'),
      });
      port = Number(typed.trim());
    }
  }
  return { groupId, port: port!, what: what ?? g.groupName };
}

export async function allowMyIp(ext: Ext, deps: TemporaryAccessDeps, arg?: unknown): Promise<string[] | undefined> {
  const a = parseArgs(arg);
  const region = await pickRegion(ext, a.region, 'Allow My IP: Region');
  const idx = await indexFor(ext, region, { reads: ['groups', 'rules'], what: 'allow your address' });
  const t = await target(ext, region, idx, a);
  const r = await allowOp(ext, region, idx, { ...t, ...(a.minutes !== undefined ? { minutes: a.minutes } : {}) }, deps);
  if (!r) return undefined;
  say(ext).info(r.message);
  return r.value;
}

/** Lists every temporary rule of the loaded Regions with the time left, and removes the chosen ones now. */
export async function revokeTemporaryRules(ext: Ext, deps: Pick<TemporaryAccessDeps, 'now'>): Promise<string[] | undefined> {
  const now = deps.now();
  const items = [];
  for (const region of await ext.regions()) {
    const idx = ext.store.index(region);
    if (!idx) continue;
    for (const t of temporaryRules(idx)) {
      const g = idx.groupsById.get(t.rule.groupId);
      items.push({
        label: `${g?.groupName ?? t.rule.groupId}: ${t.rule.peer.kind === 'cidr4' || t.rule.peer.kind === 'cidr6' ? t.rule.peer.cidr : ''} tcp ${t.rule.fromPort ?? ''}`,
        description: `${timeLeftText(t.mark.expiresAt, now)} · ${region}`,
        detail: `${t.rule.ruleId} · added by ${t.mark.caller}`,
        value: { region, ruleId: t.rule.ruleId },
      });
    }
  }
  if (!items.length) throw new UserError('There is no temporary rule in the loaded Regions.');
  const chosen = await ext.ui.pickMany({ title: 'Remove Temporary Rules Now', placeholder: 'The temporary rules to remove now', items });
  if (!chosen.length) return undefined;
  const removed: string[] = [];
  for (const region of new Set(chosen.map((c) => c.region))) {
    const idx = await indexFor(ext, region);
    const r = await revokeTemporary(ext, region, idx, deps, { ruleIds: chosen.filter((c) => c.region === region).map((c) => c.ruleId) });
    removed.push(...r.value);
    if (r.value.length) say(ext).info(r.message);
  }
  return removed;
}
