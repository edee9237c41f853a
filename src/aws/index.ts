// The AWS layer's one entry point. The extension loads this module (bundled as dist/aws.js)
// on its first AWS call, never during activation.
import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import type { DbCluster, DbInstance, Ec2Instance, RegionSnapshot, RuleSpec, SecurityGroup, SecurityGroupRule } from '../domain/model';
import { ClientPool, type CallListener, type ConnectionSettings } from './clients';
import type { NetworkSnapshot } from '../domain/network';
import { readNetwork, type PrefixListCache } from './networkReads';
import * as reads from './reads';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { ListAccountAliasesCommand } from '@aws-sdk/client-iam';
import type { AccountIdentity } from '../domain/accounts';
import { parseScope, SCOPE_SEPARATOR, scopeKey } from '../domain/scope';
import { readGroupInterfaces, readGroupReferences, readGroupVpcAssociations, type GroupReference, type InterfaceUser } from './usageReads';
import * as writes from './writes';
import { localAnswers } from './warmUp';

export type { CallListener, CallRecord, ConnectionSettings } from './clients';
export type { CreateGroupSpec, PrefixListInfo } from './writes';
export type { InterfaceUser } from './usageReads';
export type { GroupReference } from './usageReads';

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
  // The config file's other sections come keyed as 'sso-session.NAME' and 'services.NAME': no profiles.
  const names = new Set([...Object.keys(configFile), ...Object.keys(credentialsFile)].filter((n) => !/^(sso-session|services)\./.test(n)));
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
    // A scope key of several accounts (profile/Region) is the routing gateway's (src/aws/routing.ts):
    // one connection never sends it to the SDK as a Region.
    if (region.includes(SCOPE_SEPARATOR))
      throw Object.assign(new Error(`"${region}" names a Region of one of several accounts: set auroraSg.profiles to use several accounts.`), {
        name: 'UserError',
      });
    return this.pool.get(region);
  }

  /** The Region's load; `onPart` sees each partial snapshot as the reads answer, `heavyAnswersAfter` lets the first rows go first (readRegion). */
  loadRegion(region: string, o: LoadOptions & Pick<reads.RegionReadOptions, 'onPart' | 'heavyAnswersAfter'> = {}): Promise<RegionSnapshot> {
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
  /**
   * The account of the credentials: STS GetCallerIdentity (needs no permission), and the alias from
   * IAM ListAccountAliases where the caller may read it (an account has at most one; any refusal,
   * AccessDenied first of all, just leaves it out).
   */
  async accountIdentity(region: string): Promise<AccountIdentity> {
    const c = this.c(region);
    if (!c.sts) throw new Error('STS is not available');
    const out = await c.sts().send(new GetCallerIdentityCommand({}));
    let alias: string | undefined;
    try {
      alias = c.iam ? (await c.iam().send(new ListAccountAliasesCommand({}))).AccountAliases?.[0] : undefined;
    } catch {
      alias = undefined;
    }
    return { accountId: out.Account ?? 'unknown', arn: out.Arn, ...(alias ? { alias } : {}) };
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

/**
 * One load of a Region through the real gateway and SDK clients, every call answered in the process
 * with an empty answer (src/aws/warmUp.ts): the code of a first load is compiled before the view's
 * first load needs it. Nothing is sent, no credentials are read. Resolves with the actions answered;
 * never rejects (a failure only means a colder start).
 */
export async function warmUpReads(region = 'us-east-1'): Promise<readonly string[]> {
  const seen: string[] = [];
  const gw = new AwsGateway({ local: localAnswers(seen), maxAttempts: 1 });
  try {
    await gw.loadRegion(region);
  } catch {
    // An empty answer some read does not take: what ran is warm all the same.
  } finally {
    gw.dispose();
  }
  return seen;
}

export function createGateway(settings: ConnectionSettings, onCall?: CallListener): AwsGateway {
  return new AwsGateway(settings, onCall);
}

// Several accounts at once (auroraSg.profiles): one AwsGateway per profile, behind one object with
// the AwsGateway interface. Every method takes a scope key (profile/Region, src/domain/scope.ts)
// where one connection takes a Region: the router splits it and calls that profile's gateway with
// the AWS Region. The model objects, the call log and the errors carry the key (the profile's
// pool labels its clients with it: ConnectionSettings.scopeOf), so everything above this layer
// stays keyed by scope. A profile that cannot sign fails its own calls only.

/** A scope key that names no configured profile: refused before any call (the bad input rule). */
function unknownScope(key: string, profiles: readonly string[]): Error {
  const { profile } = parseScope(key);
  const why =
    profile === undefined
      ? `"${key}" names a Region without its account; with several accounts (auroraSg.profiles) use profile/Region, e.g. ${profiles[0] ?? 'prod'}/${key}.`
      : `"${profile}" is not one of the profiles in auroraSg.profiles (${profiles.join(', ')}).`;
  return Object.assign(new Error(why), { name: 'UserError' });
}

export class RoutingGateway extends AwsGateway {
  private readonly gateways = new Map<string, AwsGateway>();

  constructor(
    readonly profiles: readonly string[],
    settings: Omit<ConnectionSettings, 'profile'>,
    onCall?: CallListener,
    /** Builds one profile's gateway (tests count or fake them). */
    make: (settings: ConnectionSettings, onCall?: CallListener) => AwsGateway = (s, l) => new AwsGateway(s, l),
  ) {
    super(settings, onCall);
    for (const profile of profiles)
      this.gateways.set(profile, make({ ...settings, profile, testKeysFallback: false, scopeOf: (region) => scopeKey(profile, region) }, onCall));
  }

  /** The gateway of a scope key's profile and the AWS Region to give it. */
  route(key: string): { gateway: AwsGateway; region: string } {
    const { profile, region } = parseScope(key);
    const gateway = profile === undefined ? undefined : this.gateways.get(profile);
    if (!gateway) throw unknownScope(key, this.profiles);
    return { gateway, region };
  }

  /** The gateway of one profile (the account's identity read, sign-in). */
  gatewayOf(profile: string): AwsGateway | undefined {
    return this.gateways.get(profile);
  }

  override get callCount(): number {
    let n = 0;
    for (const g of this.gateways.values()) n += g.callCount;
    return n;
  }
  override dispose(): void {
    for (const g of this.gateways.values()) g.dispose();
    super.dispose();
  }
  override loadRegion(key: string, o?: LoadOptions & Pick<reads.RegionReadOptions, 'onPart' | 'heavyAnswersAfter'>): Promise<RegionSnapshot> {
    const r = this.route(key);
    return r.gateway.loadRegion(r.region, o);
  }
  override loadNetwork(key: string, prefixListIds?: readonly string[], o?: LoadOptions): Promise<NetworkSnapshot> {
    const r = this.route(key);
    return r.gateway.loadNetwork(r.region, prefixListIds, o);
  }
  /** Without a key: every profile's cache; with one: that scope's (the per-profile cache is keyed by scope: scopeOf). */
  override forgetPrefixLists(key?: string): void {
    if (key === undefined) for (const g of this.gateways.values()) g.forgetPrefixLists();
    else this.route(key).gateway.forgetPrefixLists(key);
  }
  override readGroups(key: string, groupIds: string[], o?: LoadOptions): Promise<SecurityGroup[]> {
    const r = this.route(key);
    return r.gateway.readGroups(r.region, groupIds, o);
  }
  override findGroupsByName(key: string, vpcId: string, groupName: string, o?: LoadOptions): Promise<SecurityGroup[]> {
    const r = this.route(key);
    return r.gateway.findGroupsByName(r.region, vpcId, groupName, o);
  }
  override readRules(key: string, groupIds: string[], o?: LoadOptions): Promise<SecurityGroupRule[]> {
    const r = this.route(key);
    return r.gateway.readRules(r.region, groupIds, o);
  }
  override readCluster(key: string, clusterId: string, o?: LoadOptions): Promise<DbCluster | undefined> {
    const r = this.route(key);
    return r.gateway.readCluster(r.region, clusterId, o);
  }
  override readInstance(key: string, instanceId: string, o?: LoadOptions): Promise<DbInstance | undefined> {
    const r = this.route(key);
    return r.gateway.readInstance(r.region, instanceId, o);
  }
  override readEc2Instances(key: string, filter?: { vpcId?: string; groupIds?: string[] }, o?: LoadOptions): Promise<Ec2Instance[]> {
    const r = this.route(key);
    return r.gateway.readEc2Instances(r.region, filter, o);
  }
  override readGroupInterfaces(key: string, groupId: string, o?: LoadOptions): Promise<InterfaceUser[]> {
    const r = this.route(key);
    return r.gateway.readGroupInterfaces(r.region, groupId, o);
  }
  override callerArn(key: string): Promise<string> {
    const r = this.route(key);
    return r.gateway.callerArn(r.region);
  }
  override accountIdentity(key: string): Promise<AccountIdentity> {
    const r = this.route(key);
    return r.gateway.accountIdentity(r.region);
  }
  override readGroupVpcAssociations(key: string, groupId: string, o?: LoadOptions): Promise<{ vpcId: string; state: string }[]> {
    const r = this.route(key);
    return r.gateway.readGroupVpcAssociations(r.region, groupId, o);
  }
  override readGroupReferences(key: string, groupId: string, o?: LoadOptions): Promise<GroupReference[]> {
    const r = this.route(key);
    return r.gateway.readGroupReferences(r.region, groupId, o);
  }
  override listPrefixLists(key: string, o?: LoadOptions): Promise<writes.PrefixListInfo[]> {
    const r = this.route(key);
    return r.gateway.listPrefixLists(r.region, o);
  }
  override createSecurityGroup(key: string, spec: writes.CreateGroupSpec): Promise<string> {
    const r = this.route(key);
    return r.gateway.createSecurityGroup(r.region, spec);
  }
  override authorizeRule(key: string, spec: RuleSpec): Promise<SecurityGroupRule[]> {
    const r = this.route(key);
    return r.gateway.authorizeRule(r.region, spec);
  }
  override revokeRules(key: string, groupId: string, isEgress: boolean, ruleIds: readonly string[]): Promise<void> {
    const r = this.route(key);
    return r.gateway.revokeRules(r.region, groupId, isEgress, ruleIds);
  }
  override modifyRule(key: string, groupId: string, ruleId: string, spec: Omit<RuleSpec, 'groupId' | 'isEgress'>): Promise<void> {
    const r = this.route(key);
    return r.gateway.modifyRule(r.region, groupId, ruleId, spec);
  }
  override updateRuleDescription(key: string, spec: RuleSpec): Promise<void> {
    const r = this.route(key);
    return r.gateway.updateRuleDescription(r.region, spec);
  }
  override deleteSecurityGroup(key: string, groupId: string): Promise<void> {
    const r = this.route(key);
    return r.gateway.deleteSecurityGroup(r.region, groupId);
  }
  override setClusterGroups(key: string, clusterId: string, groupIds: readonly string[]): Promise<DbCluster | undefined> {
    const r = this.route(key);
    return r.gateway.setClusterGroups(r.region, clusterId, groupIds);
  }
  override setInstanceGroups(key: string, instanceId: string, groupIds: readonly string[]): Promise<DbInstance | undefined> {
    const r = this.route(key);
    return r.gateway.setInstanceGroups(r.region, instanceId, groupIds);
  }
  override setNetworkInterfaceGroups(key: string, networkInterfaceId: string, groupIds: readonly string[]): Promise<void> {
    const r = this.route(key);
    return r.gateway.setNetworkInterfaceGroups(r.region, networkInterfaceId, groupIds);
  }
  override dryRun(key: string, api: string, input: object): Promise<'allowed' | 'answered'> {
    const r = this.route(key);
    return r.gateway.dryRun(r.region, api, input);
  }
}

export function createRoutingGateway(profiles: readonly string[], settings: Omit<ConnectionSettings, 'profile'>, onCall?: CallListener): RoutingGateway {
  return new RoutingGateway(profiles, settings, onCall);
}
