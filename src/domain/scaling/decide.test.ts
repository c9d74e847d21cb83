import { describe, expect, it } from 'vitest';
import { afterDecision, decide, decideSize } from './decide.js';
import type { MetricReading, ScalingState } from './decision.js';
import type { PolicySpec, ScalingSpec } from './spec.js';

const T0 = Date.UTC(2026, 0, 5, 12); // a Monday, noon UTC

const tt = (target: number, over: Partial<Extract<PolicySpec, { type: 'target-tracking' }>> = {}): PolicySpec => ({ type: 'target-tracking', metric: 'backlog', target, aggregate: 'total', tolerance: 0.1, ...over });

function spec(policies: PolicySpec[], over: Partial<ScalingSpec> = {}): ScalingSpec {
  return {
    metrics: { backlog: { type: 'trace', curve: { kind: 'csv', csv: '0,0' } }, cpu: { type: 'agents', measure: 'cpu' } },
    policies,
    evaluationInterval: 10,
    stabilization: { scaleIn: 300, scaleOut: 0 },
    cooldowns: { scaleOut: 0, scaleIn: 0 },
    maxStep: {},
    warmup: 0,
    dryRun: false,
    ...over,
  };
}

const state = (over: Partial<ScalingState> = {}): ScalingState => ({ current: 10, min: 0, max: 100, warm: 10, warming: 0, history: [], ...over });
const read = (values: Record<string, number>, at = T0): Map<string, MetricReading> => new Map(Object.entries(values).map(([k, v]) => [k, { value: v, at }]));

describe('decide: one decision at a time', () => {
  const cases: { name: string; policies: PolicySpec[]; values: Record<string, number>; st?: Partial<ScalingState>; over?: Partial<ScalingSpec>; want: number; stage?: string }[] = [
    { name: 'target tracking: total ÷ target, rounded up', policies: [tt(100)], values: { backlog: 2_501 }, want: 26 },
    { name: 'target tracking: inside the tolerance band nothing moves', policies: [tt(100)], values: { backlog: 1_080 }, want: 10 },
    { name: 'target tracking: bounded by max', policies: [tt(100)], values: { backlog: 1_000_000 }, want: 100, stage: 'bounds' },
    { name: 'target tracking on an average: warm machines × average ÷ target', policies: [tt(50, { metric: 'cpu', aggregate: 'average' })], values: { cpu: 90 }, st: { current: 4, warm: 4 }, want: 8 },
    { name: 'warm-up: warming machines block a scale-in from averages', policies: [tt(50, { metric: 'cpu', aggregate: 'average' })], values: { cpu: 10 }, st: { current: 8, warm: 4, warming: 4 }, want: 8 },
    { name: 'step: absolute band', policies: [{ type: 'step', metric: 'backlog', adjustment: 'absolute', steps: [{ lower: 500, upper: 1000, change: 2 }, { lower: 1000, change: 5 }] }], values: { backlog: 700 }, want: 12 },
    { name: 'step: percent band', policies: [{ type: 'step', metric: 'backlog', adjustment: 'percent', steps: [{ lower: 1000, change: 50 }] }], values: { backlog: 5_000 }, want: 15 },
    { name: 'step: negative percent is a scale-in (no window history)', policies: [{ type: 'step', metric: 'backlog', adjustment: 'percent', steps: [{ upper: 10, change: -30 }] }], values: { backlog: 0 }, want: 7 },
    { name: 'combination: scale out to the largest proposal', policies: [tt(100), tt(50, { metric: 'cpu', aggregate: 'average' })], values: { backlog: 3_000, cpu: 100 }, want: 30 },
    { name: 'combination: scale in only as far as every policy allows', policies: [tt(100), tt(50, { metric: 'cpu', aggregate: 'average' })], values: { backlog: 0, cpu: 30 }, want: 6 },
    { name: 'scale to zero', policies: [tt(100)], values: { backlog: 0 }, st: { current: 3 }, want: 0 },
    { name: 'scale from zero', policies: [tt(100)], values: { backlog: 1 }, st: { current: 0, warm: 0 }, want: 1 },
    { name: 'zero stays zero', policies: [tt(100)], values: { backlog: 0 }, st: { current: 0, warm: 0 }, want: 0 },
    { name: 'max step, absolute', policies: [tt(100)], values: { backlog: 9_000 }, over: { maxStep: { absolute: 20 } }, want: 30, stage: 'max-step' },
    { name: 'max step, percent (and the smaller of two)', policies: [tt(100)], values: { backlog: 9_000 }, over: { maxStep: { absolute: 20, percent: 50 } }, want: 15, stage: 'max-step' },
    { name: 'min clamp', policies: [tt(100)], values: { backlog: 0 }, st: { min: 4 }, want: 4, stage: 'bounds' },
    { name: 'stabilization: scale in only to the highest recent recommendation', policies: [tt(100)], values: { backlog: 0 }, st: { history: [{ at: T0 - 200_000, value: 8 }, { at: T0 - 400_000, value: 12 }] }, want: 8, stage: 'stabilization' },
    { name: 'scale-out cooldown', policies: [tt(100)], values: { backlog: 2_000 }, st: { lastScaleOutAt: T0 - 30_000 }, over: { cooldowns: { scaleOut: 60, scaleIn: 0 } }, want: 10, stage: 'cooldown' },
    { name: 'scale-in cooldown after any change', policies: [tt(100)], values: { backlog: 0 }, st: { lastScaleOutAt: T0 - 30_000 }, over: { cooldowns: { scaleOut: 0, scaleIn: 60 }, stabilization: { scaleIn: 0, scaleOut: 0 } }, want: 10, stage: 'cooldown' },
    { name: 'schedule on: raises min and proposes a floor', policies: [tt(100), { type: 'schedule', cron: '0 8 * * 1-5', timezone: 'Europe/Paris', duration: 10 * 3600, min: 20, desired: 25 }], values: { backlog: 0 }, want: 25 },
    { name: 'schedule off: no effect', policies: [tt(100), { type: 'schedule', cron: '0 8 * * 6', timezone: 'Europe/Paris', duration: 3600, min: 20 }], values: { backlog: 1_500 }, want: 15 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const d = decide('p', spec(c.policies, c.over), read(c.values), state(c.st), T0);
      expect(d.desired, d.summary).toBe(c.want);
      if (c.stage) expect(d.adjustments.map((a) => a.stage)).toContain(c.stage);
      // The planner's wordless variant runs the same stages to the same numbers.
      const { at, current, recommendation, desired, held, dryRun } = d;
      expect(decideSize(spec(c.policies, c.over), read(c.values), state(c.st), T0)).toEqual({ at, current, recommendation, desired, held, dryRun });
    });
  }
});

