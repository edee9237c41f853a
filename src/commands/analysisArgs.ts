// What the analysis commands (whoCanReach, explainPath, applyFindingFix) take: their arguments
// turned into typed values, and the database they are about (from the arguments, else asked).
import * as vscode from 'vscode';
import { translateError } from '../aws/errors';
import type { DbTarget, Finding, FindingFix, PathSource } from '../domain/analysis';
import { canonicalCidr } from '../domain/cidr';
import type { Ec2Instance, RegionIndex } from '../domain/model';
import type { NetworkIndex } from '../domain/network';
import type { Ext } from '../ext';
import type { AnalysisState } from '../state/analysisState';
import { LiveAnswer, type Compute } from '../state/liveAnswer';
import type { ReachTreeProvider } from '../tree/analysisViews';
import type { Node } from '../tree/nodes';
import { indexFor, isNode, pickRegion, UserError } from './common';

/** What the analysis commands work with beyond the services. */
export interface AnalysisDeps {
  readonly ext: Ext;
  readonly analysis: AnalysisState;
  readonly reachView: ReachTreeProvider;
  readonly extensionUri: vscode.Uri;
}

export interface DbArgs {
  readonly region?: string;
  readonly clusterId?: string;
  readonly dbInstanceId?: string;
  /** false: no diagram panel (the tree section only). */
  readonly diagram?: boolean;
}

export type SourceArg = { readonly cidr: string } | { readonly groupId: string } | { readonly ec2InstanceId: string };

export interface PathArgs extends DbArgs {
  readonly source?: SourceArg;
  readonly port?: number;
  /** false: the Reachability view only, not the editor panel. */
  readonly editor?: boolean;
}

/** A tree node (cluster or DB instance) or `{ region, clusterId | dbInstanceId, ... }`. */
export function parseDbArg(arg: unknown): { node?: Node; args: PathArgs } {
  const node = isNode(arg) ? arg : undefined;
  const args: PathArgs = !node && arg && typeof arg === 'object' ? (arg as PathArgs) : {};
  return { node, args };
}

/** The database of the arguments, else the one the user picks in the Region. */
export async function pickDatabase(
  d: AnalysisDeps,
  arg: unknown,
  title: string,
): Promise<{ region: string; idx: RegionIndex; target: DbTarget; args: PathArgs }> {
  const { node, args } = parseDbArg(arg);
  const region = await pickRegion(d.ext, args.region ?? node?.region, `${title}: Region`);
  const idx = await indexFor(d.ext, region);
  let target: DbTarget | undefined;
  if (node?.kind === 'cluster') target = { clusterId: node.clusterId };
  else if (node?.kind === 'dbInstance') target = { instanceId: node.instanceId };
  else if (args.clusterId) target = { clusterId: args.clusterId };
  else if (args.dbInstanceId) target = { instanceId: args.dbInstanceId };
  else {
    const items = [
      ...idx.snapshot.clusters.map((c) => ({
        label: c.clusterId,
        description: `${c.engine} · port ${c.port ?? '?'}`,
        value: { clusterId: c.clusterId } as DbTarget,
      })),
      ...idx
        .standaloneInstances()
        .map((i) => ({ label: i.instanceId, description: `${i.engine} · port ${i.port ?? '?'}`, value: { instanceId: i.instanceId } as DbTarget })),
    ];
    if (!items.length) throw new UserError(`There is no database in ${region}.`);
    target = await d.ext.ui.pick({ title, placeholder: 'Database', items });
  }
  if ('clusterId' in target && !idx.clustersById.has(target.clusterId))
    throw new UserError(`DB cluster ${target.clusterId} is not in ${region}. Refresh the tree or check the id.`);
  if ('instanceId' in target && !idx.instancesById.has(target.instanceId))
    throw new UserError(`DB instance ${target.instanceId} is not in ${region}. Refresh the tree or check the id.`);
  return { region, idx, target, args };
}

/** The database is still in the Region's data (a live answer recomputed after it was deleted says so). */
export function checkTarget(idx: RegionIndex, target: DbTarget): void {
  const there = 'clusterId' in target ? idx.clustersById.has(target.clusterId) : idx.instancesById.has(target.instanceId);
  if (!there)
    throw new UserError(`${'clusterId' in target ? `DB cluster ${target.clusterId}` : `DB instance ${target.instanceId}`} is no longer in the loaded data`);
}

/**
 * An answer computed now on the Region's data and again after every change of it (the views that
 * show it redraw then); throws what the first computation threw.
 */
