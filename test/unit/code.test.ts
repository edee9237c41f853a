// Changes as code: the AWS CLI, CloudFormation and Terraform generators (src/domain/code). The
// Terraform is parsed with HashiCorp's own HCL parser (@cdktf/hcl2json, hcl's Go code as WASM) and the
// CloudFormation with a YAML parser given CloudFormation's short-form tags (!Ref, !GetAtt, !Sub);
// each is then checked field by field against the change. The CLI is split into argv as a POSIX
// shell would and its JSON compared with the SDK input the extension sends (requests.ts).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toCluster, toInstance } from '../../src/aws/reads';
import { parse as parseHcl } from '@cdktf/hcl2json';
import { parseDocument, type ScalarTag } from 'yaml';
import {
  databaseGroupsChange,
  DEFAULT_MANAGED_BY_TAGS,
  groupExport,
  managedBy,
  Namer,
  renderCode,
  ruleChange,
  type CodeChange,
  type CodeContext,
  type CodeFormat,
} from '../../src/domain/code';
import { hclString } from '../../src/domain/code/terraform';
import { yamlString } from '../../src/domain/code/cloudformation';
import { RegionIndex, type RuleSpec, type SecurityGroup, type SecurityGroupRule } from '../../src/domain/model';
import { buildAuthorizeSecurityGroupInput } from '../../src/domain/requests';
import { walkthroughChanges } from '../../src/domain/walkthrough/code';
import type { ExecSpec } from '../../src/domain/walkthrough/cli';

const REGION = 'eu-west-1';
const VPC = 'vpc-0123456789abcdef0';
const SG = 'sg-0aaaaaaaaaaaaaaa1';
const OTHER = 'sg-0bbbbbbbbbbbbbbb2';
const ctx: CodeContext = { region: REGION, title: 'test' };

// ------------------------------------------------------------------ parsers

type Json = Record<string, unknown>;

/**
 * The configuration as Terraform reads it. hcl2json gives a quoted string as its template source
 * (escapes resolved, `$${` and `%%{` kept): a whole `${reference}` stays as it is, any other string
 * must hold no interpolation or directive and is taken literally (`$${` -> `${`, `%%{` -> `%{`).
 */
async function hcl(text: string): Promise<Json> {
  const literal = (v: unknown): unknown => {
    if (typeof v === 'string') {
      if (/^\$\{[A-Za-z_][\w.-]*\}$/.test(v)) return v;
      assert.doesNotMatch(v, /(^|[^$])\$\{|(^|[^%])%\{/, `an interpolation in ${JSON.stringify(v)}`);
      return v.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
    }
    if (Array.isArray(v)) return v.map(literal);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, literal(x)]));
    return v;
  };
  return literal(await parseHcl('main.tf', text)) as Json;
}

/** The resources of one type: name -> arguments. */
function tfResources(doc: Json, type: string): Record<string, Json> {
  const byName = ((doc.resource as Json | undefined)?.[type] ?? {}) as Record<string, Json[]>;
  return Object.fromEntries(Object.entries(byName).map(([n, list]) => [n, list[0]]));
}

const tfImports = (doc: Json) => ((doc.import ?? []) as { to: string; id: string }[]).map((i) => ({ to: i.to.replace(/^\$\{(.*)\}$/, '$1'), id: i.id }));

/** CloudFormation's short-form intrinsic functions, as plain objects ({ 'Fn::GetAtt': [...] }). */
const cfnTags: ScalarTag[] = [
  { tag: '!Ref', resolve: (v: string) => ({ Ref: v }) },
  { tag: '!GetAtt', resolve: (v: string) => ({ 'Fn::GetAtt': v.split('.') }) },
  { tag: '!Sub', resolve: (v: string) => ({ 'Fn::Sub': v }) },
] as ScalarTag[];

function cfn(text: string): { Resources: Record<string, { Type: string; DeletionPolicy?: string; Properties: Json }> } & Json {
  const doc = parseDocument(text, { customTags: cfnTags, strict: true, uniqueKeys: true });
  assert.deepEqual(doc.errors, [], text);
  assert.deepEqual(doc.warnings, [], text);
  return doc.toJS() as never;
}

