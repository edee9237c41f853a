// auroraSg.whoCanReach, auroraSg.explainPath, auroraSg.applyFindingFix: answers computed locally
// from the loaded rules (plus one DescribeInstances read per Region for "who carries this group").
import * as vscode from 'vscode';
import { explainPath as explain, whoCanReach as reach, type DbTarget, type Finding, type PathExplanation, type PathSource, type Reachability } from '../domain/analysis';
import { canonicalCidr } from '../domain/cidr';
import type { RegionIndex } from '../domain/model';
import { reachGraph } from '../domain/reachGraph';
import { validateCidrInput } from '../domain/validation';
import type { Ext } from '../ext';
import type { AnalysisState } from '../state/analysisState';
import type { FindingNode, ReachTreeProvider } from '../tree/analysisViews';
import type { Node } from '../tree/nodes';
import { ReachPanel } from '../webview/reachPanel';
import { guarded, indexFor, isNode, pickRegion, UserError } from './common';

export interface AnalysisDeps {
  readonly ext: Ext;
  readonly analysis: AnalysisState;
  readonly reachView: ReachTreeProvider;
  readonly reachTree: vscode.TreeView<unknown>;
  readonly extensionUri: vscode.Uri;
}

interface DbArgs {
  region?: string;
  clusterId?: string;
  dbInstanceId?: string;
  /** false: no diagram panel (the tree section only). */
  diagram?: boolean;
}

async function pickDatabase(d: AnalysisDeps, arg: unknown, title: string): Promise<{ region: string; idx: RegionIndex; target: DbTarget; args: DbArgs }> {
  const node = isNode(arg) ? (arg as Node) : undefined;
  const args: DbArgs = !node && arg && typeof arg === 'object' ? (arg as DbArgs) : {};
  const region = await pickRegion(d.ext, args.region ?? node?.region, `${title}: Region`);
  const idx = await indexFor(d.ext, region);
  let target: DbTarget | undefined;
  if (node?.kind === 'cluster') target = { clusterId: node.clusterId };
  else if (node?.kind === 'dbInstance') target = { instanceId: node.instanceId };
  else if (args.clusterId) target = { clusterId: args.clusterId };
  else if (args.dbInstanceId) target = { instanceId: args.dbInstanceId };
  else {
    const items = [
      ...idx.snapshot.clusters.map((c) => ({ label: c.clusterId, description: `${c.engine} · port ${c.port ?? '?'}`, value: { clusterId: c.clusterId } as DbTarget })),
      ...idx.standaloneInstances().map((i) => ({ label: i.instanceId, description: `${i.engine} · port ${i.port ?? '?'}`, value: { instanceId: i.instanceId } as DbTarget })),
    ];
    if (!items.length) throw new UserError(`There is no database in ${region}.`);
    target = await d.ext.ui.pick({ title, placeholder: 'Database', items });
  }
  if ('clusterId' in target && !idx.clustersById.has(target.clusterId)) throw new UserError(`DB cluster ${target.clusterId} is not in ${region}. Refresh the tree or check the id.`);
  if ('instanceId' in target && !idx.instancesById.has(target.instanceId)) throw new UserError(`DB instance ${target.instanceId} is not in ${region}. Refresh the tree or check the id.`);
  return { region, idx, target, args };
}

async function ec2Of(d: AnalysisDeps, region: string) {
  try {
    return await d.analysis.ec2Instances(region);
  } catch (e) {
    d.ext.log.warn(`Could not list the EC2 instances of ${region} (the groups' carriers are not shown): ${(e as Error).message}`);
    return [];
  }
}

export function whoCanReach(d: AnalysisDeps, arg?: unknown): Promise<Reachability | undefined> {
  return guarded(d.ext, 'work out who can reach the database', undefined, async () => {
    const { region, idx, target, args } = await pickDatabase(d, arg, 'Who can reach');
    const ec2Instances = await ec2Of(d, region);
    const r = reach(idx, target, { ec2Instances });
    d.reachView.show({ kind: 'reach', region, reach: r });
    void vscode.commands.executeCommand('auroraSg.reach.focus');
    if (args.diagram !== false) {
      const lookup = (id: string) => d.ext.store.index(region)?.groupsById.get(id)?.groupName;
      ReachPanel.show(d.extensionUri, reachGraph(r, lookup), {
        refresh: async () => {
          const fresh = await d.ext.store.load(region).catch(() => undefined);
          if (!fresh) return undefined;
          d.analysis.reset(region);
          try {
            const again = reach(fresh, target, { ec2Instances: await ec2Of(d, region) });
            d.reachView.show({ kind: 'reach', region, reach: again });
            return reachGraph(again, lookup);
          } catch {
            return undefined;
          }
        },
        reveal: async (groupId) => void (await vscode.commands.executeCommand('auroraSg.revealGroup', { kind: 'group', region, groupId })),
        log: (m) => d.ext.log.warn(m),
      });
    }
    return r;
  });
}

interface PathArgs extends DbArgs {
  source?: { cidr: string } | { groupId: string } | { ec2InstanceId: string };
  port?: number;
}

