// The walkthrough's choices checked against the account: the database, the two groups (found,
// to be created, or wrong), the client ranges and ports, the EC2 instance; and the guesses that
// fill step 1 from the account.
import type { NetworkIndex } from '../network';
import { canonicalCidr } from '../cidr';
import { clusterEngineLabel, clusterKindLabel, defaultPortFor, engineLabel, isRdsCustom, rdsCustomRefusal } from '../engines';
import type { DbCluster, DbInstance, Ec2Instance, RegionIndex, SecurityGroup, Vpc } from '../model';
import { validateGroupDescription, validateGroupName } from '../validation';
import { type ChoiceField, type Choices, GUIDE_APP_GROUP_NAME, GUIDE_DB_GROUP_NAME, validGroupNameFor } from './state';

export interface PlanContext {
  readonly index: RegionIndex;
  /** The VPC's EC2 instances; undefined while not (or not yet) readable. */
  readonly ec2?: readonly Ec2Instance[];
  /** Why the EC2 instances could not be read. */
  readonly ec2Error?: string;
  /** The network part (routes, ACLs, public accessibility), read back for the verification; absent: not checked. */
  readonly network?: NetworkIndex;
  /** Why the network could not be read. */
  readonly networkError?: string;
  readonly choices: Choices;
  /** auroraSg.dryRun: the EC2 writes are tried with DryRun first (absent: on, the default). */
  readonly dryRun?: boolean;
  /** auroraSg.managedByTags: groups and databases these tags mark get a drift warning (absent: the defaults). */
  readonly managedByTags?: readonly string[];
}

export interface FieldError {
  readonly field?: ChoiceField;
  readonly message: string;
}

export interface Note {
  readonly level: 'info' | 'warning';
  readonly text: string;
}

export interface ResolvedDb {
  readonly kind: 'cluster' | 'instance';
  readonly id: string;
  readonly engine: string;
  readonly engineLabel: string;
  readonly port: number;
  /** Whether the port was given by the database (else the engine's default). */
  readonly portFromDb: boolean;
  readonly groupIds: readonly string[];
  readonly groupStatus: ReadonlyMap<string, string | undefined>;
  readonly vpcId?: string;
  readonly status: string;
  /** What waits in its pending-modifications queue (model.ts pendingChanges); [] when nothing. */
  readonly pendingChanges: readonly string[];
}

export type GroupResolution =
  | { readonly status: 'exists'; readonly groupId: string; readonly groupName: string; readonly how: 'chosen' | 'name'; readonly isDefault: boolean }
  | { readonly status: 'new'; readonly groupName: string; readonly description: string }
  | { readonly status: 'invalid'; readonly field: ChoiceField; readonly error: string };

export interface ClientCidr {
  readonly input: string;
  readonly cidr: string;
  readonly version: 4 | 6;
  readonly changed: boolean;
}

export interface Resolved {
  readonly region: string;
  readonly vpc?: Vpc;
  readonly db?: ResolvedDb;
  readonly app: GroupResolution;
  readonly dbGroup: GroupResolution;
  readonly clientCidrs: readonly ClientCidr[];
  readonly appPort?: number;
  readonly ec2?: Ec2Instance;
  /** Problems per field, in step order. */
  readonly errors: readonly FieldError[];
}

export const MAX_CLIENT_CIDRS = 20;
export const APP_RULE_DESCRIPTION = 'Client application';
export const DB_RULE_DESCRIPTION = 'From the app servers';

export function parseTarget(t: string): { kind: 'cluster' | 'instance'; id: string } | undefined {
  const m = /^(cluster|instance):(.+)$/.exec(t);
  return m ? { kind: m[1] as 'cluster' | 'instance', id: m[2] } : undefined;
}

