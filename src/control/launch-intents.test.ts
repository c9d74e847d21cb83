import { afterEach, describe, expect, it } from 'vitest';
import { TAG } from '../domain/types.js';
import { ProviderError, type LaunchRequest } from '../providers/provider.js';
import { converged, harness, simLive, type Harness } from '../../test/support/harness.js';

let h: Harness;
afterEach(() => h?.close());

/**
 * Crashes the controller between the cloud's launch and its reply: the cloud makes every
 * machine asked for, the answer never comes back, and the controller is rebuilt from the store
 * as a restarted process would be, before it recorded a single id.
 */
async function crashAfterTheCloudLaunched(expected: number): Promise<LaunchRequest[]> {
  const launch = h.sim.launch.bind(h.sim);
  const sent: LaunchRequest[] = [];
  let made = 0;
  h.sim.launch = async (req, signal) => {
    sent.push(req);
    const r = await launch(req, signal);
    made += r.launched.length;
    return new Promise(() => undefined);
  };
  void h.controller.tick();
  for (let i = 0; i < 600 && made < expected; i++) await h.clock.advance(100);
  expect(made).toBe(expected);
  h.sim.launch = launch;
  await h.restart();
  return sent;
}

/** Ticks until converged, sampling the cloud after every tick; returns the most live machines seen. */
async function convergeSampling(desired: number): Promise<number> {
  let most = 0;
  await h.tickUntil(async () => {
    most = Math.max(most, simLive(h.sim).length);
    return converged(h.store, desired);
  }, { stepMs: 1_000, maxTicks: 300 });
  return most;
}

const launchCalls = () => h.sim.calls.filter((c) => c.action === 'launch');

describe('launch intents after a crash, on a cloud that forgets ClientToken', () => {
  it('a launch the cloud made but whose reply was lost is resolved from what is seen: nothing re-sent, never more than desired', async () => {
    h = await harness({ sim: { forgetClientToken: true, listDelayMs: 8_000 } });
    await h.store.setDesired('analysis', 190);
    const sent = await crashAfterTheCloudLaunched(190);
    expect(sent.map((r) => r.count).reduce((a, b) => a + b)).toBe(190);
    const callsBefore = launchCalls().length;

    expect(await convergeSampling(190)).toBe(190);
    expect(h.sim.all()).toHaveLength(190);
    expect(launchCalls()).toHaveLength(callsBefore);
    expect(await h.store.listIntents({ status: 'open' })).toEqual([]);
    const events = await h.store.listEvents({ pool: 'analysis' });
    expect(events.filter((e) => e.reason === 'Adopted')).toHaveLength(190);
    expect(events.filter((e) => e.reason === 'IntentResolved')).toHaveLength(sent.length);
  });

  it('a launch the cloud made only in part: only the missing machines are launched, as a new request with its own token', async () => {
    h = await harness({ sim: { forgetClientToken: true, listDelayMs: 8_000, zoneCapacity: { 'sim-a': 6 } }, pools: [{ zones: ['sim-a'] }] });
    await h.store.setDesired('analysis', 9);
    const [first] = await crashAfterTheCloudLaunched(6);
    expect(first!.count).toBe(9);
    h.sim.setZoneCapacity('sim-a', undefined);
    const callsBefore = launchCalls().length;

    expect(await convergeSampling(9)).toBe(9);
    expect(h.sim.all()).toHaveLength(9);
    const after = launchCalls().slice(callsBefore);
    expect(after.map((c) => c.count)).toEqual([3]);
    const tokens = new Set(simLive(h.sim).map((m) => m.tags[TAG.intent]));
    expect(tokens.size).toBe(2);
    expect(tokens.has(first!.token)).toBe(true);
    const resolved = (await h.store.listEvents({ pool: 'analysis' })).find((e) => e.reason === 'IntentResolved')!;
    expect(resolved.message).toMatch(/6 of 9 .* the missing 3 launched as li-/);
  });

  it('machines not listed yet right after the restart do not cause a second launch', async () => {
    // Listed only 50 s after their launch: still within the sim's list grace of 55 s.
    h = await harness({ sim: { forgetClientToken: true, listDelayMs: 50_000 } });
    await h.store.setDesired('analysis', 12);
    await crashAfterTheCloudLaunched(12);
    const callsBefore = launchCalls().length;
    expect(await convergeSampling(12)).toBe(12);
    expect(launchCalls()).toHaveLength(callsBefore);
    expect(h.sim.all()).toHaveLength(12);
  });

  it('a reply lost to a network error, no restart: the same controller waits for the list and launches nothing twice', async () => {
    h = await harness({ sim: { forgetClientToken: true, listDelayMs: 8_000 } });
    const launch = h.sim.launch.bind(h.sim);
    h.sim.launch = async (req, signal) => {
      await launch(req, signal);
      h.sim.launch = launch;
      throw new ProviderError('unavailable', 'socket hang up');
    };
    await h.store.setDesired('analysis', 7);
    expect(await convergeSampling(7)).toBe(7);
    expect(h.sim.all()).toHaveLength(7);
    // One launch per zone, each answered with the error: none sent again.
    expect(launchCalls()).toHaveLength(3);
  });
});
