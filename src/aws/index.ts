// The AWS layer's one entry point. The extension loads this module (bundled as dist/aws.js)
// on its first AWS call, never during activation.
import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import type { DbCluster, DbInstance, Ec2Instance, RegionSnapshot, RuleSpec, SecurityGroup, SecurityGroupRule } from '../domain/model';
import { ClientPool, type CallListener, type ConnectionSettings } from './clients';
import type { NetworkSnapshot } from '../domain/network';
import { readNetwork, type PrefixListCache } from './networkReads';
import * as reads from './reads';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { readGroupInterfaces, readGroupReferences, readGroupVpcAssociations, type GroupReference, type InterfaceUser } from './usageReads';
import * as writes from './writes';

export type { CallListener, CallRecord, ConnectionSettings } from './clients';
export type { CreateGroupSpec, PrefixListInfo } from './writes';
export type { InterfaceUser } from './usageReads';

export interface AwsProfileInfo {
  readonly name: string;
  readonly region?: string;
  /** 'sso', 'role', 'process', 'keys' or 'other'. */
  readonly kind: string;
  readonly source: 'config' | 'credentials' | 'both';
}

/** Profiles from the shared config and credentials files (AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE honoured). */
export async function listProfiles(): Promise<AwsProfileInfo[]> {
  // Not the SDK's cached copy: profiles added since the last look must show.
  const { configFile, credentialsFile } = await loadSharedConfigFiles({ ignoreCache: true });
  const names = new Set([...Object.keys(configFile), ...Object.keys(credentialsFile)]);
  return [...names].sort().map((name) => {
    const c = configFile[name] ?? {};
    const k = credentialsFile[name] ?? {};
    const all = { ...k, ...c };
    const kind =
      all.sso_session || all.sso_start_url ? 'sso' : all.role_arn ? 'role' : all.credential_process ? 'process' : all.aws_access_key_id ? 'keys' : 'other';
    const source = configFile[name] && credentialsFile[name] ? 'both' : configFile[name] ? 'config' : 'credentials';
    return { name, region: c.region ?? k.region, kind, source };
  });
}

export interface LoadOptions {
  readonly abortSignal?: AbortSignal;
  /** The rules read of a Region's load (reads.readRegionRules); the benchmark compares 'chain' with the default. */
  readonly rulesStrategy?: reads.ReadOptions['rulesStrategy'];
}

/** All AWS access for one connection (profile + endpoint). */
export class AwsGateway {
  private readonly pool: ClientPool;
  private calls = 0;
  private readonly prefixLists: PrefixListCache = new Map();

  constructor(
    readonly settings: ConnectionSettings,
    onCall?: CallListener,
  ) {
    this.pool = new ClientPool(settings, (call, input) => {
      this.calls++;
      onCall?.(call, input);
    });
  }

  /** Number of AWS calls made so far (for the benchmark). */
  get callCount(): number {
    return this.calls;
  }

  dispose(): void {
    this.pool.destroy();
  }

  private c(region: string) {
    return this.pool.get(region);
  }