export function explainPath(d: AnalysisDeps, arg?: unknown): Promise<PathExplanation | undefined> {
  return guarded(d.ext, 'explain the path', undefined, async () => {
    const { region, idx, target, args } = await pickDatabase(d, arg, 'Explain the path to a database');
    const a = args as PathArgs;
    let source: PathSource;
    let sourceText: string;
    const given = a.source;
    const ec2 = await ec2Of(d, region);
    if (given && 'cidr' in given) {
      const c = canonicalCidr(given.cidr);
      if ('error' in c) throw new UserError(c.error);
      source = { cidr: c.cidr };
      sourceText = c.cidr;
    } else if (given && 'groupId' in given) {
      if (!idx.groupsById.has(given.groupId)) throw new UserError(`Security group ${given.groupId} is not in ${region}.`);
      source = { groupId: given.groupId };
      sourceText = idx.groupsById.get(given.groupId)!.groupName;
    } else if (given && 'ec2InstanceId' in given) {
      const inst = ec2.find((i) => i.instanceId === given.ec2InstanceId);
      if (!inst) throw new UserError(`EC2 instance ${given.ec2InstanceId} is not in ${region}.`);
      source = { ec2Instance: inst };
      sourceText = inst.name ?? inst.instanceId;
    } else if (given) {
      throw new UserError('source must be { cidr }, { groupId } or { ec2InstanceId }.');
    } else {
      const kind = await d.ext.ui.pick<'cidr' | 'group' | 'ec2'>({
        title: 'Explain the path: from where?',
        placeholder: 'Source',
        items: [
          { label: '$(server) An EC2 instance', description: `${ec2.length} in ${region}`, value: 'ec2' },
          { label: '$(shield) A security group', description: 'what carries it', value: 'group' },
          { label: '$(globe) An IP address or CIDR range', description: 'e.g. 203.0.113.10', value: 'cidr' },
        ],
      });
      if (kind === 'cidr') {
        const text = await d.ext.ui.input({ title: 'Explain the path: source address', prompt: 'An IP address or CIDR range', validate: validateCidrInput });
        const c = canonicalCidr(text) as { cidr: string };
        source = { cidr: c.cidr };
        sourceText = c.cidr;
      } else if (kind === 'group') {
        const gid = await d.ext.ui.pick({
          title: 'Explain the path: source group',
          items: idx.snapshot.groups.map((g) => ({ label: g.groupName, description: g.groupId, value: g.groupId })),
        });
        source = { groupId: gid };
        sourceText = idx.groupsById.get(gid)?.groupName ?? gid;
      } else {
        if (!ec2.length) throw new UserError(`There is no EC2 instance in ${region}.`);
        const inst = await d.ext.ui.pick({
          title: 'Explain the path: source instance',
          items: ec2.map((i) => ({ label: i.name ?? i.instanceId, description: [i.instanceId, i.privateIp].filter(Boolean).join(' · '), value: i })),
        });
        source = { ec2Instance: inst };
        sourceText = inst.name ?? inst.instanceId;
      }
    }
    if (a.port !== undefined && (!Number.isInteger(a.port) || a.port < 0 || a.port > 65535)) throw new UserError(`Port ${a.port} is not between 0 and 65535.`);
    const p = explain(idx, source, target, a.port);
    d.reachView.show({ kind: 'path', region, source: sourceText, path: p });
    void vscode.commands.executeCommand('auroraSg.reach.focus');
    if (!p.open && p.missingRule && !given) {
      const m = p.missingRule;
      const pick = await vscode.window.showWarningMessage(
        `${sourceText} cannot reach ${p.target.id} on port ${p.port}. Add the missing ${m.isEgress ? 'outbound' : 'inbound'} rule to ${idx.groupsById.get(m.groupId)?.groupName ?? m.groupId}?`,
        'Add This Rule',
      );
      if (pick) await vscode.commands.executeCommand(m.isEgress ? 'auroraSg.addOutboundRule' : 'auroraSg.addInboundRule', { region, groupId: m.groupId, protocol: m.protocol, fromPort: m.fromPort, toPort: m.toPort, source: m.source });
    } else if (!given) {
      d.ext.ui.info(`${sourceText} can reach ${p.target.id} on port ${p.port}${p.open ? '' : ''}.`);
    }
    return p;
  });
}

/** Applies a finding's fix through the normal commands (with their confirmations). */
export function applyFindingFix(d: AnalysisDeps, arg?: unknown): Promise<unknown> {
  return guarded(d.ext, 'apply the fix', undefined, async () => {
    const n = arg as FindingNode | { region?: string; finding?: Finding } | undefined;
    const region = n && 'region' in n ? n.region : undefined;
    const f = n && 'finding' in n ? n.finding : undefined;
    if (!region || !f?.fix) throw new UserError('This finding has no automatic fix.');
    if (f.fix.kind === 'revoke') return vscode.commands.executeCommand('auroraSg.removeRule', { region, groupId: f.fix.groupId, ruleIds: [...f.fix.ruleIds] });
    const idx = await indexFor(d.ext, region);
    const rule = idx.snapshot.rules.find((r) => r.ruleId === (f.fix as { ruleId: string }).ruleId);
    if (!rule) throw new UserError(`Rule ${f.fix.ruleId} is no longer there. Refresh the tree.`);
    d.ext.ui.info(`Suggested: ${f.fix.suggestion}`);
    return vscode.commands.executeCommand('auroraSg.editRule', { kind: 'rule', region, groupId: rule.groupId, ruleId: rule.ruleId, egress: rule.isEgress });
  });
}
