// The calls a walkthrough step makes: what each action sends (the same write the AWS layer
// makes, with the input src/domain/requests.ts builds for it), and the AWS CLI command that does
// the same, one line quoted for a POSIX shell.
import type { RulePeer, RuleSpec } from '../model';
import {
  buildAuthorizeSecurityGroupInput,
  buildCreateSecurityGroupInput,
  buildModifyDBClusterInput,
  buildModifyDBInstanceInput,
  buildModifyNetworkInterfaceAttributeInput,
  type CreateGroupSpec,
} from '../requests';
import type { GroupResolution } from './resolve';
import { authorizeLine, createGroupLine, modifyDatabaseLine, modifyInterfaceLine, shellQuote } from '../code/cli';

/** A group named in a plan: known by id, or created earlier in the same step. */
export interface GroupRef {
  readonly role: 'app' | 'db';
  readonly groupName: string;
  readonly groupId?: string;
}

export type ExecSpec =
  | { readonly op: 'createGroup'; readonly role: 'app' | 'db'; readonly vpcId: string; readonly groupName: string; readonly description: string }
  | {
      readonly op: 'authorizeIngress';
      readonly group: GroupRef;
      readonly port: number;
      readonly peer: { readonly kind: 'cidr4' | 'cidr6'; readonly cidr: string } | { readonly kind: 'group'; readonly group: GroupRef };
      readonly description: string;
    }
  | {
      readonly op: 'setEc2Groups';
      readonly instanceId: string;
      /** The instance's primary network interface (device index 0): its groups are the ones changed. */
      readonly networkInterfaceId: string;
      /** That interface's own groups (not the other interfaces'). */
      readonly current: readonly string[];
      readonly add: GroupRef;
    }
  | { readonly op: 'setClusterGroups'; readonly clusterId: string; readonly current: readonly string[]; readonly add: GroupRef }
  | { readonly op: 'setDbInstanceGroups'; readonly instanceId: string; readonly current: readonly string[]; readonly add: GroupRef }
  | { readonly op: 'read' };

export interface ApiCall {
  readonly service: 'EC2' | 'RDS';
  readonly operation: string;
  readonly input: Readonly<Record<string, unknown>>;
}

/**
 * The write an action makes, named as src/aws/writes.ts names it, with the arguments it takes.
 * The group lists are the current groups plus the added one (what the merge of changes.ts gives
 * when the group is not there yet; the plan skips the write when it is).
 */
export type PlannedWrite =
  | { readonly write: 'createSecurityGroup'; readonly spec: CreateGroupSpec }
  | { readonly write: 'authorizeRule'; readonly spec: RuleSpec }
  | { readonly write: 'setNetworkInterfaceGroups'; readonly networkInterfaceId: string; readonly groupIds: readonly string[] }
  | { readonly write: 'setClusterGroups'; readonly clusterId: string; readonly groupIds: readonly string[] }
  | { readonly write: 'setInstanceGroups'; readonly instanceId: string; readonly groupIds: readonly string[] };

export function refOf(role: 'app' | 'db', g: GroupResolution): GroupRef | undefined {
  if (g.status === 'exists') return { role, groupName: g.groupName, groupId: g.groupId };
  if (g.status === 'new') return { role, groupName: g.groupName };
  return undefined;
}

/** The group's id as a plan shows it: its id, or a placeholder until CreateSecurityGroup returns it. */
export function groupIdOrPlaceholder(ref: GroupRef): string {
  return ref.groupId ?? `<id of ${ref.groupName}, returned by CreateSecurityGroup>`;
}

type AuthorizeExec = Extract<ExecSpec, { op: 'authorizeIngress' }>;

/** The inbound rule an authorizeIngress action adds. */
function ruleSpecOf(e: AuthorizeExec, idOf: (ref: GroupRef) => string): RuleSpec {
  const peer: RulePeer = e.peer.kind === 'group' ? { kind: 'group', groupId: idOf(e.peer.group) } : { kind: e.peer.kind, cidr: e.peer.cidr };
  return { groupId: idOf(e.group), isEgress: false, protocol: 'tcp', fromPort: e.port, toPort: e.port, peer, description: e.description };
}

