// What the findings take from the network part (analysis/network.ts): whether the internet really
// reaches a database that a rule opens to the world (its severity), and the network ACLs that make
// a path the groups allow fail silently (the port denied, or the replies).
import { type Cidr, formatCidr as cidrText } from '../cidr';
import type { RegionIndex } from '../model';
import type { NetworkAcl, NetworkAclEntry, NetworkIndex } from '../network';
import {
  aclVerdict,
  dbEndpoints,
  type DbEndpoint,
  EPHEMERAL_ALL,
  EPHEMERAL_COMMON,
  type HopState,
  type NetHop,
  isPrivateRange,
  networkPath,
  rangeKey,
} from './network';
import { allowsTcpPort, cidrOf, peerCidr, type ResolvedTarget } from './target';

const WORLD: Record<4 | 6, Cidr> = { 4: { version: 4, network: 0n, prefix: 0 }, 6: { version: 6, network: 0n, prefix: 0 } };

export interface WorldExposure {
  /** 'allowed': the internet reaches some instance today; 'blocked': none; 'unknown': a hop could not be read. */
  readonly state: HopState;
  /** The instances it reaches. */
  readonly reached: readonly DbEndpoint[];
  /** For 'blocked': the hop that stops the first instance (PubliclyAccessible, the route, NetworkType, an ACL). */
  readonly blocking?: NetHop;
  /** Every instance is stopped by its NetworkType (IPv4-only): a ::/0 rule has no effect. */
  readonly ipv4Only: boolean;
  readonly unknownWhy?: string;
}

/** Memoised per (database, family) within one findings pass. */
export class ExposureCache {
  private readonly memo = new Map<string, WorldExposure>();
  private readonly endpoints = new Map<string, DbEndpoint[]>();

  constructor(
    readonly idx: RegionIndex,
    readonly net: NetworkIndex,
  ) {}

  endpointsOf(db: ResolvedTarget): DbEndpoint[] {
    let e = this.endpoints.get(db.id);
    if (!e) this.endpoints.set(db.id, (e = dbEndpoints(this.idx, this.net, db)));
    return e;
  }

  /** Whether anyone on the internet (0.0.0.0/0 or ::/0) reaches the database on its port, through the network. */
  world(db: ResolvedTarget, version: 4 | 6): WorldExposure {
    const key = `${db.kind}:${db.id}:${version}`;
    let w = this.memo.get(key);
    if (w) return w;
    const eps = this.endpointsOf(db);
    const paths = eps.map((ep) => networkPath(this.idx, this.net, { kind: 'cidr', cidr: WORLD[version] }, ep, db.port));
    const reached = paths.filter((p) => p.state === 'allowed').map((p) => p.endpoint);
    const unknown = paths.find((p) => p.state === 'unknown');
    const blocked = paths.find((p) => p.state === 'blocked');
    const state: HopState = !paths.length ? 'unknown' : reached.length ? 'allowed' : unknown ? 'unknown' : 'blocked';
    const ipv4Only = paths.length > 0 && paths.every((p) => p.hops.some((h) => h.state === 'blocked' && h.entry === 'NetworkType'));
    const unknownHop = unknown?.hops.find((h) => h.state === 'unknown');
    w = {
      state,
      reached,
      ...(blocked ? { blocking: blocked.hops.find((h) => h.state === 'blocked')! } : {}),
      ipv4Only,
      ...(state === 'unknown' ? { unknownWhy: unknownHop ? `${unknownHop.label}: ${unknownHop.detail}` : `${db.id} has no DB instances to check` } : {}),
    };
    this.memo.set(key, w);
    return w;
  }
}

export interface AclProblem {
  readonly kind: 'acl-blocks-port' | 'acl-blocks-return';
  readonly severity: 'medium' | 'low';
  readonly db: ResolvedTarget;
  readonly instanceIds: readonly string[];
  readonly subnetId: string;
  readonly networkAclId: string;
  readonly remote: string;
  readonly entry: string;
  readonly why: string;
}

interface AclStop {
  readonly kind: AclProblem['kind'];
  /** Every reply port denied (else only some). */
  readonly none: boolean;
  readonly deny: NetworkAclEntry;
}

