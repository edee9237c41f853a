// A clock a test moves by hand, for code that takes an injected WatchClock (src/state/temporaryWatch.ts):
// timers fire when the clock passes their time, never on their own.
import type { WatchClock } from '../../src/state/temporaryWatch';

export interface ManualClock extends WatchClock {
  /** Moves the time on and fires the timers now due. */
  advance(ms: number): void;
  /** Timers armed and not yet fired or cancelled. */
  readonly timers: number;
}

export function manualClock(start: number): ManualClock {
  let now = start;
  let timers: { at: number; fn: () => void; live: boolean }[] = [];
  return {
    now: () => now,
    setTimer(ms, fn) {
      const t = { at: now + ms, fn, live: true };
      timers.push(t);
      return { cancel: () => void (t.live = false) };
    },
    advance(ms) {
      now += ms;
      const due = timers.filter((t) => t.live && t.at <= now);
      timers = timers.filter((t) => !due.includes(t));
      for (const t of due) {
        t.live = false;
        t.fn();
      }
    },
    get timers() {
      return timers.filter((t) => t.live).length;
    },
  };
}
