import { describe, expect, it } from 'vitest';
import { brakeTrips, DEFAULT_HEALTH, drainOver, failingOfferings, judge, OFFERING_FAILURE_LIMIT, type AgentBeat } from './health.js';
import type { MachineState } from './lifecycle.js';
import { machine } from '../../test/support/domain-fixtures.js';

// Real epoch times: a window written as `now + t` instead of `now - t` shows up at once.
const T0 = Date.UTC(2026, 11, 6, 9, 0);
const S = 1000;
const NOW = T0 + 3600 * S;

const beat = (lastAt: number, over: Partial<AgentBeat> = {}): AgentBeat => ({ joinedAt: T0, lastAt, busy: 0, drained: false, ...over });
const ready = (over = {}) => machine('m-1', { launchedAt: T0, since: T0 + 60 * S, readyAt: T0 + 60 * S, ...over });
const withAgent = (b?: AgentBeat) => ({ agent: true, beat: b });

describe('health with the default policy', () => {
  it('a ready machine is declared dead after 20 s without a heartbeat, not before', () => {
    expect(judge(ready(), withAgent(beat(NOW - 20 * S)), DEFAULT_HEALTH, NOW)).toBeNull();
    expect(judge(ready(), withAgent(beat(NOW - 21 * S)), DEFAULT_HEALTH, NOW)).toEqual({
      reason: 'HeartbeatTimeout',
      cause: 'no heartbeat for 21.0 s (timeout 20 s)',
    });
  });

  it('a machine whose agent never joined is declared after the 300 s boot grace, not before', () => {
    const booting = machine('m-1', { state: 'booting', launchedAt: NOW - 300 * S, since: NOW - 300 * S });
    expect(judge(booting, withAgent(), DEFAULT_HEALTH, NOW)).toBeNull();
    expect(judge(booting, withAgent(), DEFAULT_HEALTH, NOW + S)).toEqual({
      reason: 'NeverJoined',
      cause: 'its agent did not join within the 300 s boot grace',
    });
  });

  it('the brake holds when more than 30% of the pool failed within two minutes', () => {
    const at = (secsAgo: number) => NOW - secsAgo * S;
    expect(brakeTrips([at(10), at(60), at(120), at(100)], 10, DEFAULT_HEALTH, NOW)).toBe(true);
    expect(brakeTrips([at(10), at(60), at(121), at(100)], 10, DEFAULT_HEALTH, NOW)).toBe(false);
    expect(brakeTrips([at(10), at(60), at(100)], 10, DEFAULT_HEALTH, NOW)).toBe(false);
  });

  it('a drain without the agent’s word ends after 300 s', () => {
    const draining = machine('m-1', { state: 'draining', launchedAt: T0, since: NOW - 300 * S });
    expect(drainOver(draining, beat(NOW, { busy: 1 }), true, DEFAULT_HEALTH, NOW - S)).toBeNull();
    expect(drainOver(draining, beat(NOW, { busy: 1 }), true, DEFAULT_HEALTH, NOW)).toBe('DrainTimeout');
  });

  it('replaces launch-first, at most ten at once, and asks for a heartbeat every 5 s', () => {
    expect(DEFAULT_HEALTH).toMatchObject({ replacement: 'launch-first', maxReplacing: 10, heartbeatIntervalMs: 5_000 });
  });
});

describe('judge: heartbeats', () => {
  it('silence counts from when the machine became ready, when its last beat is older', () => {
    // Rebooted 10 s ago; its last beat is from before the reboot.
    const m = ready({ since: NOW - 10 * S, readyAt: NOW - 10 * S });
    expect(judge(m, withAgent(beat(NOW - 600 * S)), DEFAULT_HEALTH, NOW)).toBeNull();
    expect(judge(m, withAgent(beat(NOW - 600 * S)), DEFAULT_HEALTH, NOW + 11 * S)?.reason).toBe('HeartbeatTimeout');
  });

  it('a ready machine with no heartbeat at all counts its silence from when it became ready', () => {
    const m = ready({ since: NOW - 15 * S, readyAt: undefined });
    expect(judge(m, withAgent(), DEFAULT_HEALTH, NOW)).toBeNull();
    expect(judge(m, withAgent(), DEFAULT_HEALTH, NOW + 6 * S)).toEqual({ reason: 'HeartbeatTimeout', cause: 'no heartbeat for 21.0 s (timeout 20 s)' });
  });

  it('a machine without an agent is never judged by heartbeats', () => {
    expect(judge(ready(), { agent: false }, DEFAULT_HEALTH, NOW)).toBeNull();
  });

  it.each(['draining', 'stopped', 'terminating', 'unhealthy', 'rebooting', 'gone'] as MachineState[])('a %s machine is not judged', (state) => {
    expect(judge(ready({ state }), withAgent(beat(T0)), DEFAULT_HEALTH, NOW)).toBeNull();
  });
});