/** Whether the ACL denies tcp `ports` from `remote`, else the replies to it on the ephemeral ports (all of them, or the usual ones); null: neither. */
function aclStop(acl: NetworkAcl, remote: Cidr, ports: readonly [number, number]): AclStop | null {
  const inbound = aclVerdict(acl, false, remote, ports);
  if (inbound.result === 'none') return { kind: 'acl-blocks-port', none: true, deny: inbound.entries.find((e) => !e.allow)! };
  const all = aclVerdict(acl, true, remote, EPHEMERAL_ALL);
  if (all.result === 'all') return null;
  const none = all.result === 'none';
  if (!none && aclVerdict(acl, true, remote, EPHEMERAL_COMMON).result === 'all') return null;
  return { kind: 'acl-blocks-return', none, deny: all.entries.find((e) => !e.allow)! };
}

/**
 * The ACLs of a database's subnets that stop traffic its groups allow: from its own VPC when a
 * group or private range is let in, and from each CIDR the groups let in (public ones only for a
 * publicly accessible instance; 0.0.0.0/0 and ::/0 never: keeping the world out is no problem).
 * One problem per (ACL, database, kind), with the first range it stops.
 */
export function aclProblems(cache: ExposureCache, db: ResolvedTarget): AclProblem[] {
  const { idx, net } = cache;
  const remotes: Cidr[] = [];
  const seen = new Set<string>();
  const push = (c: Cidr | undefined) => {
    if (!c || c.prefix === 0) return;
    const k = rangeKey(c);
    if (seen.has(k)) return;
    seen.add(k);
    remotes.push(c);
  };
  let fromGroups = false;
  for (const gid of db.groupIds)
    for (const r of idx.rulesOf(gid, false)) {
      if (!allowsTcpPort(r, db.port)) continue;
      if (r.peer.kind === 'group') fromGroups = true;
      else push(peerCidr(r.peer));
    }
  if (fromGroups) {
    const v = db.vpcId ? idx.snapshot.vpcs.find((x) => x.vpcId === db.vpcId) : undefined;
    for (const t of v?.cidrBlocks ?? []) push(cidrOf(t));
  }
  const privates = remotes.map(isPrivateRange);
  const ports: readonly [number, number] = [db.port, db.port];
  const out = new Map<string, AclProblem>();
  const decided = new Map<NetworkAcl, (AclStop | null)[]>();
  for (const ep of cache.endpointsOf(db)) {
    for (const sid of ep.subnetIds) {
      const acl = net.aclOf(sid);
      if (!acl) continue;
      // What stops each range is the same for every subnet of one ACL: asked once per ACL and range.
      let perAcl = decided.get(acl);
      if (!perAcl) decided.set(acl, (perAcl = []));
      for (let ri = 0; ri < remotes.length; ri++) {
        const remote = remotes[ri]!;
        if (!privates[ri] && !ep.publiclyAccessible) continue;
        let d = perAcl[ri];
        if (d === undefined) perAcl[ri] = d = aclStop(acl, remote, ports);
        if (!d) continue;
        const { kind, none, deny } = d;
        const key = `${kind}:${acl.networkAclId}:${db.id}`;
        const prev = out.get(key);
        if (prev) {
          if (!prev.instanceIds.includes(ep.instanceId)) (prev.instanceIds as string[]).push(ep.instanceId);
          continue;
        }
        // The texts only for a new problem.
        const entry = `${deny.ruleNumber === 32767 ? '*' : `#${deny.ruleNumber}`}`;
        out.set(key, {
          kind,
          severity: none ? 'medium' : 'low',
          db,
          subnetId: sid,
          networkAclId: acl.networkAclId,
          remote: `${remote.version === 4 ? 'IPv4' : 'IPv6'} ${cidrText(remote)}`,
          entry,
          why:
            kind === 'acl-blocks-port'
              ? `Network ACL ${acl.networkAclId} of ${sid} denies tcp ${db.port} from ${cidrText(remote)} (entry ${deny.ruleNumber === 32767 ? '* (nothing else matched)' : `#${deny.ruleNumber}`}), though the security groups allow it: connections time out. In ${acl.networkAclId}, add an inbound allow entry for tcp ${db.port} from ${cidrText(remote)} numbered below ${deny.ruleNumber}.`
              : `Network ACL ${acl.networkAclId} of ${sid} ${none ? 'denies' : 'lets through only some of'} the replies to ${cidrText(remote)} on the client's ephemeral ports (outbound tcp 1024-65535; entry ${entry}). ACLs are stateless, so connections the groups allow ${none ? 'time out' : 'time out for some clients'}. In ${acl.networkAclId}, add an outbound allow entry for tcp 1024-65535 to ${cidrText(remote)} numbered below ${deny.ruleNumber}.`,
          instanceIds: [ep.instanceId],
        });
      }
    }
  }
  return [...out.values()];
}
