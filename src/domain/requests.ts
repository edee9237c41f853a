// The inputs of the calls that change the account, as plain objects: src/aws/writes.ts sends
// exactly these (new XCommand(buildXInput(...))), and the walkthrough's preview of "the exact AWS
// calls" shows the same objects, so what is previewed is what is sent. The types are local
// copies of the fields the SDK reads (no SDK import in the domain); they are assignable to the
// SDK's input types. A field with no value is left out rather than set to undefined: the SDK
// serialises both the same, and the preview's JSON then equals the input strictly.
import type { RuleSpec } from './model';

/** A new security group (CreateSecurityGroup). */
export interface CreateGroupSpec {
  readonly vpcId?: string;
  readonly groupName: string;
  readonly description: string;
  readonly tags?: Readonly<Record<string, string>>;
}

/** What a rule allows, without its group and direction. */
export type PermissionSpec = Omit<RuleSpec, 'groupId' | 'isEgress'>;

export type IpRangeInput = { CidrIp: string; Description?: string };
export type Ipv6RangeInput = { CidrIpv6: string; Description?: string };
export type PrefixListIdInput = { PrefixListId: string; Description?: string };
export type UserIdGroupPairInput = { GroupId: string; UserId?: string; VpcPeeringConnectionId?: string; Description?: string };

/** One IpPermission of AuthorizeSecurityGroupIngress / AuthorizeSecurityGroupEgress. */
export type IpPermissionInput = {
  IpProtocol: string;
  FromPort?: number;
  ToPort?: number;
  IpRanges?: IpRangeInput[];
  Ipv6Ranges?: Ipv6RangeInput[];
  PrefixListIds?: PrefixListIdInput[];
  UserIdGroupPairs?: UserIdGroupPairInput[];
};

/** AuthorizeSecurityGroupIngress and AuthorizeSecurityGroupEgress take the same input. */
export type AuthorizeSecurityGroupInput = { GroupId: string; IpPermissions: IpPermissionInput[] };

/** RevokeSecurityGroupIngress and RevokeSecurityGroupEgress, by rule id. */
export type RevokeSecurityGroupInput = { GroupId: string; SecurityGroupRuleIds: string[] };

export type CreateSecurityGroupInput = {
  GroupName: string;
  Description: string;
  VpcId?: string;
  TagSpecifications?: Array<{ ResourceType: 'security-group'; Tags: Array<{ Key: string; Value: string }> }>;
};

export type DeleteSecurityGroupInput = { GroupId: string };

/** The rule of ModifySecurityGroupRules (SecurityGroupRuleRequest). */
export type SecurityGroupRuleRequestInput = {
  IpProtocol: string;
  FromPort: number;
  ToPort: number;
  Description: string;
  CidrIpv4?: string;
  CidrIpv6?: string;
  PrefixListId?: string;
  ReferencedGroupId?: string;
};

export type ModifySecurityGroupRulesInput = {
  GroupId: string;
  SecurityGroupRules: Array<{ SecurityGroupRuleId: string; SecurityGroupRule: SecurityGroupRuleRequestInput }>;
};

/**
 * ModifyDBCluster replaces the cluster's whole list of groups. No ApplyImmediately, on purpose:
 * RDS applies a security-group change "asynchronously, as soon as possible. This setting ignores
 * the apply immediately setting", while with ApplyImmediately=true "your new changes and any
 * changes in the pending modifications queue are applied" (a deferred engine upgrade or class
 * change: downtime). RDS user guide, Overview.DBInstance.Modifying ("Settings for DB instances",
 * Security group; "Using the schedule modifications setting"); Aurora user guide, Aurora.Modifying.
 */
export type ModifyDBClusterInput = { DBClusterIdentifier: string; VpcSecurityGroupIds: string[] };
/** ModifyDBInstance replaces a standalone DB instance's whole list of groups. No ApplyImmediately, as for ModifyDBCluster. */
export type ModifyDBInstanceInput = { DBInstanceIdentifier: string; VpcSecurityGroupIds: string[] };
/**
 * ModifyNetworkInterfaceAttribute replaces one network interface's groups. The walkthrough sends it
 * for an EC2 instance's primary interface (device index 0) with that interface's own groups plus
 * the new one: ModifyInstanceAttribute Groups replaces the primary interface's groups only, and
 * "can result in an error if the instance has more than one ENI" (EC2 API Reference,
 * ModifyInstanceAttribute; ModifyNetworkInterfaceAttribute Groups). Sending the union of all the
 * interfaces' groups would put the secondary interfaces' groups on the primary one.
 */
export type ModifyNetworkInterfaceAttributeInput = { NetworkInterfaceId: string; Groups: string[] };

/** The permission as AWS's IpPermission; all traffic ('-1') carries no ports. */
export function ipPermission(spec: PermissionSpec): IpPermissionInput {
  const d = spec.description ? { Description: spec.description } : {};
  const p: IpPermissionInput = { IpProtocol: spec.protocol };
  if (spec.protocol !== '-1') {
    p.FromPort = spec.fromPort;
    p.ToPort = spec.toPort;
  }
  const peer = spec.peer;
  switch (peer.kind) {
    case 'cidr4':
      p.IpRanges = [{ CidrIp: peer.cidr, ...d }];
      break;
    case 'cidr6':
      p.Ipv6Ranges = [{ CidrIpv6: peer.cidr, ...d }];
      break;
    case 'prefixList':
      p.PrefixListIds = [{ PrefixListId: peer.prefixListId, ...d }];
      break;
    case 'group':
      p.UserIdGroupPairs = [
        {
          GroupId: peer.groupId,
          ...(peer.userId !== undefined ? { UserId: peer.userId } : {}),
          ...(peer.peeringConnectionId !== undefined ? { VpcPeeringConnectionId: peer.peeringConnectionId } : {}),
          ...d,
        },
      ];
      break;
  }
  return p;
}