describe('judge: boot grace', () => {
  it.each(['requested', 'launching', 'booting'] as MachineState[])('a %s machine past its grace whose agent never joined is declared', (state) => {
    const m = machine('m-1', { state, launchedAt: NOW - 400 * S, since: NOW - 400 * S });
    expect(judge(m, withAgent(), DEFAULT_HEALTH, NOW)?.reason).toBe('NeverJoined');
  });

  it('a first boot’s grace counts from the launch, not from when the machine reached booting', () => {
    const m = machine('m-1', { state: 'booting', launchedAt: NOW - 400 * S, since: NOW - 100 * S });
    expect(judge(m, withAgent(), DEFAULT_HEALTH, NOW)?.reason).toBe('NeverJoined');
  });

  it('a booting machine whose agent joined, or that runs no agent, is left to boot', () => {
    const m = machine('m-1', { state: 'booting', launchedAt: NOW - 400 * S, since: NOW - 400 * S });
    expect(judge(m, withAgent(beat(NOW - 390 * S)), DEFAULT_HEALTH, NOW)).toBeNull();
    expect(judge(m, { agent: false }, DEFAULT_HEALTH, NOW)).toBeNull();
  });

  it('a machine started again after a stop has its grace from the start, never from before its launch', () => {
    const restarted = machine('m-1', { state: 'booting', launchedAt: T0, readyAt: T0 + 60 * S, since: NOW - 100 * S });
    expect(judge(restarted, withAgent(), DEFAULT_HEALTH, NOW)).toBeNull();
    expect(judge(restarted, withAgent(), DEFAULT_HEALTH, NOW + 201 * S)?.reason).toBe('NeverJoined');
    // A stored `since` older than the launch (clock skew) cannot lengthen nor shorten the grace past the launch.
    const skewed = machine('m-1', { state: 'booting', launchedAt: NOW - 100 * S, readyAt: NOW - 90 * S, since: NOW - 500 * S });
    expect(judge(skewed, withAgent(), DEFAULT_HEALTH, NOW)).toBeNull();
  });
});

describe('judge: probes', () => {
  const probed = { ...DEFAULT_HEALTH, probe: { kind: 'http' as const, port: 8080, path: '/healthz', timeoutMs: 2_000, failures: 3 } };

  it('declares a machine after the set number of failed probes in a row, naming the probe', () => {
    expect(judge(ready(), { agent: false, probeFailures: 2 }, probed, NOW)).toBeNull();
    expect(judge(ready(), { agent: false, probeFailures: 3 }, probed, NOW)).toEqual({ reason: 'ProbeFailed', cause: 'http probe failed 3 times in a row' });
  });

  it('does not count failed probes within the boot grace after launch', () => {
    const young = ready({ launchedAt: NOW - 300 * S, since: NOW - 200 * S, readyAt: NOW - 200 * S });
    expect(judge(young, { agent: false, probeFailures: 5 }, probed, NOW)).toBeNull();
    expect(judge(young, { agent: false, probeFailures: 5 }, probed, NOW + S)?.reason).toBe('ProbeFailed');
  });

  it('a pool without a probe ignores probe counts', () => {
    expect(judge(ready(), { agent: false, probeFailures: 10 }, DEFAULT_HEALTH, NOW)).toBeNull();
  });
});

describe('brakeTrips', () => {
  it('an empty pool never trips the brake', () => {
    expect(brakeTrips([NOW, NOW], 0, DEFAULT_HEALTH, NOW)).toBe(false);
  });

  it('two failures in a pool of five trip it; one failure in a pool of two does not', () => {
    expect(brakeTrips([NOW - 5 * S, NOW - 6 * S], 5, DEFAULT_HEALTH, NOW)).toBe(true);
    expect(brakeTrips([NOW - 5 * S], 2, DEFAULT_HEALTH, NOW)).toBe(false);
  });
});

describe('failingOfferings', () => {
  const f = (key: string, secsAgo: number) => ({ key, at: NOW - secsAgo * S });
  const window = 600 * S;

  it('skips an offering that failed three times within the window, counting its edge', () => {
    expect(OFFERING_FAILURE_LIMIT).toBe(3);
    const failures = [f('a/m5.large', 600), f('a/m5.large', 300), f('a/m5.large', 10), f('b/m5.large', 10), f('b/m5.large', 20)];
    expect([...failingOfferings(failures, window, NOW)]).toEqual(['a/m5.large']);
    expect([...failingOfferings(failures, window, NOW + S)]).toEqual([]);
  });

  it('takes another limit when asked', () => {
    expect([...failingOfferings([f('b/m5.large', 10), f('b/m5.large', 20)], window, NOW, 2)]).toEqual(['b/m5.large']);
  });
});

describe('drainOver', () => {
  const draining = machine('m-1', { state: 'draining', launchedAt: T0, since: NOW - 60 * S });

  it('only a draining machine has a drain to end', () => {
    expect(drainOver(ready(), beat(NOW, { drained: true }), true, DEFAULT_HEALTH, NOW)).toBeNull();
  });

  it('a machine without an agent has nothing to drain', () => {
    expect(drainOver(draining, undefined, false, DEFAULT_HEALTH, NOW)).toBe('Drained');
  });

  it('ends when the agent reports drained since the drain began, counting a report at that instant', () => {
    expect(drainOver(draining, beat(NOW - 60 * S, { drained: true }), true, DEFAULT_HEALTH, NOW)).toBe('Drained');
    expect(drainOver(draining, beat(NOW - 61 * S, { drained: true }), true, DEFAULT_HEALTH, NOW)).toBeNull();
    expect(drainOver(draining, beat(NOW, { busy: 1 }), true, DEFAULT_HEALTH, NOW)).toBeNull();
    expect(drainOver(draining, undefined, true, DEFAULT_HEALTH, NOW)).toBeNull();
  });
});
