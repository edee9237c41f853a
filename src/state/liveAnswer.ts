// An analysis answer that follows the store: computed on a Region's current data, and again after
// every change of that data, whoever made it (the extension's own write and its re-read, a refresh,
// a reload of the Region). The views that show an answer (the Reachability view, the diagram) hold
// one and draw what it holds; when it could not be computed on the newest data, the older answer
// stays and says so (staleNote). No `vscode` here.
import type { RegionIndex } from '../domain/model';
import type { DataStamp, RegionStore } from './store';

/** Computes the answer from a Region's index; throws (with a sentence for the user) when it cannot. */
export type Compute<T> = (idx: RegionIndex) => T | Promise<T>;

type StoreView = Pick<RegionStore, 'onChange' | 'index' | 'stamp'>;

export class LiveAnswer<T> {
  private held: { readonly value: T; readonly stamp: DataStamp } | undefined;
  private lostWhy: string | undefined;
  /** The revision last computed on (or tried): a store event without a data change computes nothing. */
  private tried: number | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  /** A computation on newer data is under way (its result is drawn when it comes). */
  private computing = false;
  private readonly listeners = new Set<() => void>();
  private sub: { dispose(): void } | undefined;

  constructor(
    private readonly store: StoreView,
    readonly region: string,
    private readonly compute: Compute<T>,
  ) {
    this.sub = store.onChange((r) => {
      if (r === undefined || r === region) void this.update();
    });
  }

  /** The answer, computed on `stamp`'s data. */
  get value(): T | undefined {
    return this.held?.value;
  }

  get stamp(): DataStamp | undefined {
    return this.held?.stamp;
  }

  /** Why the answer could not be computed on the newest data, if it could not. */
  get lost(): string | undefined {
    return this.lostWhy;
  }

  /** The answer was computed on older data than the store holds now (and no computation on the newer data is running). */
  get stale(): boolean {
    return !!this.held && !this.computing && this.held.stamp.revision !== this.store.stamp(this.region).revision;
  }

  /**
   * Computes the answer on the store's current data (again only when that changed), one computation
   * at a time: a change during one makes one more. Settles when the answer is on the newest data or
   * could not be computed on it.
   */
  update(): Promise<void> {
    if (!this.sub) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  private async run(): Promise<void> {
    do {
      this.again = false;
      const stamp = this.store.stamp(this.region);
      if (this.tried === stamp.revision) continue;
      this.tried = stamp.revision;
      const idx = this.store.index(this.region);
      let value: { v: T } | undefined;
      let why: string | undefined;
      if (!idx) why = `${this.region} is not loaded`;
      else
        try {
          this.computing = true;
          value = { v: await this.compute(idx) };
        } catch (e) {
          why = (e as Error)?.message ?? String(e);
        } finally {
          this.computing = false;
        }
      if (!this.sub) return;
      if (this.store.stamp(this.region).revision !== stamp.revision) {
        // The data changed while this ran: its result is already old.
        this.tried = undefined;
        this.again = true;
        continue;
      }
      if (value) {
        this.held = { value: value.v, stamp };
        this.lostWhy = undefined;
      } else this.lostWhy = why;
      for (const l of [...this.listeners]) l();
    } while (this.again);
  }

  /** Told after each computation (a new answer, or the note that it is on older data). When the last listener leaves, the answer stops following the store. */
  onDidChange(l: () => void): { dispose(): void } {
    this.listeners.add(l);
    return {
      dispose: () => {
        if (this.listeners.delete(l) && !this.listeners.size) this.dispose();
      },
    };
  }

  dispose(): void {
    this.sub?.dispose();
    this.sub = undefined;
    this.listeners.clear();
  }
}

/** "14:02" (local time) for a note. */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/**
 * The note a view shows when its answer is on older data than the store holds, else undefined:
 * "Computed on data loaded at 14:02; the account has changed since (why). Refresh to recompute."
 */
export function staleNote(answer: Pick<LiveAnswer<unknown>, 'stale' | 'stamp' | 'lost'>): string | undefined {
  if (!answer.stale) return undefined;
  const at = answer.stamp?.loadedAt;
  return `Computed on data ${at === undefined ? 'loaded earlier' : `loaded at ${clockTime(at)}`}; the account has changed since${answer.lost ? ` (${answer.lost})` : ''}. Refresh to recompute.`;
}
