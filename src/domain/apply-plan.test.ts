import { describe, expect, it } from 'vitest';
import { changedSections, describeApply, desiredAfterApply, planApply, type ApplyPlanInput, type CurrentPool } from './apply-plan.js';
import { poolSpec } from '../../test/support/domain-fixtures.js';
import type { PoolSpec, Template } from './types.js';

const T_REMOVED = Date.UTC(2026, 11, 6, 9, 0);

const template = (over: Partial<Omit<Template, 'version'>> = {}): Omit<Template, 'version'> => ({ name: 'small', provider: 'sim', image: 'img-1', sizes: ['m5.large'], zones: ['a', 'b'], tags: {}, ...over });
const pool = (name: string, over: Partial<PoolSpec> = {}): PoolSpec => poolSpec({ name, max: 100, zones: ['a', 'b'], ...over });
const current = (name: string, desired: number, machines: number, over: Partial<PoolSpec> = {}, fileDesired = desired): CurrentPool => ({ spec: pool(name, { desired, ...over }), fileDesired, machines });

/** Two pools, web (10 machines) and batch (4), from one template, as the last apply left them. */
const before = (extra: CurrentPool[] = []): Pick<ApplyPlanInput, 'current' | 'currentTemplates' | 'versions'> => ({
  current: [current('web', 10, 10), current('batch', 4, 4), ...extra],
  currentTemplates: [template()],
  versions: new Map([['small', 1]]),
});
const file = (pools: PoolSpec[], templates = [template()]) => ({ pools, templates });
const lines = (input: ApplyPlanInput) => describeApply(planApply(input), 'f.yaml');

