// auroraSg.whoCanReach: every source that can open a connection to a database, computed locally
// from the loaded rules (plus one DescribeInstances read per Region for "who carries this group"):
// shown in the Reachability view and, unless `diagram: false`, as a diagram.
import * as vscode from 'vscode';
import { whoCanReach as reach, type Reachability } from '../domain/analysis';
import type { ReachResult } from '../tree/analysisViews';
import { type GraphNetwork, reachGraph } from '../domain/reachGraph';
import { ReachPanel } from '../webview/reachPanel';
import { checkTarget, ec2Of, liveAnswer, panelActions, networkOf, pickDatabase, type AnalysisDeps } from './analysisArgs';

export async function whoCanReach(d: AnalysisDeps, arg?: unknown): Promise<Reachability> {
  const { region, target, args } = await pickDatabase(d, arg, 'Who can reach');
  const reopen = {
    command: 'auroraSg.whoCanReach',
    args: { region, ...('clusterId' in target ? { clusterId: target.clusterId } : { dbInstanceId: target.instanceId }) },
  };
  // The network each answer was computed with: the diagram draws the hops that stop a source from it.
  const networks = new WeakMap<Reachability, GraphNetwork>();
  // One answer for the Reachability view and the diagram: both redraw from it after every change of the data.
  const live = await liveAnswer<ReachResult>(d, region, async (idx) => {
    checkTarget(idx, target);
    const [ec2, network] = await Promise.all([ec2Of(d, region), networkOf(d, region, idx)]);
    const r = reach(idx, target, { ec2Instances: ec2, ...(network ? { network } : {}) });
    if (network) networks.set(r, { idx, net: network });
    return { kind: 'reach', region, reach: r, reopen };
  });
  d.reachView.show(live);
  void vscode.commands.executeCommand('auroraSg.reach.focus');
  if (args.diagram !== false) {
    const lookup = (id: string) => d.ext.store.index(region)?.groupsById.get(id)?.groupName;
    ReachPanel.show(d.extensionUri, live, {
      contentOf: (r) => ({
        kind: 'graph',
        graph: r?.kind === 'reach' ? reachGraph(r.reach, lookup, networks.get(r.reach)) : { title: 'Who can reach', port: 0, nodes: [], edges: [] },
      }),
      ...panelActions(d, region, live),
      log: (m) => d.ext.log.warn(m),
    });
  }
  return (live.value as Extract<ReachResult, { kind: 'reach' }>).reach;
}
