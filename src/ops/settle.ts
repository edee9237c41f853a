// Waiting for a database to settle after its groups changed: AWS reports the cluster or instance
// as "modifying" and each new group as "adding" for a while. A watch re-reads it (the store's
// refresh, so the tree follows) until it settles. The extension's services own one SettleWatches
// (Ext.settle): a newer watch of the same database replaces the older, and every watch stops when
// the connection or the Regions change (the store resets) and on deactivation (dispose).

/** What a watch reads back: the database's status and its groups' statuses; undefined when it is gone. */
export type Settling = { readonly status: string; readonly securityGroups: readonly { readonly status?: string }[] } | undefined;

export interface SettleOptions {
  /** Before the first re-read; default 5 s. */
  readonly firstMs?: number;
  /** Between re-reads; default 10 s. */
  readonly everyMs?: number;
  /** Re-reads before giving up; default 60. */
  readonly maxTries?: number;
}

/** How a watch ended. */
export type SettleEnd = 'settled' | 'gone' | 'gave up' | 'cancelled' | 'replaced' | 'reset' | 'disposed';

export interface SettleWatch {
  readonly key: string;
  /** Resolves once, when the watch ends (never rejects). */
  readonly done: Promise<SettleEnd>;
  cancel(): void;
}

/** The timers a watch uses: the real ones, or a test's. */
export interface Scheduler {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Scheduler = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** Settled: available, and no group still being added or removed. */
export function isSettled(d: NonNullable<Settling>): boolean {
  return d.status === 'available' && !d.securityGroups.some((g) => g.status && g.status !== 'active');
}

/** What SettleWatches listens to: the store's change events (undefined region = reset). */
export interface ResetSource {
  onChange(listener: (region: string | undefined) => void): { dispose(): void };
}

interface Running {
  readonly watch: SettleWatch;
  stop(end: SettleEnd): void;
}

export class SettleWatches {
  private readonly running = new Map<string, Running>();
  private readonly sub: { dispose(): void };
  private disposed = false;

  constructor(
    store: ResetSource,
    private readonly timers: Scheduler = realTimers,
  ) {
    this.sub = store.onChange((region) => {
      if (region === undefined) this.stopAll('reset');
    });
  }

  /** Re-reads through `refresh` until the database settles, is gone, or the watch is stopped. */
  watch(key: string, refresh: () => Promise<Settling>, o: SettleOptions = {}): SettleWatch {
    this.running.get(key)?.stop('replaced');
    let resolve!: (end: SettleEnd) => void;
    const done = new Promise<SettleEnd>((r) => (resolve = r));
    let timer: unknown;
    let ended = false;
    let tries = 0;
    const stop = (end: SettleEnd) => {
      if (ended) return;
      ended = true;
      if (timer !== undefined) this.timers.clear(timer);
      timer = undefined;
      if (this.running.get(key) === run) this.running.delete(key);
      resolve(end);
    };
    const watch: SettleWatch = { key, done, cancel: () => stop('cancelled') };
    const run: Running = { watch, stop };
    if (this.disposed) {
      stop('disposed');
      return watch;
    }
    const tick = async () => {
      timer = undefined;
      if (ended) return;
      const r = await refresh().catch(() => undefined);
      if (ended) return;
      if (!r) return stop('gone');
      if (isSettled(r)) return stop('settled');
      if (++tries >= (o.maxTries ?? 60)) return stop('gave up');
      timer = this.timers.set(() => void tick(), o.everyMs ?? 10_000);
    };
    this.running.set(key, run);
    timer = this.timers.set(() => void tick(), o.firstMs ?? 5_000);
    return watch;
  }

  isWatching(key: string): boolean {
    return this.running.has(key);
  }

  get size(): number {
    return this.running.size;
  }

  /** Stops every watch. */
  cancelAll(): void {
    this.stopAll('cancelled');
  }

  dispose(): void {
    this.disposed = true;
    this.stopAll('disposed');
    this.sub.dispose();
  }

  private stopAll(end: SettleEnd): void {
    for (const r of [...this.running.values()]) r.stop(end);
  }
}
