import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from './virtual-clock.js';

describe('VirtualClock', () => {
  it('wakes sleepers in deadline order, and a sleep cut short by its signal never wakes', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 11, 6, 9));
    const woke: string[] = [];
    const stop = new AbortController();
    void clock.sleep(3000).then(() => woke.push('late'));
    void clock.sleep(1000).then(() => woke.push('early'));
    const cut = clock.sleep(2000, stop.signal).then(() => woke.push('cut'), () => woke.push('aborted'));
    stop.abort();
    await cut;
    await clock.advance(5000);
    expect(woke).toEqual(['aborted', 'early', 'late']);
    expect(clock.now()).toBe(Date.UTC(2026, 11, 6, 9, 0, 5));
  });

  it('leaves no abort listener behind once a sleep has woken, however many sleeps share the signal', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 11, 6, 9));
    const stop = new AbortController();
    for (let i = 0; i < 50; i++) {
      const slept = clock.sleep(60_000, stop.signal);
      await clock.advance(60_000);
      await slept;
    }
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
    // And one still asleep holds exactly its own.
    void clock.sleep(60_000, stop.signal).catch(() => undefined);
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(1);
  });
});
