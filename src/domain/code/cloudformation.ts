// A change as a CloudFormation template (YAML): AWS::EC2::SecurityGroup for a group, one
// AWS::EC2::SecurityGroupIngress / SecurityGroupEgress per rule (never the group's inline rule lists,
// which would own every rule of the group), and VpcSecurityGroupIds of AWS::RDS::DBCluster
// (VPCSecurityGroups of AWS::RDS::DBInstance). Every string is double-quoted and escaped; logical ids
// are letters and digits only (CloudFormation user guide, Resources: "The logical ID must be
// alphanumeric (A-Za-z0-9) and unique within the template"). Resources that exist already carry
// DeletionPolicy and UpdateReplacePolicy Retain, which a resource import requires, and the comment
// at the top gives the import's --resources-to-import.
import { type CodeChange, type CodeContext, type CodeGroupRef, Namer, oneLine, refComment, ruleWords, sameRef, userTags } from './change';

/** A YAML double-quoted scalar: JSON's escapes, plus the characters YAML treats as line breaks or refuses. */
export function yamlString(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\u009f\u2028\u2029\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

type Value = string | number | { readonly getAtt: string } | readonly Value[];

function render(v: Value): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return yamlString(v);
  if (Array.isArray(v)) return `[${v.map(render).join(', ')}]`;
  return `!GetAtt ${(v as { getAtt: string }).getAtt}`;
}

interface Resource {
  readonly logicalId: string;
  readonly type: string;
  readonly comment?: string;
  readonly retain?: boolean;
  readonly properties: readonly (readonly [string, Value | undefined])[];
  readonly tags?: readonly [string, string][];
  /** For a resource import: the identifier properties of the existing resource. */
  readonly importId?: Readonly<Record<string, string>>;
}

function resourceYaml(r: Resource): string[] {
  const out = [];
  if (r.comment) out.push(`  # ${oneLine(r.comment)}`);
  out.push(`  ${r.logicalId}:`, `    Type: ${r.type}`);
  if (r.retain) out.push('    DeletionPolicy: Retain', '    UpdateReplacePolicy: Retain');
  out.push('    Properties:');
  for (const [k, v] of r.properties) if (v !== undefined) out.push(`      ${k}: ${render(v)}`);
  if (r.tags?.length) {
    out.push('      Tags:');
    for (const [k, v] of r.tags) out.push(`        - Key: ${yamlString(k)}`, `          Value: ${yamlString(v)}`);
  }
  return out;
}

