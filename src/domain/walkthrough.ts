// The guided walkthrough of the Aurora guide's "Security Group Scenario": clients -> app-server
// group -> database group -> cluster. Pure (no vscode, no AWS SDK): the state and its step machine,
// the plan of each step (the exact API calls and the equivalent AWS CLI commands, skipping what
// already exists), the verification of the path per hop, and the view the webview renders.
import { defaultPortFor as enginePort, engineLabel as engineName } from './engines';
import { canonicalCidr, cidrContains, isPrivateCidr, isWorld, parseCidr } from './cidr';
import { buildRule, findDuplicate, MAX_DB_GROUPS, MAX_RULES_PER_DIRECTION, mergeGroupLists, type RuleDraft } from './changes';
import type { DbCluster, DbInstance, Ec2Instance, RegionIndex, RulePeer, SecurityGroup, SecurityGroupRule, Vpc } from './model';
import { peerLabel, portLabel } from './rules';
import { isDatabasePort, validateGroupDescription, validateGroupName } from './validation';

// =============================================================================================
// Steps

export const STEP_IDS = ['target', 'appGroup', 'appServer', 'dbGroup', 'associate', 'verify'] as const;
export type StepId = (typeof STEP_IDS)[number];

export function isStepId(x: unknown): x is StepId {
  return typeof x === 'string' && (STEP_IDS as readonly string[]).includes(x);
}

export const stepIndex = (s: StepId): number => STEP_IDS.indexOf(s);

export interface StepText {
  readonly title: string;
  /** What the step does, in the extension's words. */
  readonly explanation: string;
  /** The Aurora user guide's own words for this step of its scenario. */
  readonly quote: string;
}

export const STEP_TEXT: Readonly<Record<StepId, StepText>> = {
  target: {
    title: 'Database',
    explanation:
      'Choose the Region, the VPC and the database to reach: an Aurora DB cluster or a plain RDS DB instance. ' +
      'Its port is the one the database group will open in step 4, so the rule and the database always agree.',
    quote:
      'A common use of a DB instance in a VPC is to share data with an application server running in an Amazon EC2 instance ' +
      'in the same VPC, which is accessed by a client application outside the VPC.',
  },
  appGroup: {
    title: 'App-server group',
    explanation:
      'A security group for the application servers, with inbound rules whose source is the client application\'s addresses, ' +
      'on the port the application listens on. An existing group with the same name in the VPC is reused, not duplicated.',
    quote:
      'Create a VPC security group (for example, sg-appsrv1) and define inbound rules that use the IP addresses of the client ' +
      'application as the source. This security group allows your client application to connect to EC2 instances in a VPC ' +
      'that uses this security group.',
  },
  appServer: {
    title: 'App server',
    explanation:
      'Optionally add an existing EC2 instance to the app-server group. Its current groups are kept: the group is added to them. ' +
      'Skip this step to add instances later; every instance that carries the group gets the same access.',
    quote:
      'Create an EC2 instance for the application and add the EC2 instance to the VPC security group (sg-appsrv1) that you ' +
      'created in the previous step.',
  },
  dbGroup: {
    title: 'Database group',
    explanation:
      'A second security group for the database, with one inbound rule on the database port whose source is the app-server group: ' +
      'whatever carries the app-server group may connect, and nothing else through this group.',
    quote:
      'Create a second VPC security group (for example, sg-dbsrv1) and create a new rule by specifying the VPC security group ' +
      'that you created in step 1 (sg-appsrv1) as the source.',
  },
  associate: {
    title: 'Associate',
    explanation:
      'Associate the database group with the database. ModifyDBCluster replaces the whole list of groups, so the current groups ' +
      'are sent with the new one and none is dropped. On an Aurora cluster the change applies to every instance, with no outage.',
    quote:
      'Add the DB instance to the VPC security group (sg-dbsrv1) that you created in the previous step. When you create the DB ' +
      'instance, use the same port number as the one specified for the VPC security group (sg-dbsrv1) rule.',
  },
  verify: {
    title: 'Verify',
    explanation:
      'Read the account back and check each hop of the path on its port, then list everything else that can reach the database.',
    quote:
      'In an Aurora DB cluster, the VPC security group associated with the DB cluster is also associated with all of the DB ' +
      'instances in the DB cluster.',
  },
};

// =============================================================================================
// Choices and state

/** Everything the user chooses, as flat text (what the webview sends); checked by the plan. */
export interface Choices {
  readonly region: string;
  readonly vpcId: string;
  /** 'cluster:<id>' or 'instance:<id>' ('' = not chosen). */
  readonly target: string;
  /** An existing group to reuse ('' = create a group named appGroupName, or reuse one of that name). */
  readonly appGroupId: string;
  readonly appGroupName: string;
  /** The client application's addresses: CIDRs separated by commas, spaces or lines. */
  readonly clientCidrs: string;
  /** The port the application listens on, as typed. */
  readonly appPort: string;
  /** The EC2 instance to add to the app-server group ('' = skip). */
  readonly ec2InstanceId: string;
  readonly dbGroupId: string;
  readonly dbGroupName: string;
}

export type ChoiceField = keyof Choices;

export const CHOICE_FIELDS: readonly ChoiceField[] = [
  'region', 'vpcId', 'target', 'appGroupId', 'appGroupName', 'clientCidrs', 'appPort', 'ec2InstanceId', 'dbGroupId', 'dbGroupName',
];

/** The step whose form holds each field: changing it re-opens that step and the ones after it. */
export const FIELD_STEP: Readonly<Record<ChoiceField, StepId>> = {
  region: 'target',
  vpcId: 'target',
  target: 'target',
  appGroupId: 'appGroup',
  appGroupName: 'appGroup',
  clientCidrs: 'appGroup',
  appPort: 'appGroup',
  ec2InstanceId: 'appServer',
  dbGroupId: 'dbGroup',
  dbGroupName: 'dbGroup',
};

/** The guide calls the groups sg-appsrv1 and sg-dbsrv1; AWS refuses names starting with 'sg-'. */
export const GUIDE_APP_GROUP_NAME = 'sg-appsrv1';
export const GUIDE_DB_GROUP_NAME = 'sg-dbsrv1';
export const DEFAULT_APP_GROUP_NAME = 'appsrv1';
export const DEFAULT_DB_GROUP_NAME = 'dbsrv1';
export const DEFAULT_APP_PORT = '443';
export const SG_PREFIX_EXPLANATION =
  `The guide names the groups ${GUIDE_APP_GROUP_NAME} and ${GUIDE_DB_GROUP_NAME}, but AWS refuses group names that start with ` +
  `"sg-" (that prefix is reserved for group ids such as sg-0123456789abcdef0), so the defaults are ` +
  `${DEFAULT_APP_GROUP_NAME} and ${DEFAULT_DB_GROUP_NAME}.`;

/** A name the guide uses, made valid: 'sg-appsrv1' -> 'appsrv1'. */
export function validGroupNameFor(guideName: string): string {
  let n = guideName.trim();
  while (n.toLowerCase().startsWith('sg-')) n = n.slice(3);
  return n || DEFAULT_APP_GROUP_NAME;
}

