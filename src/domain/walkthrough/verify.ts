// The walkthrough's last step: each hop of the path read back from the account, checked with the
// path engine Explain Path uses (analysis/path.ts), and whatever else reaches the database port.
import type { NetSource } from '../analysis/network';
import { egressHop, fromCidr, fromGroup, networkHops, type PathHop, rulesLettingIn } from '../analysis/path';
import { allowsTcpPort, cidrOf, peerCidr, resolveDbTarget } from '../analysis/target';
import { isPrivateCidr, isWorld } from '../cidr';
import { peerLabel, portLabel } from '../rules';
import { refOf } from './cli';
import { type PlanContext, resolveChoices } from './resolve';

export interface HopCheck {
  readonly id: 'clients' | 'appServer' | 'appToDb' | 'network' | 'attached';
  readonly label: string;
  readonly ok: boolean;
  /** A hop the user chose not to set up (no EC2 instance): neither passes nor fails. */
  readonly skipped?: boolean;
  readonly detail: string;
  readonly ruleIds: readonly string[];
  /** The 'network' hop: the network hops of Explain Path (routes, ACLs both ways), per DB instance. */
  readonly hops?: readonly PathHop[];
  /** 'unknown' when a network read was refused: neither passes nor is called open. */
  readonly state?: 'allowed' | 'blocked' | 'unknown';
}

export interface OtherAccess {
  readonly groupId: string;
  readonly groupName: string;
  readonly ruleId: string;
  readonly text: string;
  readonly severity: 'danger' | 'warning' | 'info';
}

export interface Verification {
  readonly ok: boolean;
  readonly port?: number;
  readonly hops: readonly HopCheck[];
  readonly others: readonly OtherAccess[];
}

/**
 * Reads the path back from the account (the index and EC2 instances as loaded after the changes),
 * hop by hop, with the path engine of analysis/path.ts (the one behind Explain Path): the clients
 * into the app-server group; the app server carrying it; the app-server group to the database
 * group, outbound (the app-server group's rules) and inbound (the database group's); the database
 * group attached to the database. Then every other rule that lets anything in on the database port.
 */
