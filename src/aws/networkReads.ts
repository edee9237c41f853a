// The network part of a Region (domain/network.ts): DB subnet groups with their subnets, subnets,
// route tables, network ACLs and the entries of the prefix lists the databases' rules use. Read on
// demand, after the tree, with the same paginated, cancellable, partial-failure-tolerant reads as
// the Region's load (reads.ts): a read that fails leaves its part empty and is named in
// `failures`, and the analysis answers "unknown: needs ec2:DescribeNetworkAcls" for it.
import {
  paginateDescribeNetworkAcls,
  paginateDescribeRouteTables,
  paginateDescribeSubnets,
  paginateGetManagedPrefixListEntries,
  type NetworkAcl as SdkAcl,
  type RouteTable as SdkRouteTable,
  type Subnet as SdkSubnet,
} from '@aws-sdk/client-ec2';
import { paginateDescribeDBSubnetGroups, type DBSubnetGroup } from '@aws-sdk/client-rds';
import { NETWORK_READS, type DbSubnetGroup, type NetworkAcl, type NetworkRead, type NetworkSnapshot, type RouteTable, type Subnet } from '../domain/network';
import type { RegionClients } from './clients';
import { CREDENTIAL_CODES } from './errors';
import type { ReadOptions } from './reads';

async function collect<P, T>(pages: AsyncIterable<P>, pick: (page: P) => readonly T[] | undefined): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...(pick(page) ?? []));
  return out;
}

export function toSubnet(s: SdkSubnet): Subnet {
  return {
    subnetId: s.SubnetId!,
    vpcId: s.VpcId ?? '',
    ...(s.AvailabilityZone ? { availabilityZone: s.AvailabilityZone } : {}),
    ...(s.CidrBlock ? { cidrBlock: s.CidrBlock } : {}),
    ipv6CidrBlocks: (s.Ipv6CidrBlockAssociationSet ?? [])
      .filter((a) => !a.Ipv6CidrBlockState?.State || a.Ipv6CidrBlockState.State === 'associated')
      .flatMap((a) => (a.Ipv6CidrBlock ? [a.Ipv6CidrBlock] : [])),
  };
}

/** Route targets, in the order EC2's Route lists them (EC2 API Reference, Route). */
export function toRouteTable(t: SdkRouteTable): RouteTable {
  const assoc = t.Associations ?? [];
  return {
    routeTableId: t.RouteTableId!,
    vpcId: t.VpcId ?? '',
    main: assoc.some((a) => a.Main === true),
    subnetIds: assoc.flatMap((a) => (a.SubnetId && (!a.AssociationState?.State || a.AssociationState.State === 'associated') ? [a.SubnetId] : [])),
    routes: (t.Routes ?? []).map((r) => ({
      ...(r.DestinationCidrBlock ? { destination: r.DestinationCidrBlock } : r.DestinationIpv6CidrBlock ? { destination: r.DestinationIpv6CidrBlock } : {}),
      ...(r.DestinationPrefixListId ? { destinationPrefixListId: r.DestinationPrefixListId } : {}),
      target:
        r.GatewayId ??
        r.EgressOnlyInternetGatewayId ??
        r.VpcPeeringConnectionId ??
        r.NatGatewayId ??
        r.TransitGatewayId ??
        r.NetworkInterfaceId ??
        r.InstanceId ??
        r.LocalGatewayId ??
        r.CarrierGatewayId ??
        r.CoreNetworkArn ??
        'unknown',
      state: r.State === 'blackhole' ? 'blackhole' : 'active',
    })),
  };
}

export function toNetworkAcl(a: SdkAcl): NetworkAcl {
  return {
    networkAclId: a.NetworkAclId!,
    vpcId: a.VpcId ?? '',
    isDefault: a.IsDefault === true,
    subnetIds: (a.Associations ?? []).flatMap((x) => (x.SubnetId ? [x.SubnetId] : [])),
    entries: (a.Entries ?? []).flatMap((e) => {
      const cidr = e.CidrBlock ?? e.Ipv6CidrBlock;
      if (e.RuleNumber === undefined || !cidr) return [];
      return [
        {
          ruleNumber: e.RuleNumber,
          egress: e.Egress === true,
          protocol: String(e.Protocol ?? '-1'),
          allow: e.RuleAction === 'allow',
          cidr,
          ...(e.PortRange?.From !== undefined && e.PortRange?.To !== undefined ? { fromPort: e.PortRange.From, toPort: e.PortRange.To } : {}),
        },
      ];
    }),
  };
}

export function toDbSubnetGroup(g: DBSubnetGroup): DbSubnetGroup {
  return {
    name: g.DBSubnetGroupName ?? '',
    ...(g.VpcId ? { vpcId: g.VpcId } : {}),
    subnetIds: (g.Subnets ?? []).flatMap((s) => (s.SubnetIdentifier ? [s.SubnetIdentifier] : [])),
  };
}