/** argv of one shell line as a POSIX shell splits it: single quotes, double quotes with $VAR, bare words. */
function argv(line: string, env: Record<string, string> = {}): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\') {
      cur += line[++i];
      has = true;
    } else if (c === "'") {
      const j = line.indexOf("'", i + 1);
      if (j < 0) throw new Error(`unterminated ' in ${line}`);
      cur += line.slice(i + 1, j);
      i = j;
      has = true;
    } else if (c === '"') {
      const j = line.indexOf('"', i + 1);
      if (j < 0) throw new Error(`unterminated " in ${line}`);
      cur += line.slice(i + 1, j).replace(/\$([A-Z_0-9]+)/g, (_, v: string) => env[v] ?? `<unset ${v}>`);
      i = j;
      has = true;
    } else if (c === ' ') {
      if (has) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) out.push(cur);
  return out;
}

const argOf = (args: string[], name: string) => args[args.indexOf(name) + 1];
const commands = (script: string) => script.split('\n').filter((l) => l && !l.startsWith('#'));

// ------------------------------------------------------------------ fixtures

const rule = (over: Partial<RuleSpec>): RuleSpec => ({
  groupId: SG,
  isEgress: false,
  protocol: 'tcp',
  fromPort: 5432,
  toPort: 5432,
  peer: { kind: 'cidr4', cidr: '10.0.0.0/16' },
  ...over,
});

/** Every kind of rule the generators must express. */
const KINDS: { name: string; spec: RuleSpec }[] = [
  { name: 'IPv4 CIDR', spec: rule({ description: 'From the "app" tier; it\'s ${var} and %{x} \\ backslash' }) },
  { name: 'IPv6 CIDR', spec: rule({ peer: { kind: 'cidr6', cidr: '2001:db8::/32' }, description: 'v6 clients' }) },
  { name: 'prefix list', spec: rule({ peer: { kind: 'prefixList', prefixListId: 'pl-0123456789abcdef0' } }) },
  { name: 'group source', spec: rule({ peer: { kind: 'group', groupId: OTHER } }) },
  { name: 'group of another account', spec: rule({ peer: { kind: 'group', groupId: OTHER, userId: '123456789012' } }) },
  { name: 'all traffic', spec: rule({ protocol: '-1', fromPort: -1, toPort: -1 }) },
  { name: 'port range, outbound', spec: rule({ isEgress: true, protocol: 'udp', fromPort: 8000, toPort: 8100, peer: { kind: 'cidr4', cidr: '0.0.0.0/0' } }) },
  { name: 'icmp echo request', spec: rule({ protocol: 'icmp', fromPort: 8, toPort: -1 }) },
  { name: 'icmpv6 all', spec: rule({ protocol: 'icmpv6', fromPort: -1, toPort: -1, peer: { kind: 'cidr6', cidr: '::/0' } }) },
  {
    name: 'outbound to a prefix list',
    spec: rule({ isEgress: true, protocol: 'tcp', fromPort: 443, toPort: 443, peer: { kind: 'prefixList', prefixListId: 'pl-0aaaaaaaaaaaaaaaa' } }),
  },
];

const ODD_NAMES = ['app-db', '3tier', 'Ünïcödé grüppe', '数据库', '--', 'a"b${c}', 'default', 'x'.repeat(255), 'sg with spaces and/slashes'];

function group(name: string, over: Partial<SecurityGroup> = {}): SecurityGroup {
  return { region: REGION, groupId: SG, groupName: name, description: `Group "${name}"`, vpcId: VPC, tags: {}, ...over };
}

let ruleSeq = 0;
const asRule = (spec: RuleSpec): SecurityGroupRule => ({ ...spec, region: REGION, ruleId: `sgr-${(++ruleSeq).toString(16).padStart(17, '0')}` });

// ------------------------------------------------------------------ field checks

/** The Terraform rule resource's arguments the spec needs. */
function expectedTf(spec: RuleSpec, groupRef: unknown = spec.groupId): Json {
  const p = spec.peer;
  const peer =
    p.kind === 'cidr4'
      ? { cidr_ipv4: p.cidr }
      : p.kind === 'cidr6'
        ? { cidr_ipv6: p.cidr }
        : p.kind === 'prefixList'
          ? { prefix_list_id: p.prefixListId }
          : { referenced_security_group_id: p.userId ? `${p.userId}/${p.groupId}` : p.groupId };
  return {
    security_group_id: groupRef,
    ip_protocol: spec.protocol,
    ...(spec.protocol === '-1' ? {} : { from_port: spec.fromPort, to_port: spec.toPort }),
    ...peer,
    ...(spec.description ? { description: spec.description } : {}),
  };
}

