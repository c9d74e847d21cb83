import { describe, expect, it } from 'vitest';
import { afterDecision, decide, decideSize } from './decide.js';
import type { MetricReading, ScalingState } from './decision.js';
import type { PolicySpec, ScalingSpec } from './spec.js';

const T0 = Date.UTC(2026, 0, 5, 12); // a Monday, noon UTC: 13:00 in Paris
const S = 1000;

const tt = (target: number, over: Partial<Extract<PolicySpec, { type: 'target-tracking' }>> = {}): PolicySpec => ({ type: 'target-tracking', metric: 'backlog', target, aggregate: 'total', tolerance: 0.1, ...over });
const workday = (over: Partial<Extract<PolicySpec, { type: 'schedule' }>> = {}): PolicySpec => ({ type: 'schedule', cron: '0 8 * * 1-5', timezone: 'Europe/Paris', duration: 10 * 3600, ...over });

function spec(policies: PolicySpec[], over: Partial<ScalingSpec> = {}): ScalingSpec {
  return {
    metrics: { backlog: { type: 'trace', curve: { kind: 'csv', csv: '0,0' } }, cpu: { type: 'agents', measure: 'cpu' } },
    policies,
    evaluationInterval: 10,
    stabilization: { scaleIn: 0, scaleOut: 0 },
    cooldowns: { scaleOut: 0, scaleIn: 0 },
    maxStep: {},
    warmup: 0,
    dryRun: false,
    ...over,
  };
}

const state = (over: Partial<ScalingState> = {}): ScalingState => ({ current: 10, min: 0, max: 100, warm: 10, warming: 0, history: [], ...over });
const read = (values: Record<string, number>, at = T0): Map<string, MetricReading> => new Map(Object.entries(values).map(([k, v]) => [k, { value: v, at }]));

/** decide() and its wordless twin must agree on every number. */
function both(s: ScalingSpec, r: Map<string, MetricReading>, st: ScalingState, now = T0) {
  const d = decide('web', s, r, st, now);
  const { at, current, recommendation, desired, held, dryRun } = d;
  expect(decideSize(s, r, st, now)).toEqual({ at, current, recommendation, desired, held, dryRun });
  return d;
}

describe('decide: maximum step', () => {
  it('limits a scale-in as it limits a scale-out', () => {
    const d = both(spec([tt(100)], { maxStep: { absolute: 10 } }), read({ backlog: 0 }), state({ current: 40 }));
    expect(d.desired).toBe(30);
    expect(d.adjustments).toEqual([{ stage: 'max-step', from: 0, to: 30, why: 'at most 10 machines per decision' }]);
    expect(d.summary).toBe('scale in 40 → 30 (policies proposed 0; max-step: at most 10 machines per decision)');
  });

  it('a percent-only step is a share of the current size, rounded up', () => {
    const d = both(spec([tt(100)], { maxStep: { percent: 25 } }), read({ backlog: 9_000 }), state({ current: 10 }));
    expect(d.desired).toBe(13);
  });

  it('a percent step always allows at least one machine', () => {
    const d = both(spec([tt(100)], { maxStep: { percent: 10 } }), read({ backlog: 900 }), state({ current: 2, warm: 2 }));
    expect(d.desired).toBe(3);
  });

  it('a change exactly the size of the step is not cut', () => {
    const d = both(spec([tt(100)], { maxStep: { absolute: 5 } }), read({ backlog: 1_500 }), state({ current: 10 }));
    expect(d.desired).toBe(15);
    expect(d.adjustments).toEqual([]);
  });
});