export function toCloudFormation(changes: readonly CodeChange[], ctx: CodeContext): string {
  const names = new Namer('pascal', 'Sg');
  const groupIds: { ref: CodeGroupRef; logicalId: string }[] = [];
  for (const c of changes) if (c.op === 'group') groupIds.push({ ref: c.group, logicalId: names.name(c.group.groupName, 'SecurityGroup') });
  const groupValue = (ref: CodeGroupRef): Value => {
    const declared = groupIds.find((g) => sameRef(g.ref, ref));
    return declared ? { getAtt: `${declared.logicalId}.GroupId` } : (ref.groupId ?? ref.groupName);
  };
  const resources: Resource[] = [];
  const notes: string[] = [];
  for (const c of changes) {
    switch (c.op) {
      case 'group': {
        const logicalId = groupIds.find((g) => sameRef(g.ref, c.group))!.logicalId;
        const reserved = Object.keys(c.tags ?? {}).filter((k) => k.toLowerCase().startsWith('aws:'));
        resources.push({
          logicalId,
          type: 'AWS::EC2::SecurityGroup',
          comment: `${refComment(c.group)}${reserved.length ? `; tags ${reserved.join(', ')} are AWS's own and left out` : ''}`,
          retain: c.existing,
          properties: [
            ['GroupName', c.group.groupName],
            ['GroupDescription', c.description],
            ['VpcId', c.vpcId],
          ],
          tags: userTags(c.tags),
          importId: c.existing && c.group.groupId ? { GroupId: c.group.groupId } : undefined,
        });
        break;
      }
      case 'rule': {
        const ingress = !c.isEgress;
        const p = c.peer;
        const peerProps: [string, Value][] =
          p.kind === 'cidr4'
            ? [['CidrIp', p.cidr]]
            : p.kind === 'cidr6'
              ? [['CidrIpv6', p.cidr]]
              : p.kind === 'prefixList'
                ? [[ingress ? 'SourcePrefixListId' : 'DestinationPrefixListId', p.prefixListId]]
                : p.kind === 'newGroup'
                  ? [[ingress ? 'SourceSecurityGroupId' : 'DestinationSecurityGroupId', groupValue(p.group)]]
                  : [
                      [ingress ? 'SourceSecurityGroupId' : 'DestinationSecurityGroupId', groupValue({ groupId: p.groupId, groupName: p.groupId })],
                      ...(ingress && p.userId ? ([['SourceSecurityGroupOwnerId', p.userId]] as [string, Value][]) : []),
                    ];
        const groupName = groupIds.find((g) => sameRef(g.ref, c.group))?.ref.groupName ?? c.group.groupName;
        resources.push({
          logicalId: names.name(groupName, ingress ? 'Ingress' : 'Egress', ruleWords(c)),
          type: ingress ? 'AWS::EC2::SecurityGroupIngress' : 'AWS::EC2::SecurityGroupEgress',
          comment: `${c.ruleId ? `${c.ruleId}: ` : ''}${ingress ? 'inbound' : 'outbound'} ${ruleWords(c)} on ${refComment(c.group)}`,
          retain: !!c.ruleId,
          properties: [
            ['GroupId', groupValue(c.group)],
            ['IpProtocol', c.protocol],
            // All traffic (-1) takes no ports; ICMP's are its type and code (-1: all).
            ...(c.protocol === '-1'
              ? []
              : ([
                  ['FromPort', c.fromPort],
                  ['ToPort', c.toPort],
                ] as [string, Value][])),
            ...peerProps,
            ['Description', c.description],
          ],
          importId: c.ruleId ? { Id: c.ruleId } : undefined,
        });
        break;
      }
      case 'databaseGroups': {
        const cluster = c.kind === 'cluster';
        resources.push({
          logicalId: names.name(c.id, cluster ? 'DbCluster' : 'DbInstance'),
          type: cluster ? 'AWS::RDS::DBCluster' : 'AWS::RDS::DBInstance',
          comment: `${c.id}: only what this change sets (and the engine); merge into the database's own resource, or import it with its other properties`,
          retain: true,
          properties: [
            [cluster ? 'DBClusterIdentifier' : 'DBInstanceIdentifier', c.id],
            ['Engine', c.engine],
            ...(cluster ? [] : ([['DBInstanceClass', c.instanceClass]] as [string, Value | undefined][])),
            [cluster ? 'VpcSecurityGroupIds' : 'VPCSecurityGroups', c.groups.map(groupValue)],
          ],
          importId: cluster ? { DBClusterIdentifier: c.id } : { DBInstanceIdentifier: c.id },
        });
        break;
      }
      case 'interfaceGroups':
        notes.push(
          `# ${c.networkInterfaceId}${c.instanceId ? ` (${c.instanceId})` : ''}: a network interface's groups are set on its own resource (AWS::EC2::Instance SecurityGroupIds, AWS::EC2::NetworkInterface GroupSet):`,
          `#   ${c.groups.map((g) => refComment(g)).join(', ')}`,
        );
        break;
    }
  }
  const imports = resources.flatMap((r) => (r.importId ? [{ ResourceType: r.type, LogicalResourceId: r.logicalId, ResourceIdentifier: r.importId }] : []));
  const head = [`# ${oneLine(ctx.title)}`, `# Region ${oneLine(ctx.region)}`];
  if (imports.length)
    head.push(
      '# Existing resources (DeletionPolicy Retain) are brought into a stack by a resource import:',
      `#   aws cloudformation create-change-set --change-set-type IMPORT --stack-name STACK --change-set-name import --template-body file://template.yaml --resources-to-import '${JSON.stringify(imports)}'`,
    );
  const body = resources.length ? ['Resources:', ...resources.flatMap((r) => resourceYaml(r))] : ['Resources: {}'];
  return (
    [...head, ...notes, 'AWSTemplateFormatVersion: "2010-09-09"', `Description: ${yamlString(oneLine(ctx.title).slice(0, 1024))}`, ...body].join('\n') + '\n'
  );
}
