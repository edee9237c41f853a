// What the changing commands accept: any extension can call them with anything. Each parser turns a
// command's `unknown` argument into typed arguments, or refuses it with a specific UserError before
// any call. Arguments answer questions (complete arguments: none is asked), never a confirmation.
// No `vscode` here: unit-tested in plain Node (test/unit/args.test.ts).
import { parseScope } from '../domain/scope';
import { CODE_FORMATS, type CodeFormat } from '../domain/code/change';
import { isRegionCode, validateGroupId } from '../domain/validation';
import { tagProblem, type NewGroup } from '../ops/groups';
import type { RuleEdit, RulesToRemove } from '../ops/rules';
import { UserError } from '../ops/userError';
import type { Node, NodeOf } from '../tree/nodes';

export function isNode(x: unknown): x is Node {
  return !!x && typeof x === 'object' && typeof (x as { kind?: unknown }).kind === 'string' && typeof (x as { region?: unknown }).region === 'string';
}

/** The argument object of a command called with one (not a tree node), else {}. */
function argsOf(arg: unknown): Record<string, unknown> {
  return !isNode(arg) && arg && typeof arg === 'object' ? (arg as Record<string, unknown>) : {};
}

/** Text for a message, whatever was passed (an object without a usable toString included). */
export function shown(v: unknown): string {
  try {
    return String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}

export function requireString(v: unknown, name: string): string {
  if (typeof v !== 'string' || !v.trim()) throw new UserError(`The argument "${name}" is required.`);
  return v.trim();
}

const optionalText = (v: unknown, name: string): string | undefined => {
  if (v !== undefined && typeof v !== 'string') throw new UserError(`The argument "${name}" must be text.`);
  return v;
};

/** A Region code such as us-east-1, or undefined when none was given (then the command asks, or takes the only one). */
export function regionArg(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  // With several accounts a Region is named with its profile: profile/us-east-1 (src/domain/scope.ts).
  // The gateway refuses a profile that is not configured, before any call.
  const scope = typeof v === 'string' ? parseScope(v) : undefined;
  if (scope?.profile !== undefined && isRegionCode(scope.region) && isProfileName(scope.profile)) return v as string;
  if (!isRegionCode(v)) throw new UserError(`"${shown(v)}" is not a Region code (such as us-east-1).`);
  return v;
}

/** A profile name as the shared config file allows it: printable, no spaces or brackets. */
function isProfileName(p: string): boolean {
  return /^[\w.@+=,:/-]{1,128}$/.test(p);
}

export function groupIdList(v: unknown, what: string): string[] {
  if (!Array.isArray(v) || v.some((g) => typeof g !== 'string')) throw new UserError(`${what} must be a list of security group ids.`);
  return [...(v as string[])];
}

/** Tags typed as `key=value, key=value`: the tags, or why they cannot be used. */
export function parseTags(text: string): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).trim();
    const value = eq < 0 ? '' : part.slice(eq + 1).trim();
    if (!key) return `"${part}" has no key; write key=value.`;
    const bad = tagProblem(key, value);
    if (bad) return bad;
    out[key] = value;
  }
  return out;
}

/** Tags passed as an object of text values. */
export function tagsArg(v: unknown): Record<string, string> | undefined {
  if (v === undefined) return undefined;
  if (!v || typeof v !== 'object' || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'string'))
    throw new UserError('The argument "tags" must be an object of text values, such as { "team": "shop" }.');
  for (const [k, x] of Object.entries(v as Record<string, string>)) {
    const bad = tagProblem(k, x);
    if (bad) throw new UserError(bad);
  }
  return { ...(v as Record<string, string>) };
}

/** A rule's fields as passed (their values are checked when the rule is built). */
export type RuleFields = RuleEdit;