/** The write an action makes; `idOf` gives each group's id (for a group created in the same step, once known). */
export function writeOf(e: Exclude<ExecSpec, { op: 'read' }>, idOf: (ref: GroupRef) => string = groupIdOrPlaceholder): PlannedWrite {
  switch (e.op) {
    case 'createGroup':
      return { write: 'createSecurityGroup', spec: { vpcId: e.vpcId, groupName: e.groupName, description: e.description } };
    case 'authorizeIngress':
      return { write: 'authorizeRule', spec: ruleSpecOf(e, idOf) };
    case 'setEc2Groups':
      return { write: 'setNetworkInterfaceGroups', networkInterfaceId: e.networkInterfaceId, groupIds: [...e.current, idOf(e.add)] };
    case 'setClusterGroups':
      return { write: 'setClusterGroups', clusterId: e.clusterId, groupIds: [...e.current, idOf(e.add)] };
    case 'setDbInstanceGroups':
      return { write: 'setInstanceGroups', instanceId: e.instanceId, groupIds: [...e.current, idOf(e.add)] };
  }
}

/** The SDK call a write sends: its input is the one src/aws/writes.ts builds (src/domain/requests.ts). */
export function callOf(w: PlannedWrite): ApiCall {
  switch (w.write) {
    case 'createSecurityGroup':
      return { service: 'EC2', operation: 'CreateSecurityGroup', input: buildCreateSecurityGroupInput(w.spec) };
    case 'authorizeRule':
      return {
        service: 'EC2',
        operation: w.spec.isEgress ? 'AuthorizeSecurityGroupEgress' : 'AuthorizeSecurityGroupIngress',
        input: buildAuthorizeSecurityGroupInput(w.spec),
      };
    case 'setNetworkInterfaceGroups':
      return {
        service: 'EC2',
        operation: 'ModifyNetworkInterfaceAttribute',
        input: buildModifyNetworkInterfaceAttributeInput(w.networkInterfaceId, w.groupIds),
      };
    case 'setClusterGroups':
      return { service: 'RDS', operation: 'ModifyDBCluster', input: buildModifyDBClusterInput(w.clusterId, w.groupIds) };
    case 'setInstanceGroups':
      return { service: 'RDS', operation: 'ModifyDBInstance', input: buildModifyDBInstanceInput(w.instanceId, w.groupIds) };
  }
}

/** The SDK call an action makes (groups created in the same step shown by placeholder). */
export function apiCall(e: ExecSpec): ApiCall | undefined {
  return e.op === 'read' ? undefined : callOf(writeOf(e));
}

export { shellQuote };

const cliVar = (role: 'app' | 'db') => (role === 'app' ? 'APP_SG_ID' : 'DB_SG_ID');
const refCli = (ref: GroupRef) => (ref.groupId ? shellQuote(ref.groupId) : `"$${cliVar(ref.role)}"`);

/**
 * The AWS CLI command that does the same, one line, quoted for a POSIX shell. The RDS lines carry
 * no --apply-immediately: a security-group change applies as soon as possible without it, and with
 * it RDS would also apply everything in the pending-modifications queue (RDS user guide,
 * Overview.DBInstance.Modifying; see ModifyDBClusterInput in requests.ts).
 */
export function cliCommand(e: ExecSpec, region: string): string {
  switch (e.op) {
    case 'createGroup':
      return createGroupLine(cliVar(e.role), region, shellQuote(e.vpcId), e.groupName, e.description);
    case 'authorizeIngress': {
      const json = JSON.stringify(buildAuthorizeSecurityGroupInput(ruleSpecOf(e, groupIdOrPlaceholder)).IpPermissions);
      return authorizeLine(region, false, refCli(e.group), shellQuote(json));
    }
    case 'setEc2Groups':
      return modifyInterfaceLine(region, e.networkInterfaceId, [...e.current.map(shellQuote), refCli(e.add)]);
    case 'setClusterGroups':
      return modifyDatabaseLine('cluster', region, e.clusterId, [...e.current.map(shellQuote), refCli(e.add)]);
    case 'setDbInstanceGroups':
      return modifyDatabaseLine('instance', region, e.instanceId, [...e.current.map(shellQuote), refCli(e.add)]);
    case 'read':
      return '';
  }
}
