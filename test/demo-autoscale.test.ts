import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../src/clock/virtual-clock.js';
import { startFlotte, type RunningFlotte } from '../src/main.js';
import { killAgents } from './support/local.js';
import { tempDir } from './support/process.js';

/**
 * The built-in demo, composed by main.ts as `flotte up` runs it, on a virtual clock: over one
 * (30-minute) demo day the autoscaler drives `analysis` from the trace, out to the afternoon
 * peak and back in, without flapping.
 */
describe('flotte up demo: the analysis pool breathes', () => {
  let flotte: RunningFlotte | undefined;
  const dataDir = tempDir();
  afterAll(async () => {
    await flotte?.close();
    await killAgents(dataDir); // the demo's local pool runs real agent processes, which outlive the controller
  });

  it('follows the built-in workload out and in over a demo day', async () => {
    const clock = new VirtualClock();
    flotte = await startFlotte({ dataDir, host: '127.0.0.1', port: 0, clock, logger: pino({ level: 'silent' }) });
    const desired: number[] = [];
    for (let t = 0; t < 1_800; t += 5) {
      await clock.advance(5_000);
      desired.push((await flotte.store.getPool('analysis'))!.desired);
    }
    const peak = Math.max(...desired);
    const peakAt = desired.indexOf(peak);
    expect(desired[6]).toBeLessThan(20); // the night: about 10 machines of backlog
    expect(peak).toBeGreaterThanOrEqual(55); // the afternoon peak, bursts on top
    expect(Math.min(...desired.slice(peakAt))).toBeLessThan(peak / 2); // and back in as the day ends
    // No flapping: once past the peak, the pool does not go back out except on a burst.
    const changes = desired.filter((n, i) => i > 0 && n !== desired[i - 1]).length;
    const moves = desired.flatMap((n, i) => (i > 0 && n !== desired[i - 1] ? [Math.sign(n - desired[i - 1]!)] : []));
    const reversals = moves.filter((m, i) => i > 0 && m !== moves[i - 1]).length;
    expect(changes).toBeGreaterThan(10);
    expect(reversals).toBeLessThanOrEqual(12);
    expect(peakAt).toBeGreaterThan(0);
    const decisions = await flotte.store.listDecisions({ pool: 'analysis', limit: 500 });
    expect(decisions.some((d) => d.adjustments.some((a) => a.stage === 'stabilization'))).toBe(true);
    const ready = (await flotte.store.listMachines({ pool: 'analysis' })).filter((m) => m.state === 'ready').length;
    expect(ready).toBeGreaterThan(0);
    console.log(`demo day: desired every 5 min = ${desired.filter((_, i) => i % 60 === 0).join(', ')}; peak ${peak}; ${changes} changes, ${reversals} reversals`);
  }, 120_000);
});
