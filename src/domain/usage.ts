// Who uses a security group: the users AWS knows of by kind, and a summary naming them by type
// ("2 network interfaces of AWS Lambda, 1 load balancer"). Plain data: no VS Code, no AWS SDK.

/** One user of a security group. `unknown`: the read that would tell failed (never treat as unused). */
export type GroupUser =
  | { readonly kind: 'ec2Instance'; readonly instanceId: string }
  | { readonly kind: 'dbCluster'; readonly clusterId: string }
  | { readonly kind: 'dbInstance'; readonly instanceId: string }
  | { readonly kind: 'otherDatabase'; readonly clusterId: string; readonly engine: string }
  | { readonly kind: 'networkInterface'; readonly interfaceId: string; readonly interfaceType: string; readonly description?: string }
  | { readonly kind: 'vpcAssociation'; readonly vpcId: string };

export interface GroupUsage {
  readonly groupId: string;
  readonly users: readonly GroupUser[];
  /** Reads that failed, so the users above may be incomplete (e.g. 'networkInterfaces'). */
  readonly unknown: readonly string[];
}

/** What reading a group's users found: each part either read, or why it could not be (with the permission it needs). */
export interface GroupUsageRead {
  readonly ec2: readonly { readonly instanceId: string; readonly name?: string }[] | { readonly error: string };
  /** Network interfaces that carry the group; `instanceId` when attached to an EC2 instance. */
  readonly interfaces: readonly (Extract<GroupUser, { kind: 'networkInterface' }> & { readonly instanceId?: string })[] | { readonly error: string };
}

/** What an interface belongs to, from DescribeNetworkInterfaces InterfaceType and Description (EC2 API Reference, NetworkInterface). */
export function interfaceOwner(interfaceType: string, description = ''): string {
  switch (interfaceType) {
    case 'lambda':
      return 'AWS Lambda';
    case 'network_load_balancer':
    case 'gateway_load_balancer':
    case 'gateway_load_balancer_endpoint':
      return 'load balancer';
    case 'vpc_endpoint':
      return 'VPC endpoint';
    case 'efs':
      return 'Amazon EFS';
    case 'nat_gateway':
      return 'NAT gateway';
  }
  if (/^ELB /.test(description)) return 'load balancer';
  if (/^AWS Lambda VPC ENI/.test(description)) return 'AWS Lambda';
  if (/^RDSNetworkInterface/.test(description)) return 'Amazon RDS';
  if (/^arn:aws[\w-]*:ecs:/.test(description) || /^ecs/i.test(description)) return 'Amazon ECS';
  if (/^EFS mount target/.test(description)) return 'Amazon EFS';
  return 'other';
}

/** True only when the group is known to have no users (never when a read failed). */
export function isKnownUnused(usage: GroupUsage): boolean {
  return usage.unknown.length === 0 && usage.users.length === 0;
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "2 network interfaces of AWS Lambda, 1 EC2 instance", in a stable order; '' when there are none. */
export function describeUsers(users: readonly GroupUser[]): string {
  const counts = new Map<string, number>();
  const label = (u: GroupUser): [string, string] => {
    switch (u.kind) {
      case 'ec2Instance':
        return ['EC2 instance', 'EC2 instances'];
      case 'dbCluster':
        return ['DB cluster', 'DB clusters'];
      case 'dbInstance':
        return ['DB instance', 'DB instances'];
      case 'otherDatabase':
        return [`${u.engine} cluster`, `${u.engine} clusters`];
      case 'vpcAssociation':
        return ['VPC association', 'VPC associations'];
      case 'networkInterface': {
        const owner = interfaceOwner(u.interfaceType, u.description);
        return owner === 'other' ? ['network interface', 'network interfaces'] : [`network interface of ${owner}`, `network interfaces of ${owner}`];
      }
    }
  };
  const forms = new Map<string, string>();
  for (const u of users) {
    const [one, many] = label(u);
    counts.set(one, (counts.get(one) ?? 0) + 1);
    forms.set(one, many);
  }
  return [...counts.entries()].map(([one, n]) => count(n, one, forms.get(one) ?? one)).join(', ');
}
