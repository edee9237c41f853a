// Tree elements are plain data; the provider maps them to TreeItems from the Region's index.

/** Where a group node is shown: under its VPC, or as an attached group of a database. */
export interface Via {
  readonly clusterId?: string;
  readonly instanceId?: string;
}

export type Node =
  /**
   * With several accounts (auroraSg.profiles) the root: a profile's account, its Regions below. It
   * is in no Region: `region` is empty, so a command given it asks for the Region as from the palette.
   */
  | { readonly kind: 'account'; readonly profile: string; readonly region: '' }
  | { readonly kind: 'region'; readonly region: string }
  | { readonly kind: 'section'; readonly region: string; readonly section: 'vpcs' | 'clusters' | 'instances' }
  | { readonly kind: 'vpc'; readonly region: string; readonly vpcId: string }
  | { readonly kind: 'group'; readonly region: string; readonly groupId: string; readonly via?: Via }
  | { readonly kind: 'direction'; readonly region: string; readonly groupId: string; readonly egress: boolean; readonly via?: Via }
  | { readonly kind: 'rule'; readonly region: string; readonly groupId: string; readonly ruleId: string; readonly egress: boolean; readonly via?: Via }
  | { readonly kind: 'cluster'; readonly region: string; readonly clusterId: string }
  | { readonly kind: 'dbInstance'; readonly region: string; readonly instanceId: string; readonly clusterId?: string }
  | {
      readonly kind: 'message';
      readonly region: string;
      readonly id: string;
      readonly text: string;
      readonly error?: boolean;
      readonly detail?: string;
      /** A part of the Region that could not be read (RegionSnapshot.failures), shown where it belongs. */
      readonly readFailure?: boolean;
      /** A part whose read has not answered yet (a load under way: RegionSnapshot.pending). */
      readonly loading?: boolean;
    };

export type NodeOf<K extends Node['kind']> = Extract<Node, { kind: K }>;

function viaKey(via: Via | undefined): string {
  if (!via) return '';
  return via.clusterId ? `/cluster:${via.clusterId}` : via.instanceId ? `/db:${via.instanceId}` : '';
}

/** A stable id: the same resource at the same place keeps its id across refreshes. */
export function nodeId(n: Node): string {
  switch (n.kind) {
    case 'account':
      return `a:${n.profile}`;
    case 'region':
      return `r:${n.region}`;
    case 'section':
      return `r:${n.region}/${n.section}`;
    case 'vpc':
      return `r:${n.region}/vpc:${n.vpcId}`;
    case 'group':
      return `r:${n.region}${viaKey(n.via)}/sg:${n.groupId}`;
    case 'direction':
      return `r:${n.region}${viaKey(n.via)}/sg:${n.groupId}/${n.egress ? 'out' : 'in'}`;
    case 'rule':
      return `r:${n.region}${viaKey(n.via)}/sg:${n.groupId}/${n.egress ? 'out' : 'in'}/${n.ruleId}`;
    case 'cluster':
      return `r:${n.region}/cluster:${n.clusterId}`;
    case 'dbInstance':
      return `r:${n.region}/${n.clusterId ? `cluster:${n.clusterId}/` : ''}db:${n.instanceId}`;
    case 'message':
      return `r:${n.region}/msg:${n.id}`;
  }
}
