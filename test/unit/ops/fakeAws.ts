// An in-memory account behind a fake gateway, for the operations layer's unit tests: writes change
// it as AWS would (and refuse as AWS does), and each call can be given a fault: an answer lost after
// the change was applied, an error with nothing applied, or someone else's change at that moment.
import type { AwsGateway, InterfaceUser } from '../../../src/aws/index';
import type { GroupReference } from '../../../src/aws/usageReads';
import type { DbCluster, Ec2Instance, OtherDatabase, RuleSpec, SecurityGroup, SecurityGroupRule, Vpc, VpcPeering } from '../../../src/domain/model';
import type { ActivitySink, OpsContext } from '../../../src/ops/context';
import { RegionStore } from '../../../src/state/store';
import { ScriptedPrompter, type Answer } from '../../vscode/scripted';

export const R = 'us-east-1';
export const VPC = 'vpc-0a0a0a0a';
export const APP = 'sg-0a000001';
export const DB = 'sg-0a000002';
export const SPARE = 'sg-0a000003';
export const DEFAULT = 'sg-0a000000';

/** An error shaped like the SDK's: its code as the name, the HTTP status, the attempts made. */
export function awsError(name: string, status: number, attempts = 1): Error {
  return Object.assign(new Error(`${name} (test)`), { name, $metadata: { httpStatusCode: status, attempts } });
}

export interface Fault {
  /** The change is made, then the error comes back (the answer was lost). */
  readonly applied?: boolean;
  readonly error: Error;
  /** Runs first: someone else changes the account at that moment. */
  readonly before?: () => void;
}

type Method = keyof AwsGateway;

export class FakeAws {
  readonly vpcs: Vpc[] = [{ region: R, vpcId: VPC, name: 'shop-vpc', cidrBlocks: ['10.0.0.0/16'], ipv6CidrBlocks: [], isDefault: false, tags: {} }];
  groups: SecurityGroup[] = [this.group(DEFAULT, 'default'), this.group(APP, 'appsrv1'), this.group(DB, 'dbsrv1'), this.group(SPARE, 'spare')];
  rules: SecurityGroupRule[] = [
    { region: R, ruleId: 'sgr-db0001', groupId: DB, isEgress: false, protocol: 'tcp', fromPort: 3306, toPort: 3306, peer: { kind: 'group', groupId: APP } },
    {
      region: R,
      ruleId: 'sgr-ap0001',
      groupId: APP,
      isEgress: false,
      protocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      peer: { kind: 'cidr4', cidr: '10.1.0.0/16' },
    },
    { region: R, ruleId: 'sgr-ap0002', groupId: APP, isEgress: false, protocol: 'tcp', fromPort: 22, toPort: 22, peer: { kind: 'cidr4', cidr: '10.2.0.0/16' } },
    { region: R, ruleId: 'sgr-ap0003', groupId: APP, isEgress: true, protocol: '-1', fromPort: -1, toPort: -1, peer: { kind: 'cidr4', cidr: '0.0.0.0/0' } },
  ];
  clusters: DbCluster[] = [
    {
      region: R,
      clusterId: 'orders',
      kind: 'aurora',
      engine: 'aurora-mysql',
      port: 3306,
      status: 'available',
      members: [],
      securityGroups: [{ groupId: DB, status: 'active' }],
      vpcId: VPC,
    },
  ];
  ec2: Ec2Instance[] = [];
  /** The Region's VPC peering connections; undefined: the read failed (unknown). */
  peerings?: VpcPeering[];
  /** Every gateway call, in order, by method name. */
  readonly calls: Method[] = [];
  /** APIs whose permission is missing: their DryRun answers UnauthorizedOperation (EC2 API Reference, DryRun). */
  readonly denied = new Set<string>();
  /** The APIs checked with DryRun, in order. */
  readonly dryRuns: string[] = [];
  /** Authorize answers without the created rules (some endpoints do). */
  quietAuthorize = false;
  /** Runs when a method is called (before its fault), e.g. to cancel the progress at that moment. */
  readonly on = new Map<Method, () => void>();
  private readonly faults = new Map<Method, Fault[]>();
  private seq = 0;

  group(groupId: string, groupName: string): SecurityGroup {
    return { region: R, groupId, groupName, description: `${groupName} servers`, vpcId: VPC, tags: {} };
  }

  fault(method: Method, ...faults: Fault[]): this {
    this.faults.set(method, [...(this.faults.get(method) ?? []), ...faults]);
    return this;
  }

  count(method: Method): number {
    return this.calls.filter((c) => c === method).length;
  }

  /** A rule added by someone else. */
  addElsewhere(spec: RuleSpec): SecurityGroupRule {
    const r = { ...spec, region: R, ruleId: `sgr-x${++this.seq}` };
    this.rules.push(r);
    return r;
  }

