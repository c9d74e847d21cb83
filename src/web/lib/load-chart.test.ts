import { describe, expect, it } from 'vitest';
import { loadChartModel, loadPolicy, niceCeil } from './load-chart.js';
import type { DecisionView } from '../../api/contract/index.js';

const T0 = Date.parse('2026-12-07T09:00:00Z');

const decision = (s: number, desired: number, backlog: number): DecisionView => ({
  id: s,
  pool: 'batch',
  at: new Date(T0 + s * 1000).toISOString(),
  current: desired,
  desired,
  inputs: [
    { metric: 'cpu', value: 0.4 },
    { metric: 'backlog', value: backlog },
  ],
  proposals: [],
  adjustments: [],
  dryRun: false,
  summary: '',
});

const tracking = (target: number, aggregate?: 'average') => ({ scaling: { policies: [{ type: 'target-tracking', metric: 'backlog', target, ...(aggregate ? { aggregate } : {}) }] } });

describe('the overview chart: load and capacity both readable', () => {
  it('draws thousands of jobs and tens of machines on two labelled axes, the machines axis scaled by the target', () => {
    const m = loadChartModel({ name: 'batch', ...tracking(100) }, [decision(10, 30, 2_950), decision(0, 20, 2_100)], [{ t: T0 / 1000 + 5, ready: 24, desired: 30 }]);
    expect(m.axes.map((a) => `${a.side} ${a.label}`)).toEqual(['left backlog', 'right machines']);
    const [loadAxis, machinesAxis] = m.axes;
    // One machine stands at its target of 100: the machine lines are capacity drawn in backlog.
    expect(loadAxis!.range[1] / machinesAxis!.range[1]).toBe(100);
    // Both fill the chart: the biggest load and the biggest machine count each reach past two thirds of their axis.
    expect(2_950 / loadAxis!.range[1]).toBeGreaterThan(2 / 3);
    expect(30 / machinesAxis!.range[1]).toBeGreaterThan(2 / 3);
    // Load is drawn last, over the capacity it would otherwise hide behind.
    expect(m.series.map((s) => `${s.label} [${s.scale}]`)).toEqual(['capacity: desired machines × 100 backlog [machines]', 'in service: ready machines [machines]', 'load: backlog [load]']);
    const [capacity, ready, load] = m.series;
    // Capacity has a history from the first screen: the decisions' desired sizes, shaded.
    expect(capacity!.values).toEqual([20, 30, 30]);
    expect(capacity!.fill).toBeDefined();
    expect(ready!.values).toEqual([null, 24, null]);
    // Decisions come newest first; the chart runs oldest first, and reads the policy's metric, not the sum of inputs.
    expect(load!.values).toEqual([2_100, null, 2_950]);
    expect(m.now).toBe('now: load 2,950 backlog · capacity 2,400 backlog · 24 machines ready · 30 desired');
    expect(m.caption).toMatch(/^left axis: load in backlog; right axis: machines, scaled so one machine stands at its target of 100 backlog/);
  });

  it('a pool whose machines outgrew the load still shows its load: the axis top follows the larger of the two', () => {
    const m = loadChartModel({ name: 'batch', ...tracking(100) }, [decision(0, 50, 400)], []);
    expect(m.axes[0]!.range[1]).toBeGreaterThanOrEqual(5_000);
    expect(m.axes[1]!.range[1]).toBeGreaterThanOrEqual(50);
  });

  it('an average metric keeps its own axis, with the target per machine drawn on it', () => {
    const m = loadChartModel({ name: 'batch', ...tracking(60, 'average') }, [decision(0, 8, 45)], [{ t: T0 / 1000 + 1, ready: 1, desired: 8 }]);
    expect(m.axes.map((a) => `${a.side} ${a.label} 0–${a.range[1]}`)).toEqual(['left backlog per machine 0–80', 'right machines 0–10']);
    expect(m.series.map((s) => s.label)).toContain('target: 60 backlog per machine');
    expect(m.now).toBe('now: load 45 backlog · 1 machine ready · 8 desired');
  });

  it('a pool without a load metric gets one axis of machines, and says why there is no load', () => {
    const m = loadChartModel({ name: 'web' }, [], [{ t: 1, ready: 3, desired: 4 }, { t: 2, ready: 4, desired: 4 }]);
    expect(m.axes.map((a) => a.label)).toEqual(['machines']);
    expect(m.caption).toContain('web has no load metric');
    expect(m.now).toBe('now: 4 machines ready · 4 desired');
  });

  it('finds the policy that measures load, and rounds axis tops to numbers a person reads', () => {
    expect(loadPolicy({ scaling: { policies: [{ type: 'schedule', cron: '* * * * *' }, { type: 'step', metric: 'queue', steps: [] }] } })).toEqual({ metric: 'queue', aggregate: 'total' });
    expect(loadPolicy({})).toBeUndefined();
    expect([0, 0.7, 3, 21, 2_400, 3_186, 5_000, 9_100].map(niceCeil)).toEqual([1, 0.8, 3, 25, 2_500, 4_000, 5_000, 10_000]);
  });
});