describe('planApply and describeApply: what an apply would do, line by line', () => {
  it.each<[string, ApplyPlanInput, string[]]>([
    ['the same file again: nothing', { ...before(), ...file([pool('web', { desired: 10 }), pool('batch', { desired: 4 })]) }, ['No changes: the fleet already matches f.yaml.']],
    [
      'a pool added: what it is, and what it launches',
      { ...before(), ...file([pool('web', { desired: 10 }), pool('batch', { desired: 4 }), pool('gpu', { desired: 3, max: 8 })]) },
      ['+ pool gpu: add (template small, min 0, max 8, desired 3): launches 3 machines', 'Plan: pools 1 to add, 0 to change, 0 to remove; 3 machines to launch, 0 to terminate.'],
    ],
    [
      'a pool changed: each field old → new, and the machines it launches',
      { ...before(), ...file([pool('web', { desired: 16, labels: { team: 'core' } }), pool('batch', { desired: 4, maxLaunching: 50 })]) },
      [
        '~ pool batch: maxLaunching 200 → 50',
        '~ pool web: labels {} → {team=core}, desired 10 → 16: launches 6 machines',
        'Plan: pools 0 to add, 2 to change, 0 to remove; 6 machines to launch, 0 to terminate.',
      ],
    ],
    [
      'a pool removed: every machine it has is terminated, and that is destructive',
      { ...before(), ...file([pool('web', { desired: 10 })]) },
      ['- pool batch: remove (drained, then deleted): terminates 4 of 4 machines (destructive: needs --allow-destroy)', 'Plan: pools 0 to add, 0 to change, 1 to remove; 0 machines to launch, 4 to terminate.'],
    ],
    [
      'a shrink by half exactly is not destructive',
      { ...before(), ...file([pool('web', { desired: 5 }), pool('batch', { desired: 4 })]) },
      ['~ pool web: desired 10 → 5: terminates 5 of 10 machines', 'Plan: pools 0 to add, 1 to change, 0 to remove; 0 machines to launch, 5 to terminate.'],
    ],
    [
      'a shrink by more than half is destructive, also when a lower max forces it',
      { ...before(), ...file([pool('web', { desired: 10, max: 4 }), pool('batch', { desired: 4 })]) },
      ['~ pool web: max 100 → 4, desired 10 → 4: terminates 6 of 10 machines (destructive: needs --allow-destroy)', 'Plan: pools 0 to add, 1 to change, 0 to remove; 0 machines to launch, 6 to terminate.'],
    ],
    [
      'a template changed: the fields, and the version new machines get',
      { ...before(), ...file([pool('web', { desired: 10 }), pool('batch', { desired: 4 })], [template({ image: 'img-2', sizes: ['m5.large', 'm5.xlarge'] })]) },
      ['~ template small: image img-1 → img-2, sizes [m5.large] → [m5.large, m5.xlarge] (version 2 for new machines; running ones that differ are replaced by a roll-out, or listed by `flotte drift` where `rollout.mode` is manual)', 'Plan: pools 0 to add, 0 to change, 0 to remove, 1 template changed; 0 machines to launch, 0 to terminate.'],
    ],
    [
      'a template added and one dropped from the file',
      { ...before(), ...file([pool('web', { desired: 10 }), pool('batch', { desired: 4, template: 'big' })], [template(), template({ name: 'big', sizes: ['m5.4xlarge'] })]), currentTemplates: [template(), template({ name: 'old' })] },
      [
        '~ pool batch: template small → big',
        '+ template big: add (version 1)',
        '- template old: no longer in the file (stored versions are kept)',
        'Plan: pools 0 to add, 1 to change, 0 to remove, 2 templates changed; 0 machines to launch, 0 to terminate.',
      ],
    ],
  ])('%s', (_name, input, expected) => {
    expect(lines(input)).toEqual(expected);
  });

  it('keeps a size set by `flotte scale` while the file says what it said before, and follows the file once it changes', () => {
    const scaled = { current: [current('web', 30, 30, {}, 10)], currentTemplates: [template()], versions: new Map([['small', 1]]) };
    expect(lines({ ...scaled, ...file([pool('web', { desired: 10 })]) })).toEqual(['No changes: the fleet already matches f.yaml.']);
    const plan = planApply({ ...scaled, ...file([pool('web', { desired: 12 })]) });
    expect(plan.pools).toEqual([expect.objectContaining({ pool: 'web', desired: { from: 30, to: 12 }, terminate: 18, destructive: true })]);
  });

  it('measures launches and terminations against the machines there are now', () => {
    // Still growing toward 10 (6 up): raising to 12 launches the 6 missing; lowering to 2 terminates 4 of the 6.
    const growing = { current: [current('web', 10, 6)], currentTemplates: [template()], versions: new Map([['small', 1]]) };
    expect(planApply({ ...growing, ...file([pool('web', { desired: 12 })]) }).pools[0]).toMatchObject({ launch: 6, terminate: 0 });
    expect(planApply({ ...growing, ...file([pool('web', { desired: 2 })]) }).pools[0]).toMatchObject({ launch: 0, terminate: 4, destructive: true });
    // An empty pool shrinks without terminating anything.
    const empty = { current: [current('web', 10, 0)], currentTemplates: [template()], versions: new Map([['small', 1]]) };
    expect(planApply({ ...empty, ...file([pool('web', { desired: 1 })]) }).pools[0]).toMatchObject({ terminate: 0, destructive: false });
  });

  it('leaves environment pools out, and a pool already being removed is not removed twice', () => {
    const input = { ...before([current('env-ab12-web', 3, 3), current('old', 0, 2, { removedAt: T_REMOVED, max: 0 })]), ...file([pool('web', { desired: 10 }), pool('batch', { desired: 4 })]) };
    expect(planApply(input)).toMatchObject({ pools: [], destructive: [] });
  });

  it('a pool listed again while it drains after a removal is added back with the file\'s size', () => {
    const input = { ...before([current('old', 0, 2, { removedAt: T_REMOVED, max: 0 }, 0)]), ...file([pool('web', { desired: 10 }), pool('batch', { desired: 4 }), pool('old', { desired: 5 })]) };
    expect(planApply(input).pools).toEqual([expect.objectContaining({ pool: 'old', change: 'add', desired: { from: 0, to: 5 }, launch: 3, destructive: false })]);
  });

  it('every pool removed (an apply of `pools: {}`) is destructive pool by pool', () => {
    const plan = planApply({ ...before(), ...file([]) });
    expect(plan.destructive.map((p) => [p.pool, p.terminate])).toEqual([['batch', 4], ['web', 10]]);
  });

  it.each([
    ['new pool', undefined, 7, 7],
    ['file unchanged keeps the scaled size', { desired: 30, fileDesired: 7 }, 7, 30],
    ['file changed follows the file', { desired: 30, fileDesired: 7 }, 9, 9],
  ])('desiredAfterApply: %s', (_name, was, fileDesired, expected) => {
    expect(desiredAfterApply(was, { min: 0, max: 100, desired: fileDesired })).toBe(expected);
  });

  it('desiredAfterApply clamps a kept size into the file\'s bounds', () => {
    expect(desiredAfterApply({ desired: 30, fileDesired: 7 }, { min: 0, max: 20, desired: 7 })).toBe(20);
    expect(desiredAfterApply({ desired: 1, fileDesired: 7 }, { min: 5, max: 20, desired: 7 })).toBe(5);
  });
});

describe('sections besides pools and templates', () => {
  const settings = { retention: { events: 30 }, notifications: [{ name: 'oncall', url: 'https://hooks.example.com/flotte', events: ['HealingPaused'] }] };

  it('the same sections, as the store gave them back (JSON: key order changed, undefined fields gone), change nothing', () => {
    const next = { providers: { sim: { type: 'sim', seed: undefined } }, settings: { notifications: settings.notifications, retention: { events: 30 }, oidc: undefined } };
    expect(changedSections({ providers: { sim: { type: 'sim' } }, settings }, next)).toEqual([]);
  });

  it('names each section that changed, sorted; an apply of only those says so and moves no machine', () => {
    const next = { providers: { sim: { type: 'sim', seed: 7 } }, settings: { ...settings, notifications: [] } };
    expect(changedSections({ providers: { sim: { type: 'sim' } }, settings }, next)).toEqual(['notifications', 'providers']);
    const plan = { pools: [], templates: [], launch: 0, terminate: 0, destructive: [], sections: ['notifications'] };
    expect(describeApply(plan, 'flotte.yaml')).toEqual(['~ notifications: changed', 'Plan: no pool or template changes, no machine launched or terminated; 1 section of flotte.yaml changed.']);
  });

  it('a config stored by an older flotte (no settings kept) names none of its settings, only what it can compare', () => {
    expect(changedSections({ providers: { sim: { type: 'sim' } } }, { providers: { sim: { type: 'sim' } }, settings })).toEqual([]);
    expect(changedSections(undefined, { providers: {}, settings })).toEqual([]);
  });
});
