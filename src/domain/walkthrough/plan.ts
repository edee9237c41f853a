// The plan of each walkthrough step: the calls it would make (skipping what already exists in
// the account), with their problems and notes, and a fingerprint so only what was previewed is sent.
import { regionArg } from '../code/cli';
import { driftWarning, managedBy } from '../code/managed';
import { countRules, DEFAULT_LIMITS, prefixListWeights, quotaText } from '../quotas';
import { uncheckedNote } from '../activity';
import { buildRule, findDuplicate, groupChangeTiming, MAX_DB_GROUPS, mergeGroupLists, type RuleDraft } from '../changes';
import { isWorld, parseCidr } from '../cidr';
import { isDatabasePort } from '../engines';
import type { RegionIndex, RulePeer, Vpc } from '../model';
import { type ApiCall, apiCall, cliCommand, type ExecSpec, type GroupRef, refOf, shellQuote } from './cli';
import {
  APP_RULE_DESCRIPTION,
  DB_RULE_DESCRIPTION,
  type FieldError,
  type GroupResolution,
  type Note,
  type PlanContext,
  type Resolved,
  resolveChoices,
} from './resolve';
import { type ChoiceField, DEFAULT_APP_GROUP_NAME, DEFAULT_DB_GROUP_NAME, GUIDE_DB_GROUP_NAME, SG_PREFIX_EXPLANATION, type StepId } from './state';

export interface PlannedAction {
  /** Stable within a step: 'create-app', 'rule-app-203.0.113.0/24', 'ec2', 'rule-db', 'associate', 'read-…'. */
  readonly id: string;
  readonly kind: 'createGroup' | 'authorizeIngress' | 'modifyNetworkInterfaceAttribute' | 'modifyDbCluster' | 'modifyDbInstance' | 'describe';
  /** todo: will be sent; exists: found in the account, nothing is sent; read: a read-only call. */
  readonly status: 'todo' | 'exists' | 'read';
  readonly sentence: string;
  /** The group, rule or attachment found when status is 'exists'. */
  readonly existingId?: string;
  readonly call?: ApiCall;
  readonly cli?: string;
  readonly exec: ExecSpec;
}

export interface StepPlan {
  readonly step: StepId;
  readonly actions: readonly PlannedAction[];
  readonly errors: readonly FieldError[];
  readonly notes: readonly Note[];
  /** Number of calls that would change the account. */
  readonly todo: number;
  /** A fingerprint of the calls to send: an apply carries it, so only what was previewed is sent. */
  readonly planKey: string;
}

const refText = (ref: GroupRef) => (ref.groupId ? `${ref.groupName} (${ref.groupId})` : `${ref.groupName} (new)`);

function todoAction(id: string, kind: PlannedAction['kind'], sentence: string, exec: ExecSpec, region: string): PlannedAction {
  return { id, kind, status: 'todo', sentence, exec, call: apiCall(exec), cli: cliCommand(exec, region) };
}

function existsAction(id: string, kind: PlannedAction['kind'], sentence: string, existingId: string, exec: ExecSpec): PlannedAction {
  return { id, kind, status: 'exists', sentence, existingId, exec };
}

function readAction(id: string, sentence: string, call: ApiCall, cli: string): PlannedAction {
  return { id, kind: 'describe', status: 'read', sentence, call, cli, exec: { op: 'read' } };
}

/** FNV-1a over the calls to send: equal plans have equal keys. */
export function fingerprint(actions: readonly PlannedAction[]): string {
  const text = JSON.stringify(actions.filter((a) => a.status === 'todo').map((a) => [a.id, a.call]));
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `${actions.filter((a) => a.status === 'todo').length}-${h.toString(16).padStart(8, '0')}`;
}

function makePlan(step: StepId, actions: PlannedAction[], errors: FieldError[], notes: Note[]): StepPlan {
  // With an error nothing is sent: the actions are still shown so the user sees where it leads.
  const todo = errors.length ? 0 : actions.filter((a) => a.status === 'todo').length;
  return { step, actions, errors, notes, todo, planKey: errors.length ? 'blocked' : fingerprint(actions) };
}

function groupActions(role: 'app' | 'db', g: GroupResolution, vpcId: string, region: string, vpcText: string): PlannedAction[] {
  const id = `create-${role}`;
  if (g.status === 'exists') {
    const why = g.how === 'chosen' ? 'chosen to reuse' : 'a group of that name already exists in the VPC (names are unique per VPC, ignoring case)';
    return [
      existsAction(id, 'createGroup', `Reuse ${g.groupName} (${g.groupId}): ${why}.`, g.groupId, {
        op: 'createGroup',
        role,
        vpcId,
        groupName: g.groupName,
        description: '',
      }),
    ];
  }
  if (g.status === 'new') {
    return [
      todoAction(
        id,
        'createGroup',
        `Create the security group ${g.groupName} in ${vpcText}.`,
        { op: 'createGroup', role, vpcId, groupName: g.groupName, description: g.description },
        region,
      ),
    ];
  }
  return [];
}

