import { afterEach, describe, expect, it } from 'vitest';
import { scalingRig, scalingSpec, type ScalingRig } from '../../test/support/scaling.js';
import { testApp } from '../../test/support/api.js';
import { VirtualClock } from '../clock/virtual-clock.js';
import { parseConfig } from '../config/load.js';
import type { ScalingDecision } from '../domain/scaling/decision.js';
import type { MetricSourceSpec } from '../domain/scaling/spec.js';
import { traceValue } from '../domain/scaling/trace.js';
import { formatExplain, type DecisionsPage } from '../cli/explain-format.js';

const MIN = 60_000;
const DAY = 86_400_000;
const MONDAY = Date.UTC(2026, 0, 5);
const THURSDAY_9 = MONDAY + 3 * DAY + 9 * 3_600_000;

/** A backlog that swells every day from 200 at night to 1,000 at 14:00 UTC: the `trace` source's daily curve, no bursts. */
const curve = { kind: 'daily', base: 200, peak: 1_000, peakHour: 14, spikesPerDay: 0, spikeHeight: 0, spikeMinutes: 20, growthPerDay: 0, seed: 1 } as const;
const source: MetricSourceSpec = { type: 'trace', curve };

/** The pool's past as the autoscaler leaves it when steady: a decision a minute (DECISION_HEARTBEAT_MS), each with the backlog it read. */
async function storedPast(rig: ScalingRig, from: number, to: number): Promise<void> {
  for (let at = from; at < to; at += MIN) {
    const value = traceValue(curve, at);
    const d: ScalingDecision = { pool: 'analysis', at, current: 10, desired: 10, recommendation: 10, inputs: [{ metric: 'backlog', value, at }], proposals: [], adjustments: [], dryRun: false, summary: 'hold at 10' };
    await rig.store.recordDecision(d);
  }
}

async function rigAt(mode: 'on' | 'forecast-only'): Promise<ScalingRig> {
  const spec = scalingSpec(source, { policies: [{ type: 'target-tracking', metric: 'backlog', target: 10, aggregate: 'total', tolerance: 0.1, predictive: { mode, lead: 1800, history: 14 * 86_400 } }] });
  const rig = await scalingRig(spec, { desired: 71, max: 200 }, new VirtualClock(THURSDAY_9));
  await storedPast(rig, MONDAY, THURSDAY_9);
  return rig;
}

describe('predictive scaling in the live autoscaler', () => {
  let rig: ScalingRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('forecast-only: reads its history back from stored decisions, records the forecast, acts on the present', async () => {
    rig = await rigAt('forecast-only');
    // 09:00 Thursday: backlog ≈ 703 (71 machines at 10 each); 09:30 is forecast ≈ 753 from Monday to Wednesday.
    const [d] = await rig.autoscaler.runOnce();
    expect(d!.desired).toBe(71);
    expect(await rig.desired()).toBe(71);
    const f = d!.proposals[0]!.forecast!;
    expect(f).toMatchObject({ metric: 'backlog', at: THURSDAY_9 + 30 * MIN, desired: 76, acting: false });
    expect(Math.abs(f.value / traceValue(curve, f.at) - 1)).toBeLessThan(0.005);
    expect(f.actual).toBe(Math.round(traceValue(curve, THURSDAY_9))); // the trace source reads whole jobs: 704

    const api = await testApp({ store: rig.store, clock: rig.clock, parseConfig });
    try {
      const res = await api.app.inject({ method: 'GET', url: '/api/v1/pools/analysis/decisions?limit=1', headers: api.headers });
      expect(res.statusCode).toBe(200);
      const text = formatExplain(res.json<DecisionsPage>());
      expect(text).toMatch(/\n {6}forecast: model 70\d\.\d now, actual 704 now; backlog 75\d\.\d expected at 2026-01-08T09:30:00\.000Z → would set 76 \(forecast-only: not acted on\)\n/);
    } finally {
      await api.app.close();
    }
  });

  it('on: scales ahead to the forecast one lead before the load arrives', async () => {
    rig = await rigAt('on');
    const [d] = await rig.autoscaler.runOnce();
    expect(d!.desired).toBe(76);
    expect(await rig.desired()).toBe(76);
    expect(d!.summary).toMatch(/^scale out 71 → 76/);
    expect(d!.proposals[0]!.why).toMatch(/, ahead of the present load/);
  });
});
