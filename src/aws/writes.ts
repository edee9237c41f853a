// Calls that change the account. Each takes exactly what it sends; merging of lists and
// validation happen before (domain), re-reading around replacing writes happens in the caller.
// The inputs come from the builders of src/domain/requests.ts, which the walkthrough's preview
// uses too.
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
  DescribeManagedPrefixListsCommand,
  ModifyNetworkInterfaceAttributeCommand,
  ModifySecurityGroupRulesCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  UpdateSecurityGroupRuleDescriptionsEgressCommand,
  UpdateSecurityGroupRuleDescriptionsIngressCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { ModifyDBClusterCommand, ModifyDBInstanceCommand } from '@aws-sdk/client-rds';
import type { DbCluster, DbInstance, RuleSpec, SecurityGroupRule } from '../domain/model';
import {
  buildAuthorizeSecurityGroupInput,
  buildCreateSecurityGroupInput,
  buildDeleteSecurityGroupInput,
  buildModifyDBClusterInput,
  buildModifyDBInstanceInput,
  buildModifyNetworkInterfaceAttributeInput,
  buildModifySecurityGroupRulesInput,
  buildRevokeSecurityGroupInput,
  buildUpdateSecurityGroupRuleDescriptionsInput,
  type CreateGroupSpec,
  type PermissionSpec,
} from '../domain/requests';
import type { RegionClients } from './clients';
import { toCluster, toInstance, toRule } from './reads';

export type { CreateGroupSpec };

export async function createSecurityGroup(c: RegionClients, spec: CreateGroupSpec, signal?: AbortSignal): Promise<string> {
  const out = await c.ec2.send(new CreateSecurityGroupCommand(buildCreateSecurityGroupInput(spec)), { abortSignal: signal });
  return out.GroupId!;
}

/** Adds one rule; returns the rules AWS created (ids included). */
export async function authorizeRule(c: RegionClients, spec: RuleSpec, signal?: AbortSignal): Promise<SecurityGroupRule[]> {
  const input = buildAuthorizeSecurityGroupInput(spec);
  const out = spec.isEgress
    ? await c.ec2.send(new AuthorizeSecurityGroupEgressCommand(input), { abortSignal: signal })
    : await c.ec2.send(new AuthorizeSecurityGroupIngressCommand(input), { abortSignal: signal });
  return (out.SecurityGroupRules ?? []).map((r) => toRule(c.region, r));
}

export async function revokeRules(c: RegionClients, groupId: string, isEgress: boolean, ruleIds: readonly string[], signal?: AbortSignal): Promise<void> {
  const input = buildRevokeSecurityGroupInput(groupId, ruleIds);
  if (isEgress) await c.ec2.send(new RevokeSecurityGroupEgressCommand(input), { abortSignal: signal });
  else await c.ec2.send(new RevokeSecurityGroupIngressCommand(input), { abortSignal: signal });
}

export async function modifyRule(c: RegionClients, groupId: string, ruleId: string, spec: PermissionSpec, signal?: AbortSignal): Promise<void> {
  await c.ec2.send(new ModifySecurityGroupRulesCommand(buildModifySecurityGroupRulesInput(groupId, ruleId, spec)), { abortSignal: signal });
}

/** A description-only edit: the rule (spec: as it is) gets spec.description, or none when empty. */
export async function updateRuleDescription(c: RegionClients, spec: RuleSpec, signal?: AbortSignal): Promise<void> {
  const input = buildUpdateSecurityGroupRuleDescriptionsInput(spec);
  if (spec.isEgress) await c.ec2.send(new UpdateSecurityGroupRuleDescriptionsEgressCommand(input), { abortSignal: signal });
  else await c.ec2.send(new UpdateSecurityGroupRuleDescriptionsIngressCommand(input), { abortSignal: signal });
}

export async function deleteSecurityGroup(c: RegionClients, groupId: string, signal?: AbortSignal): Promise<void> {
  await c.ec2.send(new DeleteSecurityGroupCommand(buildDeleteSecurityGroupInput(groupId)), { abortSignal: signal });
}

/** Replaces the cluster's whole group list (ModifyDBCluster semantics): pass the merged list. */
export async function setClusterGroups(c: RegionClients, clusterId: string, groupIds: readonly string[], signal?: AbortSignal): Promise<DbCluster | undefined> {
  const out = await c.rds.send(new ModifyDBClusterCommand(buildModifyDBClusterInput(clusterId, groupIds)), { abortSignal: signal });
  return out.DBCluster ? toCluster(c.region, out.DBCluster) : undefined;
}

/** Replaces a standalone DB instance's group list. Never for an Aurora cluster member. */
export async function setInstanceGroups(
  c: RegionClients,
  instanceId: string,
  groupIds: readonly string[],
  signal?: AbortSignal,
): Promise<DbInstance | undefined> {
  const out = await c.rds.send(new ModifyDBInstanceCommand(buildModifyDBInstanceInput(instanceId, groupIds)), { abortSignal: signal });
  return out.DBInstance ? toInstance(c.region, out.DBInstance) : undefined;
}

/** Replaces one network interface's group list (the walkthrough: an EC2 instance's primary interface; see requests.ts). */
export async function setNetworkInterfaceGroups(
  c: RegionClients,
  networkInterfaceId: string,
  groupIds: readonly string[],
  signal?: AbortSignal,
): Promise<void> {
  await c.ec2.send(new ModifyNetworkInterfaceAttributeCommand(buildModifyNetworkInterfaceAttributeInput(networkInterfaceId, groupIds)), {
    abortSignal: signal,
  });
}

/** The EC2 writes the extension makes, by API name: each takes DryRun (EC2 API Reference, each action's DryRun parameter). */
const EC2_WRITES: Record<string, new (input: any) => any> = {
  AuthorizeSecurityGroupIngress: AuthorizeSecurityGroupIngressCommand,
  AuthorizeSecurityGroupEgress: AuthorizeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngress: RevokeSecurityGroupIngressCommand,
  RevokeSecurityGroupEgress: RevokeSecurityGroupEgressCommand,
  ModifySecurityGroupRules: ModifySecurityGroupRulesCommand,
  UpdateSecurityGroupRuleDescriptionsIngress: UpdateSecurityGroupRuleDescriptionsIngressCommand,
  UpdateSecurityGroupRuleDescriptionsEgress: UpdateSecurityGroupRuleDescriptionsEgressCommand,
  CreateSecurityGroup: CreateSecurityGroupCommand,
  DeleteSecurityGroup: DeleteSecurityGroupCommand,
  ModifyNetworkInterfaceAttribute: ModifyNetworkInterfaceAttributeCommand,
};

/**
 * Sends an EC2 write with DryRun: true. "If you have the required permissions, the error response
 * is DryRunOperation. Otherwise, it is UnauthorizedOperation" (EC2 API Reference, the DryRun
 * parameter of each action; "Error codes for the Amazon EC2 API"). 'allowed' for DryRunOperation;
 * 'answered' when the endpoint answered as if DryRun were not set (AWS never does); any other
 * error (UnauthorizedOperation included) is thrown as it came.
 */
export async function dryRun(c: RegionClients, api: string, input: object, signal?: AbortSignal): Promise<'allowed' | 'answered'> {
  const Command = EC2_WRITES[api];
  if (!Command) throw new Error(`No dry run for ${api}`);
  try {
    await (c.ec2 as EC2Client).send(new Command({ ...input, DryRun: true }), { abortSignal: signal });
    return 'answered';
  } catch (e) {
    if ((e as Error)?.name === 'DryRunOperation') return 'allowed';
    throw e;
  }
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
