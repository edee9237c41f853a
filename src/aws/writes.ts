// Calls that change the account. Each takes exactly what it sends; merging of lists and
// validation happen before (domain), re-reading around replacing writes happens in the caller.
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
  DescribeManagedPrefixListsCommand,
  ModifyInstanceAttributeCommand,
  ModifySecurityGroupRulesCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  type IpPermission,
  type SecurityGroupRuleRequest,
} from '@aws-sdk/client-ec2';
import { ModifyDBClusterCommand, ModifyDBInstanceCommand } from '@aws-sdk/client-rds';
import type { DbCluster, DbInstance, RuleSpec, SecurityGroupRule } from '../domain/model';
import type { RegionClients } from './clients';
import { toCluster, toInstance, toRule } from './reads';

export interface CreateGroupSpec {
  readonly vpcId?: string;
  readonly groupName: string;
  readonly description: string;
  readonly tags?: Readonly<Record<string, string>>;
}

export function ipPermission(spec: Omit<RuleSpec, 'groupId' | 'isEgress'>): IpPermission {
  const d = spec.description || undefined;
  const p: IpPermission = { IpProtocol: spec.protocol };
  if (spec.protocol !== '-1') {
    p.FromPort = spec.fromPort;
    p.ToPort = spec.toPort;
  }
  switch (spec.peer.kind) {
    case 'cidr4':
      p.IpRanges = [{ CidrIp: spec.peer.cidr, Description: d }];
      break;
    case 'cidr6':
      p.Ipv6Ranges = [{ CidrIpv6: spec.peer.cidr, Description: d }];
      break;
    case 'prefixList':
      p.PrefixListIds = [{ PrefixListId: spec.peer.prefixListId, Description: d }];
      break;
    case 'group':
      p.UserIdGroupPairs = [
        { GroupId: spec.peer.groupId, UserId: spec.peer.userId, VpcPeeringConnectionId: spec.peer.peeringConnectionId, Description: d },
      ];
      break;
  }
  return p;
}

export async function createSecurityGroup(c: RegionClients, spec: CreateGroupSpec, signal?: AbortSignal): Promise<string> {
  const tags = Object.entries(spec.tags ?? {});
  const out = await c.ec2.send(
    new CreateSecurityGroupCommand({
      GroupName: spec.groupName,
      Description: spec.description,
      VpcId: spec.vpcId,
      TagSpecifications: tags.length ? [{ ResourceType: 'security-group', Tags: tags.map(([Key, Value]) => ({ Key, Value })) }] : undefined,
    }),
    { abortSignal: signal },
  );
  return out.GroupId!;
}

/** Adds one rule; returns the rules AWS created (ids included). */
export async function authorizeRule(c: RegionClients, spec: RuleSpec, signal?: AbortSignal): Promise<SecurityGroupRule[]> {
  const input = { GroupId: spec.groupId, IpPermissions: [ipPermission(spec)] };
  const out = spec.isEgress
    ? await c.ec2.send(new AuthorizeSecurityGroupEgressCommand(input), { abortSignal: signal })
    : await c.ec2.send(new AuthorizeSecurityGroupIngressCommand(input), { abortSignal: signal });
  return (out.SecurityGroupRules ?? []).map((r) => toRule(c.region, r));
}

export async function revokeRules(
  c: RegionClients,
  groupId: string,
  isEgress: boolean,
  ruleIds: readonly string[],
  signal?: AbortSignal,
): Promise<void> {
  const input = { GroupId: groupId, SecurityGroupRuleIds: [...ruleIds] };
  if (isEgress) await c.ec2.send(new RevokeSecurityGroupEgressCommand(input), { abortSignal: signal });
  else await c.ec2.send(new RevokeSecurityGroupIngressCommand(input), { abortSignal: signal });
}

export function ruleRequest(spec: Omit<RuleSpec, 'groupId' | 'isEgress'>): SecurityGroupRuleRequest {
  const req: SecurityGroupRuleRequest = {
    IpProtocol: spec.protocol,
    FromPort: spec.protocol === '-1' ? -1 : spec.fromPort,
    ToPort: spec.protocol === '-1' ? -1 : spec.toPort,
    Description: spec.description ?? '',
  };
  switch (spec.peer.kind) {
    case 'cidr4':
      req.CidrIpv4 = spec.peer.cidr;
      break;
    case 'cidr6':
      req.CidrIpv6 = spec.peer.cidr;
      break;
    case 'prefixList':
      req.PrefixListId = spec.peer.prefixListId;
      break;
    case 'group':
      req.ReferencedGroupId = spec.peer.groupId;
      break;
  }
  return req;
}

export async function modifyRule(c: RegionClients, groupId: string, ruleId: string, spec: Omit<RuleSpec, 'groupId' | 'isEgress'>, signal?: AbortSignal): Promise<void> {
  await c.ec2.send(
    new ModifySecurityGroupRulesCommand({ GroupId: groupId, SecurityGroupRules: [{ SecurityGroupRuleId: ruleId, SecurityGroupRule: ruleRequest(spec) }] }),
    { abortSignal: signal },
  );
}

export async function deleteSecurityGroup(c: RegionClients, groupId: string, signal?: AbortSignal): Promise<void> {
  await c.ec2.send(new DeleteSecurityGroupCommand({ GroupId: groupId }), { abortSignal: signal });
}

/** Replaces the cluster's whole group list (ModifyDBCluster semantics): pass the merged list. */
export async function setClusterGroups(c: RegionClients, clusterId: string, groupIds: readonly string[], signal?: AbortSignal): Promise<DbCluster | undefined> {
  const out = await c.rds.send(
    new ModifyDBClusterCommand({ DBClusterIdentifier: clusterId, VpcSecurityGroupIds: [...groupIds], ApplyImmediately: true }),
    { abortSignal: signal },
  );
  return out.DBCluster ? toCluster(c.region, out.DBCluster) : undefined;
}

/** Replaces a standalone DB instance's group list. Never for an Aurora cluster member. */
export async function setInstanceGroups(c: RegionClients, instanceId: string, groupIds: readonly string[], signal?: AbortSignal): Promise<DbInstance | undefined> {
  const out = await c.rds.send(
    new ModifyDBInstanceCommand({ DBInstanceIdentifier: instanceId, VpcSecurityGroupIds: [...groupIds], ApplyImmediately: true }),
    { abortSignal: signal },
  );
  return out.DBInstance ? toInstance(c.region, out.DBInstance) : undefined;
}

/** Replaces an EC2 instance's group list (its primary network interface). */
export async function setEc2InstanceGroups(c: RegionClients, instanceId: string, groupIds: readonly string[], signal?: AbortSignal): Promise<void> {
  await c.ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: instanceId, Groups: [...groupIds] }), { abortSignal: signal });
}

export interface PrefixListInfo {
  readonly prefixListId: string;
  readonly name?: string;
  readonly maxEntries?: number;
  readonly addressFamily?: string;
}

export async function listPrefixLists(c: RegionClients, signal?: AbortSignal): Promise<PrefixListInfo[]> {
  const out: PrefixListInfo[] = [];
  let token: string | undefined;
  do {
    const page = await c.ec2.send(new DescribeManagedPrefixListsCommand({ NextToken: token }), { abortSignal: signal });
    for (const p of page.PrefixLists ?? []) {
      if (p.PrefixListId) out.push({ prefixListId: p.PrefixListId, name: p.PrefixListName, maxEntries: p.MaxEntries, addressFamily: p.AddressFamily });
    }
    token = page.NextToken;
  } while (token);
  return out;
}
