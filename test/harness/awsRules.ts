// The "AWS rules" layer of the fault proxy: refuses what AWS refuses where moto is lenient, so
// the tests see AWS's behaviour, not moto's. A rule sees the parsed query-protocol request and
// may read moto's current state (the SDK clients pointed at moto directly) to decide; it answers
// with AWS's error code and message in AWS's XML shape (awsErrorBody). Each rule cites the
// document its behaviour comes from. Where moto differs, /work/shared/notes/aws-facts.md (the
// notes on moto) and the README's testing section say so.
import {
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcPeeringConnectionsCommand,
  EC2Client,
  type SecurityGroup,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, paginateDescribeDBInstances, RDSClient } from '@aws-sdk/client-rds';

export interface AwsRefusal {
  readonly status?: number;
  readonly code: string;
  readonly message: string;
  /** Not a refusal: AWS's normal error answer that moto does not give (a DryRun's DryRunOperation); the audit does not count it. */
  readonly expected?: boolean;
}

/** What a rule sees: the request, and moto's clients (bypassing the proxy) for the request's Region. */
export interface AwsRuleContext {
  readonly action: string;
  readonly service: string;
  readonly region: string;
  readonly params: URLSearchParams;
  readonly ec2: EC2Client;
  readonly rds: RDSClient;
}

/** An answer the layer gives itself, in AWS's shape, where moto cannot answer (HTTP 500). */
export interface AwsAnswer {
  /** The query-protocol XML body AWS would send. */
  readonly answer: string;
}

export interface AwsRule {
  readonly name: string;
  readonly actions: readonly string[];
  check(ctx: AwsRuleContext): Promise<AwsRefusal | AwsAnswer | undefined> | AwsRefusal | AwsAnswer | undefined;
}

export const isAnswer = (r: AwsRefusal | AwsAnswer): r is AwsAnswer => 'answer' in r;

export interface AwsRulesOptions {
  /** Groups per network interface / EC2 instance (default 5, as AWS's default quota). */
  readonly groupsPerInterface?: number;
  /** Security groups (VPC) per DB cluster or instance (default 5). */
  readonly groupsPerDb?: number;
}