describe('decide: cooldowns', () => {
  it('a scale-out cooldown ends at its length, and the message says how long ago', () => {
    const s = spec([tt(100)], { cooldowns: { scaleOut: 60, scaleIn: 0 } });
    const during = both(s, read({ backlog: 2_000 }), state({ lastScaleOutAt: T0 - 59 * S }));
    expect(during.desired).toBe(10);
    expect(during.adjustments).toEqual([{ stage: 'cooldown', from: 20, to: 10, why: 'scale-out cooldown: last scale-out 59 s ago, cooldown 60 s' }]);
    expect(both(s, read({ backlog: 2_000 }), state({ lastScaleOutAt: T0 - 60 * S })).desired).toBe(20);
  });

  it('a scale-in cooldown counts from the last change either way, and ends at its length', () => {
    const s = spec([tt(100)], { cooldowns: { scaleOut: 0, scaleIn: 300 } });
    const afterIn = both(s, read({ backlog: 500 }), state({ lastScaleInAt: T0 - 120 * S, lastScaleOutAt: T0 - 3600 * S }));
    expect(afterIn.desired).toBe(10);
    expect(afterIn.adjustments).toEqual([{ stage: 'cooldown', from: 5, to: 10, why: 'scale-in cooldown: last change 120 s ago, cooldown 300 s' }]);
    expect(both(s, read({ backlog: 500 }), state({ lastScaleInAt: T0 - 300 * S })).desired).toBe(5);
  });

  it('a scale-in cooldown does not hold back a scale-out', () => {
    const s = spec([tt(100)], { cooldowns: { scaleOut: 0, scaleIn: 300 } });
    expect(both(s, read({ backlog: 2_000 }), state({ lastScaleInAt: T0 - 10 * S })).desired).toBe(20);
  });
});

describe('decide: stabilization windows', () => {
  it('a scale-out window holds the pool to the lowest recent recommendation', () => {
    const s = spec([tt(100)], { stabilization: { scaleIn: 0, scaleOut: 120 } });
    const history = [{ at: T0 - 200 * S, value: 11 }, { at: T0 - 60 * S, value: 14 }, { at: T0 - 30 * S, value: 30 }];
    const d = both(s, read({ backlog: 2_500 }), state({ history }));
    expect(d.desired).toBe(14);
    expect(d.adjustments).toEqual([{ stage: 'stabilization', from: 25, to: 14, why: 'lowest recommendation in the last 120 s was 14' }]);
  });

  it('a scale-out window never pulls the pool below its current size', () => {
    const s = spec([tt(100)], { stabilization: { scaleIn: 0, scaleOut: 120 } });
    const d = both(s, read({ backlog: 2_500 }), state({ history: [{ at: T0 - 60 * S, value: 4 }] }));
    expect(d.desired).toBe(10);
  });

  it('a scale-in window never pushes the pool above its current size', () => {
    const s = spec([tt(100)], { stabilization: { scaleIn: 300, scaleOut: 0 } });
    const d = both(s, read({ backlog: 300 }), state({ history: [{ at: T0 - 60 * S, value: 40 }] }));
    expect(d.desired).toBe(10);
    expect(d.adjustments).toEqual([{ stage: 'stabilization', from: 3, to: 10, why: 'highest recommendation in the last 300 s was 40' }]);
  });

  it('a recommendation exactly as old as the window no longer counts', () => {
    const s = spec([tt(100)], { stabilization: { scaleIn: 300, scaleOut: 0 } });
    const d = both(s, read({ backlog: 300 }), state({ history: [{ at: T0 - 300 * S, value: 8 }] }));
    expect(d.desired).toBe(3);
  });
});

describe('decide: schedules', () => {
  it('a schedule without desired still raises the floor while it is on, and says the bounds came from it', () => {
    const d = both(spec([tt(100), workday({ min: 20 })]), read({ backlog: 0 }), state());
    expect(d.desired).toBe(20);
    expect(d.adjustments).toEqual([{ stage: 'bounds', from: 0, to: 20, why: 'schedule bounds [20, 100]' }]);
  });

  it('a schedule with only a max caps the pool while it is on', () => {
    const d = both(spec([tt(100), workday({ max: 12 })]), read({ backlog: 5_000 }), state());
    expect(d.desired).toBe(12);
    expect(d.adjustments.at(-1)).toEqual({ stage: 'bounds', from: 50, to: 12, why: 'schedule bounds [0, 12]' });
  });

  it('overlapping schedules: the most generous min and max win', () => {
    const policies = [tt(100), workday({ min: 20, max: 30 }), workday({ cron: '0 12 * * *', timezone: 'UTC', duration: 3600, min: 25, max: 40 })];
    expect(both(spec(policies), read({ backlog: 0 }), state()).desired).toBe(25);
    expect(both(spec(policies), read({ backlog: 10_000 }), state()).desired).toBe(40);
    const reversed = [tt(100), policies[2]!, policies[1]!];
    expect(both(spec(reversed), read({ backlog: 0 }), state()).desired).toBe(25);
    expect(both(spec(reversed), read({ backlog: 10_000 }), state()).desired).toBe(40);
  });

  it('a schedule floor above the pool max lifts the max with it', () => {
    const d = both(spec([tt(100), workday({ min: 30 })]), read({ backlog: 0 }), state({ max: 20 }));
    expect(d.desired).toBe(30);
  });

  it('the pool’s own bounds are named as such when a schedule is on but left them', () => {
    const d = both(spec([tt(100), workday({ desired: 12 })]), read({ backlog: 0 }), state({ min: 15 }));
    expect(d.desired).toBe(15);
    expect(d.adjustments).toEqual([{ stage: 'bounds', from: 12, to: 15, why: 'pool bounds [15, 100]' }]);
  });
});

