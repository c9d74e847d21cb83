import { describe, expect, it } from 'vitest';
import type { MetricSample, ScalingState } from './decision.js';
import { opinion, propose } from './policies.js';
import type { PolicySpec } from './spec.js';

const T0 = Date.UTC(2026, 0, 5, 12); // a Monday, noon UTC: 13:00 in Paris

const total = (target: number, tolerance = 0.1): PolicySpec => ({ type: 'target-tracking', metric: 'backlog', target, aggregate: 'total', tolerance });
const average = (target: number, tolerance = 0.1): PolicySpec => ({ type: 'target-tracking', metric: 'cpu', target, aggregate: 'average', tolerance });
const steps = (adjustment: 'absolute' | 'percent', ...s: { lower?: number; upper?: number; change: number }[]): PolicySpec => ({ type: 'step', metric: 'backlog', adjustment, steps: s });
const schedule = (over: Partial<Extract<PolicySpec, { type: 'schedule' }>> = {}): PolicySpec => ({ type: 'schedule', cron: '0 8 * * 1-5', timezone: 'Europe/Paris', duration: 10 * 3600, ...over });

const st = (over: Partial<ScalingState> = {}): ScalingState => ({ current: 10, min: 0, max: 100, warm: 10, warming: 0, history: [], ...over });
const sample = (values: Record<string, number>) => new Map<string, MetricSample>(Object.entries(values).map(([k, v]) => [k, { value: v, at: T0 }]));

const rows: [string, PolicySpec, Record<string, number>, Partial<ScalingState>, number | undefined, string][] = [
  ['total: value ÷ target, rounded up', total(100), { backlog: 2_501 }, {}, 26, 'backlog 2501 ÷ target 100 per machine = 26'],
  ['total: a fraction is shown with two decimals', total(100), { backlog: 2_500.5 }, {}, 26, 'backlog 2500.50 ÷ target 100 per machine = 26'],
  ['total: inside the tolerance band the size stays', total(100), { backlog: 1_080 }, {}, 10, 'backlog 1080 is 108 per machine, within 10% of the target 100'],
  ['total: the edge of the band is inside it', total(40, 0.25), { backlog: 500 }, {}, 10, 'backlog 500 is 50 per machine, within 25% of the target 40'],
  ['total: from zero machines', total(100), { backlog: 50 }, { current: 0, warm: 0 }, 1, 'backlog 50 ÷ target 100 per machine = 1'],
  ['total: no fresh value, no opinion', total(100), {}, {}, undefined, 'no fresh value of backlog'],
  ['average: warm machines × average ÷ target', average(50), { cpu: 90 }, { current: 4, warm: 4 }, 8, '4 warm machines × average cpu 90 ÷ target 50 = 8'],
  ['average: inside the band the size stays', average(50), { cpu: 52 }, { current: 4, warm: 4 }, 4, 'average cpu 52 is within 10% of the target 50'],
  ['average: the edge of the band is inside it', average(40, 0.25), { cpu: 50 }, { current: 4, warm: 4 }, 4, 'average cpu 50 is within 25% of the target 40'],
  ['average: warming machines block a scale-in', average(50), { cpu: 10 }, { current: 8, warm: 4, warming: 4 }, 8, 'average cpu 10 would allow 1, but 4 machines are still warming up'],
  ['average: warming machines do not block a scale-out', average(50), { cpu: 100 }, { current: 6, warm: 4, warming: 2 }, 8, '4 warm machines × average cpu 100 ÷ target 50 = 8'],
  ['average: warming machines do not block holding the size', average(50), { cpu: 75 }, { current: 6, warm: 4, warming: 2 }, 6, '4 warm machines × average cpu 75 ÷ target 50 = 6'],
  ['average: no warm machine, no opinion', average(50), { cpu: 90 }, { current: 4, warm: 0, warming: 4 }, undefined, 'no warm machine reports cpu'],
  ['average: no fresh value, no opinion', average(50), {}, {}, undefined, 'no fresh value of cpu'],
  ['step: the lower edge is in the band', steps('absolute', { lower: 500, upper: 1000, change: 2 }, { lower: 1000, change: 5 }), { backlog: 500 }, {}, 12, 'backlog 500 is in [500, 1000): +2 → 12'],
  ['step: the upper edge is in the next band', steps('absolute', { lower: 500, upper: 1000, change: 2 }, { lower: 1000, change: 5 }), { backlog: 1000 }, {}, 15, 'backlog 1000 is in [1000, +∞): +5 → 15'],
  ['step: below every band, no opinion', steps('absolute', { lower: 500, upper: 1000, change: 2 }), { backlog: 499 }, {}, undefined, "backlog 499 is in no step's band"],
  ['step: above every band, no opinion', steps('absolute', { lower: 500, upper: 1000, change: 2 }), { backlog: 1000 }, {}, undefined, "backlog 1000 is in no step's band"],
  ['step: a negative percent removes a share', steps('percent', { upper: 10, change: -30 }), { backlog: 0 }, {}, 7, 'backlog 0 is in [-∞, 10): -30% → 7'],
  ['step: a percent always moves at least one machine', steps('percent', { lower: 1000, change: 10 }), { backlog: 5_000 }, { current: 2 }, 3, 'backlog 5000 is in [1000, +∞): +10% → 3'],
  ['step: never below zero', steps('absolute', { upper: 10, change: -20 }), { backlog: 0 }, {}, 0, 'backlog 0 is in [-∞, 10): -20 → 0'],
  ['step: a band that changes nothing', steps('absolute', { lower: 0, change: 0 }), { backlog: 3 }, {}, 10, 'backlog 3 is in [0, +∞): +0 → 10'],
  ['step: no fresh value, no opinion', steps('absolute', { lower: 0, change: 1 }), {}, {}, undefined, 'no fresh value of backlog'],
  ['schedule: off', schedule({ cron: '0 8 * * 6', min: 20 }), {}, {}, undefined, 'not in its period'],
  ['schedule: on, with every bound', schedule({ min: 20, max: 40, desired: 25 }), {}, {}, 25, 'on since 2026-01-05T07:00:00.000Z for 36000 s: min 20, max 40, at least 25'],
  ['schedule: on, with a max only', schedule({ max: 40 }), {}, {}, undefined, 'on since 2026-01-05T07:00:00.000Z for 36000 s: max 40'],
  ['schedule: on, changing nothing', schedule(), {}, {}, undefined, 'on since 2026-01-05T07:00:00.000Z for 36000 s: no change'],
];