/** The values of a query-protocol list (`Name.1`, `Name.2`, … or `Name.member.1`, …). */
export function listParam(params: URLSearchParams, prefix: string): string[] {
  const out: Array<[number, string]> = [];
  const re = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.(\\d+)$`);
  for (const [k, v] of params) {
    const m = re.exec(k);
    if (m) out.push([Number(m[1]), v]);
  }
  return out.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
}

/** The kind of a rule's peer: AWS does not let ModifySecurityGroupRules change it. */
function peerKind(r: { CidrIpv4?: string; CidrIpv6?: string; ReferencedGroupId?: string; PrefixListId?: string }): string | undefined {
  if (r.CidrIpv4) return 'IPv4 CIDR';
  if (r.CidrIpv6) return 'IPv6 CIDR';
  if (r.ReferencedGroupId) return 'security group';
  if (r.PrefixListId) return 'prefix list';
  return undefined;
}

const xmlEscape = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** `<tag>value</tag>`, or nothing when the value is absent (EC2's query protocol leaves absent members out). */
const el = (tag: string, v: string | number | undefined) => (v === undefined || v === '' ? '' : `<${tag}>${xmlEscape(String(v))}</${tag}>`);
const ec2Answer = (action: string, inner: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>aws-rules-${action}</requestId>${inner}</${action}Response>`;

/** Groups by id, from a filter (so a missing id is just absent, not an error). */
async function groupsById(ec2: EC2Client, ids: readonly string[]): Promise<Map<string, SecurityGroup>> {
  const out = new Map<string, SecurityGroup>();
  if (ids.length === 0) return out;
  const r = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-id', Values: [...new Set(ids)] }] }));
  for (const g of r.SecurityGroups ?? []) if (g.GroupId) out.set(g.GroupId, g);
  return out;
}

interface PeeringFacts {
  readonly id: string;
  readonly status: string;
  readonly vpcs: readonly [string, string];
}

async function peeringsOf(ec2: EC2Client): Promise<PeeringFacts[]> {
  const r = await ec2.send(new DescribeVpcPeeringConnectionsCommand({}));
  return (r.VpcPeeringConnections ?? []).map((p) => ({
    id: p.VpcPeeringConnectionId ?? '',
    status: p.Status?.Code ?? '',
    vpcs: [p.RequesterVpcInfo?.VpcId ?? '', p.AccepterVpcInfo?.VpcId ?? ''] as const,
  }));
}

/** The active peering connection between two VPCs (same Region: these clients are one Region's). */
const activePeering = (ps: readonly PeeringFacts[], a: string, b: string) =>
  ps.find((p) => p.status === 'active' && ((p.vpcs[0] === a && p.vpcs[1] === b) || (p.vpcs[0] === b && p.vpcs[1] === a)));
const anyPeering = (ps: readonly PeeringFacts[], a: string, b: string) =>
  ps.find((p) => (p.vpcs[0] === a && p.vpcs[1] === b) || (p.vpcs[0] === b && p.vpcs[1] === a));

/** The groups a rule-adding request references, with the account given for each (UserId). */
function referencedGroups(action: string, params: URLSearchParams): { groupId: string; userId?: string }[] {
  const out: { groupId: string; userId?: string }[] = [];
  if (action === 'ModifySecurityGroupRules') {
    for (let i = 1; params.has(`SecurityGroupRule.${i}.SecurityGroupRuleId`); i++) {
      const g = params.get(`SecurityGroupRule.${i}.SecurityGroupRule.ReferencedGroupId`);
      if (g) out.push({ groupId: g });
    }
    return out;
  }
  for (const [k, v] of params) {
    const m = /^IpPermissions\.(\d+)\.Groups\.(\d+)\.GroupId$/.exec(k);
    if (!m) continue;
    const userId = params.get(`IpPermissions.${m[1]}.Groups.${m[2]}.UserId`) ?? undefined;
    out.push({ groupId: v, ...(userId ? { userId } : {}) });
  }
  return out;
}

/** A rule's referenced group, when the rule references one. */
const refOf = (r: SecurityGroupRule) => r.ReferencedGroupInfo?.GroupId;

/** All rules of the given groups (or of the Region), in one read each 200 groups. */
async function rulesOf(ec2: EC2Client, groupIds?: readonly string[]): Promise<SecurityGroupRule[]> {
  if (!groupIds) return (await ec2.send(new DescribeSecurityGroupRulesCommand({}))).SecurityGroupRules ?? [];
  const out: SecurityGroupRule[] = [];
  for (let i = 0; i < groupIds.length; i += 200) {
    const r = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: groupIds.slice(i, i + 200) }] }));
    out.push(...(r.SecurityGroupRules ?? []));
  }
  return out;
}

/**
 * DescribeStaleSecurityGroups as AWS answers it (EC2 API Reference, DescribeStaleSecurityGroups:
 * "Describes the stale security group rules for security groups referenced across a VPC peering
 * connection, transit gateway connection, or with a security group VPC association. Rules are
 * stale when they reference a deleted security group. Rules can also be stale if they reference a
 * security group in a peer VPC for which the VPC peering connection has been deleted"; VpcId
 * required, MaxResults 5-255). moto answers HTTP 500. The layer works it out from moto's state:
 * a rule of a group in the VPC whose referenced group no longer exists (same account), or is in
 * another VPC with no active peering connection to this one.
 */
