import { describe, expect, it } from 'vitest';
import { machine } from '../../../test/support/domain-fixtures.js';
import type { Template } from '../types.js';
import { candidates } from './candidates.js';
import { lifetimeDueAt } from './lifetime.js';

const DAY = 86_400_000;
const v1: Template = { name: 'web', version: 1, provider: 'aws', image: 'ami-1', sizes: ['m6i.large'], zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'], tags: { team: 'web' } };
const v2: Template = { ...v1, version: 2, image: 'ami-2' };
const templates = { current: v2, made: (v: number) => [v1, v2].find((t) => t.version === v) };
// The pool dropped eu-west-1c; its order is not the template's.
const pool = { zones: ['eu-west-1b', 'eu-west-1a'] };
const now = Date.parse('2026-12-07T09:30:00Z');
const launched = (iso: string) => Date.parse(iso);

describe('voluntary replacement: which machines a roll-out takes', () => {
  it('takes the drifted machines that serve, in the order the pool lists them, with what drifted', () => {
    const machines = [
      machine('i-0c41', { pool: 'web', zone: 'eu-west-1a', size: 'm6i.large', templateVersion: 1, launchedAt: launched('2026-11-20T10:00:00Z') }),
      machine('i-07aa', { pool: 'web', zone: 'eu-west-1b', size: 'm6i.large', templateVersion: 2, launchedAt: launched('2026-11-01T10:00:00Z') }),
      machine('i-09f2', { pool: 'web', zone: 'eu-west-1a', size: 'm6i.large', templateVersion: 1, state: 'booting' }),
      machine('i-0a13', { pool: 'web', zone: 'eu-west-1b', size: 'm6i.large', templateVersion: 1, state: 'unhealthy' }),
      machine('i-0e55', { pool: 'web', zone: 'eu-west-1c', size: 'm6i.large', templateVersion: 1, launchedAt: launched('2026-11-25T10:00:00Z') }),
      machine('i-0210', { pool: 'web', zone: 'eu-west-1a', size: 'm6i.large', templateVersion: 2, launchedAt: launched('2026-12-06T10:00:00Z') }),
    ];
    // i-07aa is past a 7-day lifetime too, but while machines have drifted the roll-out is a drift one:
    // it waits for the next, a lifetime roll-out.
    expect(candidates(machines, templates, pool, { maxLifetimeMs: 7 * DAY }, now)).toEqual([
      { id: 'i-0c41', reason: 'drift', detail: 'image ami-1 → ami-2' },
      { id: 'i-0e55', reason: 'drift', detail: 'image ami-1 → ami-2; zone eu-west-1c no longer in [eu-west-1b, eu-west-1a]' },
    ]);
  });

  it('without drift, takes the serving machines past their lifetime, saying when each was launched', () => {
    const machines = [
      machine('i-0f10', { pool: 'web', zone: 'eu-west-1b', size: 'm6i.large', templateVersion: 2, launchedAt: launched('2026-11-23T08:00:00Z') }),
      machine('i-0b07', { pool: 'web', zone: 'eu-west-1a', size: 'm6i.large', templateVersion: 2, launchedAt: launched('2026-12-03T08:00:00Z') }),
      machine('i-0d99', { pool: 'web', zone: 'eu-west-1a', size: 'm6i.large', templateVersion: 2, launchedAt: launched('2026-11-02T08:00:00Z'), state: 'draining' }),
      machine('i-0a01', { pool: 'web', zone: 'eu-west-1b', size: 'm6i.large', templateVersion: 2, launchedAt: launched('2026-11-29T08:00:00Z') }),
    ];
    expect(candidates(machines, templates, pool, { maxLifetimeMs: 7 * DAY }, now)).toEqual([
      { id: 'i-0f10', reason: 'lifetime', detail: 'launched 2026-11-23T08:00:00.000Z, past its lifetime of 168h' },
      { id: 'i-0a01', reason: 'lifetime', detail: 'launched 2026-11-29T08:00:00.000Z, past its lifetime of 168h' },
    ]);
  });

  it('a machine joins a lifetime roll-out at the due time `flotte drift` shows, not a millisecond before', () => {
    const m = machine('i-0c3e', { pool: 'web', zone: 'eu-west-1a', size: 'm6i.large', templateVersion: 2, launchedAt: launched('2026-11-30T09:00:00Z') });
    const due = lifetimeDueAt(m, 7 * DAY);
    expect(candidates([m], templates, pool, { maxLifetimeMs: 7 * DAY }, due - 1)).toEqual([]);
    expect(candidates([m], templates, pool, { maxLifetimeMs: 7 * DAY }, due)).toMatchObject([{ id: 'i-0c3e', reason: 'lifetime' }]);
  });

  it('without maxLifetime no machine is too old, and a pool that matches its template takes nothing', () => {
    const old = machine('i-0123', { pool: 'web', zone: 'eu-west-1b', size: 'm6i.large', templateVersion: 2, launchedAt: launched('2025-01-01T00:00:00Z') });
    expect(candidates([old], templates, pool, {}, now)).toEqual([]);
    expect(candidates([old], templates, pool, { maxLifetimeMs: 1_000 * DAY }, now)).toEqual([]);
  });
});
