// A change as Terraform (HCL) for the AWS provider: aws_security_group for a group (its rules never
// inline: the provider's guide recommends one resource per rule), aws_vpc_security_group_ingress_rule
// / aws_vpc_security_group_egress_rule per rule, vpc_security_group_ids on aws_rds_cluster /
// aws_db_instance, aws_network_interface_sg_attachment for an interface. What exists already gets an
// `import` block (Terraform 1.5+): sg-… for a group, sgr-… for a rule, the identifier for a database.
// Names are letters, digits and underscores, never starting with a digit; strings are escaped,
// `${` and `%{` included, so no text from AWS is ever read as an interpolation. apply_immediately is
// never set (it stays false): a group change applies as soon as possible anyway, and true would also
// apply the pending-modifications queue (RDS user guide, Overview.DBInstance.Modifying).
import { awsRegion, profileOf } from '../scope';
import { type CodeChange, type CodeContext, type CodeGroupRef, Namer, oneLine, refComment, ruleWords, sameRef, userTags } from './change';

/** An HCL quoted template string: escapes, and `${` / `%{` doubled so they stay literal. */
export function hclString(s: string): string {
  const body = s.replace(/[\\"\u0000-\u001f\u007f\u2028\u2029]|\$\{|%\{/g, (c) => {
    switch (c) {
      case '\\':
        return '\\\\';
      case '"':
        return '\\"';
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      case '${':
        return '$${';
      case '%{':
        return '%%{';
      default:
        return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    }
  });
  return `"${body}"`;
}

/** A value: a literal string or number, a reference (an expression, written as is), or a list of them. */
type Value = string | number | { readonly ref: string } | readonly Value[] | { readonly map: readonly [string, string][] };

function render(v: Value, indent: string): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return hclString(v);
  if (Array.isArray(v)) return `[${v.map((x) => render(x, indent)).join(', ')}]`;
  if ('ref' in (v as object)) return (v as { ref: string }).ref;
  const entries = (v as { map: readonly [string, string][] }).map;
  return `{\n${entries.map(([k, x]) => `${indent}  ${hclString(k)} = ${hclString(x)}`).join('\n')}\n${indent}}`;
}

interface Block {
  readonly type: string;
  readonly name: string;
  readonly comment?: string;
  readonly args: readonly (readonly [string, Value | undefined])[];
  readonly importId?: string;
}

function blockHcl(b: Block): string[] {
  const out: string[] = [];
  if (b.comment) out.push(`# ${oneLine(b.comment)}`);
  out.push(`resource ${hclString(b.type)} ${hclString(b.name)} {`);
  const args = b.args.filter((a): a is readonly [string, Value] => a[1] !== undefined);
  const width = Math.max(0, ...args.map(([k]) => k.length));
  for (const [k, v] of args) out.push(`  ${k.padEnd(width)} = ${render(v, '  ')}`);
  out.push('}');
  if (b.importId !== undefined) out.push('', 'import {', `  to = ${b.type}.${b.name}`, `  id = ${hclString(b.importId)}`, '}');
  return out;
}