describe('decide: stale and missing metrics', () => {
  const s = spec([tt(100)]);

  it('a sample exactly as old as the limit is still fresh; one second older is stale', () => {
    expect(both(s, read({ backlog: 0 }, T0 - 30 * S), state()).desired).toBe(0);
    const d = both(s, read({ backlog: 0 }, T0 - 31 * S), state());
    expect(d.desired).toBe(10);
    expect(d.held).toBe('backlog stale: 31 s old (limit 30 s)');
    expect(d.inputs).toEqual([
      { metric: 'backlog', value: 0, at: T0 - 31 * S, problem: 'backlog stale: 31 s old (limit 30 s)'.slice('backlog '.length) },
      { metric: 'cpu', problem: 'not read' },
    ]);
    expect(both(s, read({ backlog: 0 }, T0 - 30 * S), state()).inputs).toStrictEqual([
      { metric: 'backlog', value: 0, at: T0 - 30 * S },
      { metric: 'cpu', problem: 'not read' },
    ]);
  });

  it('the stale limit follows the evaluation interval, and an explicit staleAfter wins', () => {
    expect(both(spec([tt(100)], { evaluationInterval: 20 }), read({ backlog: 0 }, T0 - 50 * S), state()).desired).toBe(0);
    expect(both(spec([tt(100)], { evaluationInterval: 20 }), read({ backlog: 0 }, T0 - 61 * S), state()).held).toBe('backlog stale: 61 s old (limit 60 s)');
    expect(both(spec([tt(100)], { staleAfter: 5 }), read({ backlog: 0 }, T0 - 6 * S), state()).held).toBe('backlog stale: 6 s old (limit 5 s)');
  });

  it('a NaN or infinite value holds the pool like a missing one', () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const d = both(s, read({ backlog: value }), state());
      expect(d.desired).toBe(10);
      expect(d.recommendation).toBeUndefined();
      expect(d.held).toBe('backlog not a number');
      expect(d.summary).toBe('hold at 10 (no policy proposed a size; data problem: backlog not a number)');
    }
  });

  it('a metric no policy reads never holds the pool', () => {
    const d = both(s, read({ backlog: 500 }), state());
    expect(d.held).toBeUndefined();
    expect(d.desired).toBe(5);
    expect(d.inputs).toEqual([{ metric: 'backlog', value: 500, at: T0 }, { metric: 'cpu', problem: 'not read' }]);
  });

  it('lists every data problem, and a failed read says what failed', () => {
    const policies = [tt(100), tt(50, { metric: 'cpu', aggregate: 'average' })];
    const readings = new Map<string, MetricReading>([['backlog', { error: 'ECONNREFUSED' }]]);
    const d = both(spec(policies), readings, state());
    expect(d.held).toBe('backlog read failed: ECONNREFUSED; cpu not read');
    expect(d.inputs).toStrictEqual([{ metric: 'backlog', problem: 'read failed: ECONNREFUSED' }, { metric: 'cpu', problem: 'not read' }]);
  });

  it('a stale hold is explained once, as the stage that held the pool', () => {
    const d = both(s, read({ backlog: 0 }, T0 - 120 * S), state());
    expect(d.adjustments).toEqual([]);
    expect(d.summary).toBe('hold at 10 (no policy proposed a size; data problem: backlog stale: 120 s old (limit 30 s))');
    const two = both(spec([tt(100), tt(50, { metric: 'cpu', aggregate: 'average' })]), new Map<string, MetricReading>([['backlog', { error: 'timeout' }], ['cpu', { value: 10, at: T0 }]]), state());
    expect(two.adjustments).toEqual([{ stage: 'stale-hold', from: 2, to: 10, why: 'no scale-in without fresh data: backlog read failed: timeout' }]);
    expect(two.summary).toBe('hold at 10 (policies proposed 2; stale-hold: no scale-in without fresh data: backlog read failed: timeout)');
  });
});

