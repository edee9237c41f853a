// Who uses a security group through network interfaces: DescribeNetworkInterfaces with the
// group-id filter names Lambda, load balancers, VPC endpoints, RDS Proxy, EFS, ECS and instances alike.
import { DescribeSecurityGroupReferencesCommand, paginateDescribeNetworkInterfaces, paginateDescribeSecurityGroupVpcAssociations } from '@aws-sdk/client-ec2';
import type { GroupUser } from '../domain/usage';
import type { RegionClients } from './clients';
import type { ReadOptions } from './reads';

/** A network interface that carries the group; `instanceId` when it is attached to an EC2 instance. */
export type InterfaceUser = Extract<GroupUser, { kind: 'networkInterface' }> & { readonly instanceId?: string };

/** The interfaces that carry `groupId` (EC2 API Reference, DescribeNetworkInterfaces, filter group-id). */
export async function readGroupInterfaces(c: RegionClients, o: ReadOptions, groupId: string): Promise<InterfaceUser[]> {
  const pages = paginateDescribeNetworkInterfaces(
    { client: c.ec2, pageSize: o.ec2PageSize ?? 1000 },
    { Filters: [{ Name: 'group-id', Values: [groupId] }] },
    { abortSignal: o.abortSignal },
  );
  const out: InterfaceUser[] = [];
  for await (const p of pages)
    for (const n of p.NetworkInterfaces ?? []) {
      // Defensive: keep only interfaces that really list the group.
      if (n.Groups && !n.Groups.some((g) => g.GroupId === groupId)) continue;
      out.push({
        kind: 'networkInterface',
        interfaceId: n.NetworkInterfaceId ?? '',
        interfaceType: n.InterfaceType ?? 'interface',
        ...(n.Description ? { description: n.Description } : {}),
        ...(n.Attachment?.InstanceId ? { instanceId: n.Attachment.InstanceId } : {}),
      });
    }
  return out;
}

/** A VPC across a peering (or transit gateway) connection whose rules reference a group. */
export interface GroupReference {
  readonly referencingVpcId: string;
  readonly peeringConnectionId?: string;
  readonly transitGatewayId?: string;
}

/**
 * The peered VPCs whose rules reference `groupId`, including VPCs of other accounts that no load
 * of this account can see (EC2 API Reference, DescribeSecurityGroupReferences).
 */
export async function readGroupReferences(c: RegionClients, o: ReadOptions, groupId: string): Promise<GroupReference[]> {
  const r = await c.ec2.send(new DescribeSecurityGroupReferencesCommand({ GroupId: [groupId] }), { abortSignal: o.abortSignal });
  return (r.SecurityGroupReferenceSet ?? []).flatMap((x) =>
    x.ReferencingVpcId
      ? [
          {
            referencingVpcId: x.ReferencingVpcId,
            ...(x.VpcPeeringConnectionId ? { peeringConnectionId: x.VpcPeeringConnectionId } : {}),
            ...(x.TransitGatewayId ? { transitGatewayId: x.TransitGatewayId } : {}),
          },
        ]
      : [],
  );
}

/**
 * The other VPCs the group is associated with (Amazon VPC User Guide, "Associate security groups
 * with multiple VPCs"; EC2 API Reference, DescribeSecurityGroupVpcAssociations, filter group-id).
 * Only `associated` ones count; one being set up or removed is reported with its state.
 */
export async function readGroupVpcAssociations(c: RegionClients, o: ReadOptions, groupId: string): Promise<{ vpcId: string; state: string }[]> {
  const pages = paginateDescribeSecurityGroupVpcAssociations(
    { client: c.ec2, pageSize: o.ec2PageSize ?? 1000 },
    { Filters: [{ Name: 'group-id', Values: [groupId] }] },
    { abortSignal: o.abortSignal },
  );
  const out: { vpcId: string; state: string }[] = [];
  for await (const p of pages)
    for (const a of p.SecurityGroupVpcAssociations ?? [])
      if (a.GroupId === groupId && a.VpcId && a.State !== 'disassociated') out.push({ vpcId: a.VpcId, state: a.State ?? 'associated' });
  return out;
}