/** Prefix list entries per Region and list id, for the gateway's lifetime (cleared by forgetPrefixLists). */
export type PrefixListCache = Map<string, Promise<string[]>>;

/** GetManagedPrefixListEntries, once per list and Region (the cache holds the promise, so concurrent asks share one read). */
export function prefixListEntries(c: RegionClients, cache: PrefixListCache, id: string, o: ReadOptions = {}): Promise<string[]> {
  const key = `${c.region}\u0000${id}`;
  let p = cache.get(key);
  if (!p) {
    p = collect(
      paginateGetManagedPrefixListEntries({ client: c.ec2, pageSize: 100 }, { PrefixListId: id }, { abortSignal: o.abortSignal }),
      (page) => page.Entries,
    ).then(
      (list) => list.flatMap((e) => (e.Cidr ? [e.Cidr] : [])),
      (e) => {
        cache.delete(key);
        throw e;
      },
    );
    cache.set(key, p);
  }
  return p;
}

const isCancellation = (e: unknown) => (e as Error)?.name === 'AbortError';

/**
 * The network part of a Region. `prefixListIds`: the lists whose entries the analysis needs (the
 * databases' rules and the routes name them). Each read settles on its own; cancellation and a
 * credentials error are thrown (nothing can be read then).
 */
export async function readNetwork(c: RegionClients, cache: PrefixListCache, prefixListIds: readonly string[], o: ReadOptions = {}): Promise<NetworkSnapshot> {
  const ec2Page = o.ec2PageSize ?? 1000;
  const settled = await Promise.allSettled([
    collect(paginateDescribeDBSubnetGroups({ client: c.rds, pageSize: o.rdsPageSize ?? 100 }, {}, { abortSignal: o.abortSignal }), (p) => p.DBSubnetGroups),
    collect(paginateDescribeSubnets({ client: c.ec2, pageSize: ec2Page }, {}, { abortSignal: o.abortSignal }), (p) => p.Subnets),
    collect(paginateDescribeRouteTables({ client: c.ec2, pageSize: Math.min(ec2Page, 100) }, {}, { abortSignal: o.abortSignal }), (p) => p.RouteTables),
    collect(paginateDescribeNetworkAcls({ client: c.ec2, pageSize: Math.min(ec2Page, 100) }, {}, { abortSignal: o.abortSignal }), (p) => p.NetworkAcls),
  ]);
  const names: NetworkRead[] = ['dbSubnetGroups', 'subnets', 'routeTables', 'networkAcls'];
  const failures: { read: NetworkRead; action: string; error?: unknown }[] = [];
  settled.forEach((r, i) => {
    if (r.status === 'rejected') failures.push({ read: names[i]!, action: NETWORK_READS[names[i]!].action, error: r.reason });
  });
  const fatal = failures.find((f) => isCancellation(f.error) || CREDENTIAL_CODES.has((f.error as Error)?.name ?? ''));
  if (fatal) throw fatal.error;
  if (o.abortSignal?.aborted) throw o.abortSignal.reason ?? Object.assign(new Error('cancelled'), { name: 'AbortError' });
  const value = <T>(i: number): T[] => (settled[i]!.status === 'fulfilled' ? (settled[i] as PromiseFulfilledResult<T[]>).value : []);
  const routeTables = value<SdkRouteTable>(2).map(toRouteTable);
  const ids = new Set(prefixListIds);
  for (const t of routeTables) for (const r of t.routes) if (r.destinationPrefixListId) ids.add(r.destinationPrefixListId);
  const prefixLists = new Map<string, string[]>();
  const lists = await Promise.allSettled([...ids].map(async (id) => [id, await prefixListEntries(c, cache, id, o)] as const));
  let listFailure: unknown;
  for (const r of lists) {
    if (r.status === 'fulfilled') prefixLists.set(r.value[0], r.value[1]);
    else listFailure ??= r.reason;
  }
  if (listFailure !== undefined) {
    if (isCancellation(listFailure)) throw listFailure;
    failures.push({ read: 'prefixLists', action: NETWORK_READS.prefixLists.action, error: listFailure });
  }
  return {
    region: c.region,
    dbSubnetGroups: value<DBSubnetGroup>(0).map(toDbSubnetGroup),
    subnets: value<SdkSubnet>(1)
      .filter((s) => s.SubnetId)
      .map(toSubnet),
    routeTables,
    networkAcls: value<SdkAcl>(3)
      .filter((a) => a.NetworkAclId)
      .map(toNetworkAcl),
    prefixLists,
    failures,
    loadedAt: Date.now(),
  };
}