/** The fields of a rule, each checked for its type. */
export function checkRuleArgs(a: Record<string, unknown>): RuleFields {
  const bad = (what: string, v: string) => new UserError(`The argument "${what}" must be ${v}.`);
  if (a.protocol !== undefined && typeof a.protocol !== 'string' && typeof a.protocol !== 'number')
    throw bad('protocol', 'text such as "tcp", or a protocol number');
  for (const k of ['fromPort', 'toPort'] as const) if (a[k] !== undefined && typeof a[k] !== 'number') throw bad(k, 'a number');
  if (a.description !== undefined && typeof a.description !== 'string') throw bad('description', 'text');
  const src = a.source;
  if (src !== undefined) {
    if (!src || typeof src !== 'object' || Array.isArray(src)) throw bad('source', '{ cidr }, { groupId } or { prefixListId }');
    const keys = ['cidr', 'groupId', 'prefixListId'].filter((k) => (src as Record<string, unknown>)[k] !== undefined);
    if (keys.length !== 1) throw bad('source', 'exactly one of { cidr }, { groupId } or { prefixListId }');
    if (typeof (src as Record<string, unknown>)[keys[0]] !== 'string') throw bad(`source.${keys[0]}`, 'text');
    const userId = (src as { userId?: unknown }).userId;
    if (userId !== undefined && (typeof userId !== 'string' || !/^\d{12}$/.test(userId))) throw bad('source.userId', 'a 12-digit AWS account id');
  }
  return { protocol: a.protocol, fromPort: a.fromPort, toPort: a.toPort, source: src, description: a.description } as RuleFields;
}

export interface CreateGroupArgs extends Partial<Pick<NewGroup, 'region' | 'vpcId' | 'groupName' | 'description'>> {
  readonly tags?: Record<string, string>;
  /** Called with a group name: nothing is asked (no description is an error, no tags are none). */
  readonly complete: boolean;
}

/** auroraSg.createSecurityGroup: a VPC node (or the VPCs section), or { region, vpcId, groupName, description?, tags? }. */
export function createGroupArgs(arg: unknown): CreateGroupArgs {
  if (isNode(arg)) return { region: arg.region, vpcId: arg.kind === 'vpc' ? arg.vpcId : undefined, complete: false };
  const a = argsOf(arg);
  const region = regionArg(a.region);
  const complete = a.groupName !== undefined;
  if (complete && typeof a.groupName !== 'string') throw new UserError('The argument "groupName" must be text.');
  const description = optionalText(a.description, 'description');
  const tags = tagsArg(a.tags);
  return {
    region,
    vpcId: complete || a.vpcId !== undefined ? requireString(a.vpcId, 'vpcId') : undefined,
    groupName: a.groupName as string | undefined,
    description,
    tags,
    complete,
  };
}

export interface AddRuleArgs extends RuleFields {
  readonly region?: string;
  readonly groupId?: string;
  /** From a group shown under a cluster: the cluster, whose port is offered first. */
  readonly clusterId?: string;
  /** Called with a group and a rule (source or protocol): nothing is asked. */
  readonly complete: boolean;
}

/** auroraSg.addInboundRule / addOutboundRule: a group, direction or rule node, or { region, groupId, protocol, fromPort, toPort, source, description }. */
export function addRuleArgs(arg: unknown): AddRuleArgs {
  if (isNode(arg)) {
    const groupId = arg.kind === 'group' || arg.kind === 'direction' || arg.kind === 'rule' ? arg.groupId : undefined;
    return { region: arg.region, groupId, clusterId: arg.kind === 'group' ? arg.via?.clusterId : undefined, complete: false };
  }
  const a = argsOf(arg);
  const region = regionArg(a.region);
  const complete = a.groupId !== undefined && (a.source !== undefined || a.protocol !== undefined);
  const groupId = a.groupId !== undefined ? requireString(a.groupId, 'groupId') : undefined;
  return { region, groupId, ...checkRuleArgs(a), complete };
}

export interface EditRuleArgs extends RuleFields {
  readonly region?: string;
  readonly ruleId: string;
  /** From a rule node (the command asks what to change): the group the tree showed it in, '' when unknown. */
  readonly treeGroupId?: string;
}

const text = (v: unknown) => (typeof v === 'string' ? v : '');