  private async run<T>(method: Method, work: () => T): Promise<T> {
    this.calls.push(method);
    this.on.get(method)?.();
    await undefined;
    const f = this.faults.get(method)?.shift();
    f?.before?.();
    if (!f) return work();
    if (f.applied) work();
    throw f.error;
  }

  private need(groupId: string): SecurityGroup {
    const g = this.groups.find((x) => x.groupId === groupId);
    if (!g) throw awsError('InvalidGroup.NotFound', 400);
    return g;
  }

  /** Neptune / DocumentDB clusters the load keeps aside (RegionSnapshot.otherDatabases). */
  otherDatabases: OtherDatabase[] | undefined;
  /** Network interfaces by the group they carry (DescribeNetworkInterfaces group-id). */
  interfaces: (InterfaceUser & { readonly groupIds: readonly string[] })[] = [];
  /** DescribeSecurityGroupReferences: peered VPCs (of any account) whose rules reference a group, by group id. */
  groupReferences = new Map<string, GroupReference[]>();
  /** DescribeSecurityGroupVpcAssociations: the other VPCs a group is associated with, by group id. */
  vpcAssociations = new Map<string, string[]>();

  gateway(): AwsGateway {
    const gw: Partial<Record<Method, unknown>> = {
      loadRegion: (region: string) =>
        this.run('loadRegion', () => ({
          region,
          vpcs: [...this.vpcs],
          groups: [...this.groups],
          rules: [...this.rules],
          clusters: [...this.clusters],
          instances: [],
          loadedAt: Date.now(),
          ...(this.peerings ? { peerings: [...this.peerings] } : {}),
          ...(this.otherDatabases ? { otherDatabases: [...this.otherDatabases] } : {}),
        })),
      readGroups: (_r: string, ids: string[]) => this.run('readGroups', () => ids.map((id) => this.need(id))),
      findGroupsByName: (_r: string, vpcId: string, name: string) =>
        this.run('findGroupsByName', () => this.groups.filter((g) => g.vpcId === vpcId && g.groupName === name)),
      readRules: (_r: string, ids: string[]) => this.run('readRules', () => this.rules.filter((r) => ids.includes(r.groupId))),
      readCluster: (_r: string, id: string) => this.run('readCluster', () => this.clusters.find((c) => c.clusterId === id)),
      readInstance: () => this.run('readInstance', () => undefined),
      readEc2Instances: (_r: string, f?: { groupIds?: string[] }) =>
        this.run('readEc2Instances', () => this.ec2.filter((i) => !f?.groupIds || i.securityGroupIds.some((g) => f.groupIds!.includes(g)))),
      readGroupInterfaces: (_r: string, id: string) =>
        this.run('readGroupInterfaces', () => this.interfaces.filter((n) => n.groupIds.includes(id)).map(({ groupIds: _g, ...n }) => n)),
      readGroupVpcAssociations: (_r: string, id: string) =>
        this.run('readGroupVpcAssociations', () => (this.vpcAssociations.get(id) ?? []).map((vpcId) => ({ vpcId, state: 'associated' }))),
      readGroupReferences: (_r: string, id: string) => this.run('readGroupReferences', () => this.groupReferences.get(id) ?? []),
      listPrefixLists: () => this.run('listPrefixLists', () => []),
      callerArn: () => this.run('callerArn', () => 'arn:aws:iam::123456789012:user/fake'),
      // DryRun: DryRunOperation when permitted (answered as 'allowed'), UnauthorizedOperation otherwise; nothing changes.
      dryRun: (_r: string, api: string) =>
        this.run('dryRun', () => {
          this.dryRuns.push(api);
          if (this.denied.has(api))
            throw Object.assign(awsError('UnauthorizedOperation', 403), { message: 'You are not authorized to perform this operation. (test)' });
          return 'allowed';
        }),
      // ModifyNetworkInterfaceAttribute Groups replaces the interface's list (EC2 API Reference);
      // moto 5.2.1 only ever adds to it, so removals are tested here.
      setNetworkInterfaceGroups: (_r: string, eni: string, groupIds: readonly string[]) =>
        this.run('setNetworkInterfaceGroups', () => {
          if (groupIds.length > 5) throw awsError('SecurityGroupsPerInterfaceLimitExceeded', 400);
          const i = this.ec2.findIndex((x) => x.primaryInterface?.networkInterfaceId === eni);
          if (i < 0) throw awsError('InvalidNetworkInterfaceID.NotFound', 400);
          const inst = this.ec2[i]!;
          this.ec2[i] = { ...inst, securityGroupIds: [...groupIds], primaryInterface: { networkInterfaceId: eni, groupIds: [...groupIds] } };
        }),
      createSecurityGroup: (_r: string, spec: { vpcId: string; groupName: string; description: string; tags?: Record<string, string> }) =>
        this.run('createSecurityGroup', () => {
          if (this.groups.some((g) => g.vpcId === spec.vpcId && g.groupName.toLowerCase() === spec.groupName.toLowerCase()))
            throw awsError('InvalidGroup.Duplicate', 400);
          const groupId = `sg-0b${String(++this.seq).padStart(6, '0')}`;
          this.groups.push({ region: R, groupId, groupName: spec.groupName, description: spec.description, vpcId: spec.vpcId, tags: { ...(spec.tags ?? {}) } });
          return groupId;
        }),
      deleteSecurityGroup: (_r: string, id: string) =>
        this.run('deleteSecurityGroup', () => {
          this.need(id);
          this.groups = this.groups.filter((g) => g.groupId !== id);
          this.rules = this.rules.filter((r) => r.groupId !== id);
        }),
      authorizeRule: (_r: string, spec: RuleSpec) =>
        this.run('authorizeRule', () => {
          this.need(spec.groupId);
          const same = (x: SecurityGroupRule) =>
            x.groupId === spec.groupId &&
            x.isEgress === spec.isEgress &&
            x.protocol === spec.protocol &&
            x.fromPort === spec.fromPort &&
            x.toPort === spec.toPort &&
            JSON.stringify(x.peer) === JSON.stringify(spec.peer);
          if (this.rules.some(same)) throw awsError('InvalidPermission.Duplicate', 400);
          const r = { ...spec, region: R, ruleId: `sgr-n${++this.seq}` };
          this.rules.push(r);
          return this.quietAuthorize ? [] : [r];
        }),
      modifyRule: (_r: string, groupId: string, ruleId: string, spec: Omit<RuleSpec, 'groupId' | 'isEgress'>) =>
        this.run('modifyRule', () => {
          const i = this.rules.findIndex((x) => x.ruleId === ruleId && x.groupId === groupId);
          if (i < 0) throw awsError('InvalidSecurityGroupRuleId.NotFound', 400);
          // AWS refuses another kind of source (CIDR of the other IP family, group, prefix list): "When
          // you modify a rule, you cannot change the rule type. For example, if the rule uses an IPv4
          // address range, you must use an IPv4 address range" (EC2 API reference,
          // SecurityGroupRuleRequest). moto answers success and changes nothing.
          if (this.rules[i].peer.kind !== spec.peer.kind)
            throw Object.assign(awsError('InvalidParameterValue', 400), { message: 'When you modify a rule, you cannot change the rule type (test)' });
          this.rules[i] = { ...this.rules[i], ...spec };
        }),
      updateRuleDescription: (_r: string, spec: RuleSpec) =>
        this.run('updateRuleDescription', () => {
          // UpdateSecurityGroupRuleDescriptions* names the rule by its IpPermission; none matching is
          // InvalidPermission.NotFound. An absent description removes it (EC2 API reference).
          const i = this.rules.findIndex(
            (x) =>
              x.groupId === spec.groupId &&
              x.isEgress === spec.isEgress &&
              x.protocol === spec.protocol &&
              x.fromPort === spec.fromPort &&
              x.toPort === spec.toPort &&
              JSON.stringify(x.peer) === JSON.stringify(spec.peer),
          );
          if (i < 0) throw awsError('InvalidPermission.NotFound', 400);
          this.rules[i] = { ...this.rules[i], description: spec.description };
        }),
      revokeRules: (_r: string, groupId: string, isEgress: boolean, ids: readonly string[]) =>
        this.run('revokeRules', () => {
          if (ids.some((id) => !this.rules.some((x) => x.ruleId === id && x.groupId === groupId && x.isEgress === isEgress)))
            throw awsError('InvalidSecurityGroupRuleId.NotFound', 400);
          this.rules = this.rules.filter((x) => !ids.includes(x.ruleId));
        }),
    };
    return gw as unknown as AwsGateway;
  }
}

/** An OpsContext over the fake account: a real RegionStore, scripted answers, the log as lines. */
export function fakeContext(aws: FakeAws, answers: Answer[] = [], o: { readonly dryRun?: boolean; readonly activity?: ActivitySink } = {}) {
  const ui = new ScriptedPrompter(answers);
  const logs: string[] = [];
  const gw = aws.gateway();
  const store = new RegionStore(async () => gw, [R]);
  const ctx: OpsContext = {
    gateway: () => gw,
    store,
    ui,
    log: { info: (m) => logs.push(`info: ${m}`), warn: (m) => logs.push(`warn: ${m}`), error: (m) => logs.push(`error: ${m}`) },
    settings: o.dryRun ? { dryRun: true } : {},
    ...(o.activity ? { activity: o.activity } : {}),
  };
  return { ctx, ui, logs, store, load: () => store.load(R) };
}

/** The promise's rejection (asserting it rejects). */
export async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}
