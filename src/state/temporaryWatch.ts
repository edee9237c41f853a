// Revokes temporary rules when they expire while VS Code is open, and the expired ones a load
// finds (at start-up: rules that expired while VS Code was closed). No `vscode` here: the clock
// and the timer are injected, so the timing is tested without waiting.
import { nextExpiry, temporaryRules } from '../domain/temporaryAccess';
import type { RegionIndex } from '../domain/model';

export interface WatchClock {
  now(): number;
  setTimer(ms: number, fn: () => void): { cancel(): void };
}

export const realClock: WatchClock = {
  now: () => Date.now(),
  setTimer: (ms, fn) => {
    // setTimeout's limit is 2^31-1 ms (about 24.8 days): a longer wait is re-armed.
    const h = setTimeout(fn, Math.min(Math.max(0, ms), 2 ** 31 - 1));
    return { cancel: () => clearTimeout(h) };
  },
};

export interface TemporaryWatchHost {
  /** The loaded Regions' data. */
  indexes(): Promise<{ region: string; idx: RegionIndex }[]>;
  /** Whether expired rules are removed (the setting); otherwise they are only shown as findings. */
  autoRevoke(): boolean;
  /** Removes the expired temporary rules of a Region (ops/temporaryAccess revokeTemporary). */
  revokeExpired(region: string, idx: RegionIndex): Promise<void>;
  /** Something to repaint (the tree's time-left labels). */
  tick?(): void;
}

export class TemporaryWatch {
  private timer: { cancel(): void } | undefined;
  private minute: { cancel(): void } | undefined;
  private running = false;
  private again = false;
  private disposed = false;

  constructor(
    private readonly host: TemporaryWatchHost,
    readonly clock: WatchClock = realClock,
  ) {}

  /** After the data changed (a load, a change): revoke what has expired, and arm the next expiry. */
  check(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return Promise.resolve();
    }
    this.running = true;
    return this.pass().finally(() => {
      this.running = false;
      if (this.again) {
        this.again = false;
        void this.check();
      }
    });
  }

  private async pass(): Promise<void> {
    const now = this.clock.now();
    const loaded = await this.host.indexes();
    if (this.host.autoRevoke()) {
      for (const { region, idx } of loaded) {
        if (temporaryRules(idx).some((t) => t.mark.expiresAt <= now)) await this.host.revokeExpired(region, idx).catch(() => undefined);
      }
    }
    this.arm(loaded.flatMap(({ idx }) => temporaryRules(idx)));
  }

  private arm(rules: ReturnType<typeof temporaryRules>): void {
    this.timer?.cancel();
    this.minute?.cancel();
    this.timer = this.minute = undefined;
    if (this.disposed || !rules.length) return;
    const now = this.clock.now();
    const next = nextExpiry(rules, now);
    if (next !== undefined && this.host.autoRevoke()) this.timer = this.clock.setTimer(next - now, () => void this.check());
    // The time left shown in the tree, once a minute while there is any temporary rule.
    if (this.host.tick)
      this.minute = this.clock.setTimer(60_000 - (now % 60_000), () => {
        this.host.tick?.();
        void this.host.indexes().then((l) => this.arm(l.flatMap(({ idx }) => temporaryRules(idx))));
      });
  }

  dispose(): void {
    this.disposed = true;
    this.timer?.cancel();
    this.minute?.cancel();
  }
}
