// The view the webview renders for the current step (plain data; no credentials, no endpoint):
// the steps, the form, the planned calls, the diagram and the verification.
import {
  parseClientCidrs,
  parseTarget,
  databases,
  type FieldError,
  type GroupResolution,
  type Note,
  type PlanContext,
  type Resolved,
  resolveChoices,
  whereText,
} from './resolve';
import { planStep, type PlannedAction, type StepPlan } from './plan';
import {
  canBack,
  canGoTo,
  canNext,
  type ChoiceField,
  DEFAULT_APP_GROUP_NAME,
  DEFAULT_APP_PORT,
  DEFAULT_DB_GROUP_NAME,
  GUIDE_APP_GROUP_NAME,
  GUIDE_DB_GROUP_NAME,
  isComplete,
  STEP_IDS,
  STEP_TEXT,
  type StepId,
  stepIndex,
  type StepOutcome,
  type WalkthroughState,
} from './state';
import type { Verification } from './verify';

export interface OptionView {
  readonly value: string;
  readonly label: string;
  readonly description?: string;
}

export type FieldView =
  | {
      readonly kind: 'select';
      readonly field: ChoiceField;
      readonly label: string;
      readonly value: string;
      readonly options: readonly OptionView[];
      readonly help?: string;
      readonly error?: string;
    }
  | {
      readonly kind: 'text';
      readonly field: ChoiceField;
      readonly label: string;
      readonly value: string;
      readonly placeholder?: string;
      readonly help?: string;
      readonly error?: string;
      readonly multiline?: boolean;
    };

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
  /** Where the step acts: "in us-east-1, account 123456789012" (empty until a Region is chosen). */
  readonly where: string;
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
  /** The verification was computed on older data than the extension holds: what on, and that a refresh recomputes it. */
  readonly staleNote?: string;
}

