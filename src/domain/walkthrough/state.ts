// The walkthrough's steps and state: what the user chose, which steps are done, and the moves
// between steps (a small state machine the panel drives; pure, persisted as plain data).

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
      'Choose the Region, the VPC and the database to reach: a DB cluster (Aurora, or an RDS Multi-AZ DB cluster) or a plain RDS DB instance. ' +
      'Its port is the one the database group will open in step 4, so the rule and the database always agree.',
    quote:
      'A common use of a DB instance in a VPC is to share data with an application server running in an Amazon EC2 instance ' +
      'in the same VPC, which is accessed by a client application outside the VPC.',
  },
  appGroup: {
    title: 'App-server group',
    explanation:
      "A security group for the application servers, with inbound rules whose source is the client application's addresses, " +
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
      'Create an EC2 instance for the application and add the EC2 instance to the VPC security group (sg-appsrv1) that you ' + 'created in the previous step.',
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
      'are sent with the new one and none is dropped. RDS applies it as soon as possible (on a DB cluster, to every instance) ' +
      'without an outage. It is sent without ApplyImmediately, so changes pending on the database (an engine upgrade, a class change) ' +
      'are not applied with it: they stay pending until the maintenance window.',
    quote:
      'Add the DB instance to the VPC security group (sg-dbsrv1) that you created in the previous step. When you create the DB ' +
      'instance, use the same port number as the one specified for the VPC security group (sg-dbsrv1) rule.',
  },
  verify: {
    title: 'Verify',
    explanation: 'Read the account back and check each hop of the path on its port, then list everything else that can reach the database.',
    quote:
      'In an Aurora DB cluster, the VPC security group associated with the DB cluster is also associated with all of the DB ' + 'instances in the DB cluster.',
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
  'region',
  'vpcId',
  'target',
  'appGroupId',
  'appGroupName',
  'clientCidrs',
  'appPort',
  'ec2InstanceId',
  'dbGroupId',
  'dbGroupName',
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

/**
 * What a new walkthrough (another database, or Start Over) keeps of the last one: what the user
 * typed that is not tied to one VPC's resources (the client ranges, the app port, the names of the
 * groups to create or reuse by name). Chosen resources (groups by id, the EC2 instance) are not
 * carried: they belong to the old VPC.
 */
export function carriedChoices(c: Choices): Partial<Choices> {
  return { clientCidrs: c.clientCidrs, appPort: c.appPort, appGroupName: c.appGroupName, dbGroupName: c.dbGroupName };
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
