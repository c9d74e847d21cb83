import { describe, expect, it } from 'vitest';
import { describeApply, describeDestroy, planAgainst, planApply, shrunk, type ApplyPlanInput, type CurrentPool, type StoredFleet } from './apply-plan.js';
import { DEFAULT_HEALTH } from './health.js';
import type { PoolHooks } from './hooks.js';
import type { ScalingSpec } from './scaling/spec.js';
import { poolSpec } from '../../test/support/domain-fixtures.js';
import type { PoolSpec, Template } from './types.js';

// What `flotte apply` shows and what its JSON plan holds, past the headline cases of
// apply-plan.test.ts: how each kind of field reads, the order of the lines, the destructive
// list, and the plan made from the stored state.

const T_REMOVED = Date.UTC(2026, 11, 6, 9, 0);

const template = (over: Partial<Omit<Template, 'version'>> = {}): Omit<Template, 'version'> => ({ name: 'small', provider: 'sim', image: 'img-1', sizes: ['m5.large'], zones: ['a', 'b'], tags: {}, ...over });
const pool = (name: string, over: Partial<PoolSpec> = {}): PoolSpec => poolSpec({ name, max: 100, zones: ['a', 'b'], ...over });
const current = (name: string, desired: number, machines: number, over: Partial<PoolSpec> = {}): CurrentPool => ({ spec: pool(name, { desired, ...over }), fileDesired: desired, machines });
const input = (cur: CurrentPool[], pools: PoolSpec[], templates = [template()], currentTemplates = [template()], versions = new Map([['small', 1]])): ApplyPlanInput => ({ current: cur, currentTemplates, versions, pools, templates });
const lines = (i: ApplyPlanInput) => describeApply(planApply(i), 'flotte.yaml');

const scaling: ScalingSpec = {
  metrics: { queue: { type: 'rabbitmq', url: 'amqp://127.0.0.1:5672', queue: 'jobs' } },
  policies: [{ type: 'target-tracking', metric: 'queue', target: 50, aggregate: 'total', tolerance: 0.1 }],
  evaluationInterval: 10,
  stabilization: { scaleIn: 300, scaleOut: 0 },
  cooldowns: { scaleOut: 0, scaleIn: 60 },
  maxStep: { absolute: 10 },
  warmup: 0,
  dryRun: false,
};

describe('the plan as data (what `flotte apply --json` and the API return)', () => {
  it('a new pool: every field it is created with, from nothing, and its size from 0', () => {
    const plan = planApply(input([], [pool('gpu', { desired: 3, min: 1, max: 8 })]));
    expect(plan.pools).toEqual([
      {
        pool: 'gpu',
        change: 'add',
        fields: [
          { field: 'template', from: '', to: 'small' },
          { field: 'min', from: '', to: '1' },
          { field: 'max', from: '', to: '8' },
          { field: 'desired', from: '', to: '3' },
        ],
        machines: 0,
        desired: { from: 0, to: 3 },
        launch: 3,
        terminate: 0,
        destructive: false,
      },
    ]);
  });

  it('a removed pool: no field changes listed, all its machines terminated', () => {
    const plan = planApply(input([current('web', 6, 6), current('batch', 4, 4)], [pool('web', { desired: 6 })]));
    expect(plan.pools).toEqual([{ pool: 'batch', change: 'remove', fields: [], machines: 4, desired: { from: 4, to: 0 }, launch: 0, terminate: 4, destructive: true }]);
  });

  it('templates: a new one has no field changes, a dropped one neither, and neither gets a version when stored versions exist', () => {
    const plan = planApply(input([], [], [template({ name: 'big', sizes: ['m5.4xlarge'] })], [template({ name: 'old' })], new Map([['old', 3], ['big', 2]])));
    expect(plan.templates).toEqual([
      { template: 'big', change: 'add', fields: [] },
      { template: 'old', change: 'remove', fields: [] },
    ]);
    // A template that comes back after an earlier file dropped it is added without a version line: the store reuses its versions by content.
    expect(describeApply(plan, 'flotte.yaml')).toEqual([
      '+ template big: add',
      '- template old: no longer in the file (stored versions are kept)',
      'Plan: pools 0 to add, 0 to change, 0 to remove, 2 templates changed; 0 machines to launch, 0 to terminate.',
    ]);
  });

  it('only the destructive pool plans are listed as needing allowDestroy, and only the pools that lose machines are shrunk', () => {
    const plan = planApply(
      input([current('web', 10, 10), current('batch', 4, 4), current('api', 6, 6), current('etl', 2, 2)], [pool('web', { desired: 6 }), pool('api', { desired: 2 }), pool('etl', { desired: 5 })]),
    );
    expect(plan.destructive.map((p) => p.pool)).toEqual(['api', 'batch']);
    expect(shrunk(plan)).toEqual(['api', 'web', 'batch']);
    expect(plan).toMatchObject({ launch: 3, terminate: 12 });
  });

  it('no pool loses a machine: nothing is shrunk', () => {
    const plan = planApply(input([current('web', 10, 10)], [pool('web', { desired: 12 }), pool('gpu', { desired: 2 })]));
    expect(shrunk(plan)).toEqual([]);
  });
});

