// Which groups a rule may reference: a group of the rule's own VPC, or of a VPC peered with it by
// an active peering connection in the same Region. AWS answers anything else with
// InvalidGroup.NotFound "You have specified two resources that belong to different networks".
// VPC Peering Guide, "Update your security groups to reference peer security groups": "the VPC
// peering connection must be in the active state"; "To reference a security group that is in
// another AWS account but the same Region, include the account number with the ID of the security
// group"; "You can't reference the security group of a peer VPC that's in a different Region".
import { awsRegion } from './scope';
import type { RegionIndex, RulePeer, VpcPeering } from './model';

export interface ReachableVpcs {
  /** The VPC itself and every VPC actively peered with it in the same Region. */
  readonly vpcIds: ReadonlySet<string>;
  /** Peered VPC id -> the peering connection and the account owning that VPC. */
  readonly peers: ReadonlyMap<string, { readonly peeringId: string; readonly ownerId?: string }>;
  /** False when the peerings could not be read: only the VPC itself is known to be reachable. */
  readonly peeringsKnown: boolean;
}

/** The VPCs whose groups a rule of a group in `vpcId` may reference (see the top of this file). */
export function reachableGroupVpcs(vpcId: string, peerings: readonly VpcPeering[] | undefined, region: string): ReachableVpcs {
  const vpcIds = new Set([vpcId]);
  const peers = new Map<string, { peeringId: string; ownerId?: string }>();
  for (const p of peerings ?? []) {
    if (p.status !== 'active') continue;
    // A side without a Region is the Region the connection was read in.
    // `region` may be a scope key (profile/Region); AWS names the sides by the Region alone.
    const r = awsRegion(region);
    const sameRegion = (p.requester.region ?? r) === r && (p.accepter.region ?? r) === r;
    if (!sameRegion) continue;
    const other = p.requester.vpcId === vpcId ? p.accepter : p.accepter.vpcId === vpcId ? p.requester : undefined;
    if (!other?.vpcId || other.vpcId === vpcId) continue;
    vpcIds.add(other.vpcId);
    peers.set(other.vpcId, { peeringId: p.peeringId, ownerId: other.ownerId });
  }
  return { vpcIds, peers, peeringsKnown: peerings !== undefined };
}

/**
 * Why a rule of group `groupId` cannot reference `peer` (undefined when it can, or when it cannot be
 * told from what is loaded: AWS then decides). A loaded group must be in a reachable VPC; a group of
 * another account (userId) needs an active same-Region peering with a VPC of that account.
 */
export function unreachableGroupError(idx: RegionIndex, groupId: string, peer: RulePeer): string | undefined {
  if (peer.kind !== 'group') return undefined;
  const own = idx.groupsById.get(groupId);
  if (!own?.vpcId) return undefined;
  const snap = idx.snapshot;
  const reach = reachableGroupVpcs(own.vpcId, snap.peerings, snap.region);
  const target = idx.groupsById.get(peer.groupId);
  const home = own.ownerId;
  if (target && (!peer.userId || peer.userId === target.ownerId || !target.ownerId)) {
    if (!target.vpcId || reach.vpcIds.has(target.vpcId)) return undefined;
    if (!reach.peeringsKnown) return undefined;
    return (
      `${target.groupName} (${target.groupId}) is in ${target.vpcId}, which ${own.groupName} (${own.vpcId}) cannot reach: a rule can reference only a group of ` +
      'the same VPC, or of a VPC peered with it by an active peering connection in the same Region. Peer the VPCs first, or allow the other side by its CIDR or a prefix list. Nothing was changed.'
    );
  }
  if (peer.userId && peer.userId !== home) {
    if (!reach.peeringsKnown) return undefined;
    const viaPeering = [...reach.peers.values()].some((p) => p.ownerId === peer.userId);
    if (viaPeering) return undefined;
    return (
      `${peer.userId}/${peer.groupId} is a group of another account, and ${own.vpcId} has no active peering connection in ${snap.region} with a VPC of account ${peer.userId}: ` +
      `AWS would refuse the reference. Peer the VPCs first, or allow the other side by its CIDR or a prefix list. Nothing was changed.`
    );
  }
  return undefined;
}