export function verifyPath(ctx: PlanContext): Verification {
  const idx = ctx.index;
  const r = resolveChoices(ctx);
  const lookup = (id: string) => idx.groupsById.get(id);
  const hops: HopCheck[] = [];
  const app = refOf('app', r.app);
  const dbg = refOf('db', r.dbGroup);
  const appName = app?.groupName ?? (ctx.choices.appGroupName || 'the app-server group');
  const dbName = dbg?.groupName ?? (ctx.choices.dbGroupName || 'the database group');
  const port = r.db?.port;

  // 1. Clients -> app-server group on the application's port.
  {
    const label = `Clients → ${appName} on tcp ${r.appPort ?? '?'}`;
    if (!app?.groupId) hops.push({ id: 'clients', label, ok: false, detail: `${appName} does not exist.`, ruleIds: [] });
    else if (r.appPort === undefined || !r.clientCidrs.length)
      hops.push({ id: 'clients', label, ok: false, detail: 'No valid client ranges or port were given (step 2).', ruleIds: [] });
    else {
      const ids: string[] = [];
      const missing: string[] = [];
      for (const c of r.clientCidrs) {
        const client = cidrOf(c.cidr);
        const rule = client && rulesLettingIn(idx, app.groupId, fromCidr(client), r.appPort)[0];
        if (rule) ids.push(rule.ruleId);
        else missing.push(c.cidr);
      }
      hops.push({
        id: 'clients',
        label,
        ok: missing.length === 0,
        detail: missing.length
          ? `No inbound rule of ${appName} lets ${missing.join(', ')} in on tcp ${r.appPort}.`
          : `Allowed by ${[...new Set(ids)].join(', ')}.`,
        ruleIds: [...new Set(ids)],
      });
    }
  }
  // 2. The app server carries the app-server group (only when one was chosen).
  if (ctx.choices.ec2InstanceId) {
    const inst = ctx.ec2?.find((i) => i.instanceId === ctx.choices.ec2InstanceId);
    const name = inst?.name ? `${inst.name} (${ctx.choices.ec2InstanceId})` : ctx.choices.ec2InstanceId;
    const label = `${name} carries ${appName}`;
    if (!ctx.ec2)
      hops.push({
        id: 'appServer',
        label,
        ok: false,
        detail: ctx.ec2Error ? `The EC2 instances could not be read: ${ctx.ec2Error}` : 'The EC2 instances were not read.',
        ruleIds: [],
      });
    else if (!inst) hops.push({ id: 'appServer', label, ok: false, detail: `${ctx.choices.ec2InstanceId} is not among the VPC's instances.`, ruleIds: [] });
    else {
      const ok = !!app?.groupId && inst.securityGroupIds.includes(app.groupId);
      hops.push({
        id: 'appServer',
        label,
        ok,
        detail: `Its groups: ${inst.securityGroupIds.map((g) => lookup(g)?.groupName ?? g).join(', ') || 'none'}.`,
        ruleIds: [],
      });
    }
  } else {
    hops.push({
      id: 'appServer',
      label: `App servers carry ${appName}`,
      ok: true,
      skipped: true,
      detail: `No EC2 instance was chosen: instances that carry ${appName} get this access.`,
      ruleIds: [],
    });
  }
  // 3. App-server group -> database group on the database port: out of the one, into the other.
  {
    const label = `${appName} → ${dbName} on tcp ${port ?? '?'}`;
    if (!dbg?.groupId || !app?.groupId || !r.db || port === undefined)
      hops.push({ id: 'appToDb', label, ok: false, detail: `${!dbg?.groupId ? dbName : appName} does not exist.`, ruleIds: [] });
    else {
      const rule = rulesLettingIn(idx, dbg.groupId, fromGroup(app.groupId), port)[0];
      // The traffic goes to the database, which carries its groups and (once associated) the database group.
      const egress = egressHop(idx, [app.groupId], { groupIds: [...new Set([dbg.groupId, ...r.db.groupIds])], vpcId: r.db.vpcId ?? r.vpc?.vpcId }, port).hop;
      const inbound = rule
        ? `Allowed by ${rule.ruleId} (${portLabel(rule)} from ${peerLabel(rule.peer, lookup)}).`
        : `No inbound rule of ${dbName} lets ${appName} in on tcp ${port}.`;
      const outbound = egress.ok ? `Outbound: ${egress.detail}` : `${egress.detail} Add an outbound rule to ${appName}: tcp ${port} to ${dbName}.`;
      hops.push({
        id: 'appToDb',
        label,
        ok: !!rule && egress.ok,
        detail: `${inbound} ${outbound}`,
        ruleIds: [...(rule ? [rule.ruleId] : []), ...egress.ruleIds],
      });
    }
  }
  // 3b. The network between the app server (or any carrier of the app-server group) and the
  // database: the same hops as Explain Path (analysis/network.ts), only when they were read.
  if (ctx.network && r.db && port !== undefined && app?.groupId) {
    const inst = ctx.choices.ec2InstanceId ? ctx.ec2?.find((i) => i.instanceId === ctx.choices.ec2InstanceId) : undefined;
    const host = (ip?: string) => (ip ? cidrOf(ip.includes('/') ? ip : `${ip}/${ip.includes(':') ? 128 : 32}`) : undefined);
    const source: NetSource = inst
      ? {
          kind: 'ec2',
          name: inst.name ?? inst.instanceId,
          ...(inst.vpcId ? { vpcId: inst.vpcId } : {}),
          ...(inst.subnetId ? { subnetId: inst.subnetId } : {}),
          ...(host(inst.privateIp) ? { privateIp: host(inst.privateIp) } : {}),
        }
      : { kind: 'group', groupId: app.groupId, ...(lookup(app.groupId)?.vpcId ? { vpcId: lookup(app.groupId)!.vpcId } : {}) };
    const target = resolveDbTarget(idx, r.db.kind === 'cluster' ? { clusterId: r.db.id } : { instanceId: r.db.id });
    const net = networkHops(idx, ctx.network, source, target, port);
    const list = [...net.before, ...net.after];
    const bad = list.filter((h) => h.state !== 'allowed');
    const state = bad.some((h) => h.state === 'blocked') ? 'blocked' : bad.length ? 'unknown' : 'allowed';
    hops.push({
      id: 'network',
      label: `Network: ${inst ? (inst.name ?? inst.instanceId) : appName} → ${r.db.id} (routes, network ACLs)`,
      ok: state === 'allowed',
      state,
      detail: bad.length
        ? bad.map((h) => `${h.label}: ${h.detail}${h.fix ? ` ${h.fix}` : ''}`).join(' ')
        : list.length
          ? `Every hop allows it: ${list.map((h) => h.label).join('; ')}.`
          : 'Within one subnet: no route or network ACL on the way.',
      ruleIds: [],
      hops: list,
    });
  } else if (ctx.networkError) {
    hops.push({
      id: 'network',
      label: `Network: ${appName} → ${r.db?.id ?? 'the database'} (routes, network ACLs)`,
      ok: false,
      state: 'unknown',
      skipped: true,
      detail: `Not checked: ${ctx.networkError}`,
      ruleIds: [],
    });
  }
  // 4. The database group guards the database.
  {
    const label = `${dbName} guards ${r.db?.id ?? 'the database'}`;
    if (!r.db || !dbg?.groupId)
      hops.push({ id: 'attached', label, ok: false, detail: !r.db ? 'The database is not in the account.' : `${dbName} does not exist.`, ruleIds: [] });
    else {
      const attached = r.db.groupIds.includes(dbg.groupId);
      const st = r.db.groupStatus.get(dbg.groupId);
      hops.push({
        id: 'attached',
        label,
        ok: attached,
        detail: attached
          ? `${r.db.id} (${r.db.engineLabel}, port ${r.db.port}) has ${r.db.groupIds.map((g) => lookup(g)?.groupName ?? g).join(', ')}${st && st !== 'active' ? `; ${dbName} is ${st}` : ''}.`
          : `${r.db.id} has ${r.db.groupIds.map((g) => lookup(g)?.groupName ?? g).join(', ') || 'no group'}, not ${dbName}.`,
        ruleIds: [],
      });
    }
  }
  const others: OtherAccess[] = [];
  if (r.db && port !== undefined) {
    const pathRules = new Set(hops.find((h) => h.id === 'appToDb')?.ruleIds ?? []);
    for (const gid of r.db.groupIds) {
      const g = lookup(gid);
      for (const rule of idx.rulesOf(gid, false)) {
        if (!allowsTcpPort(rule, port) || pathRules.has(rule.ruleId)) continue;
        let severity: OtherAccess['severity'] = 'info';
        const c = peerCidr(rule.peer);
        if (c) severity = isWorld(c) ? 'danger' : isPrivateCidr(c) ? 'info' : 'warning';
        const who = rule.peer.kind === 'group' && rule.peer.groupId === gid ? `members of ${g?.groupName ?? gid} itself` : peerLabel(rule.peer, lookup);
        others.push({ groupId: gid, groupName: g?.groupName ?? gid, ruleId: rule.ruleId, text: `${portLabel(rule)} from ${who}`, severity });
      }
    }
  }
  const checked = hops.filter((h) => !h.skipped);
  return { ok: checked.every((h) => h.ok), port, hops, others };
}