describe('launches and terminations follow the change of size, not the gap to the machines there are', () => {
  it('a pool still growing toward its old size is neither launched for nor shrunk by a lower size it has not reached', () => {
    // desired 10, 6 machines up so far; the file lowers it to 8: the controller's own launches continue, the apply adds none.
    expect(planApply(input([current('web', 10, 6)], [pool('web', { desired: 8 })])).pools[0]).toMatchObject({ launch: 0, terminate: 0, destructive: false });
  });

  it('a field change on a pool still growing launches nothing of its own', () => {
    expect(planApply(input([current('web', 10, 6)], [pool('web', { desired: 10, maxLaunching: 20 })])).pools[0]).toMatchObject({ desired: { from: 10, to: 10 }, launch: 0, terminate: 0 });
  });

  it('a pool with more machines than its size (some still draining) is not shrunk by an apply that keeps or raises its size', () => {
    expect(planApply(input([current('web', 10, 13)], [pool('web', { desired: 10, maxLaunching: 20 })])).pools[0]).toMatchObject({ launch: 0, terminate: 0, destructive: false });
    expect(planApply(input([current('web', 10, 13)], [pool('web', { desired: 12 })])).pools[0]).toMatchObject({ launch: 0, terminate: 0, destructive: false });
  });

  it('removing a pool scaled to 0 whose last machines still drain terminates them, and removing an empty pool is still destructive', () => {
    const plan = planApply(input([current('web', 10, 10), current('batch', 0, 2), current('etl', 0, 0)], [pool('web', { desired: 10 })]));
    expect(plan.pools.map((p) => [p.pool, p.change, p.terminate, p.destructive])).toEqual([
      ['batch', 'remove', 2, true],
      ['etl', 'remove', 0, true],
    ]);
    expect(describeDestroy(plan, 'flotte.yaml')).toBe(
      'applying flotte.yaml would remove pool batch (terminating 2 of 2 machines) and remove pool etl (terminating 0 of 0 machines); nothing was changed',
    );
  });
});

describe('describeDestroy: the refusal names each destructive change', () => {
  it('a shrink and a removal, with their counts', () => {
    const plan = planApply(input([current('web', 200, 200), current('batch', 4, 4)], [pool('web', { desired: 2, max: 200 })]));
    expect(describeDestroy(plan, 'prod.yaml')).toBe(
      'applying prod.yaml would shrink pool web from 200 to 2 (terminating 198 of 200 machines) and remove pool batch (terminating 4 of 4 machines); nothing was changed',
    );
  });
});