function resolveDb(idx: RegionIndex, target: string): ResolvedDb | FieldError | undefined {
  const t = parseTarget(target);
  if (!t) return target ? { field: 'target', message: `"${target}" is not a database choice.` } : undefined;
  const fromAttached = (list: readonly { groupId: string; status?: string }[]) => ({
    groupIds: [...new Set(list.map((g) => g.groupId))],
    groupStatus: new Map(list.map((g) => [g.groupId, g.status] as const)),
  });
  if (t.kind === 'cluster') {
    const c: DbCluster | undefined = idx.clustersById.get(t.id);
    if (!c) return { field: 'target', message: `DB cluster ${t.id} is not in ${idx.snapshot.region} (any more). Refresh, or choose another database.` };
    return {
      kind: 'cluster',
      id: c.clusterId,
      engine: c.engine,
      engineLabel: clusterEngineLabel(c),
      port: c.port ?? defaultPortFor(c.engine),
      portFromDb: c.port !== undefined,
      vpcId: c.vpcId,
      status: c.status,
      pendingChanges: c.pendingChanges ?? [],
      ...fromAttached(c.securityGroups),
    };
  }
  const i: DbInstance | undefined = idx.instancesById.get(t.id);
  if (!i) return { field: 'target', message: `DB instance ${t.id} is not in ${idx.snapshot.region} (any more). Refresh, or choose another database.` };
  if (i.clusterId)
    return {
      field: 'target',
      message: `${i.instanceId} belongs to ${clusterKindLabel(idx.clustersById.get(i.clusterId)?.kind)} ${i.clusterId}: its groups are the cluster's. Choose the cluster.`,
    };
  // RDS Custom: step 5 could not associate the group (ModifyDBInstanceMessage VpcSecurityGroupIds).
  if (isRdsCustom(i.engine)) return { field: 'target', message: rdsCustomRefusal(i.instanceId, i.engine) };
  return {
    kind: 'instance',
    id: i.instanceId,
    engine: i.engine,
    engineLabel: engineLabel(i.engine),
    port: i.port ?? defaultPortFor(i.engine),
    portFromDb: i.port !== undefined,
    vpcId: i.vpcId,
    status: i.status,
    pendingChanges: i.pendingChanges ?? [],
    ...fromAttached(i.securityGroups),
  };
}

function groupsInVpc(idx: RegionIndex, vpcId: string): SecurityGroup[] {
  return idx.groupsByVpc.get(vpcId) ?? [];
}

function resolveGroup(idx: RegionIndex, vpcId: string, role: 'app' | 'db', pickedId: string, name: string, description: string): GroupResolution {
  const idField: ChoiceField = role === 'app' ? 'appGroupId' : 'dbGroupId';
  const nameField: ChoiceField = role === 'app' ? 'appGroupName' : 'dbGroupName';
  if (pickedId) {
    const g = idx.groupsById.get(pickedId);
    if (!g)
      return {
        status: 'invalid',
        field: idField,
        error: `Security group ${pickedId} is not in ${idx.snapshot.region} (any more). Refresh, or choose another group.`,
      };
    if (g.vpcId !== vpcId)
      return {
        status: 'invalid',
        field: idField,
        error: `${g.groupName} (${g.groupId}) is in ${g.vpcId ?? 'no VPC'}, not in ${vpcId}: choose a group of the database's VPC.`,
      };
    return { status: 'exists', groupId: g.groupId, groupName: g.groupName, how: 'chosen', isDefault: g.groupName === 'default' };
  }
  const n = name.trim();
  const problem = validateGroupName(n, []);
  if (problem) {
    const guide = role === 'app' ? GUIDE_APP_GROUP_NAME : GUIDE_DB_GROUP_NAME;
    const extra = n.toLowerCase().startsWith('sg-') ? ` The guide's example "${guide}" cannot be used as it is: try "${validGroupNameFor(n)}".` : '';
    return { status: 'invalid', field: nameField, error: problem + extra };
  }
  // AWS compares group names in a VPC without regard to case: a group of that name is the one to reuse.
  const lower = n.toLowerCase();
  const match = groupsInVpc(idx, vpcId).find((g) => g.groupName.toLowerCase() === lower);
  if (match) return { status: 'exists', groupId: match.groupId, groupName: match.groupName, how: 'name', isDefault: match.groupName === 'default' };
  const d = validateGroupDescription(description);
  if (d) return { status: 'invalid', field: nameField, error: d };
  return { status: 'new', groupName: n, description };
}

