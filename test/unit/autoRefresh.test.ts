// The automatic refresh (auroraSg.autoRefresh.*) on a clock the test moves: off by default, every
// interval, on focus only after being away a while, never two at a time, never during a change,
// settings take effect at once, nothing after dispose.
import * as assert from 'node:assert/strict';
import { AutoRefresh, AWAY_MS, BUSY_RETRY_MS } from '../../src/state/autoRefresh';
import { FakeClock } from '../harness/fakeClock';
import { deferred, tick, type Deferred } from './async';

const MIN = 60_000;

function scheduler(o: { busy?: () => boolean } = {}) {
  const clock = new FakeClock();
  const calls: string[] = [];
  let gate: Deferred<void> | undefined;
  const s = new AutoRefresh({
    clock,
    busy: o.busy ?? (() => false),
    refresh: async (reason) => {
      calls.push(reason);
      if (gate) await gate.promise;
    },
  });
  return {
    s,
    clock,
    calls,
    hold: () => (gate = deferred<void>()),
    release: () => gate?.resolve(),
  };
}

describe('auto refresh', () => {
  it('is off by default: no timer, and no refresh on focus', async () => {
    const { s, clock, calls } = scheduler();
    assert.deepEqual(s.settings, { intervalMinutes: 0, onFocus: false });
    s.configure(s.settings);
    assert.equal(clock.pending, 0);
    s.focusChanged(false);
    clock.advance(60 * MIN);
    s.focusChanged(true);
    await tick();
    assert.deepEqual(calls, []);
  });

  it('refreshes every interval, counted from the end of the last refresh', async () => {
    const { s, clock, calls } = scheduler();
    s.configure({ intervalMinutes: 5, onFocus: false });
    clock.advance(5 * MIN - 1);
    assert.deepEqual(calls, []);
    clock.advance(1);
    await tick();
    assert.deepEqual(calls, ['interval']);
    clock.advance(5 * MIN);
    await tick();
    assert.deepEqual(calls, ['interval', 'interval']);
  });

  it('on focus only after being away at least a minute; a quick switch does nothing', async () => {
    const { s, clock, calls } = scheduler();
    s.configure({ intervalMinutes: 0, onFocus: true });
    s.focusChanged(false);
    clock.advance(AWAY_MS - 1);
    s.focusChanged(true);
    await tick();
    assert.deepEqual(calls, []);
    s.focusChanged(false);
    clock.advance(AWAY_MS);
    s.focusChanged(true);
    await tick();
    assert.deepEqual(calls, ['focus']);
    // Focus without having been away (VS Code repeats focus events) refreshes nothing.
    s.focusChanged(true);
    await tick();
    assert.deepEqual(calls, ['focus']);
  });

  it('never runs two refreshes at once: one due while another runs is skipped', async () => {
    const h = scheduler();
    h.s.configure({ intervalMinutes: 1, onFocus: true });
    h.hold();
    h.clock.advance(MIN);
    await tick();
    assert.deepEqual(h.calls, ['interval']);
    assert.ok(h.s.inFlight);
    h.s.focusChanged(false);
    h.clock.advance(AWAY_MS);
    h.s.focusChanged(true);
    assert.deepEqual(h.calls, ['interval'], 'the focus refresh joins the one in flight');
    h.release();
    await h.s.inFlight;
    assert.equal(h.s.inFlight, undefined);
    h.clock.advance(MIN);
    await tick();
    assert.deepEqual(h.calls, ['interval', 'interval']);
  });

  it('waits while a change runs, then refreshes', async () => {
    let busy = true;
    const { s, clock, calls } = scheduler({ busy: () => busy });
    s.configure({ intervalMinutes: 1, onFocus: false });
    clock.advance(MIN);
    await tick();
    assert.deepEqual(calls, []);
    clock.advance(BUSY_RETRY_MS);
    await tick();
    assert.deepEqual(calls, [], 'still busy');
    busy = false;
    clock.advance(BUSY_RETRY_MS);
    await tick();
    assert.deepEqual(calls, ['interval']);
  });

  it('a focus refresh that had to wait for a change comes once the change is done, with no interval set', async () => {
    let busy = true;
    const { s, clock, calls } = scheduler({ busy: () => busy });
    s.configure({ intervalMinutes: 0, onFocus: true });
    s.focusChanged(false);
    clock.advance(AWAY_MS);
    s.focusChanged(true);
    await tick();
    assert.deepEqual(calls, []);
    busy = false;
    clock.advance(BUSY_RETRY_MS);
    await tick();
    assert.equal(calls.length, 1);
    clock.advance(60 * MIN);
    await tick();
    assert.equal(calls.length, 1, 'and no interval starts from it');
  });

  it('a changed setting takes effect at once: a new interval counts from now, 0 stops it', async () => {
    const { s, clock, calls } = scheduler();
    s.configure({ intervalMinutes: 10, onFocus: false });
    clock.advance(9 * MIN);
    s.configure({ intervalMinutes: 2, onFocus: false });
    clock.advance(2 * MIN);
    await tick();
    assert.deepEqual(calls, ['interval']);
    s.configure({ intervalMinutes: 0, onFocus: false });
    assert.equal(clock.pending, 0);
    clock.advance(60 * MIN);
    await tick();
    assert.deepEqual(calls, ['interval']);
  });

  it('nothing happens after dispose (deactivation)', async () => {
    const { s, clock, calls } = scheduler();
    s.configure({ intervalMinutes: 1, onFocus: true });
    s.dispose();
    assert.equal(clock.pending, 0);
    clock.advance(10 * MIN);
    s.focusChanged(false);
    clock.advance(AWAY_MS);
    s.focusChanged(true);
    s.configure({ intervalMinutes: 1, onFocus: true });
    clock.advance(10 * MIN);
    await tick();
    assert.deepEqual(calls, []);
  });
});