describe('how each kind of field reads in a plan line', () => {
  const base = [current('web', 4, 4)];

  it('labels are listed by key, whatever order the file wrote them in, and a reordering alone is no change', () => {
    const was = [current('web', 4, 4, { labels: { team: 'core', env: 'prod' } })];
    expect(lines(input(was, [pool('web', { desired: 4, labels: { env: 'prod', team: 'core' } })]))).toEqual(['No changes: the fleet already matches flotte.yaml.']);
    expect(lines(input(was, [pool('web', { desired: 4, labels: { team: 'data', env: 'prod', cost: 'b7' } })]))[0]).toBe('~ pool web: labels {env=prod, team=core} → {cost=b7, env=prod, team=data}');
  });

  it('template tags read like labels, and user data by its length only (it may hold secrets)', () => {
    const was = [template({ tags: { owner: 'ops' }, userData: '#!/bin/sh\necho hi\n' })];
    const next = [template({ tags: { owner: 'ops', cost: 'b7' }, userData: '#!/bin/sh\necho hello world\n' })];
    expect(lines(input([], [], next, was))[0]).toBe(
      '~ template small: userData 18 bytes → 27 bytes, tags {owner=ops} → {cost=b7, owner=ops} (version 2 for new machines; running ones that differ are replaced by a roll-out, or listed by `flotte drift` where `rollout.mode` is manual)',
    );
  });

  it('user data added where there was none', () => {
    expect(lines(input([], [], [template({ userData: 'x'.repeat(120) })]))[0]).toBe('~ template small: userData  → 120 bytes (version 2 for new machines; running ones that differ are replaced by a roll-out, or listed by `flotte drift` where `rollout.mode` is manual)');
  });

  it('numbers and lists read as written', () => {
    expect(lines(input(base, [pool('web', { desired: 4, min: 2, zones: ['b', 'c'], deletionOrder: 'newest-first' })]))[0]).toBe(
      '~ pool web: min 0 → 2, zones [a, b] → [b, c], deletionOrder oldest-first → newest-first',
    );
  });

  it('autoscaling and health policies are told as set, removed or changed, not printed', () => {
    const scaled = [current('web', 4, 4, { scaling })];
    expect(lines(input(base, [pool('web', { desired: 4, scaling, health: { ...DEFAULT_HEALTH, maxReplacing: 2 } })]))[0]).toBe('~ pool web: scaling set, health set');
    expect(lines(input(scaled, [pool('web', { desired: 4 })]))[0]).toBe('~ pool web: scaling removed');
    expect(lines(input(scaled, [pool('web', { desired: 4, scaling: { ...scaling, cooldowns: { scaleOut: 0, scaleIn: 120 } } })]))[0]).toBe('~ pool web: scaling changed');
  });

  it('lifecycle hooks are told as set, removed or changed too, not printed', () => {
    const hooks: PoolHooks = { launch: [{ name: 'warm-cache', command: '/opt/app/warm-cache.sh', timeoutMs: 120_000, defaultResult: 'abandon' }], terminate: [] };
    const hooked = [current('web', 4, 4, { hooks })];
    expect(lines(input(base, [pool('web', { desired: 4, hooks })]))[0]).toBe('~ pool web: hooks set');
    expect(lines(input(hooked, [pool('web', { desired: 4 })]))[0]).toBe('~ pool web: hooks removed');
    expect(lines(input(hooked, [pool('web', { desired: 4, hooks: { ...hooks, terminate: [{ name: 'deregister', webhook: { url: 'https://lb.example.com/deregister', secret: { env: 'LB_HOOK_KEY' } }, timeoutMs: 30_000, defaultResult: 'continue' }] } })]))[0]).toBe('~ pool web: hooks changed');
  });

  it('a change deep inside a policy is seen: a target, a list entry, a field added', () => {
    const changed = (s: ScalingSpec) => lines(input([current('web', 4, 4, { scaling })], [pool('web', { desired: 4, scaling: s })]))[0];
    expect(changed({ ...scaling, policies: [{ type: 'target-tracking', metric: 'queue', target: 40, aggregate: 'total', tolerance: 0.1 }] })).toBe('~ pool web: scaling changed');
    expect(changed({ ...scaling, policies: [...scaling.policies, { type: 'schedule', cron: '0 8 * * 1-5', timezone: 'Europe/Paris', duration: 36_000, min: 4 }] })).toBe('~ pool web: scaling changed');
    expect(changed({ ...scaling, staleAfter: 60 })).toBe('~ pool web: scaling changed');
    expect(changed({ ...scaling, maxStep: {} })).toBe('~ pool web: scaling changed');
  });

  it('the same policy written in another key order, or with an optional field left undefined, is no change', () => {
    const reordered: ScalingSpec = {
      dryRun: false,
      warmup: 0,
      maxStep: { absolute: 10, percent: undefined },
      cooldowns: { scaleIn: 60, scaleOut: 0 },
      stabilization: { scaleOut: 0, scaleIn: 300 },
      evaluationInterval: 10,
      policies: [{ tolerance: 0.1, aggregate: 'total', target: 50, metric: 'queue', type: 'target-tracking' }],
      metrics: { queue: { queue: 'jobs', url: 'amqp://127.0.0.1:5672', type: 'rabbitmq' } },
      staleAfter: undefined,
    };
    expect(lines(input([current('web', 4, 4, { scaling })], [pool('web', { desired: 4, scaling: reordered })]))).toEqual(['No changes: the fleet already matches flotte.yaml.']);
  });
});

