import { describe, expect, it } from 'vitest';
import { DEFAULT_FAILURE_SHARE, DEFAULT_ROLLING_SHARE, decide, failureThreshold, windowSize, type PoolView } from './decide.js';
import type { ItemStatus, Operation, OperationItem, Strategy } from './types.js';

const T0 = Date.UTC(2026, 11, 6, 9, 0);
const MIN = 60_000;

const op = (strategy: Strategy, over: Partial<Operation> = {}): Operation => ({
  id: 'op-7',
  kind: 'restart',
  pool: 'web',
  strategy,
  hard: false,
  status: 'running',
  control: 'run',
  progress: { phase: strategy.canary ? 'canary' : 'main', checkpointsPassed: [], api: { calls: 0, throttled: 0 }, poolSize: 20 },
  message: '',
  createdAt: T0,
  updatedAt: T0,
  ...over,
});

/** Items from a compact status string: p pending, r in-progress, d done, f failed. */
const items = (statuses: string, error?: string): OperationItem[] =>
  [...statuses].map((c, i) => {
    const status = ({ p: 'pending', r: 'in-progress', d: 'done', f: 'failed' } as const)[c as 'p' | 'r' | 'd' | 'f'] as ItemStatus;
    return { operation: 'op-7', machine: `m${i}`, seq: i, zone: 'a', status, ...(status === 'failed' && error ? { error } : {}) };
  });

const view: PoolView = { poolSize: 20, ready: 20, canaryHealthy: true };

describe('operation step: which machines start', () => {
  it('starts pending machines in their order, skipping those done, failed or under way', () => {
    const d = decide(op({ kind: 'rolling', maxUnavailable: { count: 4 }, failureThreshold: 1 }), items('dfrpdpppp'), view, T0);
    expect(d.start).toEqual(['m3', 'm5', 'm6']);
    expect(d.status).toBeUndefined();
  });

  it('a wave waits until the whole previous wave is settled', () => {
    const s: Strategy = { kind: 'rolling', batchSize: 3 };
    expect(decide(op(s), items('ddrpppp'), view, T0).start).toEqual([]);
    expect(decide(op(s), items('dddpppp'), view, T0).start).toEqual(['m3', 'm4', 'm5']);
  });

  it('never starts work that would leave fewer ready machines than the floor', () => {
    const s: Strategy = { kind: 'rolling', maxUnavailable: { count: 10 }, minHealthy: { count: 17 } };
    expect(decide(op(s), items('pppppppppp'), { ...view, ready: 19 }, T0).start).toEqual(['m0', 'm1']);
    expect(decide(op(s), items('pppppppppp'), { ...view, ready: 16 }, T0).start).toEqual([]);
  });

  it('a paused or cancelled operation starts nothing', () => {
    for (const status of ['paused', 'cancelled'] as const) {
      expect(decide(op({ kind: 'all-at-once' }, { status }), items('pppp'), view, T0)).toEqual({ start: [], progress: op({ kind: 'all-at-once' }).progress });
    }
  });
});

describe('operation step: when it is done', () => {
  it('succeeds once nothing is pending or under way, and counts what was done', () => {
    const d = decide(op({ kind: 'all-at-once' }), items('dddd'), view, T0);
    expect(d).toEqual({ start: [], progress: op({ kind: 'all-at-once' }).progress, status: 'succeeded', message: '4 of 4 machines done' });
  });

  it('is not done while one machine is still under way', () => {
    expect(decide(op({ kind: 'all-at-once' }), items('dddr'), view, T0).status).toBeUndefined();
  });

  it('says how many failed when they stayed within the threshold', () => {
    const d = decide(op({ kind: 'all-at-once', failureThreshold: 2 }), items('ddfdf'), view, T0);
    expect(d.status).toBe('succeeded');
    expect(d.message).toBe('3 of 5 machines done; 2 failed (within threshold 2)');
  });
});