describe('decide: missing and stale metrics', () => {
  it('a stale sample never scales in: the pool holds and says why', () => {
    const d = decide('p', spec([tt(100)]), read({ backlog: 0 }, T0 - 120_000), state(), T0);
    expect(d.desired).toBe(10);
    expect(d.held).toMatch(/backlog stale: 120 s old/);
    expect(d.summary).toMatch(/^hold at 10/);
  });
  it('a failed read holds too, even when another policy wants less', () => {
    const readings = new Map<string, MetricReading>([['backlog', { error: 'ECONNREFUSED' }], ['cpu', { value: 1, at: T0 }]]);
    const d = decide('p', spec([tt(100), tt(50, { metric: 'cpu', aggregate: 'average' })]), readings, state(), T0);
    expect(d.desired).toBe(10);
    expect(d.adjustments[0]!.stage).toBe('stale-hold');
  });
  it('the wordless decideSize holds on stale data too', () => {
    const d = decideSize(spec([tt(100)]), read({ backlog: 0 }, T0 - 120_000), state(), T0);
    expect(d).toMatchObject({ desired: 10, held: 'backlog stale: 120 s old (limit 30 s)' });
  });
  it('stale data still lets a fresh policy scale out', () => {
    const readings = new Map<string, MetricReading>([['backlog', { error: 'timeout' }], ['cpu', { value: 100, at: T0 }]]);
    expect(decide('p', spec([tt(100), tt(50, { metric: 'cpu', aggregate: 'average' })]), readings, state(), T0).desired).toBe(20);
  });
});

/** Runs decisions every 10 s over a series of backlog values, as the autoscaler would. */
function run(values: number[], s = spec([tt(100)]), start = state()): number[] {
  let st = start;
  const out: number[] = [];
  values.forEach((v, i) => {
    const now = T0 + i * 10_000;
    const d = decide('p', s, read({ backlog: v }, now), st, now);
    st = afterDecision(st, d, s);
    out.push(st.current);
  });
  return out;
}

describe('decide over time', () => {
  it('flapping input around the target does not make the pool flap', () => {
    const small = Array.from({ length: 120 }, (_, i) => (i % 2 ? 1_050 : 950)); // inside the band
    expect(new Set(run(small))).toEqual(new Set([10]));
    const wide = Array.from({ length: 120 }, (_, i) => (i % 2 ? 700 : 1_300)); // outside it
    const sizes = run(wide);
    const changes = sizes.filter((n, i) => i > 0 && n !== sizes[i - 1]).length;
    expect(sizes.at(-1)).toBe(13);
    expect(changes).toBe(0); // the first decision already went to 13 and it stays there
  });
  it('scales out at once and in only after the stabilization window', () => {
    const load = [...Array(6).fill(5_000), ...Array(40).fill(0)];
    const sizes = run(load);
    expect(sizes[0]).toBe(50);
    const drainedAt = 6;
    const firstIn = sizes.findIndex((n, i) => i >= drainedAt && n < 50);
    // The last recommendation of 50 was at index 5: the window (300 s = 30 decisions) ends 30 later.
    expect(firstIn).toBe(5 + 30);
    expect(sizes[firstIn]).toBe(0);
  });
  it('dry run decides and explains but never moves the pool', () => {
    const s = spec([tt(100)], { dryRun: true });
    const d = decide('p', s, read({ backlog: 5_000 }), state(), T0);
    expect(d.desired).toBe(50);
    expect(d.summary).toMatch(/^dry run: would scale out 10 → 50/);
    expect(afterDecision(state(), d, s).current).toBe(10);
  });
});
