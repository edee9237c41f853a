// A change as AWS CLI commands for a POSIX shell (bash, zsh): one command a line, every word quoted
// (shellQuote), the JSON arguments exactly the inputs src/domain/requests.ts builds for the SDK, so
// the commands send what the extension would. The walkthrough's per-action lines (walkthrough/cli.ts)
// are built with the same line builders. No --apply-immediately on the RDS lines: a security-group
// change applies as soon as possible without it, and with it RDS would also apply everything in the
// pending-modifications queue (RDS user guide, Overview.DBInstance.Modifying; requests.ts).
import { parseScope } from '../scope';
import type { RuleSpec } from '../model';
import { buildAuthorizeSecurityGroupInput, buildCreateSecurityGroupInput } from '../requests';
import { type CodeChange, type CodeContext, type CodeGroupRef, isDeclared, Namer, oneLine, refComment, sameRef, userTags } from './change';

/** Quotes one word for a POSIX shell (bash, zsh): bare when safe, else in single quotes. */
export function shellQuote(s: string): string {
  if (s !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** `--region R`, and `--profile P` for a Region of one of several accounts (a scope key profile/Region). */
export function regionArg(key: string): string {
  const { profile, region } = parseScope(key);
  return `--region ${shellQuote(region)}${profile === undefined ? '' : ` --profile ${shellQuote(profile)}`}`;
}

/** `VAR=$(aws ec2 create-security-group … --query GroupId --output text)`: the new group's id in a shell variable. */
export function createGroupLine(
  variable: string,
  region: string,
  vpcWord: string | undefined,
  groupName: string,
  description: string,
  tags: readonly [string, string][] = [],
): string {
  const tagArg = tags.length
    ? ` --tag-specifications ${shellQuote(JSON.stringify(buildCreateSecurityGroupInput({ groupName, description, tags: Object.fromEntries(tags) }).TagSpecifications))}`
    : '';
  return `${variable}=$(aws ec2 create-security-group ${regionArg(region)}${vpcWord ? ` --vpc-id ${vpcWord}` : ''} --group-name ${shellQuote(groupName)} --description ${shellQuote(description)}${tagArg} --query GroupId --output text)`;
}

/** `aws ec2 authorize-security-group-ingress|egress … --ip-permissions '<json>'`; `permissions` is the already quoted JSON word. */
export function authorizeLine(region: string, isEgress: boolean, groupWord: string, permissions: string): string {
  return `aws ec2 authorize-security-group-${isEgress ? 'egress' : 'ingress'} ${regionArg(region)} --group-id ${groupWord} --ip-permissions ${permissions}`;
}

/** `aws rds modify-db-cluster|modify-db-instance … --vpc-security-group-ids …` (the whole list; no --apply-immediately). */
export function modifyDatabaseLine(kind: 'cluster' | 'instance', region: string, id: string, groupWords: readonly string[]): string {
  return kind === 'cluster'
    ? `aws rds modify-db-cluster ${regionArg(region)} --db-cluster-identifier ${shellQuote(id)} --vpc-security-group-ids ${groupWords.join(' ')}`
    : `aws rds modify-db-instance ${regionArg(region)} --db-instance-identifier ${shellQuote(id)} --vpc-security-group-ids ${groupWords.join(' ')}`;
}

export function modifyInterfaceLine(region: string, networkInterfaceId: string, groupWords: readonly string[]): string {
  return `aws ec2 modify-network-interface-attribute ${regionArg(region)} --network-interface-id ${shellQuote(networkInterfaceId)} --groups ${groupWords.join(' ')}`;
}

/** AWS's default outbound rule of a new group, as RevokeSecurityGroupEgress takes it. */
const DEFAULT_EGRESS = JSON.stringify([{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]);

/** Stands for the peer's variable while the JSON is built (group ids never contain '@'). */
const SENTINEL = '@@GROUP_ID@@';

/**
 * The --ip-permissions word of a rule. A peer created in the same script is its shell variable,
 * spliced into the quoted JSON ('…"GroupId":"'"$VAR"'"…') so the shell expands it.
 */
function permissionsWord(c: Extract<CodeChange, { op: 'rule' }>, variableOf: (ref: CodeGroupRef) => string | undefined): string {
  const peerVar = c.peer.kind === 'newGroup' ? variableOf(c.peer.group) : undefined;
  const peer = c.peer.kind === 'newGroup' ? { kind: 'group' as const, groupId: peerVar ? SENTINEL : (c.peer.group.groupId ?? c.peer.group.groupName) } : c.peer;
  const spec: RuleSpec = { groupId: 'x', isEgress: c.isEgress, protocol: c.protocol, fromPort: c.fromPort, toPort: c.toPort, peer, description: c.description };
  const json = JSON.stringify(buildAuthorizeSecurityGroupInput(spec).IpPermissions);
  if (!peerVar) return shellQuote(json);
  return json
    .split(SENTINEL)
    .map((part) => shellQuote(part))
    .join(`"$${peerVar}"`);
}

/** The changes as a shell script (or, for one command, the command with a comment). */
export function toCli(changes: readonly CodeChange[], ctx: CodeContext): string {
  const names = new Namer('snake', 'sg');
  const vars: { ref: CodeGroupRef; variable: string }[] = [];
  for (const c of changes) if (c.op === 'group') vars.push({ ref: c.group, variable: `${names.name(c.group.groupName).toUpperCase()}_SG_ID` });
  const variableOf = (ref: CodeGroupRef) => vars.find((v) => sameRef(v.ref, ref))?.variable;
  const word = (ref: CodeGroupRef) => {
    const v = variableOf(ref);
    return v ? `"$${v}"` : shellQuote(ref.groupId ?? ref.groupName);
  };
  const lines: string[] = [];
  const vpcs = [...new Set(changes.flatMap((c) => (c.op === 'group' && c.existing && c.vpcId ? [c.vpcId] : [])))];
  if (ctx.file)
    lines.push('#!/bin/sh', `# ${oneLine(ctx.title)}`, `# Region ${oneLine(ctx.region)}. Run with credentials for the account (AWS_PROFILE=…).`, 'set -e', '');
  else lines.push(`# ${oneLine(ctx.title)}`);
  // An export re-creates the group: its VPC is a variable, to create it elsewhere.
  const vpcVar = new Map(vpcs.map((v, i) => [v, vpcs.length === 1 ? 'VPC_ID' : `VPC_ID_${i + 1}`]));
  for (const [v, name] of vpcVar) lines.push(`${name}=${shellQuote(v)}`);
  for (const c of changes) {
    switch (c.op) {
      case 'group': {
        const vpcWord = c.vpcId ? (vpcVar.has(c.vpcId) ? `"$${vpcVar.get(c.vpcId)}"` : shellQuote(c.vpcId)) : undefined;
        if (c.existing) lines.push(`# ${refComment(c.group)}, re-created (the ids of the new group and rules are new)`);
        lines.push(createGroupLine(variableOf(c.group)!, ctx.region, vpcWord, c.group.groupName, c.description, userTags(c.tags)));
        // AWS gives every new group of a VPC an outbound rule for all traffic to 0.0.0.0/0.
        if (c.existing && c.keepsDefaultEgress === false)
          lines.push(
            `aws ec2 revoke-security-group-egress ${regionArg(ctx.region)} --group-id ${word(c.group)} --ip-permissions ${shellQuote(DEFAULT_EGRESS)}`,
          );
        break;
      }
      case 'rule': {
        // That default rule is there already on a re-created group.
        const isDefault = c.isEgress && c.protocol === '-1' && c.peer.kind === 'cidr4' && c.peer.cidr === '0.0.0.0/0';
        if (isDefault && isDeclared(changes, c.group)) {
          lines.push(`# ${c.ruleId ?? 'outbound all traffic to 0.0.0.0/0'}: AWS's default outbound rule, made by create-security-group`);
          break;
        }
        if (c.ruleId) lines.push(`# ${c.ruleId}`);
        lines.push(authorizeLine(ctx.region, c.isEgress, word(c.group), permissionsWord(c, variableOf)));
        break;
      }
      case 'databaseGroups':
        lines.push(modifyDatabaseLine(c.kind, ctx.region, c.id, c.groups.map(word)));
        break;
      case 'interfaceGroups':
        lines.push(modifyInterfaceLine(ctx.region, c.networkInterfaceId, c.groups.map(word)));
        break;
    }
  }
  return `${lines.join('\n')}\n`;
}