/** auroraSg.editRule: a rule node, or { region, ruleId, protocol?, fromPort?, toPort?, source?, description? }. */
export function editRuleArgs(arg: unknown): EditRuleArgs {
  if (isNode(arg)) {
    if (arg.kind !== 'rule') throw new UserError('The argument "ruleId" is required.');
    return { region: arg.region, ruleId: requireString(arg.ruleId, 'ruleId'), treeGroupId: text(arg.groupId) };
  }
  const a = argsOf(arg);
  const region = regionArg(a.region);
  return { region, ruleId: requireString(a.ruleId, 'ruleId'), ...checkRuleArgs(a) };
}

export interface RemoveRulesArgs extends RulesToRemove {
  readonly region?: string;
}

/** auroraSg.removeRule: the selected rule nodes (or the one clicked), or { region, groupId?, ruleIds }. */
export function removeRulesArgs(arg: unknown, selected?: unknown): RemoveRulesArgs {
  const nodes = (Array.isArray(selected) && selected.length ? selected : [arg]).filter((n): n is NodeOf<'rule'> => isNode(n) && n.kind === 'rule');
  if (nodes.length) {
    if (nodes.some((n) => n.region !== nodes[0].region)) throw new UserError('Select rules of one Region at a time.');
    const ids = nodes.map((n) => n.ruleId);
    if (ids.some((i) => typeof i !== 'string')) throw new UserError('The argument "ruleIds" must be a list of rule ids (sgr-…).');
    return { region: nodes[0].region, ruleIds: ids, fromTree: new Map(nodes.map((n) => [n.ruleId, text(n.groupId)])) };
  }
  const a = argsOf(arg);
  const region = regionArg(a.region);
  const ids = a.ruleIds ?? [];
  if (!Array.isArray(ids) || ids.some((i) => typeof i !== 'string')) throw new UserError('The argument "ruleIds" must be a list of rule ids (sgr-…).');
  if (!ids.length) throw new UserError('No rule was given: select rules in the tree, or pass { region, groupId, ruleIds }.');
  if (a.groupId !== undefined && typeof a.groupId !== 'string') throw new UserError('The argument "groupId" must be a security group id.');
  return { region, groupId: (a.groupId as string | undefined) || undefined, ruleIds: ids as string[] };
}

export interface DeleteGroupArgs {
  readonly region?: string;
  readonly groupId: string;
  /** With arguments: the group's name, typed as the confirmation. */
  readonly confirmName?: string;
}

/** auroraSg.deleteSecurityGroup: a group node, or { region, groupId, confirmName? }. */
export function deleteGroupArgs(arg: unknown): DeleteGroupArgs {
  if (isNode(arg) && arg.kind === 'group') return { region: arg.region, groupId: requireString(arg.groupId, 'groupId') };
  const a = argsOf(arg);
  const region = regionArg(a.region);
  const groupId = requireString(a.groupId, 'groupId');
  const bad = validateGroupId(groupId);
  if (bad) throw new UserError(bad);
  const confirmName = a.confirmName ?? undefined;
  if (confirmName !== undefined && typeof confirmName !== 'string')
    throw new UserError('The argument "confirmName" must be text: the group\'s name, typed as the confirmation.');
  return { region, groupId, confirmName };
}

export interface ExportGroupArgs {
  readonly region?: string;
  readonly groupId?: string;
  readonly format?: CodeFormat;
}

/** auroraSg.exportSecurityGroup: a group node, or { region?, groupId?, format? } (what is missing is asked). */
export function exportGroupArgs(arg: unknown): ExportGroupArgs {
  if (isNode(arg) && arg.kind === 'group') return { region: arg.region, groupId: requireString(arg.groupId, 'groupId') };
  const a = argsOf(arg);
  const region = regionArg(a.region);
  let groupId: string | undefined;
  if (a.groupId !== undefined) {
    groupId = requireString(a.groupId, 'groupId');
    const bad = validateGroupId(groupId);
    if (bad) throw new UserError(bad);
  }
  const format = a.format;
  if (format !== undefined && !CODE_FORMATS.some((f) => f.format === format))
    throw new UserError(
      `The argument "format" must be one of ${CODE_FORMATS.map((f) => JSON.stringify(f.format)).join(', ')}, not ${JSON.stringify(shown(format))}.`,
    );
  return { region, groupId, format: format as CodeFormat | undefined };
}
