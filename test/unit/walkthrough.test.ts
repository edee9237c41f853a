import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { NetworkIndex, type NetworkAcl } from '../../src/domain/network';
import { RegionIndex, type DbCluster, type Ec2Instance, type RegionSnapshot, type SecurityGroup, type SecurityGroupRule } from '../../src/domain/model';
import { explainPath } from '../../src/domain/analysis';
import * as W from '../../src/domain/walkthrough';
import { FIELD_MAX, parseWebviewMessage, type WebviewMessage } from '../../src/domain/walkthroughProtocol';

// ------------------------------------------------------------------ fixtures: the demo's starting point

const REGION = 'us-east-1';
const VPC = 'vpc-0a1b2c3d4e5f60718';
const OTHER_VPC = 'vpc-0ffffffffffffff01';
const DEFAULT_SG = 'sg-0000000000000000d';
const EC2_ID = 'i-0123456789abcdef0';
const PRIMARY_ENI = 'eni-0123456789abcdef0';

const hex17 = (n: number) => n.toString(16).padStart(17, '0');

function group(groupId: string, groupName: string, vpcId = VPC, description = groupName): SecurityGroup {
  return { region: REGION, groupId, groupName, description, vpcId, ownerId: '123456789012', tags: {} };
}

function cluster(over: Partial<DbCluster> = {}): DbCluster {
  return {
    region: REGION,
    clusterId: 'orders-db',
    kind: 'aurora',
    engine: 'aurora-mysql',
    port: 3306,
    status: 'available',
    members: [
      { instanceId: 'orders-db-1', isWriter: true },
      { instanceId: 'orders-db-2', isWriter: false },
    ],
    securityGroups: [{ groupId: DEFAULT_SG, status: 'active' }],
    vpcId: VPC,
    ...over,
  };
}

function scenario(extra: Partial<RegionSnapshot> = {}): RegionSnapshot {
  return {
    region: REGION,
    vpcs: [
      { region: REGION, vpcId: VPC, name: 'app-vpc', cidrBlocks: ['10.0.0.0/16'], ipv6CidrBlocks: [], isDefault: false, tags: { Name: 'app-vpc' } },
      { region: REGION, vpcId: OTHER_VPC, name: 'other-vpc', cidrBlocks: ['10.9.0.0/16'], ipv6CidrBlocks: [], isDefault: false, tags: {} },
    ],
    groups: [group(DEFAULT_SG, 'default', VPC, 'default VPC security group'), group('sg-0000000000000000e', 'default', OTHER_VPC)],
    rules: [],
    clusters: [cluster()],
    instances: [
      {
        region: REGION,
        instanceId: 'orders-db-1',
        clusterId: 'orders-db',
        engine: 'aurora-mysql',
        status: 'available',
        securityGroups: [{ groupId: DEFAULT_SG }],
      },
      {
        region: REGION,
        instanceId: 'orders-db-2',
        clusterId: 'orders-db',
        engine: 'aurora-mysql',
        status: 'available',
        securityGroups: [{ groupId: DEFAULT_SG }],
      },
    ],
    loadedAt: 0,
    ...extra,
  };
}

const appServer = (groups: string[] = [DEFAULT_SG]): Ec2Instance => ({
  region: REGION,
  instanceId: EC2_ID,
  name: 'app-server-1',
  state: 'running',
  vpcId: VPC,
  privateIp: '10.0.1.10',
  securityGroupIds: groups,
  primaryInterface: { networkInterfaceId: PRIMARY_ENI, groupIds: groups },
});

/** The same instance with a second network interface (device index 1) that carries `second`. */
const twoInterfaces = (primary: string[], second: string[]): Ec2Instance => ({
  ...appServer(primary),
  securityGroupIds: [...new Set([...primary, ...second])],
  primaryInterface: { networkInterfaceId: PRIMARY_ENI, groupIds: primary },
});

const CHOICES: W.Choices = W.defaultChoices({
  region: REGION,
  vpcId: VPC,
  target: 'cluster:orders-db',
  clientCidrs: '203.0.113.0/24',
  appPort: '443',
  ec2InstanceId: EC2_ID,
});

function ctxOf(snapshot: RegionSnapshot, choices: W.Choices = CHOICES, ec2: Ec2Instance[] = [appServer()]): W.PlanContext {
  return { index: new RegionIndex(snapshot), ec2, choices };
}

/** A fake account: applies the plan's calls the way AWS would, so the next plan sees them. */
class Sim {
  snapshot: RegionSnapshot;
  ec2: Ec2Instance[];
  private n = 1;
  readonly calls: string[] = [];

  constructor(snapshot = scenario(), ec2 = [appServer()]) {
    this.snapshot = snapshot;
    this.ec2 = ec2;
  }

  ctx(choices: W.Choices): W.PlanContext {
    return { index: new RegionIndex(this.snapshot), ec2: this.ec2, choices };
  }

  apply(plan: W.StepPlan): { created: string[] } {
    assert.deepEqual(plan.errors, [], `the plan of ${plan.step} has errors`);
    const ids: Record<string, string> = {};
    const idOf = (r: W.GroupRef) => r.groupId ?? ids[r.role];
    const created: string[] = [];
    const s = this.snapshot;
    for (const a of plan.actions) {
      if (a.status !== 'todo') continue;
      this.calls.push(a.call!.operation);
      const e = a.exec;
      switch (e.op) {
        case 'createGroup': {
          const id = `sg-${hex17(0xa000 + this.n++)}`;
          ids[e.role] = id;
          // As AWS does, a new group of a VPC comes with one outbound rule: all traffic to 0.0.0.0/0.
          const egress: SecurityGroupRule = {
            region: REGION,
            ruleId: `sgr-${hex17(0xe000 + this.n)}`,
            groupId: id,
            isEgress: true,
            protocol: '-1',
            fromPort: -1,
            toPort: -1,
            peer: { kind: 'cidr4', cidr: '0.0.0.0/0' },
          };
          this.snapshot = {
            ...this.snapshot,
            groups: [...this.snapshot.groups, group(id, e.groupName, e.vpcId, e.description)],
            rules: [...this.snapshot.rules, egress],
          };
          created.push(id);
          break;
        }
        case 'authorizeIngress': {
          const id = `sgr-${hex17(0xb000 + this.n++)}`;
          const peer = e.peer.kind === 'group' ? { kind: 'group' as const, groupId: idOf(e.peer.group)! } : e.peer;
          const rule: SecurityGroupRule = {
            region: REGION,
            ruleId: id,
            groupId: idOf(e.group)!,
            isEgress: false,
            protocol: 'tcp',
            fromPort: e.port,
            toPort: e.port,
            peer,
            description: e.description,
          };
          this.snapshot = { ...this.snapshot, rules: [...this.snapshot.rules, rule] };
          created.push(id);
          break;
        }
        case 'setEc2Groups':
          // As AWS does: the primary interface's list is replaced; the instance carries the union.
          this.ec2 = this.ec2.map((i) =>
            i.instanceId === e.instanceId && i.primaryInterface?.networkInterfaceId === e.networkInterfaceId
              ? {
                  ...i,
                  securityGroupIds: [...new Set([...i.securityGroupIds, idOf(e.add)!])],
                  primaryInterface: { networkInterfaceId: e.networkInterfaceId, groupIds: [...e.current, idOf(e.add)!] },
                }
              : i,
          );
          created.push(`${e.instanceId}+${idOf(e.add)}`);
          break;
        case 'setClusterGroups':
          this.snapshot = {
            ...this.snapshot,
            clusters: s.clusters.map((c) =>
              c.clusterId === e.clusterId ? { ...c, securityGroups: [...e.current, idOf(e.add)!].map((groupId) => ({ groupId, status: 'active' })) } : c,
            ),
          };
          created.push(`${e.clusterId}+${idOf(e.add)}`);
          break;
        case 'setDbInstanceGroups':
          this.snapshot = {
            ...this.snapshot,
            instances: s.instances.map((i) =>
              i.instanceId === e.instanceId ? { ...i, securityGroups: [...e.current, idOf(e.add)!].map((groupId) => ({ groupId })) } : i,
            ),
          };
          created.push(`${e.instanceId}+${idOf(e.add)}`);
          break;
        case 'read':
          break;
      }
    }
    return { created };
  }