async function staleAnswer({ params, ec2 }: AwsRuleContext): Promise<AwsRefusal | AwsAnswer> {
  const vpcId = params.get('VpcId');
  if (!vpcId) return { code: 'MissingParameter', message: 'The request must contain the parameter VpcId' };
  const max = params.get('MaxResults');
  if (max !== null && !(Number(max) >= 5 && Number(max) <= 255))
    return { code: 'InvalidParameterValue', message: `Value ( ${max} ) for parameter maxResults is invalid. Expecting a value between 5 and 255.` };
  const groups = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))).SecurityGroups ?? [];
  const rules = await rulesOf(
    ec2,
    groups.map((g) => g.GroupId!),
  );
  const referenced = await groupsById(
    ec2,
    rules.map(refOf).filter((g): g is string => !!g),
  );
  const peerings = await peeringsOf(ec2);
  const stale: string[] = [];
  for (const g of groups) {
    const perms = { in: new Map<string, string[]>(), out: new Map<string, string[]>() };
    for (const r of rules) {
      const ref = r.ReferencedGroupInfo;
      if (r.GroupId !== g.GroupId || !ref?.GroupId) continue;
      // Another account's group is not moto's to know: never called stale here.
      if (ref.UserId && ref.UserId !== g.OwnerId) continue;
      const target = referenced.get(ref.GroupId);
      const otherVpc = target?.VpcId && target.VpcId !== vpcId ? target.VpcId : undefined;
      if (target && (!otherVpc || activePeering(peerings, vpcId, otherVpc))) continue;
      const pcx = otherVpc ? anyPeering(peerings, vpcId, otherVpc) : undefined;
      const key = `${r.IpProtocol}|${r.FromPort}|${r.ToPort}`;
      const m = r.IsEgress ? perms.out : perms.in;
      const pair =
        '<item>' +
        el('groupId', ref.GroupId) +
        el('userId', ref.UserId ?? g.OwnerId) +
        el('vpcId', otherVpc) +
        el('vpcPeeringConnectionId', pcx?.id) +
        el('peeringStatus', pcx ? pcx.status : undefined) +
        '</item>';
      m.set(key, [...(m.get(key) ?? []), pair]);
    }
    if (perms.in.size === 0 && perms.out.size === 0) continue;
    const permXml = (m: Map<string, string[]>) =>
      [...m.entries()]
        .map(([key, pairs]) => {
          const [proto, from, to] = key.split('|');
          const port = (v: string | undefined) => (v === undefined || v === 'undefined' || proto === '-1' ? undefined : v);
          return `<item>${el('fromPort', port(from))}${el('ipProtocol', proto)}<ipRanges/><prefixListIds/>${el('toPort', port(to))}<groups>${pairs.join('')}</groups></item>`;
        })
        .join('');
    stale.push(
      `<item>${el('description', g.Description)}${el('groupId', g.GroupId)}${el('groupName', g.GroupName)}<staleIpPermissions>${permXml(perms.in)}</staleIpPermissions><staleIpPermissionsEgress>${permXml(perms.out)}</staleIpPermissionsEgress>${el('vpcId', vpcId)}</item>`,
    );
  }
  return { answer: ec2Answer('DescribeStaleSecurityGroups', `<staleSecurityGroupSet>${stale.join('')}</staleSecurityGroupSet>`) };
}

/**
 * DescribeSecurityGroupReferences as AWS answers it (EC2 API Reference,
 * DescribeSecurityGroupReferences: "Describes the VPCs on the other side of a VPC peering or
 * Transit Gateway connection that are referencing the security groups you've specified in this
 * request"; GroupId required; SecurityGroupReference: GroupId, ReferencingVpcId,
 * VpcPeeringConnectionId). moto answers HTTP 500.
 */
async function referencesAnswer({ params, ec2 }: AwsRuleContext): Promise<AwsRefusal | AwsAnswer> {
  const ids = listParam(params, 'GroupId');
  if (ids.length === 0) return { code: 'MissingParameter', message: 'The request must contain the parameter groupId' };
  const asked = await groupsById(ec2, ids);
  const missing = ids.find((id) => !asked.has(id));
  if (missing) return { code: 'InvalidGroup.NotFound', message: `The security group '${missing}' does not exist` };
  const rules = await rulesOf(ec2);
  const holders = await groupsById(ec2, [...new Set(rules.filter((r) => r.GroupId && asked.has(refOf(r) ?? '')).map((r) => r.GroupId!))]);
  const peerings = await peeringsOf(ec2);
  const seen = new Set<string>();
  const items: string[] = [];
  for (const r of rules) {
    const target = asked.get(refOf(r) ?? '');
    const holderVpc = holders.get(r.GroupId ?? '')?.VpcId;
    if (!target?.VpcId || !holderVpc || holderVpc === target.VpcId) continue;
    const pcx = activePeering(peerings, holderVpc, target.VpcId);
    if (!pcx || seen.has(`${target.GroupId}|${holderVpc}`)) continue;
    seen.add(`${target.GroupId}|${holderVpc}`);
    items.push(`<item>${el('groupId', target.GroupId)}${el('referencingVpcId', holderVpc)}${el('vpcPeeringConnectionId', pcx.id)}</item>`);
  }
  return { answer: ec2Answer('DescribeSecurityGroupReferences', `<securityGroupReferenceSet>${items.join('')}</securityGroupReferenceSet>`) };
}