describe('afterDecision: what the next decision remembers', () => {
  const s = spec([tt(100)], { stabilization: { scaleIn: 300, scaleOut: 60 } });

  it('a scale-out records when it happened, and leaves the scale-in time alone', () => {
    const st = state({ lastScaleInAt: T0 - 900 * S });
    const d = decide('web', s, read({ backlog: 2_000 }), st, T0);
    const next = afterDecision(st, d, s);
    expect(next).toMatchObject({ current: 20, lastScaleOutAt: T0, lastScaleInAt: T0 - 900 * S });
    expect(next.history).toEqual([{ at: T0, value: 20 }]);
  });

  it('a scale-in records when it happened, and leaves the scale-out time alone', () => {
    const st = state({ lastScaleOutAt: T0 - 900 * S });
    const d = decide('web', spec([tt(100)]), read({ backlog: 400 }), st, T0);
    const next = afterDecision(st, d, s);
    expect(next).toMatchObject({ current: 4, lastScaleInAt: T0, lastScaleOutAt: T0 - 900 * S });
  });

  it('a hold changes neither time', () => {
    const st = state({ lastScaleOutAt: T0 - 900 * S, lastScaleInAt: T0 - 800 * S });
    const d = decide('web', s, read({ backlog: 1_000 }), st, T0);
    expect(afterDecision(st, d, s)).toMatchObject({ current: 10, lastScaleOutAt: T0 - 900 * S, lastScaleInAt: T0 - 800 * S });
  });

  it('a dry run moves nothing and starts no cooldown, but its recommendation enters the window', () => {
    const dry = spec([tt(100)], { dryRun: true, stabilization: { scaleIn: 300, scaleOut: 0 } });
    const st = state();
    const d = decide('web', dry, read({ backlog: 400 }), st, T0);
    const next = afterDecision(st, d, dry);
    expect(next.current).toBe(10);
    expect(next.lastScaleInAt).toBeUndefined();
    expect(next.lastScaleOutAt).toBeUndefined();
    expect(next.history).toEqual([{ at: T0, value: 4 }]);
  });

  it('forgets recommendations older than the longest window', () => {
    const st = state({ history: [{ at: T0 - 300 * S, value: 50 }, { at: T0 - 299 * S, value: 40 }] });
    const d = decide('web', s, read({ backlog: 1_000 }), st, T0);
    expect(afterDecision(st, d, s).history).toEqual([{ at: T0 - 299 * S, value: 40 }, { at: T0, value: 10 }]);
  });

  it('a recommendation made on partial data never enters the window', () => {
    const two = spec([tt(100), tt(50, { metric: 'cpu', aggregate: 'average' })], { stabilization: { scaleIn: 300, scaleOut: 0 } });
    const st = state();
    const d = decide('web', two, new Map<string, MetricReading>([['backlog', { error: 'timeout' }], ['cpu', { value: 10, at: T0 }]]), st, T0);
    expect(d.recommendation).toBe(2);
    expect(afterDecision(st, d, two).history).toEqual([]);
  });

  it('a decision with no recommendation adds nothing to the window', () => {
    const st = state();
    const d = decide('web', s, new Map(), st, T0);
    expect(afterDecision(st, d, s).history).toEqual([]);
  });
});