function ruleAction(
  idx: RegionIndex,
  id: string,
  group: GroupRef,
  port: number,
  peer: Extract<ExecSpec, { op: 'authorizeIngress' }>['peer'],
  description: string,
  region: string,
): PlannedAction {
  const exec: ExecSpec = { op: 'authorizeIngress', group, port, peer, description };
  const peerText = peer.kind === 'group' ? refText(peer.group) : peer.cidr;
  const what = `tcp ${port} from ${peerText}`;
  if (group.groupId && (peer.kind !== 'group' || peer.group.groupId)) {
    const draft: RuleDraft | undefined = buildDraft(group.groupId, port, peer.kind === 'group' ? { groupId: peer.group.groupId! } : { cidr: peer.cidr });
    const dup = draft && findDuplicate(idx.rulesOf(group.groupId), draft);
    if (dup) return existsAction(id, 'authorizeIngress', `${group.groupName} already allows ${what} (rule ${dup.ruleId}).`, dup.ruleId, exec);
  }
  return todoAction(id, 'authorizeIngress', `Allow ${what} into ${refText(group)}.`, exec, region);
}

function buildDraft(groupId: string, port: number, source: { cidr: string } | { groupId: string }): RuleDraft | undefined {
  const r = buildRule({ groupId, isEgress: false, protocol: 'tcp', fromPort: port, toPort: port, source });
  if (r.ok) return r.value;
  // Ids that AWS produced but the strict id check refuses (e.g. an emulator's): compare by value.
  const peer: RulePeer =
    'cidr' in source ? { kind: source.cidr.includes(':') ? 'cidr6' : 'cidr4', cidr: source.cidr } : { kind: 'group', groupId: source.groupId };
  return { groupId, isEgress: false, protocol: 'tcp', fromPort: port, toPort: port, peer };
}

function quotaError(idx: RegionIndex, group: GroupRef | undefined, adding: number, v6: boolean): FieldError | undefined {
  if (!group?.groupId || adding === 0) return undefined;
  // One count for the add-rule check, the walkthrough and the near-quota finding (quotas.ts).
  const counted = countRules(idx.rulesOf(group.groupId, false), group.groupId, false, prefixListWeights(idx.snapshot));
  const count = v6 ? counted.v6 : counted.v4;
  const q = (idx.snapshot.limits ?? DEFAULT_LIMITS).rulesPerDirection;
  return count + adding > q.value
    ? {
        message: `${group.groupName} counts ${count} inbound ${v6 ? 'IPv6' : 'IPv4'} rules; ${adding} more would pass the ${quotaText(q)}. Remove or merge rules, or use another group.`,
      }
    : undefined;
}

const vpcLabel = (v: Vpc | undefined, id: string) => (v?.name ? `${v.name} (${id})` : id);

function errorsOf(r: Resolved, fields: readonly ChoiceField[]): FieldError[] {
  return r.errors.filter((e) => e.field !== undefined && fields.includes(e.field));
}

