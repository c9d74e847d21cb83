import { describe, expect, it } from 'vitest';
import {
  IllegalTransition,
  LIVE_STATES,
  MACHINE_STATES,
  canTransition,
  isPresent,
  transition,
  type MachineState,
} from './lifecycle.js';

// The diagram in lifecycle.ts, written out as the moves an operator can see in a machine's history.
// Every pair not listed here must be refused, so a stored history never shows an impossible step.
const DIAGRAM: Record<MachineState, readonly MachineState[]> = {
  requested: ['launching', 'booting', 'ready', 'terminating', 'gone'],
  launching: ['booting', 'ready', 'unhealthy', 'terminating', 'gone'],
  booting: ['ready', 'unhealthy', 'draining', 'terminating', 'stopped', 'gone'],
  ready: ['draining', 'unhealthy', 'rebooting', 'stopped', 'terminating', 'gone'],
  draining: ['ready', 'terminating', 'unhealthy', 'stopped', 'gone'],
  terminating: ['gone'],
  gone: [],
  unhealthy: ['ready', 'booting', 'rebooting', 'draining', 'terminating', 'stopped', 'gone'],
  rebooting: ['booting', 'ready', 'unhealthy', 'terminating', 'stopped', 'gone'],
  stopped: ['booting', 'ready', 'terminating', 'gone'],
};

const pairs = MACHINE_STATES.flatMap((from) => MACHINE_STATES.map((to) => [from, to] as const));

describe('machine lifecycle', () => {
  it('knows the ten states a machine can be in, in the order listings show them', () => {
    expect(MACHINE_STATES).toEqual([
      'requested',
      'launching',
      'booting',
      'ready',
      'draining',
      'terminating',
      'gone',
      'unhealthy',
      'rebooting',
      'stopped',
    ]);
  });

  it.each(pairs.filter(([from, to]) => DIAGRAM[from].includes(to)))('allows %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
    expect(transition(from, to)).toBe(to);
  });

  it.each(pairs.filter(([from, to]) => !DIAGRAM[from].includes(to)))('refuses %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
    expect(() => transition(from, to)).toThrow(IllegalTransition);
  });

  it('names both ends of a refused move so the log says what was attempted', () => {
    let caught: unknown;
    try {
      transition('terminating', 'ready');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(IllegalTransition);
    const err = caught as IllegalTransition;
    expect(err.name).toBe('IllegalTransition');
    expect(err.from).toBe('terminating');
    expect(err.to).toBe('ready');
    expect(err.message).toBe('illegal machine transition terminating → ready');
  });

  it('a lost machine stays lost, and any live machine can be lost or found unhealthy', () => {
    for (const to of MACHINE_STATES) expect(canTransition('gone', to)).toBe(false);
    for (const from of LIVE_STATES) expect(canTransition(from, 'gone')).toBe(true);
    for (const from of ['launching', 'booting', 'ready', 'draining', 'rebooting'] as const) {
      expect(canTransition(from, 'unhealthy')).toBe(true);
    }
  });

  it('counts toward the pool size what is, or will become, capacity, and nothing on its way out', () => {
    expect([...LIVE_STATES].sort()).toEqual(
      ['booting', 'launching', 'ready', 'rebooting', 'requested', 'unhealthy'].sort(),
    );
    for (const s of ['draining', 'terminating', 'gone', 'stopped'] as const) expect(LIVE_STATES.has(s)).toBe(false);
  });

  it('keeps every machine on the bill until the provider has lost it', () => {
    for (const s of MACHINE_STATES) expect(isPresent(s)).toBe(s !== 'gone');
  });
});