describe('decide: a stage that changes nothing says nothing', () => {
  it('a hold inside the tolerance band is not explained by a window', () => {
    const inWindow = spec([tt(100)], { stabilization: { scaleIn: 300, scaleOut: 300 } });
    const higher = both(inWindow, read({ backlog: 1_000 }), state({ history: [{ at: T0 - 60 * S, value: 15 }] }));
    expect(higher.desired).toBe(10);
    expect(higher.adjustments).toEqual([]);
    const lower = both(inWindow, read({ backlog: 1_000 }), state({ history: [{ at: T0 - 60 * S, value: 5 }] }));
    expect(lower.desired).toBe(10);
    expect(lower.adjustments).toEqual([]);
    expect(lower.summary).toBe('hold at 10');
  });

  it('a scale-out window whose lowest value is the recommendation itself leaves it', () => {
    const s = spec([tt(100)], { stabilization: { scaleIn: 0, scaleOut: 120 } });
    const d = both(s, read({ backlog: 2_500 }), state({ history: [{ at: T0 - 60 * S, value: 25 }] }));
    expect(d.desired).toBe(25);
    expect(d.adjustments).toEqual([]);
    expect(d.summary).toBe('scale out 10 → 25');
  });

  it('a scale-out cooldown never holds back a scale-in, and a hold during either cooldown is not explained by it', () => {
    const s = spec([tt(100)], { cooldowns: { scaleOut: 600, scaleIn: 0 } });
    // The scale-in cooldown is zero, so only the scale-out one could (wrongly) apply.
    expect(both(s, read({ backlog: 300 }), state({ lastScaleOutAt: T0 - 60 * S })).desired).toBe(3);
    expect(both(s, read({ backlog: 1_000 }), state({ lastScaleOutAt: T0 - 60 * S })).adjustments).toEqual([]);
    const inCooldown = spec([tt(100)], { cooldowns: { scaleOut: 0, scaleIn: 600 } });
    expect(both(inCooldown, read({ backlog: 1_000 }), state({ lastScaleInAt: T0 - 60 * S })).adjustments).toEqual([]);
  });

  it('a data problem is still named when another stage explains the hold', () => {
    const policies = [tt(100), tt(50, { metric: 'cpu', aggregate: 'average' })];
    const s = spec(policies, { cooldowns: { scaleOut: 600, scaleIn: 0 } });
    const readings = new Map<string, MetricReading>([['backlog', { error: 'timeout' }], ['cpu', { value: 100, at: T0 }]]);
    const d = both(s, readings, state({ lastScaleOutAt: T0 - 60 * S }));
    expect(d.desired).toBe(10);
    expect(d.summary).toBe('hold at 10 (policies proposed 20; cooldown: scale-out cooldown: last scale-out 60 s ago, cooldown 600 s; data problem: backlog read failed: timeout)');
  });

  it('explains each policy’s proposal in words', () => {
    const d = both(spec([tt(100), workday({ min: 20 })]), read({ backlog: 2_500 }), state());
    expect(d.proposals).toEqual([
      { policy: 'target-tracking on backlog', type: 'target-tracking', desired: 25, why: 'backlog 2500 ÷ target 100 per machine = 25' },
      { policy: 'schedule "0 8 * * 1-5" (Europe/Paris)', type: 'schedule', why: 'on since 2026-01-05T07:00:00.000Z for 36000 s: min 20' },
    ]);
  });

  it('overlapping schedules that each set one bound combine both', () => {
    const policies = [tt(100), workday({ min: 20 }), workday({ cron: '0 12 * * *', timezone: 'UTC', duration: 3600, max: 30 })];
    expect(both(spec(policies), read({ backlog: 0 }), state()).desired).toBe(20);
    expect(both(spec(policies), read({ backlog: 10_000 }), state()).desired).toBe(30);
    const reversed = [tt(100), policies[2]!, policies[1]!];
    expect(both(spec(reversed), read({ backlog: 0 }), state()).desired).toBe(20);
    expect(both(spec(reversed), read({ backlog: 10_000 }), state()).desired).toBe(30);
  });

  it('a pool driven only by a schedule that is off keeps no history', () => {
    const s = spec([workday({ cron: '0 8 * * 6', min: 20 })], { stabilization: { scaleIn: 300, scaleOut: 0 } });
    const st = state();
    const d = decide('web', s, read({ backlog: 0 }), st, T0);
    expect(d.recommendation).toBeUndefined();
    expect(d.held).toBeUndefined();
    expect(afterDecision(st, d, s).history).toEqual([]);
  });
});
