// A change as code: the plain description the three generators (cli.ts, cloudformation.ts,
// terraform.ts) render. It is built from what the previews already hold (a RuleSpec, a database's
// new group list, a walkthrough's actions, a group and its rules) and names groups by reference, so
// that a group created in the same change is referred to by its resource, not by an id nobody knows yet.
import type { DbCluster, DbInstance, RegionIndex, RulePeer, RuleSpec, SecurityGroup, SecurityGroupRule, Tags } from '../model';

/** A group in a change: an existing one (its id), or one created by a `createGroup` of the same change (no id yet). */
export interface CodeGroupRef {
  readonly groupName: string;
  readonly groupId?: string;
}

/** A rule's peer: as the model has it, or a group created in the same change. */
export type CodePeer = RulePeer | { readonly kind: 'newGroup'; readonly group: CodeGroupRef };

export type CodeChange =
  | {
      readonly op: 'group';
      readonly group: CodeGroupRef;
      readonly vpcId?: string;
      readonly description: string;
      readonly tags?: Tags;
      /** The group exists (export): code that manages it imports it (Terraform `import`, CloudFormation resource import). */
      readonly existing?: boolean;
      /** For a re-created group (CLI of an export): whether it has AWS's default outbound rule (all traffic to 0.0.0.0/0). */
      readonly keepsDefaultEgress?: boolean;
    }
  | {
      readonly op: 'rule';
      readonly group: CodeGroupRef;
      readonly isEgress: boolean;
      readonly protocol: string;
      readonly fromPort: number;
      readonly toPort: number;
      readonly peer: CodePeer;
      readonly description?: string;
      /** The rule exists (sgr-…): it is imported rather than created. */
      readonly ruleId?: string;
    }
  | {
      readonly op: 'databaseGroups';
      readonly kind: 'cluster' | 'instance';
      readonly id: string;
      /** The whole new list (ModifyDBCluster / ModifyDBInstance replace it). */
      readonly groups: readonly CodeGroupRef[];
      readonly engine?: string;
      readonly instanceClass?: string;
    }
  | {
      /** The groups of an EC2 instance's primary network interface (the walkthrough's app server). */
      readonly op: 'interfaceGroups';
      readonly networkInterfaceId: string;
      readonly instanceId?: string;
      readonly groups: readonly CodeGroupRef[];
      /** The groups the interface has now (their attachments exist and are imported). */
      readonly current?: readonly string[];
    };

export type CodeFormat = 'cli' | 'cloudformation' | 'terraform';

export const CODE_FORMATS: readonly { readonly format: CodeFormat; readonly label: string; readonly language: string; readonly detail: string }[] = [
  { format: 'cli', label: 'AWS CLI', language: 'shellscript', detail: 'aws ec2 / aws rds commands for a POSIX shell' },
  {
    format: 'cloudformation',
    label: 'CloudFormation YAML',
    language: 'yaml',
    detail: 'AWS::EC2::SecurityGroup, SecurityGroupIngress / Egress, DBCluster VpcSecurityGroupIds',
  },
  {
    format: 'terraform',
    label: 'Terraform',
    language: 'terraform',
    detail: 'aws_vpc_security_group_ingress_rule / egress_rule, aws_security_group, import blocks',
  },
];

export const codeFormatLabel = (f: CodeFormat): string => CODE_FORMATS.find((x) => x.format === f)!.label;

/** What a generator needs besides the changes. */
export interface CodeContext {
  readonly region: string;
  /** One line saying what the code does ("Add tcp 5432 from 10.0.0.0/16 to app-db"). */
  readonly title: string;
  /** A whole file (export): the generators add what a file needs (Terraform's provider, CloudFormation's template version). */
  readonly file?: boolean;
  /** Names for existing groups referenced by id (comments only). */
  readonly groupName?: (groupId: string) => string | undefined;
}

export const refOfGroup = (g: Pick<SecurityGroup, 'groupId' | 'groupName'>): CodeGroupRef => ({ groupId: g.groupId, groupName: g.groupName });

/** A group known only by id (its name from the Region when loaded). */
export function refById(groupId: string, idx?: RegionIndex): CodeGroupRef {
  return { groupId, groupName: idx?.groupsById.get(groupId)?.groupName ?? groupId };
}

/** One new rule (the add-rule preview). */
export function ruleChange(spec: RuleSpec, idx?: RegionIndex, ruleId?: string): CodeChange {
  return {
    op: 'rule',
    group: refById(spec.groupId, idx),
    isEgress: spec.isEgress,
    protocol: spec.protocol,
    fromPort: spec.fromPort,
    toPort: spec.toPort,
    peer: spec.peer,
    ...(spec.description ? { description: spec.description } : {}),
    ...(ruleId ? { ruleId } : {}),
  };
}

/** A database's whole new group list (the association preview). */
export function databaseGroupsChange(
  kind: 'cluster' | 'instance',
  db: DbCluster | DbInstance | undefined,
  id: string,
  groupIds: readonly string[],
  idx?: RegionIndex,
): CodeChange {
  return {
    op: 'databaseGroups',
    kind,
    id,
    groups: groupIds.map((g) => refById(g, idx)),
    ...(db?.engine && db.engine !== 'unknown' ? { engine: db.engine } : {}),
    ...(db?.instanceClass ? { instanceClass: db.instanceClass } : {}),
  };
}