function expectedCfn(spec: RuleSpec, groupRef: unknown = spec.groupId): Json {
  const p = spec.peer;
  const ingress = !spec.isEgress;
  const peer =
    p.kind === 'cidr4'
      ? { CidrIp: p.cidr }
      : p.kind === 'cidr6'
        ? { CidrIpv6: p.cidr }
        : p.kind === 'prefixList'
          ? { [ingress ? 'SourcePrefixListId' : 'DestinationPrefixListId']: p.prefixListId }
          : { [ingress ? 'SourceSecurityGroupId' : 'DestinationSecurityGroupId']: p.groupId, ...(p.userId ? { SourceSecurityGroupOwnerId: p.userId } : {}) };
  return {
    GroupId: groupRef,
    IpProtocol: spec.protocol,
    ...(spec.protocol === '-1' ? {} : { FromPort: spec.fromPort, ToPort: spec.toPort }),
    ...peer,
    ...(spec.description ? { Description: spec.description } : {}),
  };
}

const TF_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const CFN_ID = /^[A-Za-z0-9]{1,255}$/;

describe('Changes as code (src/domain/code)', () => {
  describe('one new rule (the add-rule preview)', () => {
    for (const k of KINDS) {
      it(`Terraform, ${k.name}: parses, one ${k.spec.isEgress ? 'egress' : 'ingress'} rule resource with exactly the rule's arguments, no import`, async () => {
        const doc = await hcl(renderCode('terraform', [ruleChange(k.spec)], ctx));
        const type = k.spec.isEgress ? 'aws_vpc_security_group_egress_rule' : 'aws_vpc_security_group_ingress_rule';
        const res = tfResources(doc, type);
        assert.equal(Object.keys(res).length, 1);
        const [name, args] = Object.entries(res)[0];
        assert.match(name, TF_NAME);
        assert.deepEqual(args, expectedTf(k.spec));
        assert.deepEqual(tfImports(doc), []);
      });

      it(`CloudFormation, ${k.name}: parses with CloudFormation's tags, one resource with exactly the rule's properties`, () => {
        const t = cfn(renderCode('cloudformation', [ruleChange(k.spec)], ctx));
        assert.equal(t.AWSTemplateFormatVersion, '2010-09-09');
        const entries = Object.entries(t.Resources);
        assert.equal(entries.length, 1);
        const [id, r] = entries[0];
        assert.match(id, CFN_ID);
        assert.equal(r.Type, k.spec.isEgress ? 'AWS::EC2::SecurityGroupEgress' : 'AWS::EC2::SecurityGroupIngress');
        assert.equal(r.DeletionPolicy, undefined, 'a new rule is not retained');
        assert.deepEqual(r.Properties, expectedCfn(k.spec));
      });

      it(`CLI, ${k.name}: one command whose --ip-permissions is the SDK input the extension sends`, () => {
        const lines = commands(renderCode('cli', [ruleChange(k.spec)], ctx));
        assert.equal(lines.length, 1);
        const args = argv(lines[0]);
        assert.deepEqual(args.slice(0, 3), ['aws', 'ec2', k.spec.isEgress ? 'authorize-security-group-egress' : 'authorize-security-group-ingress']);
        assert.equal(argOf(args, '--region'), REGION);
        assert.equal(argOf(args, '--group-id'), SG);
        assert.deepEqual(JSON.parse(argOf(args, '--ip-permissions')), buildAuthorizeSecurityGroupInput(k.spec).IpPermissions);
      });
    }
  });

  describe('names and strings', () => {
    it('every odd group name gives valid, distinct Terraform names and CloudFormation logical ids', async () => {
      const groups = ODD_NAMES.map((n, i) => group(n, { groupId: `sg-${String(i).padStart(17, '0')}` }));
      const changes = groups.flatMap((g) =>
        groupExport(g, [asRule(rule({ groupId: g.groupId })), asRule(rule({ groupId: g.groupId, fromPort: 3306, toPort: 3306 }))]),
      );
      const doc = await hcl(renderCode('terraform', changes, { ...ctx, file: true }));
      const sgs = tfResources(doc, 'aws_security_group');
      assert.deepEqual(
        Object.values(sgs)
          .map((a) => a.name)
          .sort(),
        [...ODD_NAMES].sort(),
      );
      const all = [...Object.keys(sgs), ...Object.keys(tfResources(doc, 'aws_vpc_security_group_ingress_rule'))];
      for (const n of all) assert.match(n, TF_NAME);
      assert.equal(new Set(all).size, ODD_NAMES.length * 3);
      const t = cfn(renderCode('cloudformation', changes, ctx));
      const ids = Object.keys(t.Resources);
      for (const id of ids) assert.match(id, CFN_ID);
      assert.equal(ids.length, ODD_NAMES.length * 3);
      assert.deepEqual(
        Object.values(t.Resources)
          .filter((r) => r.Type === 'AWS::EC2::SecurityGroup')
          .map((r) => r.Properties.GroupName),
        ODD_NAMES,
      );
    });

    it('a name that is only digits or symbols still gets a name starting with a letter', () => {
      const n = new Namer('snake', 'sg');
      assert.equal(n.name('3tier'), 'sg_3tier');
      assert.equal(n.name('--'), 'sg');
      assert.equal(n.name('数据库'), 'sg_2');
      const p = new Namer('pascal', 'Sg');
      assert.equal(p.name('3tier', 'SecurityGroup'), 'Sg3tierSecurityGroup');
      assert.equal(p.name('Ünïcödé grüppe'), 'UnicodeGruppe');
    });

    it('HCL and YAML strings keep every character: quotes, backslashes, ${…}, %{…}, line breaks, control and non-ASCII characters', async () => {
      const nasty = 'a "quoted" \\ ${var.x} %{if} $${y} \n\r\t \u0001 \u2028 ünï 数据 \'single\'';
      const doc = await hcl(`x = ${hclString(nasty)}\n`);
      assert.equal(doc.x, nasty);
      const y = parseDocument(`x: ${yamlString(nasty)}\n`, { strict: true });
      assert.deepEqual(y.errors, []);
      assert.equal((y.toJS() as Json).x, nasty);
    });

    it('a description with quotes and shell metacharacters reaches the CLI argument intact', () => {
      const spec = rule({ description: `it's "quoted" $(rm -rf /) \`x\` ; & | *` });
      const args = argv(commands(renderCode('cli', [ruleChange(spec)], ctx))[0]);
      assert.equal(JSON.parse(argOf(args, '--ip-permissions'))[0].IpRanges[0].Description, spec.description);
    });

    it('no ApplyImmediately anywhere, in any format', () => {
      const changes = [databaseGroupsChange('cluster', undefined, 'orders', [SG, OTHER]), databaseGroupsChange('instance', undefined, 'legacy', [SG])];
      for (const f of ['cli', 'cloudformation', 'terraform'] as CodeFormat[]) assert.doesNotMatch(renderCode(f, changes, ctx), /apply.?immediately/i, f);
    });
  });

  describe('a database group list (the association preview)', () => {
    const idx = new RegionIndex({
      region: REGION,
      vpcs: [],
      groups: [group('app-db'), group('other', { groupId: OTHER })],
      rules: [],
      clusters: [],
      instances: [],
      loadedAt: 0,
    });
    const cluster = { engine: 'aurora-postgresql' } as never;

    it('Terraform: aws_rds_cluster with the whole list and an import block by cluster identifier', async () => {
      const doc = await hcl(renderCode('terraform', [databaseGroupsChange('cluster', cluster, 'orders-db', [SG, OTHER], idx)], ctx));
      const res = tfResources(doc, 'aws_rds_cluster');
      assert.deepEqual(Object.values(res), [{ cluster_identifier: 'orders-db', engine: 'aurora-postgresql', vpc_security_group_ids: [SG, OTHER] }]);
      assert.deepEqual(tfImports(doc), [{ to: `aws_rds_cluster.${Object.keys(res)[0]}`, id: 'orders-db' }]);
    });

    it('Terraform: aws_db_instance for a standalone instance, imported by identifier', async () => {
      const doc = await hcl(
        renderCode('terraform', [databaseGroupsChange('instance', { engine: 'mysql', instanceClass: 'db.t3.micro' } as never, 'legacy', [SG], idx)], ctx),
      );
      const res = tfResources(doc, 'aws_db_instance');
      assert.deepEqual(Object.values(res), [{ identifier: 'legacy', engine: 'mysql', instance_class: 'db.t3.micro', vpc_security_group_ids: [SG] }]);
      assert.deepEqual(tfImports(doc), [{ to: `aws_db_instance.${Object.keys(res)[0]}`, id: 'legacy' }]);
    });

    it('CloudFormation: DBCluster VpcSecurityGroupIds (DBInstance VPCSecurityGroups), retained, with the import identifiers', () => {
      const text = renderCode(
        'cloudformation',
        [databaseGroupsChange('cluster', cluster, 'orders-db', [SG, OTHER], idx), databaseGroupsChange('instance', undefined, 'legacy', [SG], idx)],
        ctx,
      );
      const t = cfn(text);
      const [c, i] = Object.values(t.Resources);
      assert.deepEqual(c, {
        Type: 'AWS::RDS::DBCluster',
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: { DBClusterIdentifier: 'orders-db', Engine: 'aurora-postgresql', VpcSecurityGroupIds: [SG, OTHER] },
      });
      assert.deepEqual(i, {
        Type: 'AWS::RDS::DBInstance',
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: { DBInstanceIdentifier: 'legacy', VPCSecurityGroups: [SG] },
      });
      const imports = JSON.parse(/--resources-to-import '([^']+)'/.exec(text)![1]);
      assert.deepEqual(
        imports.map((x: Json) => x.ResourceIdentifier),
        [{ DBClusterIdentifier: 'orders-db' }, { DBInstanceIdentifier: 'legacy' }],
      );
    });

    it('CLI: modify-db-cluster with the whole list, no --apply-immediately', () => {
      const args = argv(commands(renderCode('cli', [databaseGroupsChange('cluster', cluster, 'orders-db', [SG, OTHER], idx)], ctx))[0]);
      assert.deepEqual(args, [
        'aws',
        'rds',
        'modify-db-cluster',
        '--region',
        REGION,
        '--db-cluster-identifier',
        'orders-db',
        '--vpc-security-group-ids',
        SG,
        OTHER,
      ]);
    });
  });

  describe('a group exported with its rules', () => {
    const g = group('app "db" ${x}', { tags: { Name: 'App DB', 'aws:cloudformation:stack-name': 'orders', team: 'a"b' } });
    const rules = [
      asRule(rule({})),
      asRule(rule({ peer: { kind: 'group', groupId: SG }, description: 'self' })),
      asRule(rule({ peer: { kind: 'cidr6', cidr: '2001:db8::/48' } })),
      asRule(rule({ isEgress: true, protocol: '-1', fromPort: -1, toPort: -1, peer: { kind: 'cidr4', cidr: '0.0.0.0/0' } })),
    ];
    const changes = groupExport(g, rules);

    it('Terraform: the group and every rule, each with an import block (sg-…, sgr-…), self-references by resource, aws: tags left out', async () => {
      const text = renderCode('terraform', changes, { ...ctx, file: true });
      const doc = await hcl(text);
      const sgs = tfResources(doc, 'aws_security_group');
      const [sgName] = Object.keys(sgs);
      assert.deepEqual(sgs[sgName], { name: g.groupName, description: g.description, vpc_id: VPC, tags: { Name: 'App DB', team: 'a"b' } });
      const ingress = tfResources(doc, 'aws_vpc_security_group_ingress_rule');
      const egress = tfResources(doc, 'aws_vpc_security_group_egress_rule');
      const self = `\${aws_security_group.${sgName}.id}`;
      assert.deepEqual(Object.values(ingress), [
        expectedTf(rules[0], self),
        { ...expectedTf(rules[1], self), referenced_security_group_id: self },
        expectedTf(rules[2], self),
      ]);
      assert.deepEqual(Object.values(egress), [expectedTf(rules[3], self)]);
      assert.deepEqual(tfImports(doc), [
        { to: `aws_security_group.${sgName}`, id: SG },
        ...Object.keys(ingress).map((n, i) => ({ to: `aws_vpc_security_group_ingress_rule.${n}`, id: rules[i].ruleId })),
        { to: `aws_vpc_security_group_egress_rule.${Object.keys(egress)[0]}`, id: rules[3].ruleId },
      ]);
      assert.deepEqual((doc.provider as Json).aws, [{ region: REGION }]);
      assert.doesNotMatch(text, /ingress \{|egress \{/, 'no inline rule blocks');
    });

    it('CloudFormation: the group and every rule, retained, GetAtt for the group, with the import identifiers', () => {
      const text = renderCode('cloudformation', changes, ctx);
      const t = cfn(text);
      const entries = Object.entries(t.Resources);
      const [sgId, sg] = entries[0];
      assert.deepEqual(sg, {
        Type: 'AWS::EC2::SecurityGroup',
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          GroupName: g.groupName,
          GroupDescription: g.description,
          VpcId: VPC,
          Tags: [
            { Key: 'Name', Value: 'App DB' },
            { Key: 'team', Value: 'a"b' },
          ],
        },
      });
      const self = { 'Fn::GetAtt': [sgId, 'GroupId'] };
      assert.deepEqual(
        entries.slice(1).map(([, r]) => [r.Type, r.Properties]),
        [
          ['AWS::EC2::SecurityGroupIngress', expectedCfn(rules[0], self)],
          ['AWS::EC2::SecurityGroupIngress', { ...expectedCfn(rules[1], self), SourceSecurityGroupId: self }],
          ['AWS::EC2::SecurityGroupIngress', expectedCfn(rules[2], self)],
          ['AWS::EC2::SecurityGroupEgress', expectedCfn(rules[3], self)],
        ],
      );
      const imports = JSON.parse(/--resources-to-import '([^']+)'/.exec(text)![1]);
      assert.deepEqual(
        imports.map((x: Json) => x.ResourceIdentifier),
        [{ GroupId: SG }, ...rules.map((r) => ({ Id: r.ruleId }))],
      );
    });

    it("CLI: re-creates the group in $VPC_ID and its rules, the group's id from create-security-group, AWS's default outbound rule not sent twice", () => {
      const lines = commands(renderCode('cli', changes, { ...ctx, file: true }));
      assert.equal(lines[0], 'set -e');
      assert.equal(lines[1], `VPC_ID=${VPC}`);
      const create = argv(lines[2].replace(/^([A-Z_0-9]+)=\$\((.*)\)$/, '$2'), { VPC_ID: VPC });
      const variable = lines[2].split('=')[0];
      assert.match(variable, /^[A-Z_][A-Z0-9_]*$/);
      assert.equal(argOf(create, '--group-name'), g.groupName);
      assert.equal(argOf(create, '--description'), g.description);
      assert.equal(argOf(create, '--vpc-id'), VPC);
      assert.deepEqual(JSON.parse(argOf(create, '--tag-specifications')), [
        {
          ResourceType: 'security-group',
          Tags: [
            { Key: 'Name', Value: 'App DB' },
            { Key: 'team', Value: 'a"b' },
          ],
        },
      ]);
      const rest = lines.slice(3).map((l) => argv(l, { [variable]: 'sg-new' }));
      assert.equal(rest.length, 3, 'three inbound rules; the default outbound one comes with the group');
      for (const a of rest) assert.equal(argOf(a, '--group-id'), 'sg-new');
      const selfRule = JSON.parse(argOf(rest[1], '--ip-permissions'));
      assert.deepEqual(selfRule[0].UserIdGroupPairs, [{ GroupId: 'sg-new', Description: 'self' }]);
    });

    it("group references as AWS returns them (UserId: the account's own id): self by resource, others without the account; another account's kept", async () => {
      const owned = { ...g, ownerId: '111122223333' };
      const refs = [
        asRule(rule({ peer: { kind: 'group', groupId: SG, userId: '111122223333' } })),
        asRule(rule({ fromPort: 3306, toPort: 3306, peer: { kind: 'group', groupId: OTHER, userId: '111122223333' } })),
        asRule(rule({ fromPort: 6379, toPort: 6379, peer: { kind: 'group', groupId: OTHER, userId: '999988887777' } })),
      ];
      const doc = await hcl(renderCode('terraform', groupExport(owned, refs), ctx));
      const sgName = Object.keys(tfResources(doc, 'aws_security_group'))[0];
      assert.deepEqual(
        Object.values(tfResources(doc, 'aws_vpc_security_group_ingress_rule'))
          .map((a) => a.referenced_security_group_id)
          .sort(),
        [`\${aws_security_group.${sgName}.id}`, `999988887777/${OTHER}`, OTHER].sort(),
      );
      const t = cfn(renderCode('cloudformation', groupExport(owned, refs), ctx));
      const owners = Object.values(t.Resources).flatMap((r) => (r.Properties.SourceSecurityGroupOwnerId ? [r.Properties.SourceSecurityGroupOwnerId] : []));
      assert.deepEqual(owners, ['999988887777']);
    });

    it('CLI: a group without the default outbound rule has it revoked after creation', () => {
      const lines = commands(renderCode('cli', groupExport(g, rules.slice(0, 1)), { ...ctx, file: true }));
      assert.match(lines[3], /^aws ec2 revoke-security-group-egress /);
      assert.deepEqual(JSON.parse(argOf(argv(lines[3]), '--ip-permissions')), [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]);
    });
  });

  describe('the walkthrough plan', () => {
    const execs: ExecSpec[] = [
      { op: 'createGroup', role: 'app', vpcId: VPC, groupName: 'appsrv1', description: 'App servers' },
      {
        op: 'authorizeIngress',
        group: { role: 'app', groupName: 'appsrv1' },
        port: 443,
        peer: { kind: 'cidr4', cidr: '203.0.113.0/24' },
        description: 'Clients',
      },
      { op: 'createGroup', role: 'db', vpcId: VPC, groupName: 'orders-db-access', description: 'DB' },
      {
        op: 'authorizeIngress',
        group: { role: 'db', groupName: 'orders-db-access' },
        port: 5432,
        peer: { kind: 'group', group: { role: 'app', groupName: 'appsrv1' } },
        description: 'From app',
      },
      { op: 'setClusterGroups', clusterId: 'orders', current: [OTHER], add: { role: 'db', groupName: 'orders-db-access' } },
      { op: 'setEc2Groups', instanceId: 'i-0123', networkInterfaceId: 'eni-0123', current: [OTHER], add: { role: 'app', groupName: 'appsrv1' } },
    ];
    const changes: CodeChange[] = walkthroughChanges(execs);

    it('Terraform: new groups by resource reference, their default outbound rule declared, the cluster imported', async () => {
      const doc = await hcl(renderCode('terraform', changes, ctx));
      const sgs = tfResources(doc, 'aws_security_group');
      assert.deepEqual(Object.keys(sgs), ['appsrv1', 'orders_db_access']);
      assert.deepEqual(tfResources(doc, 'aws_vpc_security_group_ingress_rule').orders_db_access_ingress_tcp_5432, {
        security_group_id: '${aws_security_group.orders_db_access.id}',
        ip_protocol: 'tcp',
        from_port: 5432,
        to_port: 5432,
        referenced_security_group_id: '${aws_security_group.appsrv1.id}',
        description: 'From app',
      });
      assert.equal(Object.keys(tfResources(doc, 'aws_vpc_security_group_egress_rule')).length, 2);
      assert.deepEqual(Object.values(tfResources(doc, 'aws_rds_cluster'))[0].vpc_security_group_ids, [OTHER, '${aws_security_group.orders_db_access.id}']);
      assert.deepEqual(
        Object.values(tfResources(doc, 'aws_network_interface_sg_attachment'))
          .map((a) => [a.security_group_id, a.network_interface_id])
          .sort(),
        [
          ['${aws_security_group.appsrv1.id}', 'eni-0123'],
          [OTHER, 'eni-0123'],
        ],
      );
      assert.deepEqual(
        tfImports(doc)
          .map((i) => i.id)
          .sort(),
        ['eni-0123_' + OTHER, 'orders'],
        'the cluster, and the attachment the interface has already',
      );
    });

    it('CloudFormation: GetAtt for the new groups, the cluster retained', () => {
      const t = cfn(renderCode('cloudformation', changes, ctx));
      const r = t.Resources;
      assert.equal(r.Appsrv1SecurityGroup.Type, 'AWS::EC2::SecurityGroup');
      assert.equal(r.Appsrv1SecurityGroup.DeletionPolicy, undefined);
      const ingress = Object.values(r).find((x) => x.Type === 'AWS::EC2::SecurityGroupIngress' && x.Properties.FromPort === 5432)!;
      assert.deepEqual(ingress.Properties.SourceSecurityGroupId, { 'Fn::GetAtt': ['Appsrv1SecurityGroup', 'GroupId'] });
      const db = Object.values(r).find((x) => x.Type === 'AWS::RDS::DBCluster')!;
      assert.deepEqual(db.Properties.VpcSecurityGroupIds, [OTHER, { 'Fn::GetAtt': ['OrdersDbAccessSecurityGroup', 'GroupId'] }]);
    });

    it('CLI: a group created in the script is referred to by its variable, inside the JSON too', () => {
      const lines = commands(renderCode('cli', changes, ctx));
      const vars = { APPSRV1_SG_ID: 'sg-app', ORDERS_DB_ACCESS_SG_ID: 'sg-db' };
      const dbRule = argv(lines[3], vars);
      assert.equal(argOf(dbRule, '--group-id'), 'sg-db');
      assert.equal(JSON.parse(argOf(dbRule, '--ip-permissions'))[0].UserIdGroupPairs[0].GroupId, 'sg-app');
      assert.deepEqual(argv(lines[4], vars).slice(-2), [OTHER, 'sg-db']);
    });
  });

  describe('managed by (IaC awareness)', () => {
    it('recognises a CloudFormation stack, ManagedBy=terraform, a configured Key=Value, and nothing else', () => {
      assert.deepEqual(managedBy({ 'aws:cloudformation:stack-name': 'orders' }), {
        source: 'CloudFormation stack orders',
        tag: 'aws:cloudformation:stack-name=orders',
      });
      assert.deepEqual(managedBy({ ManagedBy: 'terraform' }), { source: 'terraform', tag: 'ManagedBy=terraform' });
      assert.deepEqual(managedBy({ managedby: 'Pulumi' }), { source: 'Pulumi', tag: 'managedby=Pulumi' });
      assert.equal(managedBy({ Name: 'x' }), undefined);
      assert.equal(managedBy({ ManagedBy: '  ' }), undefined);
      assert.equal(managedBy({ Owner: 'terraform' }, ['Owner=cdk']), undefined);
      assert.deepEqual(managedBy({ Owner: 'CDK' }, ['Owner=cdk']), { source: 'CDK', tag: 'Owner=CDK' });
      assert.deepEqual(managedBy({ terraform: 'true' }), { source: 'terraform', tag: 'terraform=true' });
      assert.equal(managedBy({ 'aws:cloudformation:stack-name': 'orders' }, []), undefined, 'an empty setting turns it off');
    });
  });
});

describe('Changes as code: the model and the setting', () => {
  it('RDS TagList is kept on clusters and instances (who manages them), and left out when there is none', () => {
    const c = toCluster(REGION, { DBClusterIdentifier: 'orders', Engine: 'aurora-mysql', TagList: [{ Key: 'aws:cloudformation:stack-name', Value: 'shop' }] });
    assert.deepEqual(c.tags, { 'aws:cloudformation:stack-name': 'shop' });
    assert.equal('tags' in toCluster(REGION, { DBClusterIdentifier: 'bare', Engine: 'aurora-mysql' }), false);
    assert.deepEqual(toInstance(REGION, { DBInstanceIdentifier: 'legacy', Engine: 'mysql', TagList: [{ Key: 'ManagedBy', Value: 'terraform' }] }).tags, {
      ManagedBy: 'terraform',
    });
  });

  it("auroraSg.managedByTags' default in package.json is the domain's default", () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8'));
    assert.deepEqual(pkg.contributes.configuration.properties['auroraSg.managedByTags'].default, [...DEFAULT_MANAGED_BY_TAGS]);
  });
});