/** Splits and checks the client CIDRs: each canonicalised as AWS stores it, duplicates folded. */
export function parseClientCidrs(text: string): { cidrs: ClientCidr[]; errors: string[] } {
  const parts = text
    .split(/[\s,;]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  const cidrs: ClientCidr[] = [];
  const errors: string[] = [];
  if (parts.length > MAX_CLIENT_CIDRS) errors.push(`At most ${MAX_CLIENT_CIDRS} client ranges at once (each is one rule); ${parts.length} were given.`);
  for (const p of parts.slice(0, MAX_CLIENT_CIDRS)) {
    const c = canonicalCidr(p);
    if ('error' in c) {
      errors.push(c.error);
      continue;
    }
    if (!cidrs.some((x) => x.cidr === c.cidr)) cidrs.push({ input: p, cidr: c.cidr, version: c.version, changed: c.changed });
  }
  return { cidrs, errors };
}

export function parseAppPort(text: string): number | { error: string } {
  const t = text.trim();
  if (!t) return { error: "The application's port is required: the port the client application connects to (e.g. 443)." };
  if (!/^\d{1,5}$/.test(t))
    return {
      error: `"${t.slice(0, 40)}" is not a port: enter the port the app servers listen on, a whole number from 1 to 65535 (port 0 is valid in a rule, but no server listens on it).`,
    };
  const n = Number(t);
  if (n > 65535) return { error: `Port ${n} is out of range: ports are 1 to 65535.` };
  if (n < 1) return { error: `Port ${n} is not a port a server listens on: enter 1 to 65535 (port 0 is valid in a rule, but no server listens on it).` };
  return n;
}

function appDescription(db: ResolvedDb | undefined): string {
  return db ? `App servers that use ${db.id}` : 'App servers';
}
function dbDescription(db: ResolvedDb | undefined, appName: string): string {
  return `${db ? `${db.engineLabel} ${db.id}` : 'Database'} access from ${appName}`.slice(0, 255);
}

/** The choices checked against the account: what exists, what would be created, what is wrong. */
export function resolveChoices(ctx: PlanContext): Resolved {
  const { index: idx, choices: c } = ctx;
  const errors: FieldError[] = [];
  const vpc = c.vpcId ? idx.snapshot.vpcs.find((v) => v.vpcId === c.vpcId) : undefined;
  if (!c.region) errors.push({ field: 'region', message: 'Choose a Region.' });
  if (!c.vpcId) errors.push({ field: 'vpcId', message: 'Choose the VPC of the database.' });
  else if (!vpc) errors.push({ field: 'vpcId', message: `VPC ${c.vpcId} is not in ${idx.snapshot.region} (any more). Refresh, or choose another VPC.` });
  const dbr = resolveDb(idx, c.target);
  let db: ResolvedDb | undefined;
  if (!dbr) errors.push({ field: 'target', message: 'Choose the Aurora DB cluster (or RDS DB instance) to reach.' });
  else if ('message' in dbr) errors.push(dbr);
  else {
    db = dbr;
    if (vpc && db.vpcId && db.vpcId !== vpc.vpcId)
      errors.push({ field: 'target', message: `${db.id} is in ${db.vpcId}, not in ${vpc.vpcId}: the groups must be in the database's VPC.` });
  }
  const vpcId = vpc?.vpcId ?? '';
  const app: GroupResolution = vpc
    ? resolveGroup(idx, vpcId, 'app', c.appGroupId, c.appGroupName, appDescription(db))
    : { status: 'invalid', field: 'vpcId', error: 'Choose a VPC first.' };
  const appName = app.status === 'invalid' ? c.appGroupName.trim() : app.groupName;
  let dbGroup: GroupResolution = vpc
    ? resolveGroup(idx, vpcId, 'db', c.dbGroupId, c.dbGroupName, dbDescription(db, appName))
    : { status: 'invalid', field: 'vpcId', error: 'Choose a VPC first.' };
  const same =
    (app.status === 'exists' && dbGroup.status === 'exists' && app.groupId === dbGroup.groupId) ||
    (app.status === 'new' && dbGroup.status === 'new' && app.groupName.toLowerCase() === dbGroup.groupName.toLowerCase());
  if (same) {
    dbGroup = {
      status: 'invalid',
      field: c.dbGroupId ? 'dbGroupId' : 'dbGroupName',
      error: 'The database group must be another group than the app-server group: its rule lets the app-server group in.',
    };
  }
  // Without a VPC the groups cannot be resolved: the VPC's own error says so once.
  if (app.status === 'invalid' && vpc) errors.push({ field: app.field, message: app.error });
  const parsed = parseClientCidrs(c.clientCidrs);
  for (const e of parsed.errors) errors.push({ field: 'clientCidrs', message: e });
  if (!parsed.cidrs.length && !parsed.errors.length)
    errors.push({
      field: 'clientCidrs',
      message: "Enter the client application's addresses as CIDR ranges, e.g. 203.0.113.0/24 (a single address: 203.0.113.10/32).",
    });
  const port = parseAppPort(c.appPort);
  if (typeof port !== 'number') errors.push({ field: 'appPort', message: port.error });
  let ec2: Ec2Instance | undefined;
  if (c.ec2InstanceId && ctx.ec2) {
    ec2 = ctx.ec2.find((i) => i.instanceId === c.ec2InstanceId);
    if (!ec2)
      errors.push({
        field: 'ec2InstanceId',
        message: `EC2 instance ${c.ec2InstanceId} is not among the instances of ${vpcId || 'the VPC'} (stopped instances count; terminated ones do not). Refresh, or choose another.`,
      });
    else if (ec2.vpcId && vpcId && ec2.vpcId !== vpcId)
      errors.push({ field: 'ec2InstanceId', message: `${ec2.instanceId} is in ${ec2.vpcId}: a security group can only be used in its own VPC (${vpcId}).` });
  }
  if (dbGroup.status === 'invalid' && vpc) errors.push({ field: dbGroup.field, message: dbGroup.error });
  return { region: idx.snapshot.region, vpc, db, app, dbGroup, clientCidrs: parsed.cidrs, appPort: typeof port === 'number' ? port : undefined, ec2, errors };
}

/** "us-east-1, account 123456789012": the Region, and the account when the data names it (the VPC's owner). */
export function whereText(idx: RegionIndex, vpcId?: string): string {
  const s = idx.snapshot;
  const owner =
    (vpcId ? s.vpcs.find((v) => v.vpcId === vpcId)?.ownerId : undefined) ?? s.vpcs.find((v) => v.ownerId)?.ownerId ?? s.groups.find((g) => g.ownerId)?.ownerId;
  return owner ? `${s.region}, account ${owner}` : s.region;
}

/** Fills what can be guessed from the account: the database's VPC, the only database, a VPC with a database. */
export function withDefaults(c: Choices, idx: RegionIndex): Choices {
  let out = c;
  const t = parseTarget(c.target);
  if (!out.vpcId && t) {
    const v = t.kind === 'cluster' ? idx.clustersById.get(t.id)?.vpcId : idx.instancesById.get(t.id)?.vpcId;
    if (v) out = { ...out, vpcId: v };
  }
  if (!out.vpcId) {
    // Only a VPC that is the one answer: the only VPC with databases, or the Region's only VPC.
    const dbVpcs = [...new Set(databases(idx).flatMap((d) => (d.vpcId ? [d.vpcId] : [])))];
    const v = dbVpcs.length === 1 ? dbVpcs[0] : idx.snapshot.vpcs.length === 1 ? idx.snapshot.vpcs[0].vpcId : undefined;
    if (v) out = { ...out, vpcId: v };
  }
  if (!out.target && out.vpcId) {
    const inVpc = databases(idx).filter((d) => !d.vpcId || d.vpcId === out.vpcId);
    if (inVpc.length === 1) out = { ...out, target: inVpc[0].key };
  }
  return out;
}

interface DbChoice {
  readonly key: string;
  readonly label: string;
  readonly description: string;
  readonly vpcId?: string;
}

/**
 * The Region's databases: clusters (Aurora and Multi-AZ), then RDS instances that belong to no
 * cluster, without RDS Custom instances (their groups cannot be changed: see isRdsCustom).
 */
export function databases(idx: RegionIndex): DbChoice[] {
  const out: DbChoice[] = [];
  // Region and account beside every choice: the same names often exist in several of them.
  const where = (vpcId?: string) => ` · ${whereText(idx, vpcId)}`;
  for (const c of [...idx.snapshot.clusters].sort((a, b) => a.clusterId.localeCompare(b.clusterId))) {
    out.push({
      key: `cluster:${c.clusterId}`,
      label: c.clusterId,
      description: `${clusterEngineLabel(c)} cluster · port ${c.port ?? defaultPortFor(c.engine)} · ${c.members.length} instance${c.members.length === 1 ? '' : 's'}${where(c.vpcId)}`,
      vpcId: c.vpcId,
    });
  }
  for (const i of idx.standaloneInstances().sort((a, b) => a.instanceId.localeCompare(b.instanceId))) {
    if (isRdsCustom(i.engine)) continue;
    out.push({
      key: `instance:${i.instanceId}`,
      label: i.instanceId,
      description: `${engineLabel(i.engine)} instance · port ${i.port ?? defaultPortFor(i.engine)}${where(i.vpcId)}`,
      vpcId: i.vpcId,
    });
  }
  return out;
}
