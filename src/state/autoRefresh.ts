// When the tree refreshes on its own: every `intervalMinutes` (0 = never) and, with `onFocus`, when
// the window regains the focus after being away a while. Off by default. One refresh at a time; none
// while a change runs (it waits until the change is done). No `vscode` here: the clock is injected,
// the composition root (src/extension.ts) passes the settings, the focus events and the refresh.

export interface AutoRefreshSettings {
  /** Minutes between refreshes; 0 (or less, or not a number) is off. */
  readonly intervalMinutes: number;
  /** Refresh when the window regains the focus after at least `AWAY_MS` away. */
  readonly onFocus: boolean;
}

export const AUTO_REFRESH_OFF: AutoRefreshSettings = { intervalMinutes: 0, onFocus: false };

/** The window must have been away this long for its return to refresh (a quick alt-tab does not). */
export const AWAY_MS = 60_000;
/** How long a due refresh waits for a running change before it looks again. */
export const BUSY_RETRY_MS = 5_000;

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface AutoRefreshHost {
  /** Reloads the Regions; the tree keeps its rows until the new data is there. */
  refresh(reason: 'interval' | 'focus'): Promise<unknown>;
  /** A change (a command, a walkthrough step) is running: a due refresh waits for it. */
  busy(): boolean;
  clock?: Clock;
}

export class AutoRefresh {
  private settingsValue: AutoRefreshSettings = AUTO_REFRESH_OFF;
  private timer: unknown;
  private running: Promise<void> | undefined;
  private awaySince: number | undefined;
  private disposed = false;
  private clock: Clock;
  /** Refreshes started, for the log and the tests. */
  count = 0;

  constructor(private readonly host: AutoRefreshHost) {
    this.clock = host.clock ?? systemClock;
  }

  /** Another clock from now on (the extension-host tests drive the interval with one); the interval restarts on it. */
  useClock(clock: Clock): void {
    this.schedule(undefined);
    this.clock = clock;
    this.schedule(this.intervalMs());
  }

  get settings(): AutoRefreshSettings {
    return this.settingsValue;
  }

  /** The interval in ms, or undefined when it is off. */
  private intervalMs(): number | undefined {
    const m = this.settingsValue.intervalMinutes;
    return Number.isFinite(m) && m > 0 ? m * 60_000 : undefined;
  }

  /** New settings take effect at once: the next interval counts from now. */
  configure(s: AutoRefreshSettings): void {
    if (this.disposed) return;
    this.settingsValue = s;
    this.schedule(this.intervalMs());
  }

  private schedule(ms: number | undefined): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = ms === undefined || this.disposed ? undefined : this.clock.setTimeout(() => this.due('interval'), ms);
  }

  /** The window gained (true) or lost (false) the focus. */
  focusChanged(focused: boolean): void {
    if (this.disposed) return;
    if (!focused) {
      this.awaySince ??= this.clock.now();
      return;
    }
    const since = this.awaySince;
    this.awaySince = undefined;
    if (this.settingsValue.onFocus && since !== undefined && this.clock.now() - since >= AWAY_MS) this.due('focus');
  }

  private due(reason: 'interval' | 'focus'): void {
    if (this.disposed) return;
    if (this.running) {
      // One refresh at a time: this one is already bringing the data up to date.
      if (reason === 'interval') this.schedule(this.intervalMs());
      return;
    }
    if (this.host.busy()) {
      // Never in the middle of a change: look again shortly.
      // (The timer's refresh counts as an interval one; with no interval set it is the focus refresh that waited.)
      this.schedule(Math.min(BUSY_RETRY_MS, this.intervalMs() ?? BUSY_RETRY_MS));
      return;
    }
    this.start(reason);
  }

  private start(reason: 'interval' | 'focus'): void {
    this.count++;
    this.running = Promise.resolve()
      .then(() => this.host.refresh(reason))
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        this.running = undefined;
        // The next interval counts from the end of this refresh.
        if (!this.disposed) this.schedule(this.intervalMs());
      });
  }

  /** The refresh in flight, if any (tests and deactivation wait on it). */
  get inFlight(): Promise<void> | undefined {
    return this.running;
  }

  dispose(): void {
    this.disposed = true;
    this.schedule(undefined);
  }
}