  /** The whole walkthrough, step by step, through the state machine; returns what was created. */
  runAll(choices: W.Choices): { created: string[]; state: W.WalkthroughState } {
    let state = W.initialState(choices);
    const created: string[] = [];
    for (const step of W.STEP_IDS) {
      assert.equal(state.step, step);
      const plan = W.planStep(step, this.ctx(state.choices));
      const r = this.apply(plan);
      created.push(...r.created);
      state = W.completeStep(state, step, { at: 0, applied: [], created: r.created, reused: [] });
    }
    return { created, state };
  }
}

// ------------------------------------------------------------------ state machine

describe('walkthrough: the step machine', () => {
  it('starts at step 1 with nothing complete; later steps are out of reach', () => {
    const s = W.initialState();
    assert.equal(s.step, 'target');
    assert.deepEqual(s.completed, []);
    assert.equal(W.canNext(s), false);
    assert.equal(W.canBack(s), false);
    assert.equal(W.canGoTo(s, 'appGroup'), false);
    assert.equal(W.goTo(s, 'verify'), s);
    assert.equal(W.firstIncomplete(s), 'target');
    assert.equal(s.choices.appGroupName, 'appsrv1');
    assert.equal(s.choices.dbGroupName, 'dbsrv1');
  });

  it('completing a step moves on; back and next walk the completed steps; verify stays', () => {
    let s = W.initialState();
    s = W.completeStep(s, 'target', { at: 1, applied: [], created: [], reused: [] });
    assert.equal(s.step, 'appGroup');
    assert.equal(W.canGoTo(s, 'appGroup'), true);
    assert.equal(W.canGoTo(s, 'appServer'), false);
    s = W.back(s);
    assert.equal(s.step, 'target');
    assert.equal(W.canNext(s), true);
    s = W.next(s);
    assert.equal(s.step, 'appGroup');
    assert.equal(W.next(s), s, 'next is refused until the step is complete');
    for (const id of ['appGroup', 'appServer', 'dbGroup', 'associate', 'verify'] as const)
      s = W.completeStep(s, id, { at: 1, applied: [], created: [], reused: [] });
    assert.equal(s.step, 'verify');
    assert.deepEqual(s.completed, W.STEP_IDS);
    assert.equal(W.canNext(s), false);
  });

  it('a failed step stays open with its error and what was applied before it', () => {
    let s = W.initialState();
    s = W.completeStep(s, 'target', { at: 1, applied: [], created: [], reused: [] });
    s = W.failStep(s, 'appGroup', { at: 2, applied: ['Created appsrv1 (sg-1).'], created: ['group:sg-1'], reused: [], error: 'throttled' });
    assert.equal(s.step, 'appGroup');
    assert.deepEqual(s.completed, ['target']);
    assert.equal(s.outcomes.appGroup?.error, 'throttled');
    assert.deepEqual(s.outcomes.appGroup?.applied, ['Created appsrv1 (sg-1).']);
  });

  it('only the fields of the step shown may change; a change re-opens that step and the later ones', () => {
    let s = W.initialState({ region: REGION, vpcId: VPC, target: 'cluster:orders-db' });
    const refused = W.updateChoice(s, 'clientCidrs', '10.0.0.0/8');
    assert.equal(refused.changed, false);
    assert.match(refused.refused!, /App-server group/);
    for (const id of ['target', 'appGroup', 'appServer'] as const) s = W.completeStep(s, id, { at: 1, applied: [], created: [], reused: [] });
    s = W.goTo(s, 'appGroup');
    const same = W.updateChoice(s, 'appPort', '443');
    assert.equal(same.changed, false);
    assert.deepEqual(same.state.completed, ['target', 'appGroup', 'appServer']);
    const r = W.updateChoice(s, 'appPort', '8443');
    assert.equal(r.changed, true);
    assert.deepEqual(r.state.completed, ['target']);
    assert.equal(r.state.choices.appPort, '8443');
  });

  it('a new Region or VPC clears what belonged to the old one', () => {
    const s = W.initialState({ region: REGION, vpcId: VPC, target: 'cluster:orders-db', appGroupId: DEFAULT_SG, ec2InstanceId: EC2_ID });
    const r = W.updateChoice(s, 'region', 'eu-west-1').state.choices;
    assert.deepEqual([r.region, r.vpcId, r.target, r.appGroupId, r.ec2InstanceId], ['eu-west-1', '', '', '', '']);
    assert.equal(r.appGroupName, 'appsrv1');
    const v = W.updateChoice(s, 'vpcId', OTHER_VPC).state.choices;
    assert.deepEqual([v.region, v.vpcId, v.target], [REGION, OTHER_VPC, '']);
  });

  it('resumes where it stopped, and reads a saved state back (refusing damaged ones)', () => {
    let s = W.initialState({ region: REGION });
    s = W.completeStep(s, 'target', { at: 1, applied: [], created: [], reused: [] });
    s = W.completeStep(s, 'appGroup', { at: 2, applied: ['x'], created: ['group:sg-1'], reused: [] });
    const back = W.normaliseState(JSON.parse(JSON.stringify(s)));
    assert.deepEqual(back, s);
    assert.equal(back!.step, 'appServer');
    // A stored step beyond what is complete resumes at the first incomplete one.
    assert.equal(W.normaliseState({ ...s, step: 'verify' })!.step, 'appServer');
    for (const bad of [null, 1, 'x', [], { version: 2 }, { ...s, step: 'nope' }, { ...s, choices: { region: 5 } }, { ...s, completed: 'all' }]) {
      assert.equal(W.normaliseState(bad), undefined, JSON.stringify(bad));
    }
  });

  it('property: any sequence of moves keeps the completed steps a prefix and the shown step reachable', () => {
    const op = fc.oneof(
      fc.constant({ k: 'next' as const }),
      fc.constant({ k: 'back' as const }),
      fc.record({ k: fc.constant('goto' as const), step: fc.constantFrom(...W.STEP_IDS) }),
      fc.constant({ k: 'complete' as const }),
      fc.constant({ k: 'fail' as const }),
      fc.record({ k: fc.constant('update' as const), field: fc.constantFrom(...W.CHOICE_FIELDS), value: fc.string({ maxLength: 8 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        let s = W.initialState();
        const o = { at: 0, applied: [], created: [], reused: [] };
        for (const x of ops) {
          if (x.k === 'next') s = W.next(s);
          else if (x.k === 'back') s = W.back(s);
          else if (x.k === 'goto') s = W.goTo(s, x.step);
          else if (x.k === 'complete') s = W.completeStep(s, s.step, o);
          else if (x.k === 'fail') s = W.failStep(s, s.step, { ...o, error: 'e' });
          else s = W.updateChoice(s, x.field, x.value).state;
          assert.deepEqual(s.completed, W.STEP_IDS.slice(0, s.completed.length));
          assert.ok(W.canGoTo(s, s.step), `${s.step} is out of reach with ${s.completed.join(',')}`);
          assert.deepEqual(W.normaliseState(JSON.parse(JSON.stringify(s))), s);
        }
      }),
      { numRuns: 300 },
    );
  });
});

// ------------------------------------------------------------------ plans

describe('walkthrough: plans', () => {
  it('step 1 fills the VPC and the only database from the account; the port comes from the cluster', () => {
    const idx = new RegionIndex(scenario());
    const c = W.withDefaults(W.defaultChoices({ region: REGION }), idx);
    assert.equal(c.vpcId, VPC);
    assert.equal(c.target, 'cluster:orders-db');
    const plan = W.planStep('target', ctxOf(scenario(), c));
    assert.deepEqual(plan.errors, []);
    assert.deepEqual(plan.actions, []);
    assert.match(plan.notes[0].text, /Database port: 3306 \(from orders-db\)/);
    const pg = W.planStep('target', ctxOf(scenario({ clusters: [cluster({ engine: 'aurora-postgresql', port: undefined })] }), c));
    assert.match(pg.notes[0].text, /Database port: 5432 \(the Aurora PostgreSQL default/);
    const none = W.planStep('target', ctxOf(scenario(), W.defaultChoices({ region: REGION })));
    assert.deepEqual(
      none.errors.map((e) => e.field),
      ['vpcId', 'target'],
    );
  });

  it("step 2 creates appsrv1 (not the guide's sg-appsrv1, and says why) with one rule per client range; CLI and API agree", () => {
    const plan = W.planStep('appGroup', ctxOf(scenario(), { ...CHOICES, clientCidrs: '203.0.113.7/24, 198.51.100.10/32' }));
    assert.deepEqual(plan.errors, []);
    assert.equal(plan.todo, 3);
    const [create, r1, r2] = plan.actions;
    assert.equal(create.kind, 'createGroup');
    assert.deepEqual(create.call, {
      service: 'EC2',
      operation: 'CreateSecurityGroup',
      input: { GroupName: 'appsrv1', Description: 'App servers that use orders-db', VpcId: VPC },
    });
    assert.equal(
      create.cli,
      `APP_SG_ID=$(aws ec2 create-security-group --region us-east-1 --vpc-id ${VPC} --group-name appsrv1 --description 'App servers that use orders-db' --query GroupId --output text)`,
    );
    assert.equal(r1.call!.operation, 'AuthorizeSecurityGroupIngress');
    assert.deepEqual((r1.call!.input as { IpPermissions: unknown }).IpPermissions, [
      { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '203.0.113.0/24', Description: 'Client application' }] },
    ]);
    assert.equal(
      r1.cli,
      `aws ec2 authorize-security-group-ingress --region us-east-1 --group-id "$APP_SG_ID" --ip-permissions '[{"IpProtocol":"tcp","FromPort":443,"ToPort":443,"IpRanges":[{"CidrIp":"203.0.113.0/24","Description":"Client application"}]}]'`,
    );
    assert.match(r2.sentence, /198\.51\.100\.10\/32/);
    const notes = plan.notes.map((n) => n.text).join('\n');
    assert.match(notes, /sg-appsrv1/);
    assert.match(notes, /refuses group names that start with "sg-"/);
    assert.match(notes, /AWS stores 203\.0\.113\.7\/24 as 203\.0\.113\.0\/24/);
  });

  it("step 2 refuses the guide's name as is, a bad range and a bad port, naming the field", () => {
    const plan = W.planStep('appGroup', ctxOf(scenario(), { ...CHOICES, appGroupName: 'sg-appsrv1', clientCidrs: '203.0.113.0/33', appPort: '70000' }));
    const by = Object.fromEntries(plan.errors.map((e) => [e.field, e.message]));
    assert.match(by.appGroupName, /reserves the 'sg-' prefix/);
    assert.match(by.appGroupName, /try "appsrv1"/);
    assert.ok(by.clientCidrs);
    assert.match(by.appPort, /70000 is out of range/);
    assert.equal(plan.todo, 0, 'nothing is sent while a field is wrong');
    assert.equal(plan.planKey, 'blocked');
    assert.match(W.planStep('appGroup', ctxOf(scenario(), { ...CHOICES, clientCidrs: '' })).errors[0].message, /client application's addresses/);
    assert.equal(W.validGroupNameFor('sg-appsrv1'), 'appsrv1');
    assert.equal(W.validGroupNameFor('SG-sg-dbsrv1'), 'dbsrv1');
  });

  it('an existing group of that name in the VPC is reused, ignoring case; one in another VPC is not', () => {
    const app = group('sg-00000000000000a01', 'AppSrv1');
    const other = group('sg-00000000000000a02', 'appsrv1', OTHER_VPC);
    const plan = W.planStep('appGroup', ctxOf(scenario({ groups: [...scenario().groups, app, other] })));
    assert.equal(plan.actions[0].status, 'exists');
    assert.equal(plan.actions[0].existingId, app.groupId);
    assert.match(plan.actions[0].sentence, /Reuse AppSrv1 \(sg-00000000000000a01\).*ignoring case/);
    assert.equal(plan.actions[1].status, 'todo');
    assert.equal(plan.actions[1].cli!.includes(`--group-id ${app.groupId}`), true);
  });

  it('a rule that already exists is skipped (found by findDuplicate), with its id', () => {
    const app = group('sg-00000000000000a01', 'appsrv1');
    const rule: SecurityGroupRule = {
      region: REGION,
      ruleId: 'sgr-00000000000000b01',
      groupId: app.groupId,
      isEgress: false,
      protocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      peer: { kind: 'cidr4', cidr: '203.0.113.0/24' },
    };
    const plan = W.planStep('appGroup', ctxOf(scenario({ groups: [...scenario().groups, app], rules: [rule] })));
    assert.deepEqual(
      plan.actions.map((a) => a.status),
      ['exists', 'exists'],
    );
    assert.match(plan.actions[1].sentence, /already allows tcp 443 from 203\.0\.113\.0\/24 \(rule sgr-00000000000000b01\)/);
    assert.equal(plan.todo, 0);
  });

  it('step 3 adds the app group to the EC2 instance keeping its groups; skipped without an instance', () => {
    const app = group('sg-00000000000000a01', 'appsrv1');
    const snap = scenario({ groups: [...scenario().groups, app] });
    const plan = W.planStep('appServer', ctxOf(snap));
    assert.equal(plan.todo, 1);
    assert.deepEqual(plan.actions[0].call, {
      service: 'EC2',
      operation: 'ModifyNetworkInterfaceAttribute',
      input: { NetworkInterfaceId: PRIMARY_ENI, Groups: [DEFAULT_SG, app.groupId] },
    });
    assert.equal(
      plan.actions[0].cli,
      `aws ec2 modify-network-interface-attribute --region us-east-1 --network-interface-id ${PRIMARY_ENI} --groups ${DEFAULT_SG} ${app.groupId}`,
    );
    assert.match(
      plan.notes.map((n) => n.text).join(),
      new RegExp(`primary network interface ${PRIMARY_ENI}: its current groups \\(default\\) are sent with appsrv1`),
    );
    assert.equal(W.planStep('appServer', ctxOf(snap, CHOICES, [appServer([DEFAULT_SG, app.groupId])])).actions[0].status, 'exists');
    const skip = W.planStep('appServer', ctxOf(snap, { ...CHOICES, ec2InstanceId: '' }));
    assert.deepEqual([skip.actions.length, skip.errors.length], [0, 0]);
    const full = W.planStep('appServer', ctxOf(snap, CHOICES, [appServer(['sg-1', 'sg-2', 'sg-3', 'sg-4', 'sg-5'])]));
    assert.match(full.errors[0].message, /5 security groups/);
    const noApp = W.planStep('appServer', ctxOf(scenario()));
    assert.match(noApp.errors.map((e) => e.message).join(), /apply step 2 first/);
  });

  it('step 3 on a two-interface instance changes the primary interface only: its own groups plus the app group', () => {
    const app = group('sg-00000000000000a01', 'appsrv1');
    const other = group('sg-00000000000000c01', 'batch');
    const snap = scenario({ groups: [...scenario().groups, app, other] });
    // The second interface carries 'batch': it must not be sent (that would add it to the primary).
    const plan = W.planStep('appServer', ctxOf(snap, CHOICES, [twoInterfaces([DEFAULT_SG], [other.groupId])]));
    assert.deepEqual(plan.errors, []);
    assert.equal(plan.todo, 1);
    assert.deepEqual(plan.actions[0].call, {
      service: 'EC2',
      operation: 'ModifyNetworkInterfaceAttribute',
      input: { NetworkInterfaceId: PRIMARY_ENI, Groups: [DEFAULT_SG, app.groupId] },
    });
    assert.deepEqual(W.writeOf(plan.actions[0].exec as Exclude<W.ExecSpec, { op: 'read' }>), {
      write: 'setNetworkInterfaceGroups',
      networkInterfaceId: PRIMARY_ENI,
      groupIds: [DEFAULT_SG, app.groupId],
    });
    assert.match(plan.actions[0].sentence, new RegExp(`primary network interface ${PRIMARY_ENI}, keeping its 1 current group\\.`));
    assert.match(plan.notes.map((n) => n.text).join(' '), /other network interfaces; their groups \(batch\) are not changed and not sent/);
    // The app group on the second interface only: the primary still lacks it, so it is added there.
    const onSecond = W.planStep('appServer', ctxOf(snap, CHOICES, [twoInterfaces([DEFAULT_SG], [app.groupId])]));
    assert.deepEqual([onSecond.todo, onSecond.actions[0].status], [1, 'todo']);
    // The quota per network interface counts the primary's groups: 4 there and 2 elsewhere is not full.
    const four = ['sg-1', 'sg-2', 'sg-3', 'sg-4'];
    const notFull = W.planStep('appServer', ctxOf(snap, CHOICES, [twoInterfaces(four, ['sg-5', 'sg-6'])]));
    assert.deepEqual(notFull.errors, []);
    assert.deepEqual((notFull.actions[0].call!.input as { Groups: string[] }).Groups, [...four, app.groupId]);
    const full = W.planStep('appServer', ctxOf(snap, CHOICES, [twoInterfaces([...four, 'sg-5'], [])]));
    assert.match(full.errors[0].message, new RegExp(`primary network interface ${PRIMARY_ENI} .* already has 5 security groups`));
    // No primary interface read: nothing is planned, and the error says so.
    const bare: Ec2Instance = { ...appServer(), primaryInterface: undefined };
    const none = W.planStep('appServer', ctxOf(snap, CHOICES, [bare]));
    assert.deepEqual([none.actions.length, none.todo], [0, 0]);
    assert.match(none.errors[0].message, /primary network interface .* could not be read/);
  });

  it("step 4 creates dbsrv1 with one rule from the app group on the cluster's own port", () => {
    const app = group('sg-00000000000000a01', 'appsrv1');
    for (const [c, port] of [
      [cluster(), 3306],
      [cluster({ engine: 'aurora-postgresql', port: 5432 }), 5432],
      [cluster({ port: 3307 }), 3307],
    ] as const) {
      const plan = W.planStep('dbGroup', ctxOf(scenario({ groups: [...scenario().groups, app], clusters: [c] })));
      assert.deepEqual(plan.errors, []);
      assert.deepEqual(
        plan.actions.map((a) => a.kind),
        ['createGroup', 'authorizeIngress'],
      );
      assert.equal((plan.actions[0].call!.input as { GroupName: string }).GroupName, 'dbsrv1');
      assert.deepEqual((plan.actions[1].call!.input as { IpPermissions: unknown }).IpPermissions, [
        { IpProtocol: 'tcp', FromPort: port, ToPort: port, UserIdGroupPairs: [{ GroupId: app.groupId, Description: 'From the app servers' }] },
      ]);
      assert.match(plan.actions[1].cli!, /--group-id "\$DB_SG_ID"/);
    }
    const same = W.planStep('dbGroup', ctxOf(scenario({ groups: [...scenario().groups, app] }), { ...CHOICES, dbGroupId: app.groupId }));
    assert.match(same.errors[0].message, /must be another group/);
  });

  it('step 5 sends the merged list to ModifyDBCluster; nothing when attached; refuses a sixth group', () => {
    const db = group('sg-00000000000000a02', 'dbsrv1');
    const base = scenario({ groups: [...scenario().groups, db] });
    const plan = W.planStep('associate', ctxOf(base));
    assert.deepEqual(plan.actions[0].call, {
      service: 'RDS',
      operation: 'ModifyDBCluster',
      input: { DBClusterIdentifier: 'orders-db', VpcSecurityGroupIds: [DEFAULT_SG, db.groupId] },
    });
    assert.equal(
      plan.actions[0].cli,
      `aws rds modify-db-cluster --region us-east-1 --db-cluster-identifier orders-db --vpc-security-group-ids ${DEFAULT_SG} ${db.groupId}`,
    );
    assert.match(plan.notes[0].text, /before default; after default, dbsrv1/);
    const attached = W.planStep('associate', ctxOf({ ...base, clusters: [cluster({ securityGroups: [{ groupId: DEFAULT_SG }, { groupId: db.groupId }] })] }));
    assert.deepEqual([attached.actions[0].status, attached.todo], ['exists', 0]);
    const five = ['a1', 'a2', 'a3', 'a4', 'a5'].map((s) => ({ groupId: `sg-00000000000000${s}0`.slice(0, 20) }));
    const full = W.planStep('associate', ctxOf({ ...base, clusters: [cluster({ securityGroups: five })] }));
    assert.match(full.errors[0].message, /at most 5/);
    const busy = W.planStep('associate', ctxOf({ ...base, clusters: [cluster({ status: 'modifying' })] }));
    assert.match(busy.errors[0].message, /modifying, not available/);
  });

  it('step 5 says the change applies as soon as possible, and names what is pending on the database, which stays pending', () => {
    const db = group('sg-00000000000000a02', 'dbsrv1');
    const base = scenario({ groups: [...scenario().groups, db] });
    const timing = (p: ReturnType<typeof W.planStep>) => p.notes.find((n) => /as soon as possible/.test(n.text));
    const quiet = timing(W.planStep('associate', ctxOf(base)));
    assert.equal(quiet?.level, 'info');
    assert.match(quiet!.text, /to every instance of orders-db; the change itself causes no outage\.$/);
    const pending = W.planStep('associate', ctxOf({ ...base, clusters: [cluster({ pendingChanges: ['engine version 8.0.mysql_aurora.3.08.0'] })] }));
    const note = timing(pending);
    assert.equal(note?.level, 'warning');
    assert.match(
      note!.text,
      /Pending on orders-db: engine version 8\.0\.mysql_aurora\.3\.08\.0\. This change does not apply it: it stays pending until the next maintenance window\./,
    );
    assert.deepEqual(pending.actions[0].call!.input, { DBClusterIdentifier: 'orders-db', VpcSecurityGroupIds: [DEFAULT_SG, db.groupId] });
  });

  it('step 5 says RDS cannot be dry-run, or that nothing is checked when auroraSg.dryRun is off', () => {
    const db = group('sg-00000000000000a02', 'dbsrv1');
    const base = scenario({ groups: [...scenario().groups, db] });
    const texts = (p: ReturnType<typeof W.planStep>) => p.notes.map((n) => n.text).join('\n');
    assert.match(texts(W.planStep('associate', ctxOf(base))), /rds:ModifyDBCluster cannot be checked for permission before the change \(RDS has no dry run\)/);
    const off = texts(W.planStep('associate', { ...ctxOf(base), dryRun: false }));
    assert.match(off, /Permissions are not checked before the change \(auroraSg\.dryRun is off\)/);
    assert.doesNotMatch(off, /RDS has no dry run/);
  });

  it('a step that changes a group or a database a CloudFormation stack or Terraform manages warns of the drift; unmanaged ones say nothing of it', () => {
    const stack = { 'aws:cloudformation:stack-name': 'orders-infra' };
    const db = { ...group('sg-00000000000000a02', 'dbsrv1'), tags: stack };
    const app = group('sg-00000000000000a01', 'appsrv1');
    const base = scenario({ groups: [...scenario().groups, app, db], clusters: [cluster({ tags: { ManagedBy: 'terraform' } })] });
    const choices = { ...CHOICES, appGroupId: app.groupId, dbGroupId: db.groupId };
    const warnings = (p: ReturnType<typeof W.planStep>) => p.notes.filter((n) => n.level === 'warning' && /drift/.test(n.text)).map((n) => n.text);
    const dbGroup = warnings(W.planStep('dbGroup', ctxOf(base, choices)));
    assert.equal(dbGroup.length, 1, 'the rule of step 4 is added to the managed group');
    assert.match(dbGroup[0], /dbsrv1 \(sg-00000000000000a02\) is managed by CloudFormation stack orders-infra .*drift.*Copy this step as code/);
    const associate = warnings(W.planStep('associate', ctxOf(base, choices)));
    assert.equal(associate.length, 1);
    assert.match(associate[0], /DB cluster orders-db is managed by terraform \(tag ManagedBy=terraform\)/);
    // A configured list without those tags: nothing is managed.
    assert.deepEqual(warnings(W.planStep('associate', { ...ctxOf(base, choices), managedByTags: ['Owner'] })), []);
    assert.deepEqual(
      warnings(W.planStep('dbGroup', ctxOf(scenario({ groups: [...scenario().groups, group('sg-00000000000000a02', 'dbsrv1')] }), choices))),
      [],
    );
  });

  it('a plain RDS instance is associated with ModifyDBInstance', () => {
    const db = group('sg-00000000000000a02', 'dbsrv1');
    const snap = scenario({
      groups: [...scenario().groups, db],
      clusters: [],
      instances: [
        { region: REGION, instanceId: 'reports', engine: 'postgres', status: 'available', port: 5432, vpcId: VPC, securityGroups: [{ groupId: DEFAULT_SG }] },
      ],
    });
    const c = { ...CHOICES, target: 'instance:reports' };
    const plan = W.planStep('associate', ctxOf(snap, c));
    assert.equal(plan.actions[0].call!.operation, 'ModifyDBInstance');
    assert.equal(
      plan.actions[0].cli,
      `aws rds modify-db-instance --region us-east-1 --db-instance-identifier reports --vpc-security-group-ids ${DEFAULT_SG} ${db.groupId}`,
    );
    const member = W.planStep('target', ctxOf(scenario(), { ...CHOICES, target: 'instance:orders-db-1' }));
    assert.match(member.errors[0].message, /belongs to Aurora DB cluster orders-db/);
  });

  it('a Multi-AZ DB cluster is offered and named as one; an RDS Custom instance is neither offered nor planned (issue 13 defect 9)', () => {
    const snap = scenario({
      clusters: [
        cluster(),
        cluster({
          clusterId: 'ledger',
          kind: 'multi-az',
          engine: 'postgres',
          instanceClass: 'db.m6gd.large',
          port: 5432,
          members: [{ instanceId: 'ledger-1', isWriter: true }],
        }),
      ],
      instances: [
        ...scenario().instances,
        { region: REGION, instanceId: 'ledger-1', clusterId: 'ledger', engine: 'postgres', status: 'available', vpcId: VPC, securityGroups: [] },
        {
          region: REGION,
          instanceId: 'erp',
          engine: 'custom-oracle-ee',
          status: 'available',
          port: 1521,
          vpcId: VPC,
          securityGroups: [{ groupId: DEFAULT_SG }],
        },
      ],
    });
    const choices = W.databases(new RegionIndex(snap));
    const ledger = choices.find((d) => d.key === 'cluster:ledger');
    assert.match(ledger!.description, /^Multi-AZ PostgreSQL cluster · port 5432/);
    assert.ok(!choices.some((d) => d.key === 'instance:erp'), 'RDS Custom is not offered');
    const member = W.planStep('target', ctxOf(snap, { ...CHOICES, target: 'instance:ledger-1' }));
    assert.match(member.errors[0].message, /^ledger-1 belongs to Multi-AZ DB cluster ledger: /);
    const custom = W.planStep('target', ctxOf(snap, { ...CHOICES, target: 'instance:erp' }));
    assert.match(custom.errors[0].message, /^erp is an RDS Custom DB instance \(custom-oracle-ee\)/);
    const assoc = W.planStep('associate', ctxOf(snap, { ...CHOICES, target: 'instance:erp' }));
    assert.ok(!assoc.actions.some((a) => a.call?.operation === 'ModifyDBInstance'), 'no ModifyDBInstance planned for RDS Custom');
  });

  it('idempotence: after the whole walkthrough, a second run plans nothing to send', () => {
    const sim = new Sim();
    const first = sim.runAll(CHOICES);
    assert.equal(first.created.length, 6, first.created.join());
    assert.deepEqual(sim.calls, [
      'CreateSecurityGroup',
      'AuthorizeSecurityGroupIngress',
      'ModifyNetworkInterfaceAttribute',
      'CreateSecurityGroup',
      'AuthorizeSecurityGroupIngress',
      'ModifyDBCluster',
    ]);
    const groupsAfter = sim.snapshot.groups.length;
    const second = sim.runAll(CHOICES);
    assert.deepEqual(second.created, []);
    assert.equal(sim.snapshot.groups.length, groupsAfter);
    for (const step of W.STEP_IDS) assert.equal(W.planStep(step, sim.ctx(CHOICES)).todo, 0, step);
    assert.equal(W.verifyPath(sim.ctx(CHOICES)).ok, true);
  });

  it('the verification checks the network too: an ACL of the database subnet denying the port fails the network hop, never "open"', () => {
    const sim = new Sim();
    sim.runAll(CHOICES);
    // The database instances in subnet-db (10.0.2.0/24), the app server in subnet-app (10.0.1.0/24).
    sim.snapshot = { ...sim.snapshot, instances: sim.snapshot.instances.map((i) => ({ ...i, subnetIds: ['subnet-db'] })) };
    sim.ec2 = sim.ec2.map((i) => ({ ...i, subnetId: 'subnet-app' }));
    const acl = (deny: boolean): NetworkAcl => ({
      networkAclId: 'acl-db',
      vpcId: VPC,
      isDefault: false,
      subnetIds: ['subnet-db'],
      entries: [
        ...(deny ? [{ ruleNumber: 90, egress: false, protocol: '6', allow: false, cidr: '10.0.0.0/16', fromPort: 3306, toPort: 3306 }] : []),
        { ruleNumber: 100, egress: false, protocol: '-1', allow: true, cidr: '0.0.0.0/0' },
        { ruleNumber: 100, egress: true, protocol: '-1', allow: true, cidr: '0.0.0.0/0' },
      ],
    });
    const net = (deny: boolean) =>
      new NetworkIndex({
        region: REGION,
        subnets: [
          { subnetId: 'subnet-db', vpcId: VPC, cidrBlock: '10.0.2.0/24', ipv6CidrBlocks: [] },
          { subnetId: 'subnet-app', vpcId: VPC, cidrBlock: '10.0.1.0/24', ipv6CidrBlocks: [] },
        ],
        routeTables: [
          { routeTableId: 'rtb-main', vpcId: VPC, main: true, subnetIds: [], routes: [{ destination: '10.0.0.0/16', target: 'local', state: 'active' }] },
        ],
        networkAcls: [acl(deny), { ...acl(false), networkAclId: 'acl-app', subnetIds: ['subnet-app'] }],
        dbSubnetGroups: [],
        prefixLists: new Map(),
        failures: [],
        loadedAt: 0,
      });
    const open = W.verifyPath({ ...sim.ctx(CHOICES), network: net(false) });
    assert.equal(open.ok, true, JSON.stringify(open.hops));
    assert.deepEqual(
      open.hops.find((h) => h.id === 'network')?.hops?.map((h) => [h.kind, h.state]),
      [
        ['acl-out', 'allowed'],
        ['acl-in', 'allowed'],
        ['acl-return', 'allowed'],
        ['acl-return-in', 'allowed'],
      ],
    );
    const closed = W.verifyPath({ ...sim.ctx(CHOICES), network: net(true) });
    assert.equal(closed.ok, false);
    const hop = closed.hops.find((h) => h.id === 'network')!;
    assert.equal(hop.state, 'blocked');
    assert.match(hop.detail, /acl-db #90 \(deny tcp 3306-3306 from 10\.0\.0\.0\/16\)/);
    assert.match(hop.detail, /Add an inbound allow entry to acl-db: tcp 3306 from 10\.0\.1\.10\/32, numbered below 90/);
    // Not read: said, and never counted as open.
    const unread = W.verifyPath({ ...sim.ctx(CHOICES), networkError: 'UnauthorizedOperation (ec2:DescribeNetworkAcls)' });
    assert.match(unread.hops.find((h) => h.id === 'network')!.detail, /Not checked: UnauthorizedOperation/);
  });

  it('property: for any valid choices, running twice creates nothing the second time and the path verifies', () => {
    const octet = fc.integer({ min: 0, max: 255 });
    const cidr = fc.tuple(octet, octet, octet, octet, fc.integer({ min: 8, max: 32 })).map(([a, b, c, d, p]) => `${a}.${b}.${c}.${d}/${p}`);
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/).filter((n) => !n.startsWith('sg-') && n !== 'default');
    fc.assert(
      fc.property(
        fc.array(cidr, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 65535 }),
        name,
        name,
        fc.boolean(),
        fc.integer({ min: 1024, max: 65000 }),
        (cidrs, port, appName, dbName, withEc2, dbPort) => {
          fc.pre(appName.toLowerCase() !== dbName.toLowerCase());
          const choices = W.defaultChoices({
            ...CHOICES,
            clientCidrs: cidrs.join(' '),
            appPort: String(port),
            appGroupName: appName,
            dbGroupName: dbName,
            ec2InstanceId: withEc2 ? EC2_ID : '',
          });
          const sim = new Sim(scenario({ clusters: [cluster({ port: dbPort })] }));
          const first = sim.runAll(choices);
          assert.ok(first.created.length >= 4);
          assert.deepEqual(sim.runAll(choices).created, []);
          const v = W.verifyPath(sim.ctx(choices));
          assert.equal(v.ok, true, JSON.stringify(v.hops));
          assert.equal(v.port, dbPort);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('the plan key changes with the calls and only with them', () => {
    const a = W.planStep('appGroup', ctxOf(scenario()));
    const b = W.planStep('appGroup', ctxOf(scenario()));
    assert.equal(a.planKey, b.planKey);
    assert.notEqual(W.planStep('appGroup', ctxOf(scenario(), { ...CHOICES, appPort: '8443' })).planKey, a.planKey);
    assert.notEqual(W.planStep('appGroup', ctxOf(scenario(), { ...CHOICES, clientCidrs: '198.51.100.0/24' })).planKey, a.planKey);
    assert.match(a.planKey, /^2-[0-9a-f]{8}$/);
  });
});

// ------------------------------------------------------------------ verification

describe('walkthrough: verification', () => {
  it('reports each hop, and fails the hops that are not set up', () => {
    const v = W.verifyPath(ctxOf(scenario()));
    assert.equal(v.ok, false);
    assert.deepEqual(
      v.hops.map((h) => [h.id, h.ok]),
      [
        ['clients', false],
        ['appServer', false],
        ['appToDb', false],
        ['attached', false],
      ],
    );
    assert.match(v.hops[0].label, /Clients → appsrv1 on tcp 443/);
    assert.match(v.hops[2].label, /appsrv1 → dbsrv1 on tcp 3306/);
  });

  it('after the walkthrough every hop passes; other access to the database port is listed with its severity', () => {
    const sim = new Sim();
    sim.runAll(CHOICES);
    const extra: SecurityGroupRule[] = [
      {
        region: REGION,
        ruleId: 'sgr-000000000000000c1',
        groupId: DEFAULT_SG,
        isEgress: false,
        protocol: '-1',
        fromPort: -1,
        toPort: -1,
        peer: { kind: 'group', groupId: DEFAULT_SG },
      },
      {
        region: REGION,
        ruleId: 'sgr-000000000000000c2',
        groupId: DEFAULT_SG,
        isEgress: false,
        protocol: 'tcp',
        fromPort: 3306,
        toPort: 3306,
        peer: { kind: 'cidr4', cidr: '0.0.0.0/0' },
      },
      {
        region: REGION,
        ruleId: 'sgr-000000000000000c3',
        groupId: DEFAULT_SG,
        isEgress: false,
        protocol: 'tcp',
        fromPort: 3000,
        toPort: 3400,
        peer: { kind: 'cidr4', cidr: '198.51.100.0/24' },
      },
      {
        region: REGION,
        ruleId: 'sgr-000000000000000c4',
        groupId: DEFAULT_SG,
        isEgress: false,
        protocol: 'tcp',
        fromPort: 22,
        toPort: 22,
        peer: { kind: 'cidr4', cidr: '0.0.0.0/0' },
      },
    ];
    sim.snapshot = { ...sim.snapshot, rules: [...sim.snapshot.rules, ...extra] };
    const v = W.verifyPath(sim.ctx(CHOICES));
    assert.equal(v.ok, true);
    assert.deepEqual(
      v.hops.map((h) => h.ok),
      [true, true, true, true],
    );
    assert.match(v.hops[3].detail, /orders-db \(Aurora MySQL, port 3306\) has default, dbsrv1/);
    assert.deepEqual(
      v.others.map((o) => [o.ruleId, o.severity]),
      [
        ['sgr-000000000000000c1', 'info'],
        ['sgr-000000000000000c2', 'danger'],
        ['sgr-000000000000000c3', 'warning'],
      ],
    );
    assert.match(v.others[0].text, /all traffic from members of default itself/);
    assert.ok(!v.others.some((o) => o.ruleId === 'sgr-000000000000000c4'), 'port 22 does not reach the database');
  });

  it('a reused app-server group whose outbound rules do not allow the database port: the walkthrough and Explain Path both say closed, and both open with the rule', () => {
    // appsrv1 exists already and may only call out on 443: it is reused, and nothing of the plan touches its outbound rules.
    const app = group('sg-00000000000000a01', 'appsrv1');
    const out443: SecurityGroupRule = {
      region: REGION,
      ruleId: 'sgr-00000000000000e01',
      groupId: app.groupId,
      isEgress: true,
      protocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      peer: { kind: 'cidr4', cidr: '0.0.0.0/0' },
    };
    const sim = new Sim(scenario({ groups: [...scenario().groups, app], rules: [out443] }), [appServer()]);
    sim.runAll(CHOICES);
    const explain = () => explainPath(new RegionIndex(sim.snapshot), { groupId: app.groupId }, { clusterId: 'orders-db' });
    const closed = W.verifyPath(sim.ctx(CHOICES));
    assert.equal(closed.ok, false);
    assert.deepEqual(
      closed.hops.map((h) => [h.id, h.ok]),
      [
        ['clients', true],
        ['appServer', true],
        ['appToDb', false],
        ['attached', true],
      ],
    );
    assert.match(
      closed.hops[2].detail,
      /^Allowed by sgr-\S+ \(tcp 3306 from appsrv1 \(sg-00000000000000a01\)\)\. No outbound rule of appsrv1 \(sg-00000000000000a01\) allows tcp 3306/,
    );
    const before = explain();
    assert.equal(before.open, false);
    assert.deepEqual(
      before.hops.filter((h) => h.kind === 'egress').map((h) => h.ok),
      [false],
    );
    assert.ok(
      before.hops.some((h) => h.kind === 'ingress' && h.ok),
      'dbsrv1 lets appsrv1 in',
    );

    // The outbound rule Explain Path proposes opens both.
    const fix = before.missingRules.find((m) => m.isEgress)!;
    assert.deepEqual([fix.groupId, fix.fromPort, fix.toPort], [app.groupId, 3306, 3306]);
    const outDb: SecurityGroupRule = {
      region: REGION,
      ruleId: 'sgr-00000000000000e02',
      groupId: fix.groupId,
      isEgress: true,
      protocol: fix.protocol,
      fromPort: fix.fromPort,
      toPort: fix.toPort,
      peer: { kind: 'group', groupId: (fix.source as { groupId: string }).groupId },
    };
    sim.snapshot = { ...sim.snapshot, rules: [...sim.snapshot.rules, outDb] };
    const open = W.verifyPath(sim.ctx(CHOICES));
    assert.equal(open.ok, true, JSON.stringify(open.hops));
    assert.ok(open.hops[2].ruleIds.includes(outDb.ruleId));
    assert.equal(explain().open, true);

    // So does one to the database group itself, or to the VPC's addresses; one to another port does not.
    const dbsrv1 = sim.snapshot.groups.find((g) => g.groupName === 'dbsrv1')!.groupId;
    const withEgress = (peer: SecurityGroupRule['peer'], port = 3306) => ({
      ...sim.snapshot,
      rules: [...sim.snapshot.rules.filter((r) => r !== outDb), { ...outDb, fromPort: port, toPort: port, peer }],
    });
    for (const [peer, port, ok] of [
      [{ kind: 'group', groupId: dbsrv1 }, 3306, true],
      [{ kind: 'cidr4', cidr: '10.0.0.0/16' }, 3306, true],
      [{ kind: 'cidr4', cidr: '10.9.0.0/16' }, 3306, false],
      [{ kind: 'group', groupId: dbsrv1 }, 5432, false],
    ] as const) {
      const snap = withEgress(peer, port);
      const ctx = { ...sim.ctx(CHOICES), index: new RegionIndex(snap) };
      assert.equal(W.verifyPath(ctx).ok, ok, `${JSON.stringify(peer)} ${port}`);
      assert.equal(explainPath(ctx.index, { groupId: app.groupId }, { clusterId: 'orders-db' }).open, ok, `${JSON.stringify(peer)} ${port}`);
    }
  });

  it('a skipped EC2 step is shown as skipped, not failed', () => {
    const choices = { ...CHOICES, ec2InstanceId: '' };
    const sim = new Sim();
    sim.runAll(choices);
    const v = W.verifyPath(sim.ctx(choices));
    assert.equal(v.ok, true);
    assert.equal(v.hops[1].skipped, true);
  });
});

// ------------------------------------------------------------------ CLI quoting

/** Runs a command line in bash with `aws` replaced by a function that prints its arguments. */
function argvOf(line: string, env: Record<string, string> = {}): string[] {
  const script = `aws() { printf '%s\\0' "$@"; }\n${line}`;
  // --norc, SHLVL and no stdin: bash must not take itself for a remote shell and read ~/.bashrc.
  const out = execFileSync('bash', ['--norc', '--noprofile', '-c', script], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', SHLVL: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  }).toString();
  return out.split('\0').slice(0, -1);
}

describe('walkthrough: AWS CLI commands', () => {
  it('shellQuote round-trips any text through bash', () => {
    // Batches of strings, one bash each.
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ unit: 'grapheme', maxLength: 30 }).filter((s) => !s.includes('\0')),
          { minLength: 1, maxLength: 40 },
        ),
        (list) => {
          assert.deepEqual(argvOf(`aws ${list.map(W.shellQuote).join(' ')}`), list);
        },
      ),
      { numRuns: 100 },
    );
    assert.equal(W.shellQuote('appsrv1'), 'appsrv1');
    assert.equal(W.shellQuote("it's"), `'it'\\''s'`);
  });

  it('each command parses back to the arguments the API call gets', () => {
    const sim = new Sim();
    let state = W.initialState(CHOICES);
    for (const step of W.STEP_IDS) {
      const plan = W.planStep(step, sim.ctx(state.choices));
      for (const a of plan.actions.filter((x) => x.status === 'todo')) {
        const line = a.cli!.replace(/^[A-Z_]+=\$\((.*)\)$/, '$1');
        const argv = argvOf(line, { APP_SG_ID: 'sg-from-create', DB_SG_ID: 'sg-from-create' });
        const input = a.call!.input as Record<string, unknown>;
        const opt = (name: string) => argv[argv.indexOf(name) + 1];
        const optList = (name: string) => {
          const out: string[] = [];
          for (let i = argv.indexOf(name) + 1; i < argv.length && !argv[i].startsWith('--'); i++) out.push(argv[i]);
          return out;
        };
        assert.equal(opt('--region'), REGION);
        const placeholderOk = (v: string, expected: unknown) => (String(expected).startsWith('<id of') ? v === 'sg-from-create' : v === expected);
        switch (a.call!.operation) {
          case 'CreateSecurityGroup':
            assert.deepEqual(argv.slice(0, 2), ['ec2', 'create-security-group']);
            assert.deepEqual([opt('--group-name'), opt('--description'), opt('--vpc-id')], [input.GroupName, input.Description, input.VpcId]);
            break;
          case 'AuthorizeSecurityGroupIngress': {
            assert.deepEqual(argv.slice(0, 2), ['ec2', 'authorize-security-group-ingress']);
            assert.ok(placeholderOk(opt('--group-id'), input.GroupId), `${opt('--group-id')} vs ${input.GroupId}`);
            assert.deepEqual(JSON.parse(opt('--ip-permissions')), JSON.parse(JSON.stringify(input.IpPermissions)));
            break;
          }
          case 'ModifyNetworkInterfaceAttribute':
            assert.deepEqual(argv.slice(0, 2), ['ec2', 'modify-network-interface-attribute']);
            assert.deepEqual([opt('--network-interface-id'), optList('--groups')], [input.NetworkInterfaceId, input.Groups]);
            break;
          case 'ModifyDBCluster':
            assert.deepEqual([opt('--db-cluster-identifier'), optList('--vpc-security-group-ids')], [input.DBClusterIdentifier, input.VpcSecurityGroupIds]);
            assert.ok(!argv.includes('--apply-immediately'), 'the pending modifications must not be applied with the group change');
            break;
          default:
            assert.fail(`unexpected ${a.call!.operation}`);
        }
      }
      for (const a of plan.actions.filter((x) => x.status === 'read')) assert.deepEqual(argvOf(a.cli!).slice(0, 1), [a.call!.service.toLowerCase()]);
      sim.apply(plan);
      state = W.completeStep(state, step, { at: 0, applied: [], created: [], reused: [] });
    }
  });
});

// ------------------------------------------------------------------ the view

describe('walkthrough: the view for the webview', () => {
  it('shows the current step, its plan and a diagram; the primary button counts the changes', () => {
    let s = W.initialState(CHOICES);
    s = W.completeStep(s, 'target', { at: 0, applied: [], created: [], reused: [] });
    const v = W.buildView(s, ctxOf(scenario(), s.choices), { regions: [REGION] });
    assert.equal(v.step, 'appGroup');
    assert.equal(v.number, 2);
    assert.deepEqual(
      v.steps.map((x) => x.status),
      ['done', 'current', 'todo', 'todo', 'todo', 'todo'],
    );
    assert.deepEqual(
      v.steps.map((x) => x.reachable),
      [true, true, false, false, false, false],
    );
    assert.equal(v.primary.label, 'Apply 2 changes');
    assert.equal(v.primary.enabled, true);
    assert.deepEqual(
      v.fields.map((f) => f.field),
      ['appGroupId', 'appGroupName', 'clientCidrs', 'appPort'],
    );
    assert.deepEqual(
      v.diagram.nodes.map((n) => n.state),
      ['exists', 'planned', 'planned', 'exists'],
    );
    assert.deepEqual(
      v.diagram.edges.map((e) => [e.label, e.state]),
      [
        ['tcp 443', 'planned'],
        ['tcp 3306', 'missing'],
        ['associated', 'missing'],
      ],
    );
    assert.match(v.quote, /sg-appsrv1/);
    assert.equal(v.actions[1].cli!.startsWith('aws ec2 authorize-security-group-ingress'), true);
    assert.match(v.actions[0].input!, /"GroupName": "appsrv1"/);
  });

  it('a wrong field disables the button and shows the message at the field', () => {
    let s = W.initialState({ ...CHOICES, appPort: 'https' });
    s = W.completeStep(s, 'target', { at: 0, applied: [], created: [], reused: [] });
    const v = W.buildView(s, ctxOf(scenario(), s.choices), { regions: [REGION] });
    assert.equal(v.primary.enabled, false);
    assert.match(v.fields.find((f) => f.field === 'appPort')!.error!, /not a port/);
    assert.deepEqual(v.errors, []);
  });

  it('holds no credentials or endpoint, only account data', () => {
    const v = W.buildView(W.initialState(CHOICES), ctxOf(scenario()), { regions: [REGION], busy: 'x' });
    const text = JSON.stringify(v);
    assert.doesNotMatch(text, /secret|accessKey|sessionToken|password|https?:\/\//i);
    assert.equal(v.primary.enabled, false, 'busy disables the button');
  });

  it('a verification on older data than the extension holds carries its note; no note without a verification or off the verify step', () => {
    const ctx = ctxOf(scenario());
    const verify: W.WalkthroughState = { ...W.initialState(CHOICES), step: 'verify' };
    const verification = W.verifyPath(ctx);
    const note = 'Computed on data loaded at 14:02; the account has changed since. Refresh to recompute.';
    assert.equal(W.buildView(verify, ctx, { regions: [REGION], verification, staleNote: note }).staleNote, note);
    assert.equal(W.buildView(verify, ctx, { regions: [REGION], staleNote: note }).staleNote, undefined);
    assert.equal(W.buildView(W.initialState(CHOICES), ctx, { regions: [REGION], verification, staleNote: note }).staleNote, undefined);
  });

  it('without data (no Region) it still renders step 1 with the problem', () => {
    const v = W.buildView(W.initialState(), undefined, { regions: [], loadError: 'no credentials' });
    assert.equal(v.step, 'target');
    assert.equal(v.primary.enabled, false);
    assert.equal(v.loadError, 'no credentials');
    assert.match(v.fields[0].help ?? '', /Select Regions/);
  });
});

// ------------------------------------------------------------------ the message protocol

const stepArb = fc.constantFrom(...W.STEP_IDS);
const wellFormed: fc.Arbitrary<WebviewMessage> = fc.oneof(
  fc.constantFrom<WebviewMessage>(
    { type: 'ready' },
    { type: 'next' },
    { type: 'back' },
    { type: 'refresh' },
    { type: 'reset' },
    { type: 'showLog' },
    { type: 'selectRegions' },
  ),
  fc.constantFrom(...W.CHOICE_FIELDS).chain((field) =>
    fc
      .string({ maxLength: Math.min(FIELD_MAX[field], 40) })
      .filter((v) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(v))
      .map((value) => ({ type: 'update' as const, field, value })),
  ),
  fc.record({ type: fc.constant('apply' as const), step: stepArb, planKey: fc.stringMatching(/^[A-Za-z0-9-]{1,64}$/) }),
  fc.record({ type: fc.constant('goto' as const), step: stepArb }),
  fc.record({ type: fc.constant('copy' as const), step: stepArb, index: fc.integer({ min: -2, max: 100 }) }),
  fc.record({ type: fc.constant('copyCode' as const), step: stepArb, format: fc.constantFrom('cloudformation' as const, 'terraform' as const) }),
);

describe('walkthrough: the webview message protocol', () => {
  it('accepts exactly the well-formed messages', () => {
    fc.assert(
      fc.property(wellFormed, (m) => {
        const sent = JSON.parse(JSON.stringify(m)) as unknown; // what postMessage delivers
        assert.deepEqual(parseWebviewMessage(sent), sent);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses unknown types, missing or extra keys, wrong types, nesting and over-long text', () => {
    const bad: unknown[] = [
      undefined,
      null,
      0,
      'ready',
      [],
      [{ type: 'ready' }],
      {},
      { type: 'READY' },
      { type: 'ready', extra: 1 },
      { type: 'eval', code: 'x' },
      { type: 'update', field: 'region' },
      { type: 'update', field: 'region', value: 5 },
      { type: 'update', field: 'password', value: 'x' },
      { type: 'update', field: 'appPort', value: '4'.repeat(17) },
      { type: 'update', field: 'clientCidrs', value: 'a'.repeat(2001) },
      { type: 'update', field: 'appGroupName', value: 'a\u0000b' },
      { type: 'update', field: 'region', value: { toString: 'x' } },
      { type: 'apply', step: 'appGroup' },
      { type: 'apply', step: 'nope', planKey: '1-a' },
      { type: 'apply', step: 'appGroup', planKey: '' },
      { type: 'apply', step: 'appGroup', planKey: 'x'.repeat(65) },
      { type: 'apply', step: 'appGroup', planKey: '<script>' },
      { type: 'copy', step: 'appGroup', index: 1.5 },
      { type: 'copy', step: 'appGroup', index: -3 },
      { type: 'copy', step: 'appGroup', index: '1' },
      { type: 'copy', step: 'appGroup', index: 101 },
      { type: 'copyCode', step: 'appGroup', format: 'cli' },
      { type: 'copyCode', step: 'appGroup', format: 'TERRAFORM' },
      { type: 'copyCode', step: 'appGroup' },
      { type: 'goto', step: ['verify'] },
      { type: 'next', nested: { type: 'next' } },
      JSON.parse('{"type":"ready","__proto__":{"polluted":true}}'),
      new (class Msg {
        type = 'ready';
      })(),
      Object.create({ type: 'ready' }),
      Object.defineProperty({ type: 'goto' }, 'step', { get: () => 'verify', enumerable: true }),
    ];
    for (const b of bad) assert.equal(parseWebviewMessage(b), undefined, JSON.stringify(b));
  });

  it('fuzz: arbitrary JSON never passes unless it is well-formed', () => {
    const oracle = (x: unknown): boolean => {
      if (!x || typeof x !== 'object' || Array.isArray(x)) return false;
      const m = x as Record<string, unknown>;
      return wellFormedKeys(m);
    };
    fc.assert(
      fc.property(
        fc.oneof(
          fc.json().map((t) => JSON.parse(t) as unknown),
          fc.anything(),
          wellFormed.map((m) => ({ ...m, extra: 1 })),
        ),
        (x) => {
          const r = parseWebviewMessage(x);
          if (r === undefined) return;
          assert.ok(oracle(x), `accepted ${JSON.stringify(x)}`);
          assert.deepEqual(r, x);
        },
      ),
      { numRuns: 3000 },
    );
    // Near misses: a valid message with one value replaced by an arbitrary one.
    fc.assert(
      fc.property(wellFormed, fc.anything(), (m, v) => {
        const keys = Object.keys(m).filter((k) => k !== 'type');
        if (!keys.length) return;
        const broken = { ...m, [keys[0]]: v } as Record<string, unknown>;
        const r = parseWebviewMessage(broken);
        if (r !== undefined) assert.ok(wellFormedKeys(broken), `accepted ${JSON.stringify(broken)}`);
      }),
      { numRuns: 2000 },
    );
  });
});

/** An independent statement of the protocol, for the fuzz oracle. */
function wellFormedKeys(m: Record<string, unknown>): boolean {
  const keys = Object.keys(m).sort().join(',');
  const step = W.isStepId(m.step);
  switch (m.type) {
    case 'ready':
    case 'next':
    case 'back':
    case 'refresh':
    case 'reset':
    case 'showLog':
    case 'selectRegions':
      return keys === 'type';
    case 'update':
      return (
        keys === 'field,type,value' &&
        (W.CHOICE_FIELDS as readonly unknown[]).includes(m.field) &&
        typeof m.value === 'string' &&
        m.value.length <= FIELD_MAX[m.field as W.ChoiceField]
      );
    case 'apply':
      return keys === 'planKey,step,type' && step && typeof m.planKey === 'string' && /^[A-Za-z0-9-]{1,64}$/.test(m.planKey);
    case 'goto':
      return keys === 'step,type' && step;
    case 'copy':
      return keys === 'index,step,type' && step && Number.isInteger(m.index) && (m.index as number) >= -1 && (m.index as number) <= 100;
    case 'copyCode':
      return keys === 'format,step,type' && step && (m.format === 'cloudformation' || m.format === 'terraform');
    default:
      return false;
  }
}