export function toTerraform(changes: readonly CodeChange[], ctx: CodeContext): string {
  const names = new Namer('snake', 'sg');
  const groups: { ref: CodeGroupRef; name: string }[] = [];
  for (const c of changes) if (c.op === 'group') groups.push({ ref: c.group, name: names.name(c.group.groupName) });
  const groupValue = (ref: CodeGroupRef): Value => {
    const declared = groups.find((g) => sameRef(g.ref, ref));
    return declared ? { ref: `aws_security_group.${declared.name}.id` } : (ref.groupId ?? ref.groupName);
  };
  const blocks: Block[] = [];
  for (const c of changes) {
    switch (c.op) {
      case 'group': {
        const tags = userTags(c.tags);
        const reserved = Object.keys(c.tags ?? {}).filter((k) => k.toLowerCase().startsWith('aws:'));
        blocks.push({
          type: 'aws_security_group',
          name: groups.find((g) => sameRef(g.ref, c.group))!.name,
          comment: `${refComment(c.group)}; its rules are the resources below${reserved.length ? `; tags ${reserved.join(', ')} are AWS's own and left out` : ''}`,
          args: [
            ['name', c.group.groupName],
            ['description', c.description],
            ['vpc_id', c.vpcId],
            ['tags', tags.length ? { map: tags } : undefined],
          ],
          importId: c.existing ? c.group.groupId : undefined,
        });
        // Terraform removes AWS's default outbound rule from a group it creates; a new group
        // declares it so the result is what the CLI and the extension make.
        if (!c.existing)
          blocks.push({
            type: 'aws_vpc_security_group_egress_rule',
            name: names.name(c.group.groupName, 'egress all'),
            comment: `${refComment(c.group)}: AWS's default outbound rule (Terraform would remove it from a group it creates)`,
            args: [
              ['security_group_id', groupValue(c.group)],
              ['ip_protocol', '-1'],
              ['cidr_ipv4', '0.0.0.0/0'],
            ],
          });
        break;
      }
      case 'rule': {
        const p = c.peer;
        const peerArg: [string, Value] =
          p.kind === 'cidr4'
            ? ['cidr_ipv4', p.cidr]
            : p.kind === 'cidr6'
              ? ['cidr_ipv6', p.cidr]
              : p.kind === 'prefixList'
                ? ['prefix_list_id', p.prefixListId]
                : p.kind === 'newGroup'
                  ? ['referenced_security_group_id', groupValue(p.group)]
                  : // A group of another account is named account/group (the provider's referenced_security_group_id).
                    ['referenced_security_group_id', p.userId ? `${p.userId}/${p.groupId}` : groupValue({ groupId: p.groupId, groupName: p.groupId })];
        const groupName = groups.find((g) => sameRef(g.ref, c.group))?.ref.groupName ?? c.group.groupName;
        const type = c.isEgress ? 'aws_vpc_security_group_egress_rule' : 'aws_vpc_security_group_ingress_rule';
        blocks.push({
          type,
          name: names.name(groupName, c.isEgress ? 'egress' : 'ingress', ruleWords(c)),
          comment: `${c.ruleId ? `${c.ruleId}: ` : ''}${c.isEgress ? 'outbound' : 'inbound'} ${ruleWords(c)} on ${refComment(c.group)}`,
          args: [
            ['security_group_id', groupValue(c.group)],
            ['ip_protocol', c.protocol],
            // All traffic ("-1") takes no ports; ICMP's are its type and code (-1: all).
            ['from_port', c.protocol === '-1' ? undefined : c.fromPort],
            ['to_port', c.protocol === '-1' ? undefined : c.toPort],
            peerArg,
            ['description', c.description],
          ],
          importId: c.ruleId,
        });
        break;
      }
      case 'databaseGroups': {
        const cluster = c.kind === 'cluster';
        blocks.push({
          type: cluster ? 'aws_rds_cluster' : 'aws_db_instance',
          name: names.name(c.id),
          comment: `${c.id}: only what this change sets (and what the resource requires); keep its other arguments as they are in your configuration`,
          args: [
            [cluster ? 'cluster_identifier' : 'identifier', c.id],
            ['engine', c.engine],
            ...(cluster ? [] : ([['instance_class', c.instanceClass]] as [string, Value | undefined][])),
            ['vpc_security_group_ids', c.groups.map(groupValue)],
          ],
          importId: c.id,
        });
        break;
      }
      case 'interfaceGroups':
        // One attachment per group; those the interface has already are imported (id eni-…_sg-…:
        // the provider refuses to create an attachment for a group already attached).
        for (const g of c.groups)
          blocks.push({
            type: 'aws_network_interface_sg_attachment',
            name: names.name(c.instanceId ?? c.networkInterfaceId, g.groupName),
            comment: `${refComment(g)} on ${c.networkInterfaceId}${c.instanceId ? ` (${c.instanceId})` : ''}`,
            args: [
              ['security_group_id', groupValue(g)],
              ['network_interface_id', c.networkInterfaceId],
            ],
            importId: g.groupId && c.current?.includes(g.groupId) ? `${c.networkInterfaceId}_${g.groupId}` : undefined,
          });
        break;
    }
  }
  const head = [`# ${oneLine(ctx.title)}`, `# Region ${oneLine(ctx.region)}. Import blocks need Terraform 1.5 or later.`];
  const file = ctx.file
    ? [
        'terraform {',
        '  required_version = ">= 1.5"',
        '  required_providers {',
        '    aws = {',
        '      source  = "hashicorp/aws"',
        '      version = ">= 5.0"',
        '    }',
        '  }',
        '}',
        '',
        'provider "aws" {',
        `  region = ${hclString(awsRegion(ctx.region))}`,
        ...(profileOf(ctx.region) === undefined ? [] : [`  profile = ${hclString(profileOf(ctx.region)!)}`]),
        '}',
        '',
      ]
    : [];
  return [...head, '', ...file, ...blocks.flatMap((b, i) => [...(i ? [''] : []), ...blockHcl(b)])].join('\n') + '\n';
}
