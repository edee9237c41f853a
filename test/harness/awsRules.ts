// The "AWS rules" layer of the fault proxy: refuses what AWS refuses where moto is lenient, so
// the tests see AWS's behaviour, not moto's. A rule sees the parsed query-protocol request and
// may read moto's current state (the SDK clients pointed at moto directly) to decide; it answers
// with AWS's error code and message in AWS's XML shape (awsErrorBody). Each rule cites the
// document its behaviour comes from. Where moto differs, /work/shared/notes/aws-facts.md (the
// notes on moto) and the README's testing section say so.
import { DescribeSecurityGroupRulesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';

export interface AwsRefusal {
  readonly status?: number;
  readonly code: string;
  readonly message: string;
  /** Not a refusal: AWS's normal answer that moto does not give (a DryRun's DryRunOperation); the audit does not count it. */
  readonly answer?: boolean;
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

export interface AwsRule {
  readonly name: string;
  readonly actions: readonly string[];
  check(ctx: AwsRuleContext): Promise<AwsRefusal | undefined> | AwsRefusal | undefined;
}

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

export function defaultAwsRules(o: AwsRulesOptions = {}): AwsRule[] {
  const perEni = o.groupsPerInterface ?? 5;
  const perDb = o.groupsPerDb ?? 5;
  return [
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
          ? { status: 412, code: 'DryRunOperation', message: 'Request would have succeeded, but DryRun flag is set.', answer: true }
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
  ];
}

/** Evaluates the rules for one request; the first refusal wins. */
export async function checkAwsRules(
  rules: readonly AwsRule[],
  upstream: string,
  req: { action: string; service: string; region?: string; params: URLSearchParams },
): Promise<(AwsRefusal & { rule: string }) | undefined> {
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