/** The permission as a SecurityGroupRuleRequest (ModifySecurityGroupRules); all traffic has ports -1. */
export function ruleRequest(spec: PermissionSpec): SecurityGroupRuleRequestInput {
  const all = spec.protocol === '-1';
  const req: SecurityGroupRuleRequestInput = {
    IpProtocol: spec.protocol,
    FromPort: all ? -1 : spec.fromPort,
    ToPort: all ? -1 : spec.toPort,
    Description: spec.description ?? '',
  };
  const peer = spec.peer;
  switch (peer.kind) {
    case 'cidr4':
      req.CidrIpv4 = peer.cidr;
      break;
    case 'cidr6':
      req.CidrIpv6 = peer.cidr;
      break;
    case 'prefixList':
      req.PrefixListId = peer.prefixListId;
      break;
    case 'group':
      req.ReferencedGroupId = peer.groupId;
      break;
  }
  return req;
}

export function buildCreateSecurityGroupInput(spec: CreateGroupSpec): CreateSecurityGroupInput {
  const tags = Object.entries(spec.tags ?? {});
  return {
    GroupName: spec.groupName,
    Description: spec.description,
    ...(spec.vpcId !== undefined ? { VpcId: spec.vpcId } : {}),
    ...(tags.length ? { TagSpecifications: [{ ResourceType: 'security-group' as const, Tags: tags.map(([Key, Value]) => ({ Key, Value })) }] } : {}),
  };
}

/** One rule: the input of AuthorizeSecurityGroupEgress when spec.isEgress, else of ...Ingress. */
export function buildAuthorizeSecurityGroupInput(spec: RuleSpec): AuthorizeSecurityGroupInput {
  return { GroupId: spec.groupId, IpPermissions: [ipPermission(spec)] };
}

/** The input of RevokeSecurityGroupEgress or ...Ingress (the rules' direction decides which). */
export function buildRevokeSecurityGroupInput(groupId: string, ruleIds: readonly string[]): RevokeSecurityGroupInput {
  return { GroupId: groupId, SecurityGroupRuleIds: [...ruleIds] };
}

export function buildModifySecurityGroupRulesInput(groupId: string, ruleId: string, spec: PermissionSpec): ModifySecurityGroupRulesInput {
  return { GroupId: groupId, SecurityGroupRules: [{ SecurityGroupRuleId: ruleId, SecurityGroupRule: ruleRequest(spec) }] };
}

export function buildDeleteSecurityGroupInput(groupId: string): DeleteSecurityGroupInput {
  return { GroupId: groupId };
}

/** ApplyImmediately is left out (see ModifyDBClusterInput): the group change still applies at once; the pending queue waits. */
export function buildModifyDBClusterInput(clusterId: string, groupIds: readonly string[]): ModifyDBClusterInput {
  return { DBClusterIdentifier: clusterId, VpcSecurityGroupIds: [...groupIds] };
}

/** ApplyImmediately is left out, as for ModifyDBCluster. */
export function buildModifyDBInstanceInput(instanceId: string, groupIds: readonly string[]): ModifyDBInstanceInput {
  return { DBInstanceIdentifier: instanceId, VpcSecurityGroupIds: [...groupIds] };
}

export function buildModifyNetworkInterfaceAttributeInput(networkInterfaceId: string, groupIds: readonly string[]): ModifyNetworkInterfaceAttributeInput {
  return { NetworkInterfaceId: networkInterfaceId, Groups: [...groupIds] };
}

/**
 * UpdateSecurityGroupRuleDescriptionsIngress / Egress: a description-only edit, so that it never
 * goes through ModifySecurityGroupRules (which resends the peer as a bare ReferencedGroupId, with
 * no account). The rule is named by its whole IpPermission, UserId and peering connection included,
 * with the new description in it; an empty description is left out, which "remove[s] a description"
 * (EC2 API reference, UpdateSecurityGroupRuleDescriptionsIngress: "You must specify either IP
 * permissions or a description"; "You can remove a description for a security group rule by
 * omitting the description parameter in the request"). The IpPermissions form rather than
 * SecurityGroupRuleDescriptions: both are AWS's, and moto implements only this one.
 */
export type UpdateSecurityGroupRuleDescriptionsInput = { GroupId: string; IpPermissions: IpPermissionInput[] };

/** The input of UpdateSecurityGroupRuleDescriptionsEgress when spec.isEgress, else of ...Ingress: the rule as it is, with the new description. */
export function buildUpdateSecurityGroupRuleDescriptionsInput(spec: RuleSpec): UpdateSecurityGroupRuleDescriptionsInput {
  return { GroupId: spec.groupId, IpPermissions: [ipPermission(spec)] };
}
