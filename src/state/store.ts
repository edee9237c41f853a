// What the extension knows about each Region: the last snapshot, a load in flight, or the
// error of the last load. No `vscode` here: the tree and the commands listen through `onChange`.
import { setMaxListeners } from 'node:events';
import type { DbCluster, DbInstance, ReadFailure, RegionRead, RegionSnapshot, SecurityGroup, SecurityGroupRule } from '../domain/model';
import { readPending, readShowsFirstPages, RegionIndex } from '../domain/model';

/** How long a first load's first rows wait for the VPCs or the DB clusters, whichever answered second (RegionStore.firstRows). */
const FIRST_ROWS_WAIT_MS = 300;

/** What the store needs from the AWS layer (the gateway implements it; tests may fake it). */
export interface RegionSource {
  /**
   * `onPart` (optional to call) receives partial snapshots (RegionSnapshot.pending set) while the
   * reads answer; `heavyAnswersAfter` settles when the tree has taken the first rows (the big answers
   * may wait for it, within bounds: RegionReadOptions in src/aws/reads.ts).
   */
  loadRegion(
    region: string,
    o?: { abortSignal?: AbortSignal; onPart?: (partial: RegionSnapshot) => void; heavyAnswersAfter?: Promise<void> },
  ): Promise<RegionSnapshot>;
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
  /**
   * While a load is under way: what the tree shows of it, the reads answered so far (a partial
   * snapshot, `pending` naming the rest) over the previous load's data, so a refresh keeps its old
   * rows until the new ones replace them. Never analysed (findings, commands and views use `index`,
   * which stays the last full load); gone when the load ends, fails or is cancelled.
   */
  readonly partial?: RegionIndex;
  readonly error?: unknown;
  /** The last load was cancelled (its error is the cancellation when there is no data yet). */
  readonly cancelled?: boolean;
  /** The failed load was started by ensure() (the tree), not asked for: ensure() does not repeat it. */
  readonly failedAutomatically?: boolean;
}

/** The error a cancelled load records when there is no earlier data to show. */
export function cancelledError(region: string): Error {
  return Object.assign(new Error(`Loading ${region} was cancelled. Refresh to load it again.`), { name: 'AbortError' });
}

type Patch = (s: RegionSnapshot) => RegionSnapshot;

interface Inflight {
  readonly promise: Promise<RegionIndex>;
  readonly abort: AbortController;
  /** Partial refreshes made while this load runs: replayed on its result, which may predate them. */
  readonly patches: Patch[];
  readonly automatic: boolean;
  /** Its reads have begun: from then on it may have read the account before a new request's reason. */
  started: boolean;
  /** The one load that follows it, shared by everyone who asked for a fresh load while it was reading. */
  next?: Promise<RegionIndex>;
  /** Settles its `heavyAnswersAfter` (rowsShown). */
  rowsShown(): void;
}

/** The VPC of the first attached group that is known: where a database without a subnet group lives. */
function vpcOfGroups(s: RegionSnapshot, attached: readonly { groupId: string }[]): string | undefined {
  for (const a of attached) {
    const v = s.groups.find((g) => g.groupId === a.groupId)?.vpcId;
    if (v) return v;
  }
  return undefined;
}

/**
 * A partial snapshot over the previous load's: a part whose read has not answered yet keeps its old
 * rows (and its old failure row), so a refresh never flickers to empty. The new parts replace theirs.
 */
export function overPrevious(part: RegionSnapshot, prev: RegionSnapshot | undefined): RegionSnapshot {
  if (!prev) return part;
  const waiting = new Set<RegionRead>(part.pending ?? []);
  const keep = (r: RegionRead) => waiting.has(r);
  const oldVpc = new Map<string, string | undefined>([
    ...prev.clusters.map((c) => [c.clusterId, c.vpcId] as const),
    ...prev.instances.map((i) => [i.instanceId, i.vpcId] as const),
  ]);
  // Before the groups (or subnet groups) answer, a database's VPC may not be resolved yet: the old one stands.
  const withVpc = <T extends { vpcId?: string }>(x: T, id: string): T => (x.vpcId ? x : { ...x, vpcId: oldVpc.get(id) });
  const failures: ReadFailure[] = [...(part.failures ?? []), ...(prev.failures ?? []).filter((f) => keep(f.read))];
  return {
    ...part,
    // A read's first pages give way to the whole list of the previous load (kept while pending).
    firstPages: undefined,
    vpcs: keep('vpcs') ? prev.vpcs : part.vpcs,
    groups: keep('groups') ? prev.groups : part.groups,
    rules: keep('rules') ? prev.rules : part.rules,
    clusters: keep('clusters') ? prev.clusters : part.clusters.map((c) => withVpc(c, c.clusterId)),
    instances: keep('instances') ? prev.instances : part.instances.map((i) => withVpc(i, i.instanceId)),
    failures: failures.length ? failures : undefined,
  };
}