export async function liveAnswer<T>(d: AnalysisDeps, region: string, compute: Compute<T>): Promise<LiveAnswer<T>> {
  const live = new LiveAnswer(d.ext.store, region, compute);
  await live.update();
  if (live.value === undefined) {
    live.dispose();
    throw new UserError(`${live.lost ?? 'The answer could not be computed'}.`);
  }
  return live;
}

/** The EC2 instances of a Region, or none (logged) when they cannot be listed. */
export async function ec2Of(d: AnalysisDeps, region: string): Promise<Ec2Instance[]> {
  try {
    return await d.analysis.ec2Instances(region);
  } catch (e) {
    d.ext.log.warn(`Could not list the EC2 instances of ${region} (the groups' carriers are not shown): ${(e as Error).message}`);
    return [];
  }
}

/**
 * The network part of a Region (subnets, route tables, ACLs, prefix list entries), or undefined
 * (logged) when it cannot be read at all: the answers are then about the security groups only,
 * and say so. A read that is refused on its own makes its hops "unknown", never "allowed".
 */
export async function networkOf(d: AnalysisDeps, region: string, idx: RegionIndex): Promise<NetworkIndex | undefined> {
  try {
    return await d.analysis.network(region, idx);
  } catch (e) {
    d.ext.log.warn(`Could not read the network of ${region} (routes, network ACLs; the answers are about the security groups only): ${(e as Error).message}`);
    return undefined;
  }
}

/** explainPath's `source` argument: checked against the Region's data; undefined when not given (then it is asked). */
export function parseSource(given: unknown, region: string, idx: RegionIndex, ec2: readonly Ec2Instance[]): { source: PathSource; text: string } | undefined {
  if (!given) return undefined;
  const g = typeof given === 'object' ? (given as Record<string, unknown>) : {};
  if ('cidr' in g) {
    if (typeof g.cidr !== 'string') throw new UserError('source.cidr must be an IP address or CIDR range.');
    const c = canonicalCidr(g.cidr);
    if ('error' in c) throw new UserError(c.error);
    return { source: { cidr: c.cidr }, text: c.cidr };
  }
  if ('groupId' in g) {
    const group = typeof g.groupId === 'string' ? idx.groupsById.get(g.groupId) : undefined;
    if (!group) throw new UserError(`Security group ${String(g.groupId)} is not in ${region}.`);
    return { source: { groupId: group.groupId }, text: group.groupName };
  }
  if ('ec2InstanceId' in g) {
    const inst = ec2.find((i) => i.instanceId === g.ec2InstanceId);
    if (!inst) throw new UserError(`EC2 instance ${String(g.ec2InstanceId)} is not in ${region}.`);
    return { source: { ec2Instance: inst }, text: inst.name ?? inst.instanceId };
  }
  throw new UserError('source must be { cidr }, { groupId } or { ec2InstanceId }.');
}

/** explainPath's `port` argument: a TCP port, or undefined for the database's own port. */
export function parsePort(port: unknown): number | undefined {
  if (port === undefined) return undefined;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`Port ${String(port)} is not between 0 and 65535.`);
  return port;
}

/** applyFindingFix's argument: a Findings-view node or `{ region, finding }` whose finding has a fix. */
export function parseFindingArg(arg: unknown): { region: string; finding: Finding; fix: FindingFix } {
  const n = arg && typeof arg === 'object' ? (arg as { region?: unknown; finding?: Finding }) : undefined;
  const region = typeof n?.region === 'string' ? n.region : undefined;
  const finding = n?.finding;
  const fix = finding && typeof finding === 'object' ? finding.fix : undefined;
  if (!region || !finding || !fix || typeof fix !== 'object') throw new UserError('This finding has no automatic fix.');
  return { region, finding, fix };
}

/**
 * The results panel's Refresh and "show the group" buttons, the same for Explain Path and Who Can
 * Reach: Refresh reloads the Region and recomputes the answer (undefined, or why the reload failed).
 */
export function panelActions(
  d: AnalysisDeps,
  region: string,
  live: { update(): Promise<unknown> },
): { refresh(): Promise<string | undefined>; reveal(groupId: string): Promise<void> } {
  return {
    refresh: async () => {
      d.analysis.reset(region);
      const failed = await d.ext.store.load(region).then(
        () => undefined,
        (e: unknown) => `${region} could not be reloaded: ${translateError(e, { region, endpoint: d.ext.settings.endpoint }).message}`,
      );
      await live.update();
      return failed;
    },
    reveal: async (groupId) => void (await vscode.commands.executeCommand('auroraSg.revealGroup', { kind: 'group', region, groupId })),
  };
}