describe('policy proposals', () => {
  it.each(rows)('%s', (_name, policy, values, state, desired, why) => {
    const p = propose(policy, sample(values), st(state), T0);
    expect(p.desired).toBe(desired);
    expect('desired' in p).toBe(desired !== undefined);
    expect(p.why).toBe(why);
    // Without words, the same number.
    const o = opinion(policy, sample(values), st(state), T0, false);
    expect(o.desired).toBe(desired);
    expect(o.why).toBe('');
  });

  it('names the policy, and only a schedule carries bounds', () => {
    expect(propose(total(100), sample({ backlog: 100 }), st(), T0)).toEqual({ policy: 'target-tracking on backlog', type: 'target-tracking', desired: 1, why: 'backlog 100 ÷ target 100 per machine = 1' });
    expect(propose({ ...total(100), name: 'queue' }, sample({ backlog: 100 }), st(), T0).policy).toBe('queue');
    expect(propose(schedule({ min: 20 }), sample({}), st(), T0)).toEqual({
      policy: 'schedule "0 8 * * 1-5" (Europe/Paris)',
      type: 'schedule',
      why: 'on since 2026-01-05T07:00:00.000Z for 36000 s: min 20',
      bounds: { min: 20, max: undefined },
    });
    expect(opinion(schedule({ min: 20, max: 30 }), sample({}), st(), T0, false).bounds).toEqual({ min: 20, max: 30 });
    expect(opinion(schedule({ cron: '0 8 * * 6', min: 20 }), sample({}), st(), T0, false).bounds).toBeUndefined();
  });
});

