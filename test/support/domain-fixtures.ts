import type { ObservedPool } from '../../src/domain/plan.js';
import type { ScalingSpec } from '../../src/domain/scaling/spec.js';
import type { Machine, PoolSpec } from '../../src/domain/types.js';

/** Builders for domain tests and benchmarks: plain data, sensible defaults. */
export function poolSpec(over: Partial<PoolSpec> = {}): PoolSpec {
  return {
    name: 'analysis',
    provider: 'sim',
    template: 'small',
    min: 0,
    max: 1000,
    desired: 0,
    zones: ['a', 'b', 'c'],
    labels: {},
    maxLaunching: 200,
    deletionOrder: 'oldest-first',
    ...over,
  };
}

export function machine(id: string, over: Partial<Machine> = {}): Machine {
  return {
    id,
    pool: 'analysis',
    provider: 'sim',
    zone: 'a',
    size: 'm5.large',
    state: 'ready',
    since: 0,
    launchedAt: 0,
    templateVersion: 1,
    protected: false,
    labels: {},
    addresses: [],
    ...over,
  };
}

export function observed(machines: Machine[], over: Partial<ObservedPool> = {}): ObservedPool {
  return { machines, pendingLaunches: new Map(), unreplaced: [], unavailable: new Set(), sizes: ['m5.large'], ...over };
}

/** `n` ready machines spread round-robin over zones, launched one second apart. */
export function fleet(n: number, zones = ['a', 'b', 'c']): Machine[] {
  return Array.from({ length: n }, (_, i) =>
    machine(`m-${String(i).padStart(6, '0')}`, { zone: zones[i % zones.length]!, launchedAt: i * 1000 }),
  );
}

/** A scaling spec with no metric and no policy and the usual timings: a test gives what it is about. */
export function scalingSpec(over: Partial<ScalingSpec> = {}): ScalingSpec {
  return { metrics: {}, policies: [], evaluationInterval: 10, stabilization: { scaleIn: 300, scaleOut: 0 }, cooldowns: { scaleOut: 0, scaleIn: 0 }, maxStep: {}, warmup: 0, dryRun: false, ...over };
}
