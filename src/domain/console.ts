// AWS console addresses and ARNs for the resources the tree shows. They take a scope key
// (a Region, or profile/Region with several accounts) and use its AWS Region.
import { awsRegion } from './scope';

export function partitionOf(region: string): { partition: string; consoleHost: (region: string) => string } {
  if (region.startsWith('cn-')) return { partition: 'aws-cn', consoleHost: () => 'console.amazonaws.cn' };
  if (region.startsWith('us-gov-')) return { partition: 'aws-us-gov', consoleHost: () => 'console.amazonaws-us-gov.com' };
  if (region.startsWith('us-isob-')) return { partition: 'aws-iso-b', consoleHost: (r) => `${r}.console.sc2s.sgov.gov` };
  if (region.startsWith('us-iso-')) return { partition: 'aws-iso', consoleHost: (r) => `${r}.console.c2s.ic.gov` };
  return { partition: 'aws', consoleHost: (r) => `${r}.console.aws.amazon.com` };
}

export type ConsoleTarget =
  | { kind: 'vpc'; region: string; vpcId: string }
  | { kind: 'group'; region: string; groupId: string }
  | { kind: 'rule'; region: string; groupId: string; ruleId: string }
  | { kind: 'cluster'; region: string; clusterId: string }
  | { kind: 'dbInstance'; region: string; instanceId: string }
  | { kind: 'networkAcl'; region: string; networkAclId: string }
  | { kind: 'routeTable'; region: string; routeTableId: string };

export function consoleUrl(t: ConsoleTarget): string {
  const region = awsRegion(t.region);
  const r = encodeURIComponent(region);
  const host = `https://${partitionOf(region).consoleHost(region)}`;
  switch (t.kind) {
    case 'vpc':
      return `${host}/vpcconsole/home?region=${r}#VpcDetails:VpcId=${encodeURIComponent(t.vpcId)}`;
    case 'group':
    case 'rule':
      return `${host}/ec2/home?region=${r}#SecurityGroup:groupId=${encodeURIComponent(t.groupId)}`;
    case 'cluster':
      return `${host}/rds/home?region=${r}#database:id=${encodeURIComponent(t.clusterId)};is-cluster=true`;
    case 'dbInstance':
      return `${host}/rds/home?region=${r}#database:id=${encodeURIComponent(t.instanceId)};is-cluster=false`;
    case 'networkAcl':
      return `${host}/vpcconsole/home?region=${r}#NetworkAclDetails:networkAclId=${encodeURIComponent(t.networkAclId)}`;
    case 'routeTable':
      return `${host}/vpcconsole/home?region=${r}#RouteTableDetails:RouteTableId=${encodeURIComponent(t.routeTableId)}`;
  }
}

export function ec2Arn(
  region: string,
  ownerId: string | undefined,
  resource: 'vpc' | 'security-group' | 'security-group-rule',
  id: string,
): string | undefined {
  if (!ownerId) return undefined;
  const r = awsRegion(region);
  return `arn:${partitionOf(r).partition}:ec2:${r}:${ownerId}:${resource}/${id}`;
}