describe('the order of the lines: adds, then changes, then removals, each by name', () => {
  it('pools and templates, whatever order the file lists them in', () => {
    const cur = [current('web', 4, 4), current('api', 2, 2), current('batch', 3, 3), current('old', 1, 1), current('cron', 1, 1)];
    const pools = [pool('web', { desired: 5 }), pool('zeta', { desired: 1 }), pool('batch', { desired: 4 }), pool('api', { desired: 3 }), pool('beta', { desired: 1 }), pool('alpha', { desired: 1 })];
    const templates = [template({ name: 'tiny' }), template({ name: 'small', image: 'img-2' }), template({ name: 'huge' }), template({ name: 'mid', image: 'img-9' })];
    const plan = planApply(input(cur, pools, templates, [template(), template({ name: 'mid' }), template({ name: 'legacy' }), template({ name: 'ancient' })], new Map([['small', 1], ['mid', 4]])));
    expect(plan.pools.map((p) => `${p.change} ${p.pool}`)).toEqual(['add alpha', 'add beta', 'add zeta', 'change api', 'change batch', 'change web', 'remove cron', 'remove old']);
    expect(plan.templates.map((t) => `${t.change} ${t.template} ${t.version ?? '-'}`)).toEqual(['add huge 1', 'add tiny 1', 'change mid 5', 'change small 2', 'remove ancient -', 'remove legacy -']);
  });
});

describe('planAgainst: the plan from the stored state', () => {
  const stored = (over: Partial<StoredFleet> = {}): StoredFleet => ({
    pools: [pool('web', { desired: 30 }), pool('batch', { desired: 4 })],
    fileDesired: new Map([['web', 10]]),
    machines: new Map([['web', 30]]),
    config: { templates: [template()] },
    versions: new Map([['small', 1]]),
    ...over,
  });

  it('keeps a scaled size while the file says what it said, and counts machines per pool (none when the store has none)', () => {
    const plan = planAgainst(stored(), { pools: [pool('web', { desired: 10 }), pool('batch', { desired: 2 })], templates: [template()] });
    expect(plan.pools).toEqual([expect.objectContaining({ pool: 'batch', desired: { from: 4, to: 2 }, machines: 0, terminate: 0 })]);
  });

  it('measures a shrink against the machines the store counts for the pool', () => {
    const plan = planAgainst(stored(), { pools: [pool('web', { desired: 12 }), pool('batch', { desired: 4 })], templates: [template()] });
    expect(plan.pools).toEqual([expect.objectContaining({ pool: 'web', desired: { from: 30, to: 12 }, machines: 30, terminate: 18, destructive: true })]);
  });

  it('a pool with no recorded file size takes its own size as what the file said', () => {
    const plan = planAgainst(stored(), { pools: [pool('web', { desired: 10 }), pool('batch', { desired: 4 })], templates: [template()] });
    expect(plan.pools).toEqual([]);
  });

  it('the first apply (no config stored) adds every template', () => {
    const plan = planAgainst(stored({ pools: [], config: undefined, versions: new Map() }), { pools: [], templates: [template()] });
    expect(plan.templates).toEqual([{ template: 'small', change: 'add', fields: [], version: 1 }]);
  });

  it('a stored config drops a template the new file no longer lists', () => {
    const plan = planAgainst(stored(), { pools: [pool('web', { desired: 10 }), pool('batch', { desired: 4 })], templates: [] });
    expect(plan.templates).toEqual([{ template: 'small', change: 'remove', fields: [] }]);
  });

  it('a removed pool still draining is not removed again', () => {
    const plan = planAgainst(stored({ pools: [pool('web', { desired: 30 }), pool('gone', { desired: 0, max: 0, removedAt: T_REMOVED })], machines: new Map([['web', 30], ['gone', 3]]) }), { pools: [pool('web', { desired: 10 })], templates: [template()] });
    expect(plan.pools).toEqual([]);
  });
});