export function defaultChoices(seed: Partial<Choices> = {}): Choices {
  return {
    region: '',
    vpcId: '',
    target: '',
    appGroupId: '',
    appGroupName: DEFAULT_APP_GROUP_NAME,
    clientCidrs: '',
    appPort: DEFAULT_APP_PORT,
    ec2InstanceId: '',
    dbGroupId: '',
    dbGroupName: DEFAULT_DB_GROUP_NAME,
    ...seed,
  };
}

/** What applying a step did: kept in the state so a reopened panel can say so. */
export interface StepOutcome {
  readonly at: number;
  /** One sentence per call made (or resource found), in order. */
  readonly applied: readonly string[];
  /** 'group:sg-…', 'rule:sgr-…', 'ec2:i-…+sg-…', 'cluster:id+sg-…', 'instance:id+sg-…'. */
  readonly created: readonly string[];
  readonly reused: readonly string[];
  /** Set when the step stopped on an error; `applied` says what was done before it. */
  readonly error?: string;
}

export interface WalkthroughState {
  readonly version: 1;
  readonly step: StepId;
  readonly completed: readonly StepId[];
  readonly choices: Choices;
  readonly outcomes: Partial<Record<StepId, StepOutcome>>;
}

export function initialState(seed: Partial<Choices> = {}): WalkthroughState {
  return { version: 1, step: 'target', completed: [], choices: defaultChoices(seed), outcomes: {} };
}

export function isComplete(s: WalkthroughState, step: StepId): boolean {
  return s.completed.includes(step);
}

/** The first step not done yet ('verify' when everything before it is). */
export function firstIncomplete(s: WalkthroughState): StepId {
  return STEP_IDS.find((id) => !s.completed.includes(id)) ?? 'verify';
}

/** A step can be shown when every step before it is complete. */
export function canGoTo(s: WalkthroughState, step: StepId): boolean {
  return stepIndex(step) <= stepIndex(firstIncomplete(s));
}

export function goTo(s: WalkthroughState, step: StepId): WalkthroughState {
  return canGoTo(s, step) ? { ...s, step } : s;
}

export function canNext(s: WalkthroughState): boolean {
  return isComplete(s, s.step) && stepIndex(s.step) < STEP_IDS.length - 1;
}

export function next(s: WalkthroughState): WalkthroughState {
  return canNext(s) ? { ...s, step: STEP_IDS[stepIndex(s.step) + 1] } : s;
}

export function canBack(s: WalkthroughState): boolean {
  return stepIndex(s.step) > 0;
}

export function back(s: WalkthroughState): WalkthroughState {
  return canBack(s) ? { ...s, step: STEP_IDS[stepIndex(s.step) - 1] } : s;
}

/** Where a reopened walkthrough continues: the step it was on, unless a step before it is not done. */
export function resume(s: WalkthroughState): WalkthroughState {
  return canGoTo(s, s.step) ? s : { ...s, step: firstIncomplete(s) };
}

/** The step succeeded: it is complete, and the walkthrough moves on (verify stays). */
export function completeStep(s: WalkthroughState, step: StepId, outcome: StepOutcome): WalkthroughState {
  const completed = STEP_IDS.filter((id) => id === step || s.completed.includes(id));
  const moved = step === s.step && step !== 'verify' ? STEP_IDS[stepIndex(step) + 1] : s.step;
  return { ...s, completed, step: moved, outcomes: { ...s.outcomes, [step]: outcome } };
}

/** The step stopped on an error: it stays open, with what was applied before the error. */
export function failStep(s: WalkthroughState, step: StepId, outcome: StepOutcome): WalkthroughState {
  return { ...s, completed: s.completed.filter((id) => stepIndex(id) < stepIndex(step)), outcomes: { ...s.outcomes, [step]: outcome } };
}

/**
 * A field changed. Only fields of the step on screen may change; a real change re-opens that step
 * and every later one (what they did stays in AWS and is found again by the next plan).
 * Changing the Region or the VPC clears what belongs to the old one.
 */
export function updateChoice(s: WalkthroughState, field: ChoiceField, value: string): { state: WalkthroughState; changed: boolean; refused?: string } {
  const step = FIELD_STEP[field];
  if (step !== s.step) return { state: s, changed: false, refused: `${field} belongs to the step "${STEP_TEXT[step].title}", not the one shown.` };
  if (s.choices[field] === value) return { state: s, changed: false };
  let choices: Choices = { ...s.choices, [field]: value };
  if (field === 'region') choices = { ...choices, vpcId: '', target: '', appGroupId: '', dbGroupId: '', ec2InstanceId: '' };
  if (field === 'vpcId') choices = { ...choices, target: '', appGroupId: '', dbGroupId: '', ec2InstanceId: '' };
  const k = stepIndex(step);
  return { state: { ...s, choices, completed: s.completed.filter((id) => stepIndex(id) < k) }, changed: true };
}

const isObj = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);

/** A persisted state read back (workspaceState may hold an older or damaged value): undefined when unusable. */
export function normaliseState(x: unknown): WalkthroughState | undefined {
  if (!isObj(x) || x.version !== 1 || !isStepId(x.step) || !Array.isArray(x.completed) || !isObj(x.choices)) return undefined;
  const c = x.choices;
  const seed: Record<string, string> = {};
  for (const f of CHOICE_FIELDS) {
    if (c[f] === undefined) continue;
    if (typeof c[f] !== 'string' || (c[f] as string).length > 4000) return undefined;
    seed[f] = c[f] as string;
  }
  const completed = STEP_IDS.filter((id) => (x.completed as unknown[]).includes(id));
  const outcomes: Partial<Record<StepId, StepOutcome>> = {};
  if (isObj(x.outcomes)) {
    for (const id of STEP_IDS) {
      const o = x.outcomes[id];
      if (!isObj(o)) continue;
      const list = (v: unknown) => (Array.isArray(v) ? v.filter((e): e is string => typeof e === 'string') : []);
      outcomes[id] = {
        at: typeof o.at === 'number' ? o.at : 0,
        applied: list(o.applied),
        created: list(o.created),
        reused: list(o.reused),
        ...(typeof o.error === 'string' ? { error: o.error } : {}),
      };
    }
  }
  return resume({ version: 1, step: x.step, completed, choices: defaultChoices(seed as Partial<Choices>), outcomes });
}

// =============================================================================================
// Resolving the choices against the account

export interface PlanContext {
  readonly index: RegionIndex;
  /** The VPC's EC2 instances; undefined while not (or not yet) readable. */
  readonly ec2?: readonly Ec2Instance[];
  /** Why the EC2 instances could not be read. */
  readonly ec2Error?: string;
  readonly choices: Choices;
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
      kind: 'cluster', id: c.clusterId, engine: c.engine, engineLabel: engineName(c.engine), port: c.port ?? enginePort(c.engine),
      portFromDb: c.port !== undefined, vpcId: c.vpcId, status: c.status, ...fromAttached(c.securityGroups),
    };
  }
  const i: DbInstance | undefined = idx.instancesById.get(t.id);
  if (!i) return { field: 'target', message: `DB instance ${t.id} is not in ${idx.snapshot.region} (any more). Refresh, or choose another database.` };
  if (i.clusterId) return { field: 'target', message: `${i.instanceId} belongs to Aurora cluster ${i.clusterId}: its groups are the cluster's. Choose the cluster.` };
  return {
    kind: 'instance', id: i.instanceId, engine: i.engine, engineLabel: engineName(i.engine), port: i.port ?? enginePort(i.engine),
    portFromDb: i.port !== undefined, vpcId: i.vpcId, status: i.status, ...fromAttached(i.securityGroups),
  };
}