/**
 * Security group VPC associations (Amazon VPC User Guide, "Associate security groups with multiple
 * VPCs"; EC2 API Reference, AssociateSecurityGroupVpc / DisassociateSecurityGroupVpc /
 * DescribeSecurityGroupVpcAssociations): moto 5.2.1 answers HTTP 500 to all three, so the layer
 * keeps them, per proxy, and answers in AWS's shape. A group with an association cannot be
 * deleted (DeleteSecurityGroup: DependencyViolation).
 */
function vpcAssociationRules(): { rules: AwsRule[]; associatedVpcs(groupId: string): string[] } {
  const byGroup = new Map<string, Set<string>>();
  const associatedVpcs = (groupId: string) => [...(byGroup.get(groupId) ?? [])].sort();
  const filterValues = (params: URLSearchParams, name: string) => {
    for (let i = 1; params.has(`Filter.${i}.Name`); i++) if (params.get(`Filter.${i}.Name`) === name) return listParam(params, `Filter.${i}.Value`);
    return undefined;
  };
  const rules: AwsRule[] = [
    {
      name: 'AssociateSecurityGroupVpc kept by the layer',
      actions: ['AssociateSecurityGroupVpc', 'DisassociateSecurityGroupVpc'],
      check: async ({ action, params, ec2 }) => {
        const groupId = params.get('GroupId') ?? '';
        const vpcId = params.get('VpcId') ?? '';
        const g = (await groupsById(ec2, [groupId])).get(groupId);
        if (!g) return { code: 'InvalidGroup.NotFound', message: `The security group '${groupId}' does not exist` };
        if (vpcId === g.VpcId) return { code: 'InvalidParameterValue', message: `The security group ${groupId} already belongs to ${vpcId}.` };
        const set = byGroup.get(groupId) ?? new Set<string>();
        if (action === 'AssociateSecurityGroupVpc') set.add(vpcId);
        else if (!set.delete(vpcId))
          return { code: 'InvalidSecurityGroupVpcAssociation.NotFound', message: `The association of ${groupId} with ${vpcId} does not exist.` };
        byGroup.set(groupId, set);
        return { answer: ec2Answer(action, `<state>${action === 'AssociateSecurityGroupVpc' ? 'associated' : 'disassociated'}</state>`) };
      },
    },
    {
      name: 'DescribeSecurityGroupVpcAssociations answered as AWS does',
      actions: ['DescribeSecurityGroupVpcAssociations'],
      check: ({ params }) => {
        const groups = filterValues(params, 'group-id');
        const vpcs = filterValues(params, 'vpc-id');
        const items = [...byGroup.entries()]
          .filter(([g]) => !groups || groups.includes(g))
          .flatMap(([g, set]) => [...set].filter((v) => !vpcs || vpcs.includes(v)).map((v) => [g, v] as const))
          .map(([g, v]) => `<item>${el('groupId', g)}${el('vpcId', v)}<state>associated</state></item>`);
        return {
          answer: ec2Answer('DescribeSecurityGroupVpcAssociations', `<securityGroupVpcAssociationSet>${items.join('')}</securityGroupVpcAssociationSet>`),
        };
      },
    },
  ];
  return { rules, associatedVpcs };
}

