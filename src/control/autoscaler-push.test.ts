import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { testApp, type TestApp } from '../../test/support/api.js';
import { appliedConfig, poolSpec, simTemplate } from '../../test/support/builders.js';
import { scalingSpec } from '../../test/support/scaling.js';
import { testStore } from '../../test/support/test-env.js';
import { parseConfig } from '../config/load.js';
import { VirtualClock } from '../clock/virtual-clock.js';
import { PUSH_POLL_MS, PushedSamples } from '../metrics/pushed.js';
import { openSource } from '../metrics/sources.js';
import type { Store } from '../store/store.js';
import { Autoscaler } from './autoscaler.js';
import { CHANGE_EVALUATION_GAP_MS } from './constants.js';

/** How long to wait for what a change sets off: generous for a loaded machine; no figure here is a timing claim. */
const WAIT = { timeout: 10_000, interval: 20 };

/**
 * A pool fed by pushes, evaluated every 60 s on a virtual clock that the tests move only by
 * less than that: any decision after a push was made because of the push, not by the interval.
 */
interface Rig {
  clock: VirtualClock;
  store: Store;
  api: TestApp;
  pushed: PushedSamples;
  /** Metric reads so far: one per evaluation. */
  reads(): number;
  desired(): Promise<number>;
  push(value: number): Promise<number>;
  stop(): Promise<void>;
}

async function rig(opts: { inProcess: boolean }): Promise<Rig> {
  const clock = new VirtualClock();
  const scaling = scalingSpec({ type: 'push' }, { evaluationInterval: 60 });
  const store = await testStore(appliedConfig({ templates: [simTemplate({ zones: ['sim-a'] })], pools: [poolSpec({ max: 100, zones: ['sim-a'], scaling })] }), clock);
  const pushed = new PushedSamples(store.pushedMetrics, clock);
  let reads = 0;
  const counting: typeof openSource = (spec, env) => {
    const source = openSource(spec, env);
    return { read: (signal) => (reads++, source.read(signal)), close: () => source.close() };
  };
  const autoscaler = new Autoscaler({ store, clock, log: pino({ level: 'silent' }), pushed, openSource: counting });
  // Without the hand-over, the API is another process's: the sample reaches the controller through the store.
  const api = await testApp({ store, clock, parseConfig, ...(opts.inProcess && { samplesPushed: (s) => pushed.deliver(s) }) });
  const { headers } = await api.as('pusher');
  const stop = new AbortController();
  const running = Promise.all([autoscaler.run(stop.signal), pushed.run(stop.signal)]);
  // The first evaluation, with nothing pushed yet, holds; then time moves past the change gap (still far inside the interval).
  await vi.waitFor(() => expect(reads).toBe(1), WAIT);
  await clock.advance(1_000);
  return {
    clock,
    store,
    api,
    pushed,
    reads: () => reads,
    desired: async () => (await store.getPool('analysis'))!.desired,
    async push(value) {
      const res = await api.app.inject({ method: 'POST', url: '/api/v1/pools/analysis/metrics', headers, payload: { samples: [{ metric: 'backlog', value }] } });
      return res.statusCode;
    },
    async stop() {
      stop.abort();
      await clock.advance(0);
      await running;
      await api.app.close();
      await store.close();
    },
  };
}

describe('pushed metrics: the autoscaler decides on arrival', () => {
  let r: Rig | undefined;
  afterEach(async () => {
    await r?.stop();
    r = undefined;
  });

  it('in one process (flotte up), a push that crosses the target scales out with no time passing', async () => {
    r = await rig({ inProcess: true });
    expect(await r.desired()).toBe(0);
    expect(await r.push(1_000)).toBe(200);
    await vi.waitFor(async () => expect(await r!.desired()).toBe(10), WAIT);
    const [last] = await r.store.listDecisions({ pool: 'analysis', limit: 1 });
    expect(last!.inputs).toEqual([{ metric: 'backlog', value: 1_000, at: r.clock.now() }]);
  });

  it("through another process's API, the controller finds the sample in the store within PUSH_POLL_MS", async () => {
    r = await rig({ inProcess: false });
    expect(await r.push(1_000)).toBe(200);
    await r.clock.advance(0);
    expect(await r.desired()).toBe(0);
    await r.clock.advance(PUSH_POLL_MS);
    await vi.waitFor(async () => expect(await r!.desired()).toBe(10), WAIT);
  });

  it('a storm of pushes makes one evaluation per gap, and the one at the end of the gap reads the last value', async () => {
    r = await rig({ inProcess: true });
    for (let v = 100; v <= 2_000; v += 100) expect(await r.push(v)).toBe(200);
    await vi.waitFor(async () => expect(await r!.desired()).toBeGreaterThan(0), WAIT);
    // Pushes that arrive within the gap after an evaluation began wait for its end, together.
    await r.clock.advance(CHANGE_EVALUATION_GAP_MS);
    await vi.waitFor(async () => expect(await r!.desired()).toBe(20), WAIT);
    const evaluations = r.reads() - 1;
    expect(evaluations).toBeLessThanOrEqual(2);
    for (const v of [2_500, 2_900, 3_000]) expect(await r.push(v)).toBe(200);
    await r.clock.advance(CHANGE_EVALUATION_GAP_MS - 1);
    expect(await r.desired()).toBe(20);
    expect(r.reads() - 1).toBe(evaluations);
    await r.clock.advance(1);
    await vi.waitFor(async () => expect(await r!.desired()).toBe(30), WAIT);
    expect(r.reads() - 1).toBe(evaluations + 1);
  });

  it('the stabilization window still holds a scale-in that a push asks for', async () => {
    r = await rig({ inProcess: true });
    expect(await r.push(1_000)).toBe(200);
    await vi.waitFor(async () => expect(await r!.desired()).toBe(10), WAIT);
    await r.clock.advance(CHANGE_EVALUATION_GAP_MS);
    const reads = r.reads();
    expect(await r.push(0)).toBe(200);
    await vi.waitFor(() => expect(r!.reads()).toBe(reads + 1), WAIT);
    await r.clock.advance(0);
    expect(await r.desired()).toBe(10);
    const [last] = await r.store.listDecisions({ pool: 'analysis', limit: 1 });
    expect(last!.adjustments.map((a) => a.stage)).toEqual(['stabilization']);
  });
});