  /** The Region's load; `onPart` sees each partial snapshot as the reads answer (readRegion). */
  loadRegion(region: string, o: LoadOptions & { onPart?: (partial: RegionSnapshot) => void } = {}): Promise<RegionSnapshot> {
    return reads.readRegion(this.c(region), o);
  }
  /**
   * The network part of a Region (subnets, route tables, ACLs, DB subnet groups), read on demand after
   * the tree; `prefixListIds` are the lists whose entries the analysis needs (cached per list: see forgetPrefixLists).
   */
  loadNetwork(region: string, prefixListIds: readonly string[] = [], o: LoadOptions = {}): Promise<NetworkSnapshot> {
    return readNetwork(this.c(region), this.prefixLists, prefixListIds, o);
  }
  /** Drops the cached prefix list entries of a Region (on refresh). */
  forgetPrefixLists(region?: string): void {
    for (const k of [...this.prefixLists.keys()]) if (!region || k.startsWith(`${region}\u0000`)) this.prefixLists.delete(k);
  }
  readGroups(region: string, groupIds: string[], o: LoadOptions = {}): Promise<SecurityGroup[]> {
    return reads.readGroups(this.c(region), o, groupIds);
  }
  findGroupsByName(region: string, vpcId: string, groupName: string, o: LoadOptions = {}): Promise<SecurityGroup[]> {
    return reads.readGroupsByName(this.c(region), vpcId, groupName, o);
  }
  readRules(region: string, groupIds: string[], o: LoadOptions = {}): Promise<SecurityGroupRule[]> {
    return reads.readRules(this.c(region), o, groupIds);
  }
  async readCluster(region: string, clusterId: string, o: LoadOptions = {}): Promise<DbCluster | undefined> {
    return (await reads.readClusters(this.c(region), o, clusterId))[0];
  }
  async readInstance(region: string, instanceId: string, o: LoadOptions = {}): Promise<DbInstance | undefined> {
    return (await reads.readInstances(this.c(region), o, instanceId))[0];
  }
  readEc2Instances(region: string, filter?: { vpcId?: string; groupIds?: string[] }, o: LoadOptions = {}): Promise<Ec2Instance[]> {
    return reads.readEc2Instances(this.c(region), o, filter);
  }
  /** DescribeNetworkInterfaces with the group-id filter: every interface that carries the group. */
  readGroupInterfaces(region: string, groupId: string, o: LoadOptions = {}): Promise<InterfaceUser[]> {
    return readGroupInterfaces(this.c(region), o, groupId);
  }
  /** STS GetCallerIdentity: the ARN of whoever the credentials are (needs no permission). */
  async callerArn(region: string): Promise<string> {
    const c = this.c(region);
    if (!c.sts) throw new Error('STS is not available');
    const out = await c.sts().send(new GetCallerIdentityCommand({}));
    return out.Arn ?? out.UserId ?? 'unknown';
  }
  /** DescribeSecurityGroupVpcAssociations: the other VPCs the group is associated with. */
  readGroupVpcAssociations(region: string, groupId: string, o: LoadOptions = {}): Promise<{ vpcId: string; state: string }[]> {
    return readGroupVpcAssociations(this.c(region), o, groupId);
  }
  /** DescribeSecurityGroupReferences: the peered VPCs (any account) whose rules reference the group. */
  readGroupReferences(region: string, groupId: string, o: LoadOptions = {}): Promise<GroupReference[]> {
    return readGroupReferences(this.c(region), o, groupId);
  }
  listPrefixLists(region: string, o: LoadOptions = {}): Promise<writes.PrefixListInfo[]> {
    return writes.listPrefixLists(this.c(region), o.abortSignal);
  }

  createSecurityGroup(region: string, spec: writes.CreateGroupSpec): Promise<string> {
    return writes.createSecurityGroup(this.c(region), spec);
  }
  authorizeRule(region: string, spec: RuleSpec): Promise<SecurityGroupRule[]> {
    return writes.authorizeRule(this.c(region), spec);
  }
  revokeRules(region: string, groupId: string, isEgress: boolean, ruleIds: readonly string[]): Promise<void> {
    return writes.revokeRules(this.c(region), groupId, isEgress, ruleIds);
  }
  modifyRule(region: string, groupId: string, ruleId: string, spec: Omit<RuleSpec, 'groupId' | 'isEgress'>): Promise<void> {
    return writes.modifyRule(this.c(region), groupId, ruleId, spec);
  }
  /** UpdateSecurityGroupRuleDescriptionsIngress/Egress: spec is the rule as it is, with the new description. */
  updateRuleDescription(region: string, spec: RuleSpec): Promise<void> {
    return writes.updateRuleDescription(this.c(region), spec);
  }
  deleteSecurityGroup(region: string, groupId: string): Promise<void> {
    return writes.deleteSecurityGroup(this.c(region), groupId);
  }
  setClusterGroups(region: string, clusterId: string, groupIds: readonly string[]): Promise<DbCluster | undefined> {
    return writes.setClusterGroups(this.c(region), clusterId, groupIds);
  }
  setInstanceGroups(region: string, instanceId: string, groupIds: readonly string[]): Promise<DbInstance | undefined> {
    return writes.setInstanceGroups(this.c(region), instanceId, groupIds);
  }
  setNetworkInterfaceGroups(region: string, networkInterfaceId: string, groupIds: readonly string[]): Promise<void> {
    return writes.setNetworkInterfaceGroups(this.c(region), networkInterfaceId, groupIds);
  }
  /** The EC2 write `api` with `input` and DryRun: true: 'allowed' (DryRunOperation), or the refusal thrown (writes.dryRun). */
  dryRun(region: string, api: string, input: object): Promise<'allowed' | 'answered'> {
    return writes.dryRun(this.c(region), api, input);
  }
}

export function createGateway(settings: ConnectionSettings, onCall?: CallListener): AwsGateway {
  return new AwsGateway(settings, onCall);
}