export interface ViewExtras {
  readonly regions: readonly string[];
  readonly verification?: Verification;
  readonly busy?: string;
  readonly loadError?: string;
  readonly staleNote?: string;
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
    {
      from: 'clients',
      to: 'app',
      label: appPort !== undefined ? `tcp ${appPort}` : 'tcp ?',
      state: edgeState(plans.appGroup, ['authorizeIngress'], !!cidrs.length),
      focus: step === 'appGroup',
    },
    {
      from: 'app',
      to: 'db',
      label: r?.db ? `tcp ${r.db.port}` : 'tcp ?',
      state: edgeState(plans.dbGroup, ['authorizeIngress'], !!r?.db),
      focus: step === 'dbGroup',
    },
    {
      from: 'db',
      to: 'target',
      label: 'associated',
      state: edgeState(plans.associate, ['modifyDbCluster', 'modifyDbInstance'], !!r?.db),
      focus: step === 'associate',
    },
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
        {
          kind: 'select',
          field: 'region',
          label: 'Region',
          value: c.region,
          options: regions.map((r) => ({ value: r, label: r })),
          error: err('region'),
          help: regions.length ? undefined : 'No Region is selected: choose Regions in the Access view (Aurora SG: Select Regions).',
        },
        {
          kind: 'select',
          field: 'vpcId',
          label: 'VPC',
          value: vpcId,
          options: vpcs.map((v) => ({
            value: v.vpcId,
            label: v.name ?? v.vpcId,
            description: `${v.vpcId} · ${v.cidrBlocks.join(', ')}${v.isDefault ? ' · default VPC' : ''}`,
          })),
          error: err('vpcId'),
        },
        {
          kind: 'select',
          field: 'target',
          label: 'Database',
          value: c.target,
          options: dbs.map((d) => ({ value: d.key, label: d.label, description: d.description })),
          error: err('target'),
          help: 'A DB cluster (Aurora or Multi-AZ), or an RDS DB instance that is in no cluster (RDS Custom instances are not offered: their groups cannot be changed).',
        },
      ];
    }
    case 'appGroup':
      return [
        {
          kind: 'select',
          field: 'appGroupId',
          label: 'App-server group',
          value: c.appGroupId,
          options: [{ value: '', label: 'Create a group (or reuse one of the same name)' }, ...groupOptions],
          error: err('appGroupId'),
        },
        ...(c.appGroupId
          ? []
          : [
              {
                kind: 'text' as const,
                field: 'appGroupName' as const,
                label: 'Group name',
                value: c.appGroupName,
                placeholder: DEFAULT_APP_GROUP_NAME,
                help: `Not "${GUIDE_APP_GROUP_NAME}": AWS reserves the "sg-" prefix for group ids.`,
                error: err('appGroupName'),
              },
            ]),
        {
          kind: 'text',
          field: 'clientCidrs',
          label: 'Client application addresses (CIDR)',
          value: c.clientCidrs,
          placeholder: '203.0.113.0/24, 198.51.100.7/32',
          help: 'One or more IPv4 or IPv6 ranges, separated by commas or spaces.',
          error: err('clientCidrs'),
          multiline: false,
        },
        {
          kind: 'text',
          field: 'appPort',
          label: 'Application port (TCP)',
          value: c.appPort,
          placeholder: DEFAULT_APP_PORT,
          help: 'The port the client application connects to on the app servers.',
          error: err('appPort'),
        },
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
              .map((i) => ({
                value: i.instanceId,
                label: i.name ?? i.instanceId,
                description: [
                  i.instanceId,
                  i.privateIp,
                  i.state,
                  i.primaryInterface
                    ? `primary interface ${i.primaryInterface.networkInterfaceId}, groups: ${i.primaryInterface.groupIds.map(groupName).join(', ') || 'none'}`
                    : `groups: ${i.securityGroupIds.map(groupName).join(', ') || 'none'}`,
                ]
                  .filter(Boolean)
                  .join(' · '),
              })),
          ],
          error: err('ec2InstanceId'),
          help: ctx?.ec2Error
            ? `The EC2 instances could not be read: ${ctx.ec2Error}`
            : "Instances of the VPC (running or stopped). The group is added to the instance's primary network interface (device index 0); its current groups are kept.",
        },
      ];
    }
    case 'dbGroup':
      return [
        {
          kind: 'select',
          field: 'dbGroupId',
          label: 'Database group',
          value: c.dbGroupId,
          options: [{ value: '', label: 'Create a group (or reuse one of the same name)' }, ...groupOptions],
          error: err('dbGroupId'),
        },
        ...(c.dbGroupId
          ? []
          : [
              {
                kind: 'text' as const,
                field: 'dbGroupName' as const,
                label: 'Group name',
                value: c.dbGroupName,
                placeholder: DEFAULT_DB_GROUP_NAME,
                help: `Not "${GUIDE_DB_GROUP_NAME}": AWS reserves the "sg-" prefix for group ids.`,
                error: err('dbGroupName'),
              },
            ]),
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
    where: ctx ? `in ${whereText(ctx.index, state.choices.vpcId || undefined)}` : state.choices.region ? `in ${state.choices.region}` : '',
    explanation: STEP_TEXT[step].explanation,
    quote: STEP_TEXT[step].quote,
    summary: summaryOf(state, r),
    fields: fieldsOf(step, state, ctx, extras, fieldErrors),
    actions: actionViews(plan),
    errors: fieldErrors.filter((e) => !e.field || !fieldsOf(step, state, ctx, extras, []).some((f) => f.field === e.field)).map((e) => e.message),
    notes: plan?.notes ?? [],
    diagram: diagramOf(state, r, plans),
    ...(step === 'verify' && extras.verification ? { verification: extras.verification } : {}),
    ...(step === 'verify' && extras.verification && extras.staleNote ? { staleNote: extras.staleNote } : {}),
    ...(outcome ? { outcome } : {}),
    ...(prevStep && prevOutcome && !prevOutcome.error && prevOutcome.applied.length && !outcome
      ? { previous: { title: STEP_TEXT[prevStep].title, outcome: prevOutcome } }
      : {}),
    primary: { label, enabled: !busy && !blocked },
    planKey: plan?.planKey ?? 'blocked',
    canBack: !busy && canBack(state),
    canNext: !busy && canNext(state),
    ...(extras.busy ? { busy: extras.busy } : {}),
    ...(extras.loadError ? { loadError: extras.loadError } : {}),
  };
}
