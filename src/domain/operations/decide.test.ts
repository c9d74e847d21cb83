import { describe, expect, it } from 'vitest';
import { decide, type PoolView } from './decide.js';
import type { Operation, OperationItem, Strategy } from './types.js';

const op = (strategy: Strategy, over: Partial<Operation> = {}): Operation => ({
  id: 'op-1',
  kind: 'restart',
  pool: 'p',
  strategy,
  hard: false,
  status: 'running',
  control: 'run',
  progress: { phase: strategy.canary ? 'canary' : 'main', checkpointsPassed: [], api: { calls: 0, throttled: 0 }, poolSize: 100 },
  message: '',
  createdAt: 0,
  updatedAt: 0,
  ...over,
});

const items = (n: number, status: (i: number) => OperationItem['status'] = () => 'pending'): OperationItem[] =>
  Array.from({ length: n }, (_, i) => ({ operation: 'op-1', machine: `m${i}`, seq: i, zone: 'a', status: status(i) }));

const view: PoolView = { poolSize: 100, ready: 100, canaryHealthy: true };

describe('decide', () => {
  it('all-at-once starts every pending machine in one step', () => {
    expect(decide(op({ kind: 'all-at-once' }), items(100), view, 0).start).toHaveLength(100);
  });

  it.each([
    [{ kind: 'rolling', maxUnavailable: { percent: 20 } } as Strategy, 0, 20],
    [{ kind: 'rolling', maxUnavailable: { percent: 20 } } as Strategy, 15, 5],
    [{ kind: 'rolling', maxUnavailable: { count: 7 } } as Strategy, 0, 7],
    [{ kind: 'rolling', batchSize: 10 } as Strategy, 3, 0],
    [{ kind: 'rolling', batchSize: 10 } as Strategy, 0, 10],
    [{ kind: 'rolling' } as Strategy, 0, 10],
  ])('rolling %j with %i in progress starts %i', (strategy, inProgress, expected) => {
    expect(decide(op(strategy), items(100, (i) => (i < inProgress ? 'in-progress' : 'pending')), view, 0).start).toHaveLength(expected);
  });

  it('respects the minimum-healthy floor', () => {
    const d = decide(op({ kind: 'rolling', maxUnavailable: { percent: 50 }, minHealthy: { percent: 90 } }), items(100), { ...view, ready: 95 }, 0);
    expect(d.start).toHaveLength(5);
  });

  it('canary first, then bakes, then the rest; an unhealthy canary aborts a replace as rolled back', () => {
    const s: Strategy = { kind: 'rolling', maxUnavailable: { count: 10 }, canary: { count: 2, bakeMs: 60_000 } };
    expect(decide(op(s), items(20), view, 0).start).toEqual(['m0', 'm1']);
    const baked = decide(op(s), items(20, (i) => (i < 2 ? 'done' : 'pending')), view, 1_000);
    expect(baked.progress).toMatchObject({ phase: 'baking', bakeUntil: 61_000 });
    expect(baked.start).toEqual([]);
    const after = op(s, { progress: { ...baked.progress } });
    expect(decide(after, items(20, (i) => (i < 2 ? 'done' : 'pending')), view, 61_000).start).toHaveLength(10);
    const sick = decide(op(s, { kind: 'replace', progress: { ...baked.progress } }), items(20, (i) => (i < 2 ? 'done' : 'pending')), { ...view, canaryHealthy: false }, 61_000);
    expect(sick).toMatchObject({ abort: true, status: 'rolled-back' });
    const failed = decide(op(s, { kind: 'replace' }), items(20, (i) => (i === 0 ? 'failed' : i === 1 ? 'done' : 'pending')), view, 0);
    expect(failed).toMatchObject({ abort: true, status: 'rolled-back' });
  });

  it('pauses at a checkpoint once that share is settled and nothing is in flight', () => {
    const s: Strategy = { kind: 'rolling', maxUnavailable: { count: 30 }, checkpoints: [50] };
    expect(decide(op(s), items(100, (i) => (i < 40 ? 'done' : 'pending')), view, 0).start).toHaveLength(10);
    const d = decide(op(s), items(100, (i) => (i < 50 ? 'done' : 'pending')), view, 0);
    expect(d.status).toBe('paused');
    expect(d.progress.checkpointsPassed).toEqual([50]);
  });

  it('aborts past the failure threshold, naming the machines', () => {
    const d = decide(op({ kind: 'all-at-once', failureThreshold: 1 }), items(10, (i) => (i < 2 ? 'failed' : 'in-progress')), view, 0);
    expect(d).toMatchObject({ abort: true, status: 'failed' });
    expect(d.message).toContain('m0');
  });

  it('succeeds when every item is settled within the threshold; a paused operation starts nothing', () => {
    expect(decide(op({ kind: 'all-at-once' }), items(10, () => 'done'), view, 0).status).toBe('succeeded');
    expect(decide(op({ kind: 'all-at-once' }, { status: 'paused' }), items(10), view, 0).start).toEqual([]);
  });
});

describe('decide under a disruption budget (roll-outs of drift and lifetime)', () => {
  const rollout = op({ kind: 'rolling', maxUnavailable: { percent: 20 } }, { kind: 'replace', origin: 'drift' });

  it('starts no more than the budget allows, counting what is already in progress', () => {
    expect(decide(rollout, items(100), { ...view, budget: 3 }, 0).start).toHaveLength(3);
    expect(decide(rollout, items(100, (i) => (i < 2 ? 'in-progress' : 'pending')), { ...view, budget: 3 }, 0).start).toHaveLength(1);
  });

  it('a budget of 0 holds every pending item and says so; a budget above the window changes nothing', () => {
    const held = decide(rollout, items(100), { ...view, budget: 0 }, 0);
    expect(held.start).toEqual([]);
    expect(held.held).toBe(true);
    const free = decide(rollout, items(100), { ...view, budget: 50 }, 0);
    expect(free.start).toHaveLength(20);
    expect(free.held).toBeUndefined();
  });

  it('a window wider than what is left of the budget starts only what is left', () => {
    // A window of 4 with 2 of a budget of 3 in use: one more starts, not the window's other 2.
    const four = op({ kind: 'rolling', maxUnavailable: { count: 4 } }, { kind: 'replace', origin: 'drift' });
    const d = decide(four, items(100, (i) => (i === 4 || i === 9 ? 'in-progress' : 'pending')), { ...view, budget: 3 }, 0);
    expect(d.start).toEqual(['m0']);
    expect(d.held).toBeUndefined();
  });

  it('is not "held" when nothing is pending: the last machines under way use the whole budget', () => {
    const last = decide(rollout, items(100, (i) => (i < 97 ? 'done' : 'in-progress')), { ...view, budget: 3 }, 0);
    expect(last.start).toEqual([]);
    expect(last.held).toBeUndefined();
  });

  it('is not "held" when the strategy itself waits (window full), only when the budget is what holds', () => {
    const full = decide(rollout, items(100, (i) => (i < 20 ? 'in-progress' : 'pending')), { ...view, budget: 0 }, 0);
    expect(full.start).toEqual([]);
    expect(full.held).toBeUndefined();
  });
});