type Listener = (region: string | undefined) => void;

/**
 * Which data an answer was computed on: the store's revision of the Region (one number that every
 * change of its data moves on, whoever made it: a write's re-read, a refresh, a reload) and when
 * the Region was last loaded in full. An answer whose revision is not the store's is on older data.
 */
export interface DataStamp {
  readonly region: string;
  readonly revision: number;
  /** When the Region's data was read in full (RegionSnapshot.loadedAt); undefined before the first load. */
  readonly loadedAt?: number;
}

export class RegionStore {
  private readonly states = new Map<string, RegionState>();
  private readonly inflight = new Map<string, Inflight>();
  private readonly listeners = new Set<Listener>();
  private generation = 0;
  /** Moves on with every change of any Region's data (and on reset); the stamp of a Region is its value at that Region's last change. */
  private revisionCounter = 0;
  private readonly revisions = new Map<string, number>();

  constructor(
    private source: () => Promise<RegionSource>,
    private regions: readonly string[],
  ) {}

  /** The data the Region's views must be computed on now (DataStamp). */
  stamp(region: string): DataStamp {
    return { region, revision: this.revisions.get(region) ?? 0, loadedAt: this.index(region)?.snapshot.loadedAt };
  }

  /** The Region's data changed (its index is another object now). */
  private bump(region: string): void {
    this.revisions.set(region, ++this.revisionCounter);
  }

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
    for (const r of this.revisions.keys()) this.bump(r);
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

  /** What the tree shows of the Region: the load under way as far as it has answered (RegionState.partial), else the last full load. */
  view(region: string): RegionIndex | undefined {
    const s = this.states.get(region);
    return s?.partial ?? s?.index;
  }

