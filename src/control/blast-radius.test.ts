import { afterEach, describe, expect, it } from 'vitest';
import { testApp } from '../../test/support/api.js';
import { converged, harness, simLive, type Harness } from '../../test/support/harness.js';
import { parseConfig } from '../config/load.js';
import { BLAST_RADIUS_INTERVAL_MS } from './constants.js';

let h: Harness;
afterEach(() => h?.close());

const terminating = async () => (await h.store.listEvents({ pool: 'analysis' })).filter((e) => e.reason === 'Terminating').length;

async function fleetOf(n: number): Promise<void> {
  h = await harness({ sim: { bootSeconds: { min: 1, max: 2 } } });
  await h.store.setDesired('analysis', n);
  await h.tickUntil(() => converged(h.store, n));
}

describe('blast-radius guard (sim, virtual clock)', () => {
  it('a scale-in from 20 to 2 terminates at most half of the healthy machines per interval, says so as BlastRadiusHold, and finishes over the next intervals', async () => {
    await fleetOf(20);
    await h.store.setDesired('analysis', 2);
    await h.runTick();
    expect(await terminating()).toBe(10);
    const [hold] = await h.store.listConditions({ pool: 'analysis', type: 'BlastRadiusHold' });
    expect(hold?.message).toMatch(/^8 of 18 scale-in terminations held: at most 10 of 20 healthy machines \(50%\) go per 60 s; .*flotte scale analysis 2 --allow-destroy/);
    expect((await h.store.listEvents({ pool: 'analysis' })).filter((e) => e.reason === 'BlastRadiusHold')).toHaveLength(1);

    // Still within the interval: nothing more goes.
    for (let i = 0; i < 5; i++) {
      await h.clock.advance(5_000);
      await h.runTick();
    }
    expect(await terminating()).toBe(10);
    expect((await h.store.listEvents({ pool: 'analysis' })).filter((e) => e.reason === 'BlastRadiusHold')).toHaveLength(1);

    await h.clock.advance(BLAST_RADIUS_INTERVAL_MS);
    await h.tickUntil(() => converged(h.store, 2), { maxTicks: 100 });
    expect(await h.store.listConditions({ pool: 'analysis' })).toEqual([]);
    expect(simLive(h.sim)).toHaveLength(2);
  });

  it('--allow-destroy (allowDestroy on the change) lets the same scale-in go at once', async () => {
    await fleetOf(20);
    await h.store.setDesired('analysis', 2);
    await h.store.allowDestroy(['analysis']);
    await h.runTick();
    expect(await terminating()).toBe(18);
    expect(await h.store.listConditions({ pool: 'analysis' })).toEqual([]);
  });

  it('an allowance outlives a restart of flotte up, which applies its unchanged flotte.yaml again: the scale-in still goes at once', async () => {
    await fleetOf(20);
    await h.store.setDesired('analysis', 2);
    await h.store.allowDestroy(['analysis']);
    // What `flotte up` does at each start (after a crash too), before its first tick.
    await h.store.applyConfig((await h.store.currentConfig())!, h.clock.now());
    await h.restart();
    await h.runTick();
    expect(await terminating()).toBe(18);
    expect(await h.store.listConditions({ pool: 'analysis' })).toEqual([]);
  });

  it('an allowance ends with the change it was given for: a later scale-in without it is guarded again', async () => {
    await fleetOf(20);
    await h.store.setDesired('analysis', 16);
    await h.store.allowDestroy(['analysis']);
    await h.store.setDesired('analysis', 2);
    await h.runTick();
    expect(await terminating()).toBe(10);
  });

  it('a second, separate change is its own source, with its own share of what is left', async () => {
    await fleetOf(20);
    await h.store.setDesired('analysis', 10);
    await h.runTick();
    expect(await terminating()).toBe(10);
    await h.clock.advance(5_000);
    await h.store.setDesired('analysis', 2);
    await h.runTick();
    expect(await terminating()).toBe(15); // half of the 10 still ready
  });

  it('replacing dead machines is never held, however many died', async () => {
    await fleetOf(10);
    h.sim.kill(simLive(h.sim).slice(0, 8).map((m) => m.id));
    await h.tickUntil(() => converged(h.store, 10), { maxTicks: 100 });
    expect((await h.store.listEvents({ pool: 'analysis' })).filter((e) => e.reason === 'BlastRadiusHold')).toEqual([]);
  });
  it('an apply said with allowDestroy lets its shrink go at once, as --allow-destroy on a scale does', async () => {
    await fleetOf(20);
    const t = await testApp({ store: h.store, clock: h.clock, parseConfig });
    try {
      const source = [
        'cluster: test',
        'providers:',
        '  sim: { type: sim, zones: [sim-a, sim-b, sim-c] }',
        'templates:',
        '  small: { provider: sim, image: img-1, sizes: [m5.large, m6i.large], zones: [sim-a, sim-b, sim-c] }',
        'pools:',
        '  analysis: { template: small, min: 0, max: 2000, desired: 2 }',
        '',
      ].join('\n');
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/apply', headers: t.headers, payload: { source, file: 'flotte.yaml', allowDestroy: true } });
      expect(res.statusCode, res.body).toBe(200);
      await h.runTick();
      expect(await terminating()).toBe(18);
      expect(await h.store.listConditions({ pool: 'analysis' })).toEqual([]);
    } finally {
      await t.app.close();
    }
  });
});