describe('a predictive policy: the forecast beside the present load', () => {
  const MIN = 60_000;
  const policies = {
    on: { type: 'target-tracking', metric: 'rps', target: 10, aggregate: 'total', tolerance: 0.1, predictive: { mode: 'on', lead: 'auto', history: 14 * 86_400 } },
    'forecast-only': { type: 'target-tracking', metric: 'rps', target: 10, aggregate: 'total', tolerance: 0.1, predictive: { mode: 'forecast-only', lead: 'auto', history: 14 * 86_400 } },
  } satisfies Record<string, PolicySpec>;
  const predictive = (mode: 'on' | 'forecast-only'): PolicySpec => policies[mode];
  // 703 rps now on 40 machines: the reactive size is ceil(703 ÷ 10) = 71.
  const now = sample({ rps: 703 });
  // Forecasts are kept by policy (two policies on one metric may look ahead by different leads).
  const ahead = (value: number): Partial<ScalingState> => ({
    current: 40,
    warm: 40,
    forecasts: new Map<PolicySpec, { at: number; value: number; now: number }>(Object.values(policies).map((p) => [p, { at: T0 + 30 * MIN, value, now: T0 }])),
  });

  it('before any forecast was made it proposes what the present load needs, and records no forecast', () => {
    const p = propose(predictive('on'), now, st({ current: 40, warm: 40 }), T0);
    expect(p).toEqual({ policy: 'target-tracking on rps', type: 'target-tracking', desired: 71, why: 'rps 703 ÷ target 10 per machine = 71' });
  });

  it('acting on a forecast that asks for no more than the present load: the present load stands, and the forecast is told after it', () => {
    const same = propose(predictive('on'), now, st(ahead(705)), T0);
    expect(same.desired).toBe(71);
    expect(same.why).toBe('rps 703 ÷ target 10 per machine = 71; forecast rps 705 at 2026-01-05T12:30:00.000Z ÷ target 10 = 71');
    const lower = propose(predictive('on'), now, st(ahead(512.5)), T0);
    expect(lower.desired).toBe(71);
    expect(lower.why).toBe('rps 703 ÷ target 10 per machine = 71; forecast rps 512.50 at 2026-01-05T12:30:00.000Z ÷ target 10 = 52');
    expect(lower.forecast).toEqual({ metric: 'rps', at: T0 + 30 * MIN, value: 512.5, modelNow: T0, actual: 703, desired: 52, acting: true });
  });

  it('acting on a forecast above the present load says it scales ahead of it', () => {
    const p = propose(predictive('on'), now, st(ahead(760)), T0);
    expect(p.desired).toBe(76);
    expect(p.why).toBe('forecast rps 760 at 2026-01-05T12:30:00.000Z ÷ target 10 = 76, ahead of the present load (rps 703 ÷ target 10 per machine = 71)');
  });

  it('forecast only: a forecast at or below the present load would change nothing, one above would set its size', () => {
    expect(propose(predictive('forecast-only'), now, st(ahead(512.5)), T0).why).toBe('rps 703 ÷ target 10 per machine = 71; forecast only: forecast rps 512.50 at 2026-01-05T12:30:00.000Z ÷ target 10 = 52 would change nothing');
    expect(propose(predictive('forecast-only'), now, st(ahead(705)), T0).why).toBe('rps 703 ÷ target 10 per machine = 71; forecast only: forecast rps 705 at 2026-01-05T12:30:00.000Z ÷ target 10 = 71 would change nothing');
    const above = propose(predictive('forecast-only'), now, st(ahead(760)), T0);
    expect(above.desired).toBe(71);
    expect(above.why).toBe('rps 703 ÷ target 10 per machine = 71; forecast only: forecast rps 760 at 2026-01-05T12:30:00.000Z ÷ target 10 = 76 would set 76');
  });

  it('without words (a replay), the same numbers and forecast', () => {
    for (const [mode, value] of [['on', 760], ['on', 512.5], ['forecast-only', 760]] as const) {
      const words = propose(predictive(mode), now, st(ahead(value)), T0);
      const o = opinion(predictive(mode), now, st(ahead(value)), T0, false);
      expect(o).toEqual({ desired: words.desired, bounds: undefined, why: '', forecast: words.forecast });
    }
  });
});
