// What the extension knows about each Region: the last snapshot, a load in flight, or the
// error of the last load. No `vscode` here: the tree and the commands listen through `onChange`.
import type { DbCluster, DbInstance, RegionSnapshot, SecurityGroup, SecurityGroupRule } from '../domain/model';
import { RegionIndex } from '../domain/model';

/** What the store needs from the AWS layer (the gateway implements it; tests may fake it). */
export interface RegionSource {
  loadRegion(region: string, o?: { abortSignal?: AbortSignal }): Promise<RegionSnapshot>;
  readGroups(region: string, groupIds: string[]): Promise<SecurityGroup[]>;
  readRules(region: string, groupIds: string[]): Promise<SecurityGroupRule[]>;
  readCluster(region: string, clusterId: string): Promise<DbCluster | undefined>;
  readInstance(region: string, instanceId: string): Promise<DbInstance | undefined>;
}

export interface RegionState {
  readonly region: string;
  readonly loading: boolean;
  /** The last good data: kept visible when a later load fails. */
  readonly index?: RegionIndex;
  readonly error?: unknown;
}

/** The VPC of the first attached group that is known: where a database without a subnet group lives. */
function vpcOfGroups(s: RegionSnapshot, attached: readonly { groupId: string }[]): string | undefined {
  for (const a of attached) {
    const v = s.groups.find((g) => g.groupId === a.groupId)?.vpcId;
    if (v) return v;
  }
  return undefined;
}

type Listener = (region: string | undefined) => void;

export class RegionStore {
  private readonly states = new Map<string, RegionState>();
  private readonly inflight = new Map<string, { promise: Promise<RegionIndex>; abort: AbortController }>();
  private readonly listeners = new Set<Listener>();
  private generation = 0;

  constructor(private source: () => Promise<RegionSource>, private regions: readonly string[]) {}

  onChange(l: Listener): { dispose(): void } {
    this.listeners.add(l);
    return { dispose: () => this.listeners.delete(l) };
  }

  private emit(region: string | undefined): void {
    for (const l of this.listeners) l(region);
  }

  getRegions(): readonly string[] {
    return this.regions;
  }

  /** New connection or Regions: forget everything, cancel loads in flight. */
  reset(source: () => Promise<RegionSource>, regions: readonly string[]): void {
    this.generation++;
    for (const f of this.inflight.values()) f.abort.abort();
    this.inflight.clear();
    this.states.clear();
    this.source = source;
    this.regions = regions;
    this.emit(undefined);
  }

  state(region: string): RegionState | undefined {
    return this.states.get(region);
  }

  index(region: string): RegionIndex | undefined {
    return this.states.get(region)?.index;
  }

  /** The loaded index, loading it first when needed. Concurrent callers share one load. */
  async ensure(region: string): Promise<RegionIndex> {
    const s = this.states.get(region);
    if (s?.index && !s.loading) return s.index;
    return this.load(region);
  }

  /** (Re)load a Region. A load already in flight is joined, not repeated. */
  load(region: string): Promise<RegionIndex> {
    const running = this.inflight.get(region);
    if (running) return running.promise;
    const gen = this.generation;
    const abort = new AbortController();
    const prev = this.states.get(region);
    this.states.set(region, { region, loading: true, index: prev?.index });
    const promise = (async () => {
      try {
        const src = await this.source();
        const snap = await src.loadRegion(region, { abortSignal: abort.signal });
        const index = new RegionIndex(snap);
        if (gen === this.generation) this.states.set(region, { region, loading: false, index });
        return index;
      } catch (error) {
        if (gen === this.generation) this.states.set(region, { region, loading: false, index: this.states.get(region)?.index, error });
        throw error;
      } finally {
        if (gen === this.generation) {
          this.inflight.delete(region);
          this.emit(region);
        }
      }
    })();
    this.inflight.set(region, { promise, abort });
    this.emit(region);
    return promise;
  }

  /** Cancel a Region's load in flight; the last good data stays. */
  cancel(region: string): void {
    this.inflight.get(region)?.abort.abort();
  }

  refreshAll(regions: readonly string[] = this.regions): Promise<unknown> {
    return Promise.allSettled(regions.map((r) => this.load(r)));
  }

  private replace(region: string, f: (s: RegionSnapshot) => RegionSnapshot): void {
    const prev = this.states.get(region);
    if (!prev?.index) return;
    this.states.set(region, { ...prev, index: new RegionIndex(f(prev.index.snapshot)) });
    this.emit(region);
  }

  /** Re-read some groups and their rules (after a change to them); deleted groups disappear. */
  async refreshGroups(region: string, groupIds: string[]): Promise<void> {
    const src = await this.source();
    const ids = new Set(groupIds);
    const notFound = (e: { name?: string }) => e?.name === 'InvalidGroup.NotFound';
    // One missing id fails the whole read: then read each id alone, and a missing one is gone.
    const readOne = (g: string) => src.readGroups(region, [g]).catch((e) => (notFound(e) ? [] : Promise.reject(e)));
    const [groups, rules] = await Promise.all([
      src.readGroups(region, groupIds).catch((e) => (notFound(e) ? Promise.all(groupIds.map(readOne)).then((l) => l.flat()) : Promise.reject(e))),
      src.readRules(region, groupIds),
    ]);
    this.replace(region, (s) => ({
      ...s,
      groups: [...s.groups.filter((g) => !ids.has(g.groupId)), ...groups],
      rules: [...s.rules.filter((r) => !ids.has(r.groupId)), ...rules],
    }));
  }

  /** Re-read one cluster (after its groups changed). */
  async refreshCluster(region: string, clusterId: string): Promise<DbCluster | undefined> {
    const src = await this.source();
    const fresh = await src.readCluster(region, clusterId).catch((e: { name?: string }) => {
      if (e?.name === 'DBClusterNotFoundFault') return undefined;
      throw e;
    });
    let merged: DbCluster | undefined;
    this.replace(region, (s) => {
      const old = s.clusters.find((c) => c.clusterId === clusterId);
      merged = fresh ? { ...fresh, vpcId: fresh.vpcId ?? old?.vpcId ?? vpcOfGroups(s, fresh.securityGroups) } : undefined;
      return { ...s, clusters: s.clusters.filter((c) => c.clusterId !== clusterId).concat(merged ? [merged] : []) };
    });
    return merged ?? fresh;
  }

  /** Re-read one DB instance. */
  async refreshInstance(region: string, instanceId: string): Promise<DbInstance | undefined> {
    const src = await this.source();
    const fresh = await src.readInstance(region, instanceId).catch((e: { name?: string }) => {
      if (e?.name === 'DBInstanceNotFound' || e?.name === 'DBInstanceNotFoundFault') return undefined;
      throw e;
    });
    let merged: DbInstance | undefined;
    this.replace(region, (s) => {
      const old = s.instances.find((i) => i.instanceId === instanceId);
      merged = fresh ? { ...fresh, vpcId: fresh.vpcId ?? old?.vpcId ?? vpcOfGroups(s, fresh.securityGroups) } : undefined;
      return { ...s, instances: s.instances.filter((i) => i.instanceId !== instanceId).concat(merged ? [merged] : []) };
    });
    return merged ?? fresh;
  }
}