  /**
   * Starts the Region's load as ensure() does, and settles as soon as the tree has something to show
   * (the first partial snapshot, data from before, or the load's end, whatever its outcome).
   */
  viewReady(region: string): Promise<void> {
    const done = this.ensure(region).then(
      () => undefined,
      () => undefined,
    );
    if (this.view(region)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const sub = this.onChange((r) => {
        if (r !== undefined && r !== region) return;
        if (!this.view(region) && this.isLoading(region)) return;
        sub.dispose();
        resolve();
      });
      void done.then(() => {
        sub.dispose();
        resolve();
      });
    });
  }

  /**
   * viewReady, and then, on a first load (no earlier data to show), until the view holds the first
   * rows a person looks for: the VPCs and the first page of the DB clusters (each answered, or the
   * load over), or `waitMs` after the first part, whichever comes first. The tree takes its first
   * rows in one pass then, instead of redrawing them part by part while they arrive together.
   */
  async firstRows(region: string, waitMs = FIRST_ROWS_WAIT_MS): Promise<void> {
    await this.viewReady(region);
    const shows = () => {
      const s = this.states.get(region);
      const v = s?.partial?.snapshot;
      if (!v || s.index || !this.isLoading(region)) return true;
      return !readPending(v, 'vpcs') && (!readPending(v, 'clusters') || readShowsFirstPages(v, 'clusters'));
    };
    if (shows()) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        sub.dispose();
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      const sub = this.onChange((r) => {
        if (r === undefined || (r === region && shows())) done();
      });
    });
  }

  /**
   * The loaded index, loading it first when needed. Concurrent callers share one load. A load
   * that the tree started (through ensure) and that failed or was cancelled is not repeated by
   * the next ensure(): the tree shows the error with a retry instead of reloading in a loop.
   * `retryFailed` (commands) loads again anyway.
   */
  async ensure(region: string, o: { retryFailed?: boolean } = {}): Promise<RegionIndex> {
    const s = this.states.get(region);
    if (s?.index && !s.loading) return s.index;
    const running = this.inflight.get(region);
    if (running) return running.promise;
    if (s?.error && !o.retryFailed && (s.failedAutomatically || s.cancelled)) throw s.error;
    return this.start(region, true);
  }

  /**
   * (Re)load a Region: the answer reflects the account as it is now. A load in flight whose reads
   * have not begun is joined. One that is already reading may have read before the caller's reason
   * to reload (a change made in the console a moment ago), so the caller gets the load that
   * follows it, one for everyone who asks meanwhile: rapid refreshes make at most two loads, and
   * never two at a time.
   */
  load(region: string): Promise<RegionIndex> {
    const running = this.inflight.get(region);
    if (!running) return this.start(region, false);
    if (!running.started) return running.promise;
    return (running.next ??= this.after(running, region));
  }

  private async after(running: Inflight, region: string): Promise<RegionIndex> {
    const gen = this.generation;
    await running.promise.catch(() => undefined);
    // Cancelled, or a new connection: the follow-up is cancelled with it.
    if (running.abort.signal.aborted || gen !== this.generation) throw cancelledError(region);
    return this.load(region);
  }

  private start(region: string, automatic: boolean): Promise<RegionIndex> {
    const gen = this.generation;
    const abort = new AbortController();
    // Six paginated reads (and their retries) listen to one signal.
    setMaxListeners(100, abort.signal);
    const prev = this.states.get(region);
    this.states.set(region, { region, loading: true, index: prev?.index });
    const patches: Patch[] = [];
    let rowsShown = () => {};
    const heavyAnswersAfter = new Promise<void>((r) => (rowsShown = r));
    const current = () => gen === this.generation && this.inflight.get(region) === entry;
    const promise = (async () => {
      await undefined; // never settle before `entry` is registered below, even if source() throws at once
      try {
        const src = await this.source();
        // (Through current(): `entry` is registered below, after this function has paused.)
        if (current()) this.inflight.get(region)!.started = true;
        // Each part of the load is shown as it arrives (the tree only: `index` stays the last full load).
        const onPart = (part: RegionSnapshot) => {
          const s = this.states.get(region);
          if (!current() || abort.signal.aborted || !s?.loading) return;
          const partial = new RegionIndex(patches.reduce((acc, p) => p(acc), overPrevious(part, s.index?.snapshot)));
          this.states.set(region, { ...s, partial });
          this.emit(region);
        };
        const rowsFirst = this.firstRowsWanted() ? { heavyAnswersAfter } : {};
        const snap = await src.loadRegion(region, { abortSignal: abort.signal, onPart, ...rowsFirst });
        if (abort.signal.aborted) throw cancelledError(region);
        const index = new RegionIndex(patches.reduce((acc, p) => p(acc), snap));
        if (current()) {
          this.states.set(region, { region, loading: false, index });
          this.bump(region);
        }
        return index;
      } catch (error) {
        const cancelled = abort.signal.aborted;
        // A cancelled load's state was set by cancel() (or reset()); a failed one records its error.
        if (current()) this.states.set(region, { region, loading: false, index: this.states.get(region)?.index, error, failedAutomatically: automatic });
        throw cancelled ? cancelledError(region) : error;
      } finally {
        rowsShown();
        if (current()) {
          this.inflight.delete(region);
          this.emit(region);
        }
      }
    })();
    const entry: Inflight = { promise, abort, patches, automatic, started: false, rowsShown: () => rowsShown() };
    this.inflight.set(region, entry);
    this.emit(region);
    return promise;
  }

  /**
   * Whether a load starting now should let the tree's first rows go first (a view is drawing them):
   * then its big answers wait for rowsShown, within bounds. The extension sets it to the view's visibility.
   */
  firstRowsWanted: () => boolean = () => true;

  /**
   * The tree has taken the first rows of the Region's load in flight (its VPCs and DB clusters): the
   * load may parse its big answers now (RegionSource.loadRegion's heavyAnswersAfter).
   */
  rowsShown(region: string): void {
    this.inflight.get(region)?.rowsShown();
  }

  /** Whether a load of the Region is in flight. */
  isLoading(region: string): boolean {
    return this.inflight.has(region);
  }

  /**
   * Cancel a Region's load in flight, at once: the last good data stays, nothing shows as
   * loading, and the next load() starts afresh instead of joining the cancelled one.
   */
  cancel(region: string): void {
    const entry = this.inflight.get(region);
    if (!entry) return;
    entry.abort.abort();
    this.inflight.delete(region);
    const last = this.states.get(region)?.index;
    this.states.set(region, {
      region,
      loading: false,
      index: last,
      error: last ? undefined : cancelledError(region),
      cancelled: true,
      failedAutomatically: entry.automatic,
    });
    this.emit(region);
  }

  /** Cancel every load in flight. */
  cancelAll(): void {
    for (const region of [...this.inflight.keys()]) this.cancel(region);
  }

  refreshAll(regions: readonly string[] = this.regions): Promise<unknown> {
    return Promise.allSettled(regions.map((r) => this.load(r)));
  }

  private replace(region: string, f: Patch): void {
    // A full load in flight may have read this part before the change: apply it to its result too.
    this.inflight.get(region)?.patches.push(f);
    const prev = this.states.get(region);
    if (!prev?.index) return;
    this.states.set(region, { ...prev, index: new RegionIndex(f(prev.index.snapshot)) });
    this.bump(region);
    this.emit(region);
  }

  /**
   * Something the views compute with beyond the snapshot changed (an EC2 instance's groups, which the
   * analysis state keeps): the Region's revision moves on and every view recomputes, as after any change.
   */
  noteChange(region: string): void {
    if (!this.states.get(region)?.index) return;
    this.bump(region);
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
