import { describe, expect, it } from 'vitest';
import { idleSignals, idleStep, type MachineSignal } from './idle.js';

const policy = { afterMs: 600_000, maxCpu: 0.2 };
const quiet = { busy: 0, sessions: 0, cpu: 0.05, at: 0 };
const m = (id: string, over: Partial<MachineSignal> = {}): MachineSignal => ({ machine: id, role: 'web', state: 'ready', report: quiet, ...over });

describe('idle signals', () => {
  it.each([
    ['every agent quiet', [m('a'), m('b')], []],
    ['busy work', [m('a', { report: { ...quiet, busy: 2 } })], ['web a: busy 2']],
    ['a logged-in session', [m('a', { report: { ...quiet, sessions: 1 } })], ['web a: 1 logged-in session']],
    ['CPU above the share', [m('a', { report: { ...quiet, cpu: 0.35 } })], ['web a: CPU 35% (idle at most 20%)']],
    ['CPU at the share still counts as idle', [m('a', { report: { ...quiet, cpu: 0.2 } })], []],
    ['an agent that does not report', [m('a', { report: undefined })], ['web a: no recent agent report']],
    ['a machine not ready', [m('a', { state: 'booting' })], ['web a is booting']],
    ['no machines at all', [], ['no machines']],
  ])('%s', (_what, machines, blockers) => {
    const s = idleSignals(machines, policy);
    expect(s.blockers).toEqual(blockers);
    expect(s.idle).toBe(blockers.length === 0);
  });
});

describe('idle step', () => {
  const idle = idleSignals([m('a')], policy);
  const busy = idleSignals([m('a', { report: { ...quiet, busy: 1 } })], policy);
  it.each([
    ['activity ends an idle stretch', busy, 1_000, 5_000, { kind: 'busy' }],
    ['the first idle look starts the window', idle, undefined, 5_000, { kind: 'idle', since: 5_000, stopAt: 605_000 }],
    ['inside the window it waits', idle, 5_000, 604_999, { kind: 'idle', since: 5_000, stopAt: 605_000 }],
  ])('%s', (_what, signals, since, now, want) => {
    expect(idleStep(signals, since, policy, now)).toEqual(want);
  });

  it('stops once the window is over, saying why', () => {
    expect(idleStep(idle, 5_000, policy, 605_000)).toEqual({ kind: 'stop', since: 5_000, reason: 'idle for 10m: no busy work, no logged-in sessions, CPU at most 20% on all 1 machines throughout' });
  });
});

describe('idle signals over several machines', () => {
  it('adds up busy work and sessions, keeps the highest CPU, and names every blocker', () => {
    const s = idleSignals(
      [
        m('a', { report: { busy: 2, sessions: 0, cpu: 0.5, at: Date.UTC(2026, 11, 6, 9, 0) } }),
        m('b', { report: { busy: 1, sessions: 2, cpu: 0.1, at: Date.UTC(2026, 11, 6, 9, 0) } }),
      ],
      policy,
    );
    expect(s).toMatchObject({ idle: false, busy: 3, sessions: 2, peakCpu: 0.5 });
    expect(s.blockers).toEqual(['web a: busy 2', 'web a: CPU 50% (idle at most 20%)', 'web b: busy 1', 'web b: 2 logged-in sessions']);
  });
});

