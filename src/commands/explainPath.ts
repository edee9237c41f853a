// auroraSg.explainPath: whether a source (an EC2 instance, a group, an address) can reach a
// database, hop by hop, and the rule that is missing when it cannot.
import * as vscode from 'vscode';
import { explainPath as explain, type PathExplanation, type PathSource } from '../domain/analysis';
import { canonicalCidr } from '../domain/cidr';
import type { Ec2Instance, RegionIndex } from '../domain/model';
import { validateCidrInput } from '../domain/validation';
import type { ReachResult } from '../tree/analysisViews';
import { pathFixes, pathView, type PathFix } from '../domain/pathView';
import { ReachPanel } from '../webview/reachPanel';
import { checkTarget, ec2Of, liveAnswer, panelActions, networkOf, parsePort, parseSource, pickDatabase, type AnalysisDeps } from './analysisArgs';
import { UserError } from './common';

/** Asks where the connection comes from. */
async function askSource(d: AnalysisDeps, region: string, idx: RegionIndex, ec2: readonly Ec2Instance[]): Promise<{ source: PathSource; text: string }> {
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
    return { source: { cidr: c.cidr }, text: c.cidr };
  }
  if (kind === 'group') {
    const gid = await d.ext.ui.pick({
      title: 'Explain the path: source group',
      items: idx.snapshot.groups.map((g) => ({ label: g.groupName, description: g.groupId, value: g.groupId })),
    });
    return { source: { groupId: gid }, text: idx.groupsById.get(gid)?.groupName ?? gid };
  }
  if (!ec2.length) throw new UserError(`There is no EC2 instance in ${region}.`);
  const inst = await d.ext.ui.pick({
    title: 'Explain the path: source instance',
    items: ec2.map((i) => ({ label: i.name ?? i.instanceId, description: [i.instanceId, i.privateIp].filter(Boolean).join(' · '), value: i })),
  });
  return { source: { ec2Instance: inst }, text: inst.name ?? inst.instanceId };
}

export async function explainPath(d: AnalysisDeps, arg?: unknown): Promise<PathExplanation> {
  const { region, idx, target, args } = await pickDatabase(d, arg, 'Explain the path to a database');
  const [ec2, network] = await Promise.all([ec2Of(d, region), networkOf(d, region, idx)]);
  const given = parseSource(args.source, region, idx, ec2);
  const { source, text } = given ?? (await askSource(d, region, idx, ec2));
  const port = parsePort(args.port);
  const p = explain(idx, source, target, port, network ? { network } : {});
  const db = 'clusterId' in target ? { clusterId: target.clusterId } : { dbInstanceId: target.instanceId };
  const src = 'cidr' in source ? { cidr: source.cidr } : 'groupId' in source ? { groupId: source.groupId } : { ec2InstanceId: source.ec2Instance.instanceId };
  const reopen = { command: 'auroraSg.explainPath', args: { region, ...db, source: src, ...(port !== undefined ? { port } : {}) } };
  // The answer is recomputed after every change of the data (the instance and the network as read then),
  // in the side view (a summary) and the editor (every hop and reason, the fixes as buttons) alike.
  let first: PathExplanation | undefined = p;
  const live = await liveAnswer<ReachResult>(d, region, async (now) => {
    checkTarget(now, target);
    const from =
      'ec2Instance' in source
        ? { ec2Instance: (await ec2Of(d, region)).find((i) => i.instanceId === source.ec2Instance.instanceId) ?? source.ec2Instance }
        : source;
    // The first answer is the one just computed; every later one is on the changed data (the index may be the same object: an EC2 change).
    const netNow = now === idx ? network : await networkOf(d, region, now);
    const path = first && now === idx ? first : explain(now, from, target, port, netNow ? { network: netNow } : {});
    first = undefined;
    return { kind: 'path', region, source: text, path, reopen };
  });
  d.reachView.show(live);
  const instanceOf = () => ('ec2Instance' in source ? source.ec2Instance : undefined);
  const fixesOf = (r: ReachResult | undefined) => {
    const at = d.ext.store.index(region) ?? idx;
    return r?.kind === 'path' ? pathFixes(r.path, at, instanceOf()) : [];
  };
  // `editor: false`: the side view only (the open panel keeps what it shows, e.g. a diagram).
  if (args.editor !== false)
    ReachPanel.show(d.extensionUri, live, {
      contentOf: (r) => ({ kind: 'path', path: pathView(r?.kind === 'path' ? r.path : p, text, fixesOf(r ?? live.value)) }),
      ...panelActions(d, region, live),
      fix: async (index) => {
        const r = live.value;
        const f = fixesOf(r)[index];
        if (f && r?.kind === 'path') await runFix(region, f, r.path.target.id);
      },
      log: (m) => d.ext.log.warn(m),
    });
  return p;
}

/** A fix of the panel, through the normal command (its checks and confirmations). */
function runFix(region: string, f: PathFix, database: string): Thenable<unknown> {
  if (f.kind === 'join') return vscode.commands.executeCommand('auroraSg.addInstanceToGroup', { region, instanceId: f.instanceId, groupId: f.groupId });
  const m = f.rule;
  const rule = {
    region,
    groupId: m.groupId,
    protocol: m.protocol,
    fromPort: m.fromPort,
    toPort: m.toPort,
    source: m.source,
    description: `Path to ${database}`,
  };
  return vscode.commands.executeCommand(m.isEgress ? 'auroraSg.addOutboundRule' : 'auroraSg.addInboundRule', rule);
}