function readActions(ctx: PlanContext, r: Resolved): PlannedAction[] {
  const region = ctx.choices.region || r.region;
  const ids = [refOf('app', r.app)?.groupId, refOf('db', r.dbGroup)?.groupId, ...(r.db?.groupIds ?? [])].filter((x): x is string => !!x);
  const groups = [...new Set(ids)];
  const out: PlannedAction[] = [];
  if (groups.length) {
    out.push(
      readAction(
        'read-rules',
        `Read the inbound rules of ${groups.length} group${groups.length === 1 ? '' : 's'}.`,
        { service: 'EC2', operation: 'DescribeSecurityGroupRules', input: { Filters: [{ Name: 'group-id', Values: groups }] } },
        `aws ec2 describe-security-group-rules ${regionArg(region)} --filters ${shellQuote(`Name=group-id,Values=${groups.join(',')}`)}`,
      ),
    );
  }
  if (r.db) {
    const id = r.db.id;
    const read =
      r.db.kind === 'cluster'
        ? {
            operation: 'DescribeDBClusters',
            input: { DBClusterIdentifier: id },
            cli: `describe-db-clusters ${regionArg(region)} --db-cluster-identifier`,
            query: 'DBClusters[0].[Port,VpcSecurityGroups]',
          }
        : {
            operation: 'DescribeDBInstances',
            input: { DBInstanceIdentifier: id },
            cli: `describe-db-instances ${regionArg(region)} --db-instance-identifier`,
            query: 'DBInstances[0].[Endpoint.Port,VpcSecurityGroups]',
          };
    out.push(
      readAction(
        'read-db',
        `Read the groups of ${id}.`,
        { service: 'RDS', operation: read.operation, input: read.input },
        `aws rds ${read.cli} ${shellQuote(id)} --query ${shellQuote(read.query)}`,
      ),
    );
  }
  const app = refOf('app', r.app)?.groupId;
  if (app) {
    out.push(
      readAction(
        'read-ec2',
        `Read which EC2 instances carry ${refOf('app', r.app)!.groupName}.`,
        { service: 'EC2', operation: 'DescribeInstances', input: { Filters: [{ Name: 'instance.group-id', Values: [app] }] } },
        `aws ec2 describe-instances ${regionArg(region)} --filters ${shellQuote(`Name=instance.group-id,Values=${app}`)} --query ${shellQuote('Reservations[].Instances[].InstanceId')}`,
      ),
    );
  }
  return out;
}

