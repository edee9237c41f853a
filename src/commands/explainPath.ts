// auroraSg.explainPath: whether a source (an EC2 instance, a group, an address) can reach a
// database, hop by hop, and the rule that is missing when it cannot.
import * as vscode from 'vscode';
import { explainPath as explain, type PathExplanation, type PathSource } from '../domain/analysis';
import { canonicalCidr } from '../domain/cidr';
import type { Ec2Instance, RegionIndex } from '../domain/model';
import { validateCidrInput } from '../domain/validation';
import type { ReachResult } from '../tree/analysisViews';
import { checkTarget, ec2Of, liveAnswer, networkOf, parsePort, parseSource, pickDatabase, type AnalysisDeps } from './analysisArgs';
import { plainText, say, UserError } from './common';

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
  // The view's answer is recomputed after every change of the data (the instance as it is read then).
  let first: PathExplanation | undefined = p;
  const live = await liveAnswer<ReachResult>(d, region, async (now) => {
    checkTarget(now, target);
    const src =
      'ec2Instance' in source
        ? { ec2Instance: (await ec2Of(d, region)).find((i) => i.instanceId === source.ec2Instance.instanceId) ?? source.ec2Instance }
        : source;
    // The first answer is the one just computed; every later one is on the changed data (the index may be the same object: an EC2 change).
    const netNow = now === idx ? network : await networkOf(d, region, now);
    const path = first && now === idx ? first : explain(now, src, target, port, netNow ? { network: netNow } : {});
    first = undefined;
    return { kind: 'path', region, source: text, path };
  });
  d.reachView.show(live);
  void vscode.commands.executeCommand('auroraSg.reach.focus');
  if (given) return p;
  const m = p.missingRule;
  const join = p.joinGroups?.[0];
  if (!p.open && join && 'ec2Instance' in source) {
    // The instance into a group the database already allows: offered first, it opens nothing else.
    const inst = source.ec2Instance;
    const group = idx.groupsById.get(join)?.groupName ?? join;
    const joinLabel = plainText(`Add ${inst.name ?? inst.instanceId} to ${group}`);
    const message = plainText(`${text} cannot reach ${p.target.id} on port ${p.port}. ${group} is already allowed in: put ${text} in it?`);
    const actions = m ? [joinLabel, 'Add a Rule Instead'] : [joinLabel];
    void Promise.resolve(vscode.window.showWarningMessage(message, ...actions)).then((pick) => {
      if (pick === joinLabel) return vscode.commands.executeCommand('auroraSg.addInstanceToGroup', { region, instanceId: inst.instanceId, groupId: join });
      if (pick && m) return addMissingRule(region, m);
      return undefined;
    });
  } else if (!p.open && m) {
    // AWS names in the text: never a link. The offer does not hold the command open.
    const group = idx.groupsById.get(m.groupId)?.groupName ?? m.groupId;
    const message = plainText(
      `${text} cannot reach ${p.target.id} on port ${p.port}. Add the missing ${m.isEgress ? 'outbound' : 'inbound'} rule to ${group}?`,
    );
    void Promise.resolve(vscode.window.showWarningMessage(message, 'Add This Rule')).then((pick) => (pick ? addMissingRule(region, m) : undefined));
  } else if (p.open) {
    say(d.ext).info(`${text} can reach ${p.target.id} on port ${p.port}.`);
  } else {
    const b = p.blockingHop !== undefined ? p.hops[p.blockingHop] : undefined;
    const what =
      p.verdict === 'partial'
        ? `reaches only some instances of ${p.target.id} on port ${p.port}`
        : p.verdict === 'unknown'
          ? `may or may not reach ${p.target.id} on port ${p.port} (a hop could not be checked)`
          : `cannot reach ${p.target.id} on port ${p.port}`;
    const hop = b ? ` Blocked at ${b.label}${b.fix ? `: ${b.fix}` : '.'}` : '';
    say(d.ext).warn(`${text} ${what}.${hop} The Reachability view shows every hop.`);
  }
  return p;
}

function addMissingRule(region: string, m: NonNullable<PathExplanation['missingRule']>): Thenable<unknown> {
  const rule = { region, groupId: m.groupId, protocol: m.protocol, fromPort: m.fromPort, toPort: m.toPort, source: m.source };
  return vscode.commands.executeCommand(m.isEgress ? 'auroraSg.addOutboundRule' : 'auroraSg.addInboundRule', rule);
}