function groupsInVpc(idx: RegionIndex, vpcId: string): SecurityGroup[] {
  return idx.groupsByVpc.get(vpcId) ?? [];
}

function resolveGroup(
  idx: RegionIndex,
  vpcId: string,
  role: 'app' | 'db',
  pickedId: string,
  name: string,
  description: string,
): GroupResolution {
  const idField: ChoiceField = role === 'app' ? 'appGroupId' : 'dbGroupId';
  const nameField: ChoiceField = role === 'app' ? 'appGroupName' : 'dbGroupName';
  if (pickedId) {
    const g = idx.groupsById.get(pickedId);
    if (!g) return { status: 'invalid', field: idField, error: `Security group ${pickedId} is not in ${idx.snapshot.region} (any more). Refresh, or choose another group.` };
    if (g.vpcId !== vpcId) return { status: 'invalid', field: idField, error: `${g.groupName} (${g.groupId}) is in ${g.vpcId ?? 'no VPC'}, not in ${vpcId}: choose a group of the database's VPC.` };
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
  const parts = text.split(/[\s,;]+/).map((p) => p.trim()).filter(Boolean);
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
  if (!t) return { error: 'The application\'s port is required: the port the client application connects to (e.g. 443).' };
  if (!/^\d{1,5}$/.test(t)) return { error: `"${t.slice(0, 40)}" is not a port: enter one whole number from 1 to 65535.` };
  const n = Number(t);
  if (n < 1 || n > 65535) return { error: `Port ${n} is out of range: ports are 1 to 65535.` };
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
    dbGroup = { status: 'invalid', field: c.dbGroupId ? 'dbGroupId' : 'dbGroupName', error: 'The database group must be another group than the app-server group: its rule lets the app-server group in.' };
  }
  // Without a VPC the groups cannot be resolved: the VPC's own error says so once.
  if (app.status === 'invalid' && vpc) errors.push({ field: app.field, message: app.error });
  const parsed = parseClientCidrs(c.clientCidrs);
  for (const e of parsed.errors) errors.push({ field: 'clientCidrs', message: e });
  if (!parsed.cidrs.length && !parsed.errors.length)
    errors.push({ field: 'clientCidrs', message: 'Enter the client application\'s addresses as CIDR ranges, e.g. 203.0.113.0/24 (a single address: 203.0.113.10/32).' });
  const port = parseAppPort(c.appPort);
  if (typeof port !== 'number') errors.push({ field: 'appPort', message: port.error });
  let ec2: Ec2Instance | undefined;
  if (c.ec2InstanceId && ctx.ec2) {
    ec2 = ctx.ec2.find((i) => i.instanceId === c.ec2InstanceId);
    if (!ec2) errors.push({ field: 'ec2InstanceId', message: `EC2 instance ${c.ec2InstanceId} is not among the instances of ${vpcId || 'the VPC'} (stopped instances count; terminated ones do not). Refresh, or choose another.` });
    else if (ec2.vpcId && vpcId && ec2.vpcId !== vpcId) errors.push({ field: 'ec2InstanceId', message: `${ec2.instanceId} is in ${ec2.vpcId}: a security group can only be used in its own VPC (${vpcId}).` });
  }
  if (dbGroup.status === 'invalid' && vpc) errors.push({ field: dbGroup.field, message: dbGroup.error });
  return { region: idx.snapshot.region, vpc, db, app, dbGroup, clientCidrs: parsed.cidrs, appPort: typeof port === 'number' ? port : undefined, ec2, errors };
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
    const dbVpcs = databases(idx).map((d) => d.vpcId).filter((v): v is string => !!v);
    const v = dbVpcs[0] ?? (idx.snapshot.vpcs.length === 1 ? idx.snapshot.vpcs[0].vpcId : undefined);
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

/** The Region's databases: clusters, then RDS instances that belong to no cluster. */
export function databases(idx: RegionIndex): DbChoice[] {
  const out: DbChoice[] = [];
  for (const c of [...idx.snapshot.clusters].sort((a, b) => a.clusterId.localeCompare(b.clusterId))) {
    out.push({ key: `cluster:${c.clusterId}`, label: c.clusterId, description: `${engineName(c.engine)} cluster · port ${c.port ?? enginePort(c.engine)} · ${c.members.length} instance${c.members.length === 1 ? '' : 's'}`, vpcId: c.vpcId });
  }
  for (const i of idx.standaloneInstances().sort((a, b) => a.instanceId.localeCompare(b.instanceId))) {
    out.push({ key: `instance:${i.instanceId}`, label: i.instanceId, description: `${engineName(i.engine)} instance · port ${i.port ?? enginePort(i.engine)}`, vpcId: i.vpcId });
  }
  return out;
}

// =============================================================================================
// Plans: the calls of a step, with their CLI equivalents

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
  | { readonly op: 'setEc2Groups'; readonly instanceId: string; readonly current: readonly string[]; readonly add: GroupRef }
  | { readonly op: 'setClusterGroups'; readonly clusterId: string; readonly current: readonly string[]; readonly add: GroupRef }
  | { readonly op: 'setDbInstanceGroups'; readonly instanceId: string; readonly current: readonly string[]; readonly add: GroupRef }
  | { readonly op: 'read' };

export interface ApiCall {
  readonly service: 'EC2' | 'RDS';
  readonly operation: string;
  readonly input: Readonly<Record<string, unknown>>;
}

export interface PlannedAction {
  /** Stable within a step: 'create-app', 'rule-app-203.0.113.0/24', 'ec2', 'rule-db', 'associate', 'read-…'. */
  readonly id: string;
  readonly kind: 'createGroup' | 'authorizeIngress' | 'modifyInstanceAttribute' | 'modifyDbCluster' | 'modifyDbInstance' | 'describe';
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

/** Quotes one word for a POSIX shell (bash, zsh): bare when safe, else in single quotes. */
export function shellQuote(s: string): string {
  if (s !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

const cliVar = (role: 'app' | 'db') => (role === 'app' ? 'APP_SG_ID' : 'DB_SG_ID');
const placeholder = (ref: GroupRef) => `<id of ${ref.groupName}, returned by CreateSecurityGroup>`;
const refId = (ref: GroupRef) => ref.groupId ?? placeholder(ref);
const refCli = (ref: GroupRef) => (ref.groupId ? shellQuote(ref.groupId) : `"$${cliVar(ref.role)}"`);
const refText = (ref: GroupRef) => (ref.groupId ? `${ref.groupName} (${ref.groupId})` : `${ref.groupName} (new)`);

function ipPermissions(e: Extract<ExecSpec, { op: 'authorizeIngress' }>): Record<string, unknown>[] {
  const p: Record<string, unknown> = { IpProtocol: 'tcp', FromPort: e.port, ToPort: e.port };
  const d = e.description || undefined;
  const peer = e.peer;
  if (peer.kind === 'group') p.UserIdGroupPairs = [{ GroupId: refId(peer.group), Description: d }];
  else if (peer.kind === 'cidr4') p.IpRanges = [{ CidrIp: peer.cidr, Description: d }];
  else p.Ipv6Ranges = [{ CidrIpv6: peer.cidr, Description: d }];
  return [p];
}

/** The SDK call an action makes (the same input the AWS layer builds). */
export function apiCall(e: ExecSpec): ApiCall | undefined {
  switch (e.op) {
    case 'createGroup':
      return { service: 'EC2', operation: 'CreateSecurityGroup', input: { GroupName: e.groupName, Description: e.description, VpcId: e.vpcId } };
    case 'authorizeIngress':
      return { service: 'EC2', operation: 'AuthorizeSecurityGroupIngress', input: { GroupId: refId(e.group), IpPermissions: ipPermissions(e) } };
    case 'setEc2Groups':
      return { service: 'EC2', operation: 'ModifyInstanceAttribute', input: { InstanceId: e.instanceId, Groups: [...e.current, refId(e.add)] } };
    case 'setClusterGroups':
      return { service: 'RDS', operation: 'ModifyDBCluster', input: { DBClusterIdentifier: e.clusterId, VpcSecurityGroupIds: [...e.current, refId(e.add)], ApplyImmediately: true } };
    case 'setDbInstanceGroups':
      return { service: 'RDS', operation: 'ModifyDBInstance', input: { DBInstanceIdentifier: e.instanceId, VpcSecurityGroupIds: [...e.current, refId(e.add)], ApplyImmediately: true } };
    case 'read':
      return undefined;
  }
}

/** The AWS CLI command that does the same, one line, quoted for a POSIX shell. */
export function cliCommand(e: ExecSpec, region: string): string {
  const r = `--region ${shellQuote(region)}`;
  switch (e.op) {
    case 'createGroup':
      return `${cliVar(e.role)}=$(aws ec2 create-security-group ${r} --vpc-id ${shellQuote(e.vpcId)} --group-name ${shellQuote(e.groupName)} --description ${shellQuote(e.description)} --query GroupId --output text)`;
    case 'authorizeIngress': {
      const json = JSON.stringify(JSON.parse(JSON.stringify(ipPermissions(e))));
      return `aws ec2 authorize-security-group-ingress ${r} --group-id ${refCli(e.group)} --ip-permissions ${shellQuote(json)}`;
    }
    case 'setEc2Groups':
      return `aws ec2 modify-instance-attribute ${r} --instance-id ${shellQuote(e.instanceId)} --groups ${[...e.current.map(shellQuote), refCli(e.add)].join(' ')}`;
    case 'setClusterGroups':
      return `aws rds modify-db-cluster ${r} --db-cluster-identifier ${shellQuote(e.clusterId)} --vpc-security-group-ids ${[...e.current.map(shellQuote), refCli(e.add)].join(' ')} --apply-immediately`;
    case 'setDbInstanceGroups':
      return `aws rds modify-db-instance ${r} --db-instance-identifier ${shellQuote(e.instanceId)} --vpc-security-group-ids ${[...e.current.map(shellQuote), refCli(e.add)].join(' ')} --apply-immediately`;
    case 'read':
      return '';
  }
}

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

function refOf(role: 'app' | 'db', g: GroupResolution): GroupRef | undefined {
  if (g.status === 'exists') return { role, groupName: g.groupName, groupId: g.groupId };
  if (g.status === 'new') return { role, groupName: g.groupName };
  return undefined;
}

function groupActions(role: 'app' | 'db', g: GroupResolution, vpcId: string, region: string, vpcText: string): PlannedAction[] {
  const id = `create-${role}`;
  if (g.status === 'exists') {
    const why = g.how === 'chosen' ? 'chosen to reuse' : 'a group of that name already exists in the VPC (names are unique per VPC, ignoring case)';
    return [existsAction(id, 'createGroup', `Reuse ${g.groupName} (${g.groupId}): ${why}.`, g.groupId, { op: 'createGroup', role, vpcId, groupName: g.groupName, description: '' })];
  }
  if (g.status === 'new') {
    return [todoAction(id, 'createGroup', `Create the security group ${g.groupName} in ${vpcText}.`, { op: 'createGroup', role, vpcId, groupName: g.groupName, description: g.description }, region)];
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
  const peer: RulePeer = 'cidr' in source ? { kind: source.cidr.includes(':') ? 'cidr6' : 'cidr4', cidr: source.cidr } : { kind: 'group', groupId: source.groupId };
  return { groupId, isEgress: false, protocol: 'tcp', fromPort: port, toPort: port, peer };
}

function quotaError(idx: RegionIndex, group: GroupRef | undefined, adding: number, v6: boolean): FieldError | undefined {
  if (!group?.groupId || adding === 0) return undefined;
  const count = idx.rulesOf(group.groupId, false).filter((r) => (r.peer.kind === 'cidr6') === v6).length;
  return count + adding > MAX_RULES_PER_DIRECTION
    ? { message: `${group.groupName} has ${count} inbound ${v6 ? 'IPv6' : 'IPv4'} rules; ${adding} more would pass the quota of ${MAX_RULES_PER_DIRECTION}. Remove or merge rules, or use another group.` }
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
        `aws ec2 describe-security-group-rules --region ${shellQuote(region)} --filters ${shellQuote(`Name=group-id,Values=${groups.join(',')}`)}`,
      ),
    );
  }
  if (r.db?.kind === 'cluster') {
    out.push(
      readAction(
        'read-db',
        `Read the groups of ${r.db.id}.`,
        { service: 'RDS', operation: 'DescribeDBClusters', input: { DBClusterIdentifier: r.db.id } },
        `aws rds describe-db-clusters --region ${shellQuote(region)} --db-cluster-identifier ${shellQuote(r.db.id)} --query ${shellQuote('DBClusters[0].[Port,VpcSecurityGroups]')}`,
      ),
    );
  } else if (r.db) {
    out.push(
      readAction(
        'read-db',
        `Read the groups of ${r.db.id}.`,
        { service: 'RDS', operation: 'DescribeDBInstances', input: { DBInstanceIdentifier: r.db.id } },
        `aws rds describe-db-instances --region ${shellQuote(region)} --db-instance-identifier ${shellQuote(r.db.id)} --query ${shellQuote('DBInstances[0].[Endpoint.Port,VpcSecurityGroups]')}`,
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
        `aws ec2 describe-instances --region ${shellQuote(region)} --filters ${shellQuote(`Name=instance.group-id,Values=${app}`)} --query ${shellQuote('Reservations[].Instances[].InstanceId')}`,
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

  switch (step) {
    case 'target': {
      if (r.db) {
        notes.push({ level: 'info', text: `Database port: ${r.db.port}${r.db.portFromDb ? ` (from ${r.db.id})` : ` (the ${r.db.engineLabel} default; ${r.db.id} reports none)`}. The rule of step 4 opens this port.` });
        if (r.db.status !== 'available') notes.push({ level: 'warning', text: `${r.db.id} is ${r.db.status}: associating groups needs it available (step 5).` });
      }
      return makePlan(step, [], targetErrors, notes);
    }
    case 'appGroup': {
      const errors = needTarget(errorsOf(r, ['appGroupId', 'appGroupName', 'clientCidrs', 'appPort']));
      const actions = groupActions('app', r.app, vpcId, region, vpcText);
      const ref = refOf('app', r.app);
      if (!ctx.choices.appGroupId && ctx.choices.appGroupName.trim().toLowerCase() === DEFAULT_APP_GROUP_NAME) notes.push({ level: 'info', text: SG_PREFIX_EXPLANATION });
      if (r.app.status === 'exists' && r.app.isDefault)
        notes.push({ level: 'warning', text: 'The VPC\'s default group is carried by every instance launched without a group of its own: the clients would reach all of them.' });
      if (ref && r.appPort !== undefined) {
        for (const c of r.clientCidrs) {
          actions.push(ruleAction(idx, `rule-app-${c.cidr}`, ref, r.appPort, { kind: c.version === 4 ? 'cidr4' : 'cidr6', cidr: c.cidr }, APP_RULE_DESCRIPTION, region));
          if (c.changed && c.input.includes('/')) notes.push({ level: 'info', text: `AWS stores ${c.input} as ${c.cidr} (the host bits are cleared).` });
          const parsed = parseCidr(c.cidr);
          if (!('error' in parsed) && isWorld(parsed))
            notes.push({ level: 'warning', text: `${c.cidr} lets anyone on the internet reach the app servers on tcp ${r.appPort}${isDatabasePort(r.appPort) ? ', a database port' : ''}.` });
        }
        const add = (v6: boolean) => actions.filter((a) => a.status === 'todo' && a.exec.op === 'authorizeIngress' && a.exec.peer.kind === (v6 ? 'cidr6' : 'cidr4')).length;
        for (const q of [quotaError(idx, ref, add(false), false), quotaError(idx, ref, add(true), true)]) if (q) errors.push(q);
      }
      return makePlan(step, actions, errors, notes);
    }
    case 'appServer': {
      const errors = needTarget(errorsOf(r, ['ec2InstanceId']));
      const ref = refOf('app', r.app);
      if (!ctx.choices.ec2InstanceId) {
        notes.push({ level: 'info', text: 'No EC2 instance chosen: this step changes nothing. Any instance you add to the app-server group later gets the same access.' });
        return makePlan(step, [], errors, notes);
      }
      if (!ctx.ec2) {
        errors.push({ field: 'ec2InstanceId', message: ctx.ec2Error ? `The EC2 instances could not be read: ${ctx.ec2Error}` : 'The EC2 instances are not loaded yet.' });
        return makePlan(step, [], errors, notes);
      }
      if (!ref?.groupId) {
        errors.push({ message: 'The app-server group does not exist yet: apply step 2 first.' });
        return makePlan(step, [], errors, notes);
      }
      const inst = r.ec2;
      if (!inst) return makePlan(step, [], errors, notes);
      const name = inst.name ? `${inst.name} (${inst.instanceId})` : inst.instanceId;
      const exec: ExecSpec = { op: 'setEc2Groups', instanceId: inst.instanceId, current: [...inst.securityGroupIds], add: ref };
      if (inst.securityGroupIds.includes(ref.groupId)) {
        return makePlan(step, [existsAction('ec2', 'modifyInstanceAttribute', `${name} already carries ${ref.groupName}.`, `${inst.instanceId}+${ref.groupId}`, exec)], errors, notes);
      }
      if (inst.securityGroupIds.length >= 5)
        errors.push({ field: 'ec2InstanceId', message: `${name} already has ${inst.securityGroupIds.length} security groups, the default quota per network interface (5). Remove one first.` });
      const keep = inst.securityGroupIds.map((g) => idx.groupsById.get(g)?.groupName ?? g).join(', ') || 'none';
      notes.push({ level: 'info', text: `ModifyInstanceAttribute replaces the instance's list: its current groups (${keep}) are sent with ${ref.groupName}.` });
      if (inst.state && inst.state !== 'running') notes.push({ level: 'info', text: `${name} is ${inst.state}; the change applies all the same.` });
      return makePlan(step, [todoAction('ec2', 'modifyInstanceAttribute', `Add ${ref.groupName} to ${name}, keeping its ${inst.securityGroupIds.length} current group${inst.securityGroupIds.length === 1 ? '' : 's'}.`, exec, region)], errors, notes);
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
        return makePlan(step, [existsAction('associate', kind, `${ref.groupName} is already associated with ${db.id}${st && st !== 'active' ? ` (${st})` : ''}.`, `${db.id}+${ref.groupId}`, exec)], errors, notes);
      }
      const merged = mergeGroupLists(db.groupIds, [ref.groupId], MAX_DB_GROUPS);
      if (!merged.ok) errors.push({ message: merged.error });
      if (db.status !== 'available') errors.push({ message: `${db.id} is ${db.status}, not available: wait until it is available, then apply.` });
      notes.push({
        level: 'info',
        text: `${db.kind === 'cluster' ? 'ModifyDBCluster' : 'ModifyDBInstance'} replaces the whole list, so it is sent merged: before ${names(db.groupIds)}; after ${names([...db.groupIds, ref.groupId])}. The cluster is read again right before the write.`,
      });
      if (db.kind === 'cluster') notes.push({ level: 'info', text: `The change applies at once to every instance of ${db.id}, with no outage.` });
      return makePlan(step, [todoAction('associate', kind, `Associate ${ref.groupName} with ${db.id}, keeping ${names(db.groupIds)}.`, exec, region)], errors, notes);
    }
    case 'verify':
      return makePlan(step, readActions(ctx, r), needTarget([]), notes);
  }
}

// =============================================================================================
// Verification: each hop of the path, and whatever else reaches the database

export interface HopCheck {
  readonly id: 'clients' | 'appServer' | 'appToDb' | 'attached';
  readonly label: string;
  readonly ok: boolean;
  /** A hop the user chose not to set up (no EC2 instance): neither passes nor fails. */
  readonly skipped?: boolean;
  readonly detail: string;
  readonly ruleIds: readonly string[];
}

export interface OtherAccess {
  readonly groupId: string;
  readonly groupName: string;
  readonly ruleId: string;
  readonly text: string;
  readonly severity: 'danger' | 'warning' | 'info';
}

export interface Verification {
  readonly ok: boolean;
  readonly port?: number;
  readonly hops: readonly HopCheck[];
  readonly others: readonly OtherAccess[];
}

function allowsTcp(r: Pick<SecurityGroupRule, 'protocol' | 'fromPort' | 'toPort'>, port: number): boolean {
  const p = r.protocol === '6' ? 'tcp' : r.protocol === 'all' ? '-1' : r.protocol;
  if (p === '-1') return true;
  if (p !== 'tcp') return false;
  if (r.fromPort < 0 || r.toPort < 0) return true;
  return r.fromPort <= port && port <= r.toPort;
}

/** Reads the path back from the account (the index and EC2 instances as loaded after the changes). */
export function verifyPath(ctx: PlanContext): Verification {
  const idx = ctx.index;
  const r = resolveChoices(ctx);
  const lookup = (id: string) => idx.groupsById.get(id);
  const hops: HopCheck[] = [];
  const app = refOf('app', r.app);
  const dbg = refOf('db', r.dbGroup);
  const appName = app?.groupName ?? (ctx.choices.appGroupName || 'the app-server group');
  const dbName = dbg?.groupName ?? (ctx.choices.dbGroupName || 'the database group');
  const port = r.db?.port;

  // 1. Clients -> app-server group on the application's port.
  {
    const label = `Clients → ${appName} on tcp ${r.appPort ?? '?'}`;
    if (!app?.groupId) hops.push({ id: 'clients', label, ok: false, detail: `${appName} does not exist.`, ruleIds: [] });
    else if (r.appPort === undefined || !r.clientCidrs.length) hops.push({ id: 'clients', label, ok: false, detail: 'No valid client ranges or port were given (step 2).', ruleIds: [] });
    else {
      const ids: string[] = [];
      const missing: string[] = [];
      for (const c of r.clientCidrs) {
        const client = parseCidr(c.cidr);
        const rule = idx.rulesOf(app.groupId, false).find((x) => {
          if (!allowsTcp(x, r.appPort!) || (x.peer.kind !== 'cidr4' && x.peer.kind !== 'cidr6') || 'error' in client) return false;
          const pc = parseCidr(x.peer.cidr);
          return !('error' in pc) && pc.version === client.version && cidrContains(pc, client);
        });
        if (rule) ids.push(rule.ruleId);
        else missing.push(c.cidr);
      }
      hops.push({
        id: 'clients',
        label,
        ok: missing.length === 0,
        detail: missing.length ? `No inbound rule of ${appName} lets ${missing.join(', ')} in on tcp ${r.appPort}.` : `Allowed by ${[...new Set(ids)].join(', ')}.`,
        ruleIds: [...new Set(ids)],
      });
    }
  }
  // 2. The app server carries the app-server group (only when one was chosen).
  if (ctx.choices.ec2InstanceId) {
    const inst = ctx.ec2?.find((i) => i.instanceId === ctx.choices.ec2InstanceId);
    const name = inst?.name ? `${inst.name} (${ctx.choices.ec2InstanceId})` : ctx.choices.ec2InstanceId;
    const label = `${name} carries ${appName}`;
    if (!ctx.ec2) hops.push({ id: 'appServer', label, ok: false, detail: ctx.ec2Error ? `The EC2 instances could not be read: ${ctx.ec2Error}` : 'The EC2 instances were not read.', ruleIds: [] });
    else if (!inst) hops.push({ id: 'appServer', label, ok: false, detail: `${ctx.choices.ec2InstanceId} is not among the VPC's instances.`, ruleIds: [] });
    else {
      const ok = !!app?.groupId && inst.securityGroupIds.includes(app.groupId);
      hops.push({ id: 'appServer', label, ok, detail: `Its groups: ${inst.securityGroupIds.map((g) => lookup(g)?.groupName ?? g).join(', ') || 'none'}.`, ruleIds: [] });
    }
  } else {
    hops.push({ id: 'appServer', label: `App servers carry ${appName}`, ok: true, skipped: true, detail: `No EC2 instance was chosen: instances that carry ${appName} get this access.`, ruleIds: [] });
  }
  // 3. App-server group -> database group on the database port.
  {
    const label = `${appName} → ${dbName} on tcp ${port ?? '?'}`;
    if (!dbg?.groupId || !app?.groupId || port === undefined) hops.push({ id: 'appToDb', label, ok: false, detail: `${!dbg?.groupId ? dbName : appName} does not exist.`, ruleIds: [] });
    else {
      const rule = idx.rulesOf(dbg.groupId, false).find((x) => x.peer.kind === 'group' && x.peer.groupId === app.groupId && allowsTcp(x, port));
      hops.push({
        id: 'appToDb',
        label,
        ok: !!rule,
        detail: rule ? `Allowed by ${rule.ruleId} (${portLabel(rule)} from ${peerLabel(rule.peer, lookup)}).` : `No inbound rule of ${dbName} lets ${appName} in on tcp ${port}.`,
        ruleIds: rule ? [rule.ruleId] : [],
      });
    }
  }
  // 4. The database group guards the database.
  {
    const label = `${dbName} guards ${r.db?.id ?? 'the database'}`;
    if (!r.db || !dbg?.groupId) hops.push({ id: 'attached', label, ok: false, detail: !r.db ? 'The database is not in the account.' : `${dbName} does not exist.`, ruleIds: [] });
    else {
      const attached = r.db.groupIds.includes(dbg.groupId);
      const st = r.db.groupStatus.get(dbg.groupId);
      hops.push({
        id: 'attached',
        label,
        ok: attached,
        detail: attached
          ? `${r.db.id} (${r.db.engineLabel}, port ${r.db.port}) has ${r.db.groupIds.map((g) => lookup(g)?.groupName ?? g).join(', ')}${st && st !== 'active' ? `; ${dbName} is ${st}` : ''}.`
          : `${r.db.id} has ${r.db.groupIds.map((g) => lookup(g)?.groupName ?? g).join(', ') || 'no group'}, not ${dbName}.`,
        ruleIds: [],
      });
    }
  }
  const others: OtherAccess[] = [];
  if (r.db && port !== undefined) {
    const pathRules = new Set(hops.find((h) => h.id === 'appToDb')?.ruleIds ?? []);
    for (const gid of r.db.groupIds) {
      const g = lookup(gid);
      for (const rule of idx.rulesOf(gid, false)) {
        if (!allowsTcp(rule, port) || pathRules.has(rule.ruleId)) continue;
        let severity: OtherAccess['severity'] = 'info';
        if (rule.peer.kind === 'cidr4' || rule.peer.kind === 'cidr6') {
          const c = parseCidr(rule.peer.cidr);
          if (!('error' in c)) severity = isWorld(c) ? 'danger' : isPrivateCidr(c) ? 'info' : 'warning';
        }
        const who = rule.peer.kind === 'group' && rule.peer.groupId === gid ? `members of ${g?.groupName ?? gid} itself` : peerLabel(rule.peer, lookup);
        others.push({ groupId: gid, groupName: g?.groupName ?? gid, ruleId: rule.ruleId, text: `${portLabel(rule)} from ${who}`, severity });
      }
    }
  }
  const checked = hops.filter((h) => !h.skipped);
  return { ok: checked.every((h) => h.ok), port, hops, others };
}

// =============================================================================================
// The view the webview renders (plain data; no credentials, no endpoint)

export interface OptionView {
  readonly value: string;
  readonly label: string;
  readonly description?: string;
}

export type FieldView =
  | { readonly kind: 'select'; readonly field: ChoiceField; readonly label: string; readonly value: string; readonly options: readonly OptionView[]; readonly help?: string; readonly error?: string }
  | { readonly kind: 'text'; readonly field: ChoiceField; readonly label: string; readonly value: string; readonly placeholder?: string; readonly help?: string; readonly error?: string; readonly multiline?: boolean };

export interface DiagramNode {
  readonly id: 'clients' | 'app' | 'db' | 'target';
  readonly title: string;
  readonly subtitle: string;
  readonly detail?: string;
  /** exists: in the account; planned: would be created; missing: not chosen or not there. */
  readonly state: 'exists' | 'planned' | 'missing';
  readonly focus: boolean;
}

export interface DiagramEdge {
  readonly from: DiagramNode['id'];
  readonly to: DiagramNode['id'];
  readonly label: string;
  readonly state: 'exists' | 'planned' | 'missing';
  readonly focus: boolean;
}

export interface Diagram {
  readonly nodes: readonly DiagramNode[];
  readonly edges: readonly DiagramEdge[];
}

export interface ActionView {
  readonly index: number;
  readonly status: PlannedAction['status'];
  readonly sentence: string;
  readonly operation?: string;
  readonly service?: string;
  /** The call's input as indented JSON. */
  readonly input?: string;
  readonly cli?: string;
}

export interface StepView {
  readonly id: StepId;
  readonly number: number;
  readonly title: string;
  readonly status: 'done' | 'current' | 'todo' | 'error';
  readonly reachable: boolean;
}

export interface WalkthroughView {
  readonly steps: readonly StepView[];
  readonly step: StepId;
  readonly number: number;
  readonly total: number;
  readonly title: string;
  readonly explanation: string;
  readonly quote: string;
  readonly summary: string;
  readonly fields: readonly FieldView[];
  readonly actions: readonly ActionView[];
  readonly errors: readonly string[];
  readonly notes: readonly Note[];
  readonly diagram: Diagram;
  readonly verification?: Verification;
  readonly outcome?: StepOutcome;
  /** The previous step's outcome, shown as a banner after moving on. */
  readonly previous?: { readonly title: string; readonly outcome: StepOutcome };
  readonly primary: { readonly label: string; readonly enabled: boolean };
  readonly planKey: string;
  readonly canBack: boolean;
  readonly canNext: boolean;
  readonly busy?: string;
  /** The data could not be loaded (the form still shows). */
  readonly loadError?: string;
}

export interface ViewExtras {
  readonly regions: readonly string[];
  readonly verification?: Verification;
  readonly busy?: string;
  readonly loadError?: string;
}

function diagramOf(state: WalkthroughState, r: Resolved | undefined, plans: Partial<Record<StepId, StepPlan>>): Diagram {
  const c = state.choices;
  const step = state.step;
  const nodeState = (g: GroupResolution | undefined): DiagramNode['state'] => (g?.status === 'exists' ? 'exists' : g?.status === 'new' ? 'planned' : 'missing');
  const cidrs = r?.clientCidrs ?? parseClientCidrs(c.clientCidrs).cidrs;
  const appName = r?.app.status === 'exists' || r?.app.status === 'new' ? r.app.groupName : c.appGroupName || 'app-server group';
  const dbName = r?.dbGroup.status === 'exists' || r?.dbGroup.status === 'new' ? r.dbGroup.groupName : c.dbGroupName || 'database group';
  const ec2 = r?.ec2;
  const nodes: DiagramNode[] = [
    {
      id: 'clients',
      title: 'Clients',
      subtitle: cidrs.length ? `${cidrs[0].cidr}${cidrs.length > 1 ? ` +${cidrs.length - 1}` : ''}` : 'addresses not set',
      detail: 'outside the VPC',
      state: cidrs.length ? 'exists' : 'missing',
      focus: step === 'appGroup',
    },
    {
      id: 'app',
      title: appName,
      subtitle: r?.app.status === 'exists' ? r.app.groupId : r?.app.status === 'new' ? 'new group' : 'not chosen',
      detail: ec2 ? (ec2.name ?? ec2.instanceId) : c.ec2InstanceId ? c.ec2InstanceId : 'app servers',
      state: nodeState(r?.app),
      focus: step === 'appGroup' || step === 'appServer',
    },
    {
      id: 'db',
      title: dbName,
      subtitle: r?.dbGroup.status === 'exists' ? r.dbGroup.groupId : r?.dbGroup.status === 'new' ? 'new group' : 'not chosen',
      detail: 'database group',
      state: nodeState(r?.dbGroup),
      focus: step === 'dbGroup' || step === 'associate',
    },
    {
      id: 'target',
      title: r?.db?.id ?? (parseTarget(c.target)?.id || 'database'),
      subtitle: r?.db ? `${r.db.engineLabel} · ${r.db.port}` : 'not chosen',
      detail: r?.db ? (r.db.kind === 'cluster' ? 'DB cluster' : 'DB instance') : undefined,
      state: r?.db ? 'exists' : 'missing',
      focus: step === 'target' || step === 'associate',
    },
  ];
  const edgeState = (plan: StepPlan | undefined, kinds: PlannedAction['kind'][], ready: boolean): DiagramEdge['state'] => {
    if (!ready || !plan) return 'missing';
    const relevant = plan.actions.filter((a) => kinds.includes(a.kind) && a.id !== 'create-app' && a.id !== 'create-db');
    if (!relevant.length) return 'missing';
    return relevant.every((a) => a.status === 'exists') ? 'exists' : 'planned';
  };
  const appPort = r?.appPort;
  const edges: DiagramEdge[] = [
    { from: 'clients', to: 'app', label: appPort !== undefined ? `tcp ${appPort}` : 'tcp ?', state: edgeState(plans.appGroup, ['authorizeIngress'], !!cidrs.length), focus: step === 'appGroup' },
    { from: 'app', to: 'db', label: r?.db ? `tcp ${r.db.port}` : 'tcp ?', state: edgeState(plans.dbGroup, ['authorizeIngress'], !!r?.db), focus: step === 'dbGroup' },
    { from: 'db', to: 'target', label: 'associated', state: edgeState(plans.associate, ['modifyDbCluster', 'modifyDbInstance'], !!r?.db), focus: step === 'associate' },
  ];
  return { nodes, edges };
}

function fieldsOf(step: StepId, state: WalkthroughState, ctx: PlanContext | undefined, extras: ViewExtras, errors: readonly FieldError[]): FieldView[] {
  const c = state.choices;
  const err = (f: ChoiceField) => errors.find((e) => e.field === f)?.message;
  const idx = ctx?.index;
  const vpcId = c.vpcId;
  const groupOptions = (idx && vpcId ? [...(idx.groupsByVpc.get(vpcId) ?? [])] : [])
    .sort((a, b) => a.groupName.localeCompare(b.groupName))
    .map((g) => ({ value: g.groupId, label: g.groupName, description: `${g.groupId} · ${g.description}` }));
  switch (step) {
    case 'target': {
      const regions = [...new Set([...extras.regions, ...(c.region ? [c.region] : [])])];
      const vpcs = idx ? [...idx.snapshot.vpcs].sort((a, b) => (a.name ?? a.vpcId).localeCompare(b.name ?? b.vpcId)) : [];
      const dbs = idx ? databases(idx).filter((d) => !vpcId || !d.vpcId || d.vpcId === vpcId) : [];
      return [
        { kind: 'select', field: 'region', label: 'Region', value: c.region, options: regions.map((r) => ({ value: r, label: r })), error: err('region'), help: regions.length ? undefined : 'No Region is selected: choose Regions in the Access view (Aurora SG: Select Regions).' },
        { kind: 'select', field: 'vpcId', label: 'VPC', value: vpcId, options: vpcs.map((v) => ({ value: v.vpcId, label: v.name ?? v.vpcId, description: `${v.vpcId} · ${v.cidrBlocks.join(', ')}${v.isDefault ? ' · default VPC' : ''}` })), error: err('vpcId') },
        { kind: 'select', field: 'target', label: 'Database', value: c.target, options: dbs.map((d) => ({ value: d.key, label: d.label, description: d.description })), error: err('target'), help: 'An Aurora DB cluster, or an RDS DB instance that is in no cluster.' },
      ];
    }
    case 'appGroup':
      return [
        { kind: 'select', field: 'appGroupId', label: 'App-server group', value: c.appGroupId, options: [{ value: '', label: 'Create a group (or reuse one of the same name)' }, ...groupOptions], error: err('appGroupId') },
        ...(c.appGroupId ? [] : [{ kind: 'text' as const, field: 'appGroupName' as const, label: 'Group name', value: c.appGroupName, placeholder: DEFAULT_APP_GROUP_NAME, help: `Not "${GUIDE_APP_GROUP_NAME}": AWS reserves the "sg-" prefix for group ids.`, error: err('appGroupName') }]),
        { kind: 'text', field: 'clientCidrs', label: 'Client application addresses (CIDR)', value: c.clientCidrs, placeholder: '203.0.113.0/24, 198.51.100.7/32', help: 'One or more IPv4 or IPv6 ranges, separated by commas or spaces.', error: err('clientCidrs'), multiline: false },
        { kind: 'text', field: 'appPort', label: 'Application port (TCP)', value: c.appPort, placeholder: DEFAULT_APP_PORT, help: 'The port the client application connects to on the app servers.', error: err('appPort') },
      ];
    case 'appServer': {
      const list = ctx?.ec2 ?? [];
      const groupName = (g: string) => idx?.groupsById.get(g)?.groupName ?? g;
      return [
        {
          kind: 'select',
          field: 'ec2InstanceId',
          label: 'EC2 instance',
          value: c.ec2InstanceId,
          options: [
            { value: '', label: 'None: skip this step' },
            ...[...list]
              .sort((a, b) => (a.name ?? a.instanceId).localeCompare(b.name ?? b.instanceId))
              .map((i) => ({ value: i.instanceId, label: i.name ?? i.instanceId, description: [i.instanceId, i.privateIp, i.state, `groups: ${i.securityGroupIds.map(groupName).join(', ') || 'none'}`].filter(Boolean).join(' · ') })),
          ],
          error: err('ec2InstanceId'),
          help: ctx?.ec2Error ? `The EC2 instances could not be read: ${ctx.ec2Error}` : 'Instances of the VPC (running or stopped). Its current groups are kept.',
        },
      ];
    }
    case 'dbGroup':
      return [
        { kind: 'select', field: 'dbGroupId', label: 'Database group', value: c.dbGroupId, options: [{ value: '', label: 'Create a group (or reuse one of the same name)' }, ...groupOptions], error: err('dbGroupId') },
        ...(c.dbGroupId ? [] : [{ kind: 'text' as const, field: 'dbGroupName' as const, label: 'Group name', value: c.dbGroupName, placeholder: DEFAULT_DB_GROUP_NAME, help: `Not "${GUIDE_DB_GROUP_NAME}": AWS reserves the "sg-" prefix for group ids.`, error: err('dbGroupName') }]),
      ];
    case 'associate':
    case 'verify':
      return [];
  }
}

function actionViews(plan: StepPlan | undefined): ActionView[] {
  return (plan?.actions ?? []).map((a, index) => ({
    index,
    status: a.status,
    sentence: a.sentence,
    ...(a.call ? { operation: a.call.operation, service: a.call.service, input: JSON.stringify(a.call.input, null, 2) } : {}),
    ...(a.cli ? { cli: a.cli } : {}),
  }));
}

/** The one-line summary of the path: "203.0.113.0/24 → appsrv1 :443 → dbsrv1 :3306 → orders-db". */
function summaryOf(state: WalkthroughState, r: Resolved | undefined): string {
  const c = state.choices;
  if (!r?.db) return c.region ? `Region ${c.region}` : 'Choose a Region and a database to begin.';
  return `${r.db.engineLabel} ${r.db.kind === 'cluster' ? 'cluster' : 'instance'} ${r.db.id} in ${r.vpc?.name ?? r.vpc?.vpcId ?? '?'}, ${r.region}, port ${r.db.port}`;
}

/** Everything the webview shows for the current step. */
export function buildView(state: WalkthroughState, ctx: PlanContext | undefined, extras: ViewExtras): WalkthroughView {
  const step = state.step;
  const plans: Partial<Record<StepId, StepPlan>> = {};
  let r: Resolved | undefined;
  if (ctx) {
    r = resolveChoices(ctx);
    for (const id of STEP_IDS) plans[id] = planStep(id, ctx);
  }
  const plan = plans[step];
  const fieldErrors = plan?.errors ?? [];
  const steps: StepView[] = STEP_IDS.map((id, i) => ({
    id,
    number: i + 1,
    title: STEP_TEXT[id].title,
    status: state.outcomes[id]?.error && !state.completed.includes(id) ? 'error' : state.completed.includes(id) ? 'done' : id === step ? 'current' : 'todo',
    reachable: canGoTo(state, id),
  }));
  const busy = !!extras.busy;
  const blocked = !ctx || fieldErrors.length > 0;
  let label: string;
  if (step === 'verify') label = isComplete(state, 'verify') || extras.verification ? 'Verify again' : 'Verify';
  else if (step === 'target') label = 'Continue';
  else if (plan && plan.todo > 0) label = plan.todo === 1 ? 'Apply 1 change' : `Apply ${plan.todo} changes`;
  else label = 'Continue';
  const prevStep = stepIndex(step) > 0 ? STEP_IDS[stepIndex(step) - 1] : undefined;
  const prevOutcome = prevStep ? state.outcomes[prevStep] : undefined;
  const outcome = state.outcomes[step];
  return {
    steps,
    step,
    number: stepIndex(step) + 1,
    total: STEP_IDS.length,
    title: STEP_TEXT[step].title,
    explanation: STEP_TEXT[step].explanation,
    quote: STEP_TEXT[step].quote,
    summary: summaryOf(state, r),
    fields: fieldsOf(step, state, ctx, extras, fieldErrors),
    actions: actionViews(plan),
    errors: fieldErrors.filter((e) => !e.field || !fieldsOf(step, state, ctx, extras, []).some((f) => f.field === e.field)).map((e) => e.message),
    notes: plan?.notes ?? [],
    diagram: diagramOf(state, r, plans),
    ...(step === 'verify' && extras.verification ? { verification: extras.verification } : {}),
    ...(outcome ? { outcome } : {}),
    ...(prevStep && prevOutcome && !prevOutcome.error && prevOutcome.applied.length && !outcome ? { previous: { title: STEP_TEXT[prevStep].title, outcome: prevOutcome } } : {}),
    primary: { label, enabled: !busy && !blocked },
    planKey: plan?.planKey ?? 'blocked',
    canBack: !busy && canBack(state),
    canNext: !busy && canNext(state),
    ...(extras.busy ? { busy: extras.busy } : {}),
    ...(extras.loadError ? { loadError: extras.loadError } : {}),
  };
}