/** The calls one step would make, skipping what already exists, with its problems and notes. */
export function planStep(step: StepId, ctx: PlanContext): StepPlan {
  const r = resolveChoices(ctx);
  const idx = ctx.index;
  const region = ctx.choices.region || idx.snapshot.region;
  const vpcId = r.vpc?.vpcId ?? '';
  const vpcText = vpcLabel(r.vpc, vpcId);
  const notes: Note[] = [];
  const targetErrors = errorsOf(r, ['region', 'vpcId', 'target']);
  const needTarget = (errs: FieldError[]) => (targetErrors.length ? [{ message: 'Complete step 1 (the database) first.' }, ...errs] : errs);
  // A step that changes a group or database a CloudFormation stack or Terraform manages says the
  // change drifts from that source (src/domain/code/managed.ts); the plan's Copy as Code is the way round.
  const drift = (what: string, tags: Readonly<Record<string, string>> | undefined) => {
    const w = driftWarning(what, managedBy(tags, ctx.managedByTags), false);
    if (w) notes.push({ level: 'warning', text: `${w} Copy this step as code (Terraform, CloudFormation) to change the source instead.` });
  };
  const groupDrift = (g: GroupResolution, changes: boolean) => {
    const group = g.status === 'exists' ? idx.groupsById.get(g.groupId) : undefined;
    if (group && changes) drift(`${group.groupName} (${group.groupId})`, group.tags);
  };
  const todo = (actions: readonly PlannedAction[]) => actions.some((a) => a.status === 'todo');

  switch (step) {
    case 'target': {
      if (r.db) {
        notes.push({
          level: 'info',
          text: `Database port: ${r.db.port}${r.db.portFromDb ? ` (from ${r.db.id})` : ` (the ${r.db.engineLabel} default; ${r.db.id} reports none)`}. The rule of step 4 opens this port.`,
        });
        if (r.db.status !== 'available')
          notes.push({ level: 'warning', text: `${r.db.id} is ${r.db.status}: associating groups needs it available (step 5).` });
      }
      return makePlan(step, [], targetErrors, notes);
    }
    case 'appGroup': {
      const errors = needTarget(errorsOf(r, ['appGroupId', 'appGroupName', 'clientCidrs', 'appPort']));
      const actions = groupActions('app', r.app, vpcId, region, vpcText);
      const ref = refOf('app', r.app);
      if (!ctx.choices.appGroupId && ctx.choices.appGroupName.trim().toLowerCase() === DEFAULT_APP_GROUP_NAME)
        notes.push({ level: 'info', text: SG_PREFIX_EXPLANATION });
      if (r.app.status === 'exists' && r.app.isDefault)
        notes.push({
          level: 'warning',
          text: "The VPC's default group is carried by every instance launched without a group of its own: the clients would reach all of them.",
        });
      if (ref && r.appPort !== undefined) {
        for (const c of r.clientCidrs) {
          actions.push(
            ruleAction(idx, `rule-app-${c.cidr}`, ref, r.appPort, { kind: c.version === 4 ? 'cidr4' : 'cidr6', cidr: c.cidr }, APP_RULE_DESCRIPTION, region),
          );
          if (c.changed && c.input.includes('/')) notes.push({ level: 'info', text: `AWS stores ${c.input} as ${c.cidr} (the host bits are cleared).` });
          const parsed = parseCidr(c.cidr);
          if (!('error' in parsed) && isWorld(parsed))
            notes.push({
              level: 'warning',
              text: `${c.cidr} lets anyone on the internet reach the app servers on tcp ${r.appPort}${isDatabasePort(r.appPort) ? ', a database port' : ''}.`,
            });
        }
        const add = (v6: boolean) =>
          actions.filter((a) => a.status === 'todo' && a.exec.op === 'authorizeIngress' && a.exec.peer.kind === (v6 ? 'cidr6' : 'cidr4')).length;
        for (const q of [quotaError(idx, ref, add(false), false), quotaError(idx, ref, add(true), true)]) if (q) errors.push(q);
      }
      groupDrift(r.app, todo(actions));
      return makePlan(step, actions, errors, notes);
    }
    case 'appServer': {
      const errors = needTarget(errorsOf(r, ['ec2InstanceId']));
      const ref = refOf('app', r.app);
      if (!ctx.choices.ec2InstanceId) {
        notes.push({
          level: 'info',
          text: 'No EC2 instance chosen: this step changes nothing. Any instance you add to the app-server group later gets the same access.',
        });
        return makePlan(step, [], errors, notes);
      }
      if (!ctx.ec2) {
        errors.push({
          field: 'ec2InstanceId',
          message: ctx.ec2Error ? `The EC2 instances could not be read: ${ctx.ec2Error}` : 'The EC2 instances are not loaded yet.',
        });
        return makePlan(step, [], errors, notes);
      }
      if (!ref?.groupId) {
        errors.push({ message: 'The app-server group does not exist yet: apply step 2 first.' });
        return makePlan(step, [], errors, notes);
      }
      const inst = r.ec2;
      if (!inst) return makePlan(step, [], errors, notes);
      const name = inst.name ? `${inst.name} (${inst.instanceId})` : inst.instanceId;
      // The change is made on the primary network interface (device index 0), with its own groups:
      // ModifyInstanceAttribute replaces only that interface's groups and can fail on an instance
      // with more than one interface (EC2 API Reference, ModifyInstanceAttribute Groups), so
      // ModifyNetworkInterfaceAttribute is sent for it (see requests.ts).
      const eni = inst.primaryInterface;
      if (!eni) {
        errors.push({
          field: 'ec2InstanceId',
          message: `The primary network interface of ${name} could not be read (DescribeInstances named no interface at device index 0). Refresh, or choose another instance.`,
        });
        return makePlan(step, [], errors, notes);
      }
      const current = eni.groupIds;
      const exec: ExecSpec = { op: 'setEc2Groups', instanceId: inst.instanceId, networkInterfaceId: eni.networkInterfaceId, current: [...current], add: ref };
      if (current.includes(ref.groupId)) {
        return makePlan(
          step,
          [
            existsAction(
              'ec2',
              'modifyNetworkInterfaceAttribute',
              `${name} already carries ${ref.groupName} on its primary network interface ${eni.networkInterfaceId}.`,
              `${inst.instanceId}+${ref.groupId}`,
              exec,
            ),
          ],
          errors,
          notes,
        );
      }
      // "Security groups per network interface" (5 by default, the account's value when read) counts this interface's groups only.
      const perEni = (idx.snapshot.limits ?? DEFAULT_LIMITS).groupsPerInterface;
      if (current.length >= perEni.value)
        errors.push({
          field: 'ec2InstanceId',
          message: `The primary network interface ${eni.networkInterfaceId} of ${name} already has ${current.length} security groups, the ${quotaText(perEni)} per network interface. Remove one first.`,
        });
      const groupName = (g: string) => idx.groupsById.get(g)?.groupName ?? g;
      const keep = current.map(groupName).join(', ') || 'none';
      notes.push({
        level: 'info',
        text: `ModifyNetworkInterfaceAttribute replaces the list of ${name}'s primary network interface ${eni.networkInterfaceId}: its current groups (${keep}) are sent with ${ref.groupName}.`,
      });
      const others = inst.securityGroupIds.filter((g) => !current.includes(g));
      if (others.length)
        notes.push({
          level: 'info',
          text: `${name} has other network interfaces; their groups (${others.map(groupName).join(', ')}) are not changed and not sent.`,
        });
      if (inst.state && inst.state !== 'running') notes.push({ level: 'info', text: `${name} is ${inst.state}; the change applies all the same.` });
      return makePlan(
        step,
        [
          todoAction(
            'ec2',
            'modifyNetworkInterfaceAttribute',
            `Add ${ref.groupName} to ${name}'s primary network interface ${eni.networkInterfaceId}, keeping its ${current.length} current group${current.length === 1 ? '' : 's'}.`,
            exec,
            region,
          ),
        ],
        errors,
        notes,
      );
    }
    case 'dbGroup': {
      const errors = needTarget(errorsOf(r, ['dbGroupId', 'dbGroupName']));
      const app = refOf('app', r.app);
      const actions = groupActions('db', r.dbGroup, vpcId, region, vpcText);
      const ref = refOf('db', r.dbGroup);
      if (!ctx.choices.dbGroupId && ctx.choices.dbGroupName.trim().toLowerCase() === DEFAULT_DB_GROUP_NAME)
        notes.push({ level: 'info', text: `The guide's ${GUIDE_DB_GROUP_NAME} becomes ${DEFAULT_DB_GROUP_NAME}: AWS refuses names that start with "sg-".` });
      if (!app?.groupId) errors.push({ message: 'The app-server group does not exist yet: apply step 2 first.' });
      if (ref && app?.groupId && r.db) {
        actions.push(ruleAction(idx, 'rule-db', ref, r.db.port, { kind: 'group', group: app }, DB_RULE_DESCRIPTION, region));
        const q = quotaError(idx, ref, actions.filter((a) => a.status === 'todo' && a.exec.op === 'authorizeIngress').length, false);
        if (q) errors.push(q);
        notes.push({ level: 'info', text: `The port is the database's own (${r.db.port}): the rule and ${r.db.id} agree, as the guide asks.` });
      }
      groupDrift(r.dbGroup, todo(actions));
      return makePlan(step, actions, errors, notes);
    }
    case 'associate': {
      const errors = needTarget([]);
      const ref = refOf('db', r.dbGroup);
      if (!ref?.groupId) errors.push({ message: 'The database group does not exist yet: apply step 4 first.' });
      if (!r.db || !ref?.groupId) return makePlan(step, [], errors, notes);
      const db = r.db;
      const names = (ids: readonly string[]) => ids.map((g) => idx.groupsById.get(g)?.groupName ?? g).join(', ') || 'none';
      const exec: ExecSpec =
        db.kind === 'cluster'
          ? { op: 'setClusterGroups', clusterId: db.id, current: db.groupIds, add: ref }
          : { op: 'setDbInstanceGroups', instanceId: db.id, current: db.groupIds, add: ref };
      const kind = db.kind === 'cluster' ? 'modifyDbCluster' : 'modifyDbInstance';
      if (db.groupIds.includes(ref.groupId)) {
        const st = db.groupStatus.get(ref.groupId);
        return makePlan(
          step,
          [
            existsAction(
              'associate',
              kind,
              `${ref.groupName} is already associated with ${db.id}${st && st !== 'active' ? ` (${st})` : ''}.`,
              `${db.id}+${ref.groupId}`,
              exec,
            ),
          ],
          errors,
          notes,
        );
      }
      const merged = mergeGroupLists(db.groupIds, [ref.groupId], MAX_DB_GROUPS);
      if (!merged.ok) errors.push({ message: merged.error });
      if (db.status !== 'available') errors.push({ message: `${db.id} is ${db.status}, not available: wait until it is available, then apply.` });
      notes.push({
        level: 'info',
        text: `${db.kind === 'cluster' ? 'ModifyDBCluster' : 'ModifyDBInstance'} replaces the whole list, so it is sent merged: before ${names(db.groupIds)}; after ${names([...db.groupIds, ref.groupId])}. The cluster is read again right before the write.`,
      });
      // Sent without ApplyImmediately (requests.ts): pending modifications are not applied with it.
      notes.push({ level: db.pendingChanges.length ? 'warning' : 'info', text: groupChangeTiming(db.kind, db.id, db.pendingChanges) });
      // The permission check (DryRun) covers the EC2 calls of the other steps only (ops/activity.ts).
      notes.push({ level: 'info', text: uncheckedNote([db.kind === 'cluster' ? 'ModifyDBCluster' : 'ModifyDBInstance'], ctx.dryRun !== false) });
      drift(
        `${db.kind === 'cluster' ? 'DB cluster' : 'DB instance'} ${db.id}`,
        (db.kind === 'cluster' ? idx.clustersById.get(db.id) : idx.instancesById.get(db.id))?.tags,
      );
      return makePlan(
        step,
        [todoAction('associate', kind, `Associate ${ref.groupName} with ${db.id}, keeping ${names(db.groupIds)}.`, exec, region)],
        errors,
        notes,
      );
    }
    case 'verify':
      return makePlan(step, readActions(ctx, r), needTarget([]), notes);
  }
}