describe('operation step: failures', () => {
  it('by default up to 5% of the machines may fail, rounded down', () => {
    expect(DEFAULT_FAILURE_SHARE).toBe(5);
    expect(failureThreshold(op({ kind: 'rolling' }), 100)).toBe(5);
    expect(failureThreshold(op({ kind: 'rolling' }), 39)).toBe(1);
    expect(failureThreshold(op({ kind: 'rolling' }), 19)).toBe(0);
    const five = 'fffff' + 'd'.repeat(90) + 'ppppp';
    expect(decide(op({ kind: 'rolling', maxUnavailable: { count: 5 } }), items(five), view, T0).abort).toBeUndefined();
    const six = 'ffffff' + 'd'.repeat(89) + 'ppppp';
    expect(decide(op({ kind: 'rolling', maxUnavailable: { count: 5 } }), items(six), view, T0)).toMatchObject({ abort: true, status: 'failed', start: [] });
  });

  it('an explicit threshold of 0 aborts at the first failure', () => {
    expect(failureThreshold(op({ kind: 'rolling', failureThreshold: 0 }), 100)).toBe(0);
    const d = decide(op({ kind: 'rolling', failureThreshold: 0 }), items('f' + 'p'.repeat(99)), view, T0);
    expect(d.message).toBe('1 machines failed (threshold 0): m0 (failed)');
  });

  it('names at most ten failed machines with their errors, and counts the rest', () => {
    const d = decide(op({ kind: 'all-at-once', failureThreshold: 3 }), items('f'.repeat(12) + 'pp', 'InsufficientCapacity'), view, T0);
    const named = Array.from({ length: 10 }, (_, i) => `m${i} (InsufficientCapacity)`).join(', ');
    expect(d.message).toBe(`12 machines failed (threshold 3): ${named} and 2 more`);
  });

  it('names exactly ten failed machines without a remainder', () => {
    const d = decide(op({ kind: 'all-at-once', failureThreshold: 3 }), items('f'.repeat(10) + 'pp', 'Timeout'), view, T0);
    expect(d.message).toBe(`10 machines failed (threshold 3): ${Array.from({ length: 10 }, (_, i) => `m${i} (Timeout)`).join(', ')}`);
  });

  it('a failure in the canary aborts at once, whatever the threshold; a replace is rolled back', () => {
    const s: Strategy = { kind: 'rolling', canary: { count: 2, bakeMs: 10 * MIN }, failureThreshold: 5 };
    const restart = decide(op(s), items('fpppppppp'), view, T0);
    expect(restart).toMatchObject({ abort: true, status: 'failed', message: '1 machines failed in the canary: m0 (failed)' });
    expect(decide(op(s, { kind: 'replace' }), items('fpppppppp'), view, T0).status).toBe('rolled-back');
    expect(decide(op(s, { kind: 'stop' }), items('fpppppppp'), view, T0).status).toBe('failed');
  });
});

describe('operation step: canary and bake', () => {
  const s: Strategy = { kind: 'rolling', maxUnavailable: { count: 3 }, canary: { count: 2, bakeMs: 10 * MIN } };

  it('starts only the canary machines not yet started', () => {
    expect(decide(op(s), items('rpppppp'), view, T0).start).toEqual(['m1']);
    expect(decide(op(s), items('rrppppp'), view, T0).start).toEqual([]);
    expect(decide(op(s), items('dpppppp'), view, T0)).toMatchObject({ start: ['m1'], progress: { phase: 'canary' } });
  });

  it('after the canary, the health of the canary machines no longer matters', () => {
    const d = decide(op(s, { progress: { ...op(s).progress, phase: 'main' } }), items('ddppppp'), { ...view, canaryHealthy: false }, T0);
    expect(d.abort).toBeUndefined();
    expect(d.start).toEqual(['m2', 'm3', 'm4']);
  });

  it('bakes for its whole length, then goes on with the rest', () => {
    const baked = decide(op(s), items('ddppppp'), view, T0);
    expect(baked.start).toEqual([]);
    expect(baked.progress).toMatchObject({ phase: 'baking', bakeUntil: T0 + 10 * MIN });
    const baking = op(s, { progress: baked.progress });
    expect(decide(baking, items('ddppppp'), view, T0 + 10 * MIN - 1).start).toEqual([]);
    const main = decide(baking, items('ddppppp'), view, T0 + 10 * MIN);
    expect(main.start).toEqual(['m2', 'm3', 'm4']);
    expect(main.progress.phase).toBe('main');
  });

  it('a restart whose canary is unhealthy after the bake fails, saying why', () => {
    const baking = op(s, { progress: { ...op(s).progress, phase: 'baking', bakeUntil: T0 } });
    expect(decide(baking, items('ddppppp'), { ...view, canaryHealthy: false }, T0)).toMatchObject({
      start: [],
      abort: true,
      status: 'failed',
      message: 'the canary machines were not all healthy at the end of the bake',
    });
  });

  it('an operation resumed in its canary phase without a canary goes straight to the rest', () => {
    const plain: Strategy = { kind: 'rolling', maxUnavailable: { count: 2 } };
    const d = decide(op(plain, { progress: { ...op(plain).progress, phase: 'canary' } }), items('pppp'), view, T0);
    expect(d.start).toEqual(['m0', 'm1']);
    expect(d.progress).toMatchObject({ phase: 'main', bakeUntil: T0 });
  });
});

