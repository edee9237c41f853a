// auroraSg.whoCanReach: every source that can open a connection to a database, computed locally
// from the loaded rules (plus one DescribeInstances read per Region for "who carries this group"):
// shown in the Reachability view and, unless `diagram: false`, as a diagram.
import * as vscode from 'vscode';
import { whoCanReach as reach, type Reachability } from '../domain/analysis';
import { reachGraph } from '../domain/reachGraph';
import { ReachPanel } from '../webview/reachPanel';
import { ec2Of, pickDatabase, type AnalysisDeps } from './analysisArgs';

export async function whoCanReach(d: AnalysisDeps, arg?: unknown): Promise<Reachability> {
  const { region, idx, target, args } = await pickDatabase(d, arg, 'Who can reach');
  const r = reach(idx, target, { ec2Instances: await ec2Of(d, region) });
  const reopen = {
    command: 'auroraSg.whoCanReach',
    args: { region, ...('clusterId' in target ? { clusterId: target.clusterId } : { dbInstanceId: target.instanceId }) },
  };
  d.reachView.show({ kind: 'reach', region, reach: r, reopen });
  void vscode.commands.executeCommand('auroraSg.reach.focus');
  if (args.diagram !== false) {
    const lookup = (id: string) => d.ext.store.index(region)?.groupsById.get(id)?.groupName;
    ReachPanel.show(
      d.extensionUri,
      { kind: 'graph', graph: reachGraph(r, lookup) },
      {
        refresh: async () => {
          const fresh = await d.ext.store.load(region).catch(() => undefined);
          if (!fresh) return undefined;
          d.analysis.reset(region);
          try {
            const again = reach(fresh, target, { ec2Instances: await ec2Of(d, region) });
            d.reachView.show({ kind: 'reach', region, reach: again, reopen });
            return { kind: 'graph', graph: reachGraph(again, lookup) };
          } catch {
            return undefined;
          }
        },
        reveal: async (groupId) => void (await vscode.commands.executeCommand('auroraSg.revealGroup', { kind: 'group', region, groupId })),
        log: (m) => d.ext.log.warn(m),
      },
    );
  }
  return r;
}