export function defaultAwsRules(o: AwsRulesOptions = {}): AwsRule[] {
  const perEni = o.groupsPerInterface ?? 5;
  const perDb = o.groupsPerDb ?? 5;
  const associations = vpcAssociationRules();
  return [
    ...associations.rules,
    {
      // EC2 API Reference, UpdateSecurityGroupRuleDescriptionsIngress / Egress, DryRun: "Checks
      // whether you have the required permissions for the action, without actually making the
      // request, and provides an error response. If you have the required permissions, the error
      // response is DryRunOperation. Otherwise, it is UnauthorizedOperation." ("Error codes for the
      // Amazon EC2 API": DryRunOperation, "The user has the required permissions, so the request
      // would have succeeded, but the DryRun parameter was used.") moto 5.2.1 ignores DryRun on
      // these two and changes the description; every other EC2 write the extension makes already
      // answers DryRunOperation in moto. No IAM here: every dry run is permitted.
      name: 'DryRun answered as AWS does',
      actions: ['UpdateSecurityGroupRuleDescriptionsIngress', 'UpdateSecurityGroupRuleDescriptionsEgress'],
      check: ({ params }) =>
        params.get('DryRun')?.toLowerCase() === 'true'
          ? { status: 412, code: 'DryRunOperation', message: 'Request would have succeeded, but DryRun flag is set.', expected: true }
          : undefined,
    },
    {
      // Not an AWS refusal but the project's rule (README, aws-facts: ApplyImmediately=true also
      // applies every pending modification, which can cause downtime). Refused loudly so no test
      // run can pass while the code sends it.
      name: 'never ApplyImmediately=true',
      actions: ['ModifyDBCluster', 'ModifyDBInstance'],
      check: ({ params, action }) =>
        params.get('ApplyImmediately') === 'true'
          ? { code: 'InvalidParameterCombination', message: `aws-rules (test harness): ${action} sent ApplyImmediately=true; the extension must never send it` }
          : undefined,
    },
    {
      // Amazon VPC User Guide, "Security group quotas": security groups per network interface,
      // default 5 (EC2 API reference, ModifyNetworkInterfaceAttribute / ModifyInstanceAttribute).
      name: 'groups per interface quota',
      actions: ['ModifyNetworkInterfaceAttribute', 'ModifyInstanceAttribute'],
      check: ({ params }) => {
        const n = Math.max(listParam(params, 'SecurityGroupId').length, listParam(params, 'GroupId').length);
        return n > perEni
          ? { code: 'SecurityGroupsPerInterfaceLimitExceeded', message: 'The maximum number of security groups per interface has been reached.' }
          : undefined;
      },
    },
    {
      // Amazon Aurora User Guide, "Quotas in Amazon Aurora": Security groups (VPC) 5 per DB cluster;
      // Amazon RDS User Guide, "Quotas in Amazon RDS": 5 per DB instance.
      name: 'groups per DB quota',
      actions: ['ModifyDBCluster', 'ModifyDBInstance', 'CreateDBCluster', 'CreateDBInstance'],
      check: ({ params }) =>
        listParam(params, 'VpcSecurityGroupIds.VpcSecurityGroupId').length + listParam(params, 'VpcSecurityGroupIds.member').length > perDb
          ? { code: 'InvalidParameterValue', message: `You can associate at most ${perDb} VPC security groups with a DB instance or cluster.` }
          : undefined,
    },
    {
      // RDS API reference, ModifyDBInstance, VpcSecurityGroupIds: "This setting doesn't apply to
      // Amazon Aurora (the associated list of EC2 VPC security groups is managed by the DB
      // cluster)". Nor to a member of a Multi-AZ DB cluster. moto changes the member, then answers 500.
      name: 'ModifyDBInstance groups on a cluster member',
      actions: ['ModifyDBInstance'],
      check: async ({ params, rds }) => {
        const groups = [...listParam(params, 'VpcSecurityGroupIds.VpcSecurityGroupId'), ...listParam(params, 'VpcSecurityGroupIds.member')];
        const id = params.get('DBInstanceIdentifier');
        if (groups.length === 0 || !id) return undefined;
        const db = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id })).catch(() => undefined))?.DBInstances?.[0];
        return db?.DBClusterIdentifier
          ? {
              code: 'InvalidParameterCombination',
              message: `The requested DB instance ${id} is a member of DB cluster ${db.DBClusterIdentifier}. Set the VPC security groups for the DB cluster using ModifyDBCluster.`,
            }
          : undefined;
      },
    },
    {
      // RDS API reference, ModifyDBCluster, Errors: InvalidDBClusterStateFault "The requested
      // operation can't be performed while the cluster is in this state." moto lets a stopped cluster be modified.
      name: 'ModifyDBCluster on a cluster that is not available',
      actions: ['ModifyDBCluster'],
      check: async ({ params, rds }) => {
        const id = params.get('DBClusterIdentifier');
        if (!id) return undefined;
        const c = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id })).catch(() => undefined))?.DBClusters?.[0];
        return c && c.Status !== 'available' ? { code: 'InvalidDBClusterStateFault', message: `DbCluster ${id} is not in available state.` } : undefined;
      },
    },
    {
      // EC2 API reference, ModifySecurityGroupRules / SecurityGroupRuleRequest; Amazon VPC User
      // Guide, "Configure security group rules": you cannot change the type of a rule (CIDR,
      // security group, prefix list; IPv4 or IPv6). moto answers success and changes nothing.
      name: 'ModifySecurityGroupRules rule type change',
      actions: ['ModifySecurityGroupRules'],
      check: async ({ params, ec2 }) => {
        const groupId = params.get('GroupId') ?? undefined;
        for (let i = 1; params.has(`SecurityGroupRule.${i}.SecurityGroupRuleId`); i++) {
          const ruleId = params.get(`SecurityGroupRule.${i}.SecurityGroupRuleId`)!;
          const p = `SecurityGroupRule.${i}.SecurityGroupRule.`;
          const wanted = peerKind({
            CidrIpv4: params.get(`${p}CidrIpv4`) ?? undefined,
            CidrIpv6: params.get(`${p}CidrIpv6`) ?? undefined,
            ReferencedGroupId: params.get(`${p}ReferencedGroupId`) ?? undefined,
            PrefixListId: params.get(`${p}PrefixListId`) ?? undefined,
          });
          const rules = await ec2
            .send(new DescribeSecurityGroupRulesCommand({ Filters: groupId ? [{ Name: 'group-id', Values: [groupId] }] : undefined }))
            .catch(() => undefined);
          const cur = rules?.SecurityGroupRules?.find((r) => r.SecurityGroupRuleId === ruleId);
          const had = cur && peerKind({ ...cur, ReferencedGroupId: cur.ReferencedGroupInfo?.GroupId });
          if (had && wanted && had !== wanted) {
            return { code: 'InvalidParameterValue', message: `You cannot change the type of security group rule ${ruleId} (from ${had} to ${wanted}).` };
          }
        }
        return undefined;
      },
    },
    {
      // EC2 API Reference, ModifyInstanceAttribute, Groups: "[EC2-VPC] Replaces the security groups
      // of the instance with the specified security groups" - of its only interface. With more than
      // one attached AWS answers InvalidInstanceID "There are multiple interfaces attached to
      // instance 'i-...'. Please specify an interface ID for the operation instead." (the answer
      // recorded in hashicorp/terraform#7635 and terraform-provider-aws#7107). moto changes the primary one.
      name: 'ModifyInstanceAttribute groups on a multi-interface instance',
      actions: ['ModifyInstanceAttribute'],
      check: async ({ params, ec2 }) => {
        const id = params.get('InstanceId');
        if (!id || listParam(params, 'GroupId').length === 0) return undefined;
        const r = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] })).catch(() => undefined);
        const n = r?.Reservations?.[0]?.Instances?.[0]?.NetworkInterfaces?.length ?? 0;
        return n > 1
          ? {
              code: 'InvalidInstanceID',
              message: `There are multiple interfaces attached to instance '${id}'. Please specify an interface ID for the operation instead.`,
            }
          : undefined;
      },
    },
    {
      // VPC Peering Guide, "Update your security groups to reference peer security groups": a rule
      // may reference a group of the same VPC or of a VPC with an active peering connection in the
      // same Region; otherwise AWS answers InvalidGroup.NotFound "You have specified two resources
      // that belong to different networks." (ansible/ansible#30053, #45782). moto accepts any group.
      name: 'group reference across unpeered VPCs',
      actions: ['AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'ModifySecurityGroupRules'],
      check: async ({ action, params, ec2 }) => {
        const own = params.get('GroupId');
        const refs = referencedGroups(action, params);
        if (!own || refs.length === 0) return undefined;
        const groups = await groupsById(ec2, [own, ...refs.map((r) => r.groupId)]);
        const ownVpc = groups.get(own)?.VpcId;
        if (!ownVpc) return undefined;
        let peerings: PeeringFacts[] | undefined;
        for (const ref of refs) {
          const g = groups.get(ref.groupId);
          // Another account's group, or one moto does not know: left to moto's own answer.
          if (!g?.VpcId || (ref.userId && ref.userId !== g.OwnerId) || g.VpcId === ownVpc) continue;
          peerings ??= await peeringsOf(ec2);
          if (!activePeering(peerings, ownVpc, g.VpcId))
            return { code: 'InvalidGroup.NotFound', message: 'You have specified two resources that belong to different networks.' };
        }
        return undefined;
      },
    },
    {
      // EC2 API Reference, DeleteSecurityGroup: "If you attempt to delete a security group that is
      // associated with an instance or network interface, is referenced by another security group
      // in the same VPC, or has a VPC association, the operation fails with DependencyViolation."
      // moto deletes it (and knows no VPC associations: vpcAssociationRules keeps them).
      name: 'DeleteSecurityGroup of a group in use',
      actions: ['DeleteSecurityGroup'],
      check: async ({ params, ec2 }) => {
        const id = params.get('GroupId');
        if (!id) return undefined;
        const g = (await groupsById(ec2, [id])).get(id);
        if (!g?.VpcId) return undefined;
        const enis = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'group-id', Values: [id] }] })).catch(() => undefined);
        const inUse = (enis?.NetworkInterfaces ?? []).some((n) => n.Groups?.some((x) => x.GroupId === id));
        const vpcGroups = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [g.VpcId] }] }))).SecurityGroups ?? [];
        const others = vpcGroups.map((x) => x.GroupId!).filter((x) => x !== id);
        const referenced = others.length > 0 && (await rulesOf(ec2, others)).some((r) => refOf(r) === id);
        return inUse || referenced || associations.associatedVpcs(id).length > 0
          ? { code: 'DependencyViolation', message: `resource ${id} has a dependent object` }
          : undefined;
      },
    },
    {
      // RDS API Reference, DescribeAccountAttributes: "Lists all of the attributes for a customer
      // account. The attributes include Amazon RDS quotas for the account, such as the number of DB
      // instances allowed. The description for a quota includes the quota name, current usage
      // toward that quota, and the quota's maximum value." moto 5.2.1 does not implement it (HTTP
      // 500). The layer answers the DBInstances quota, Used counted from moto's instances (the load
      // compares it with the clusters' members: reads.ts readLoadInstances). EC2's action of the
      // same name is moto's.
      name: 'RDS DescribeAccountAttributes answered as AWS does',
      actions: ['DescribeAccountAttributes'],
      check: async ({ service, rds }) => {
        if (service !== 'rds') return undefined;
        let used = 0;
        for await (const page of paginateDescribeDBInstances({ client: rds, pageSize: 100 }, {})) used += page.DBInstances?.length ?? 0;
        const quota = (name: string, n: number, max: number) =>
          `<AccountQuota><AccountQuotaName>${name}</AccountQuotaName><Used>${n}</Used><Max>${max}</Max></AccountQuota>`;
        return {
          answer: `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeAccountAttributesResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><DescribeAccountAttributesResult><AccountQuotas>${quota('DBInstances', used, Math.max(40, used))}</AccountQuotas></DescribeAccountAttributesResult><ResponseMetadata><RequestId>aws-rules-DescribeAccountAttributes</RequestId></ResponseMetadata></DescribeAccountAttributesResponse>`,
        };
      },
    },
    { name: 'DescribeStaleSecurityGroups answered as AWS does', actions: ['DescribeStaleSecurityGroups'], check: staleAnswer },
    { name: 'DescribeSecurityGroupReferences answered as AWS does', actions: ['DescribeSecurityGroupReferences'], check: referencesAnswer },
  ];
}

/** Evaluates the rules for one request; the first refusal wins. */
export async function checkAwsRules(
  rules: readonly AwsRule[],
  upstream: string,
  req: { action: string; service: string; region?: string; params: URLSearchParams },
): Promise<((AwsRefusal | AwsAnswer) & { rule: string }) | undefined> {
  const due = rules.filter((r) => r.actions.includes(req.action));
  if (due.length === 0) return undefined;
  const region = req.region ?? 'us-east-1';
  const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
  const ctx: AwsRuleContext = {
    ...req,
    region,
    ec2: new EC2Client({ endpoint: upstream, region, credentials, maxAttempts: 1 }),
    rds: new RDSClient({ endpoint: upstream, region, credentials, maxAttempts: 1 }),
  };
  try {
    for (const r of due) {
      const refusal = await r.check(ctx);
      if (refusal) return { ...refusal, rule: r.name };
    }
    return undefined;
  } finally {
    ctx.ec2.destroy();
    ctx.rds.destroy();
  }
}