describe('operation step: checkpoints', () => {
  it('does not start past a checkpoint, and pauses there once all before it are settled', () => {
    const s: Strategy = { kind: 'rolling', maxUnavailable: { count: 4 }, checkpoints: [50], failureThreshold: 2 };
    expect(decide(op(s), items('dddpppppppp'.slice(0, 10)), view, T0).start).toEqual(['m3', 'm4']);
    expect(decide(op(s), items('dddrrppppp'), view, T0).start).toEqual([]);
    const d = decide(op(s), items('dddfdppppp'), view, T0);
    expect(d).toMatchObject({ start: [], status: 'paused', message: 'paused at the 50% checkpoint: 5 of 10 done; resume to go on' });
    expect(d.progress.checkpointsPassed).toEqual([50]);
  });

  it('does not pause at a checkpoint while machines before it are still under way', () => {
    const s: Strategy = { kind: 'rolling', maxUnavailable: { count: 4 }, checkpoints: [50] };
    // Half the machines are settled, but one more is still rebooting: wait for it before pausing.
    const d = decide(op(s), items('dddddrpppp'), view, T0);
    expect(d.start).toEqual([]);
    expect(d.status).toBeUndefined();
  });

  it('pauses at the lowest checkpoint first, whatever order they were written in', () => {
    const s: Strategy = { kind: 'rolling', maxUnavailable: { count: 10 }, checkpoints: [80, 20, 50] };
    expect(decide(op(s), items('pppppppppp'), view, T0).start).toEqual(['m0', 'm1']);
    expect(decide(op(s), items('ddpppppppp'), view, T0).progress.checkpointsPassed).toEqual([20]);
  });

  it('rounds a checkpoint up to whole machines', () => {
    const s: Strategy = { kind: 'rolling', maxUnavailable: { count: 5 }, checkpoints: [25] };
    // 25% of 10 is 2.5: the pause comes after the third machine.
    expect(decide(op(s), items('pppppppppp'), view, T0).start).toEqual(['m0', 'm1', 'm2']);
    expect(decide(op(s), items('ddpppppppp'), view, T0).status).toBeUndefined();
  });

  it('on resume, goes on to the next checkpoint in order, whatever order they were written in', () => {
    const s: Strategy = { kind: 'rolling', maxUnavailable: { count: 5 }, checkpoints: [80, 50] };
    const resumed = op(s, { progress: { ...op(s).progress, checkpointsPassed: [50] } });
    const d = decide(resumed, items('dddddppppp'), view, T0);
    expect(d.status).toBeUndefined();
    expect(d.start).toEqual(['m5', 'm6', 'm7']);
    const at80 = decide(resumed, items('ddddddddpp'), view, T0);
    expect(at80.status).toBe('paused');
    expect(at80.progress.checkpointsPassed).toEqual([50, 80]);
    // The operation's own record is not changed by deciding.
    expect(resumed.progress.checkpointsPassed).toEqual([50]);
  });

  it('runs to the end once every checkpoint is passed', () => {
    const s: Strategy = { kind: 'rolling', maxUnavailable: { count: 5 }, checkpoints: [50] };
    const resumed = op(s, { progress: { ...op(s).progress, checkpointsPassed: [50] } });
    expect(decide(resumed, items('ddddddpppp'), view, T0).start).toEqual(['m6', 'm7', 'm8', 'm9']);
  });
});

describe('how many machines may be under way at once', () => {
  it('all at once: every machine', () => {
    expect(windowSize(op({ kind: 'all-at-once', batchSize: 2 }), 40, 20)).toBe(40);
  });

  it('rolling: the batch size, at least one', () => {
    expect(windowSize(op({ kind: 'rolling', batchSize: 6, maxUnavailable: { count: 2 } }), 40, 20)).toBe(6);
    expect(windowSize(op({ kind: 'rolling', batchSize: 0 }), 40, 20)).toBe(1);
  });

  it('rolling: a share of the pool, one tenth when unsaid, at least one', () => {
    expect(DEFAULT_ROLLING_SHARE).toBe(10);
    expect(windowSize(op({ kind: 'rolling', maxUnavailable: { percent: 25 } }), 40, 20)).toBe(5);
    expect(windowSize(op({ kind: 'rolling' }), 40, 50)).toBe(5);
    expect(windowSize(op({ kind: 'rolling' }), 40, 5)).toBe(1);
    expect(windowSize(op({ kind: 'rolling', maxUnavailable: { count: 0 } }), 40, 20)).toBe(1);
  });
});
