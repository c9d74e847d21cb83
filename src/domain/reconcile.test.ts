import { describe, expect, it } from 'vitest';
import { reconcileMachine } from './reconcile.js';
import { machine } from '../../test/support/domain-fixtures.js';
import { IllegalTransition, transition } from './lifecycle.js';

describe('reconcileMachine', () => {
  const grace = 10_000;
  it.each([
    ['launching', 'pending', 'booting', 'Booting'],
    ['booting', 'running', 'ready', 'Ready'],
    ['ready', 'error', 'unhealthy', 'Unhealthy'],
    ['unhealthy', 'running', 'ready', 'Recovered'],
    ['ready', 'rebooting', 'rebooting', 'Rebooting'],
    ['rebooting', 'running', 'ready', 'Ready'],
    ['ready', 'stopped', 'stopped', 'Stopped'],
    ['terminating', 'terminated', 'gone', 'Terminated'],
  ] as const)('%s + provider %s → %s', (from, status, to, reason) => {
    expect(reconcileMachine(machine('m', { state: from }), { status }, 100_000, grace)).toMatchObject({ to, reason });
  });

  it('a machine that vanishes unasked died and needs a replacement', () => {
    expect(reconcileMachine(machine('m'), undefined, 100_000, grace)).toMatchObject({ to: 'gone', reason: 'Died', unexpected: true });
  });

  it('a machine terminated by someone else died', () => {
    expect(reconcileMachine(machine('m'), { status: 'terminating' }, 100_000, grace)).toMatchObject({ unexpected: true, to: 'gone' });
  });

  it('a new machine missing from the list is not dead yet (eventual consistency)', () => {
    expect(reconcileMachine(machine('m', { state: 'launching', launchedAt: 95_000 }), undefined, 100_000, grace)).toBeNull();
  });

  it('a machine terminated as asked is not a death', () => {
    expect(reconcileMachine(machine('m', { state: 'terminating' }), undefined, 100_000, grace)).toMatchObject({ unexpected: false });
  });

  it('draining machines stay draining while running', () => {
    expect(reconcileMachine(machine('m', { state: 'draining' }), { status: 'running' }, 100_000, grace)).toBeNull();
  });
});

describe('transition', () => {
  it('refuses illegal moves', () => {
    expect(() => transition('gone', 'ready')).toThrow(IllegalTransition);
    expect(() => transition('terminating', 'ready')).toThrow(/terminating → ready/);
    expect(transition('ready', 'draining')).toBe('draining');
  });
});