/** A group as it is, with its rules (the export): every resource exists and is imported. */
export function groupExport(g: SecurityGroup, rules: readonly SecurityGroupRule[]): CodeChange[] {
  const self = refOfGroup(g);
  const isDefaultEgress = (r: SecurityGroupRule) => r.isEgress && r.protocol === '-1' && r.peer.kind === 'cidr4' && r.peer.cidr === '0.0.0.0/0';
  // A reference to the group itself follows it (the re-created group, the resource); the account's own
  // id, which AWS returns as UserId with every group reference, is left out (it is implied).
  const peerOf = (p: RulePeer): CodePeer => {
    if (p.kind !== 'group') return p;
    if (p.groupId === g.groupId) return { kind: 'newGroup', group: self };
    return p.userId !== undefined && p.userId === g.ownerId ? { kind: 'group', groupId: p.groupId } : p;
  };
  const ordered = [...rules].sort((a, b) => Number(a.isEgress) - Number(b.isEgress) || a.ruleId.localeCompare(b.ruleId));
  return [
    {
      op: 'group',
      group: self,
      vpcId: g.vpcId,
      description: g.description,
      tags: g.tags,
      existing: true,
      keepsDefaultEgress: rules.some(isDefaultEgress),
    },
    ...ordered.map((r): CodeChange => ({
      op: 'rule',
      group: self,
      isEgress: r.isEgress,
      protocol: r.protocol,
      fromPort: r.fromPort,
      toPort: r.toPort,
      peer: peerOf(r.peer),
      ...(r.description ? { description: r.description } : {}),
      ruleId: r.ruleId,
    })),
  ];
}

/** The groups a change creates or exports, by name, in order (each gets one resource). */
export function declaredGroups(changes: readonly CodeChange[]): CodeGroupRef[] {
  return changes.flatMap((c) => (c.op === 'group' ? [c.group] : []));
}

/** Whether `ref` is a group declared (created or exported) in these changes. */
export function isDeclared(changes: readonly CodeChange[], ref: CodeGroupRef): boolean {
  return changes.some((c) => c.op === 'group' && sameRef(c.group, ref));
}

export const sameRef = (a: CodeGroupRef, b: CodeGroupRef): boolean =>
  a.groupId && b.groupId ? a.groupId === b.groupId : !a.groupId && !b.groupId && a.groupName === b.groupName;

/** Tags AWS reserves (aws:…): set by AWS, refused in CreateSecurityGroup, CloudFormation and Terraform. */
export const userTags = (tags: Tags | undefined): [string, string][] => Object.entries(tags ?? {}).filter(([k]) => !k.toLowerCase().startsWith('aws:'));

/**
 * Makes names for generated code that are valid whatever the group is called: ASCII letters,
 * digits and `_` only (diacritics dropped, other characters as word breaks), never starting with a
 * digit, and unique within one piece of code.
 */
export class Namer {
  private readonly used = new Set<string>();
  constructor(
    private readonly style: 'pascal' | 'snake',
    private readonly fallback: string,
  ) {}

  static words(text: string): string[] {
    return text
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .split(/[^A-Za-z0-9]+/)
      .filter(Boolean);
  }

  /** A fresh name from these parts (each a text to split into words). */
  name(...parts: string[]): string {
    const words = parts.flatMap((p) => Namer.words(p));
    let base =
      this.style === 'pascal'
        ? words.map((w) => w[0].toUpperCase() + w.slice(1).toLowerCase()).join('')
        : words
            .map((w) => w.toLowerCase())
            .join('_')
            .slice(0, 64);
    if (this.style === 'pascal') base = base.slice(0, 200);
    if (!base) base = this.fallback;
    if (/^[0-9]/.test(base)) base = `${this.fallback}${this.style === 'snake' ? '_' : ''}${base}`;
    let n = base;
    for (let i = 2; this.used.has(n.toLowerCase()); i++) n = `${base}${this.style === 'snake' ? '_' : ''}${i}`;
    this.used.add(n.toLowerCase());
    return n;
  }
}

/** "tcp 5432", "all traffic", "icmp 8/-1": for names and comments. */
export function ruleWords(c: Extract<CodeChange, { op: 'rule' }>): string {
  if (c.protocol === '-1') return 'all';
  if (c.fromPort === -1 && c.toPort === -1) return c.protocol;
  return c.fromPort === c.toPort ? `${c.protocol} ${c.fromPort}` : `${c.protocol} ${c.fromPort} ${c.toPort}`;
}

/** "sg-0abc (app-db)" for comments, without line breaks. */
export function refComment(ref: CodeGroupRef): string {
  const name = oneLine(ref.groupName);
  return ref.groupId ? (name && name !== ref.groupId ? `${ref.groupId} (${name})` : ref.groupId) : `${name} (created here)`;
}

/** Text for a comment: one line, no control characters. */
export const oneLine = (s: string): string =>
  s
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .trim()
    .slice(0, 200);
