import { describe, expect, it } from 'vitest';
import { DEFAULT_HEALTH, type AgentHeartbeat } from '../../domain/health.js';
import type { HealthSnapshot } from '../health.js';
import { UnavailableOfferings } from '../unavailable-offerings.js';
import { checkHealth } from './health.js';
import { handTick, machine, spec, T0 } from '../../../test/support/pool-tick.js';

const snap = (protections: [string, boolean][] = []): HealthSnapshot => ({ beats: new Map(), paused: new Map(), protections: new Map(protections) });
const WINDOW = 120_000; // DEFAULT_HEALTH's brake window

describe('health phase', () => {
  it('a pool whose role has a readiness check runs agents on any cloud (the agent runs the check); its health policy may still say otherwise', () => {
    const t = handTick();
    const readiness = { kind: 'tcp' as const, target: '127.0.0.1:5432', timeoutMs: 5_000, intervalMs: 2_000 };
    expect(t.rt.health.forPool(t.spec, t.provider, snap(), T0).agent).toBe(false);
    expect(t.rt.health.forPool(spec({ readiness }), t.provider, snap(), T0).agent).toBe(true);
    expect(t.rt.health.forPool(spec({ readiness, health: { ...DEFAULT_HEALTH, agent: false } }), t.provider, snap(), T0).agent).toBe(false);
  });

  it('backs off an offering whose replacements keep failing, in the one capacity memory, once per run of failures', async () => {
    const offerings = new UnavailableOfferings();
    const t = handTick({ offerings });
    const failed = (id: string, zone: string, at: number) => t.rt.health.noteFailure(t.spec, machine(id, { zone, replaces: 'm-old', readyAt: undefined }), at);
    failed('m-1', 'zone-b', T0 - 90_000);
    failed('m-2', 'zone-c', T0 - 60_000);
    failed('m-3', 'zone-b', T0 - 30_000);
    failed('m-4', 'zone-b', T0 - 1_000);
    const h = t.rt.health.forPool(t.spec, t.provider, snap(), T0);
    // A pool of 20: four failures stay under the brake's share, so only the back-off speaks.
    await checkHealth(t, h, 20);
    expect(offerings.of('sim', T0 + 1)).toEqual(new Set(['zone-b/m.small']));
    expect((await t.events()).map((e) => `${e.reason} ${e.message}`)).toEqual(['OfferingBackoff replacements in zone-b/m.small keep failing: skipped for 3 min']);
    // Its strikes are spent: the next tick says nothing more.
    const next = handTick({ offerings, now: T0 + 2_000 });
    await checkHealth(next, next.rt.health.forPool(next.spec, next.provider, snap(), T0 + 2_000), 20);
    expect(await next.events()).toEqual([]);
  });

  it('failures older than the brake window, and machines that were ready once, do not count against an offering', async () => {
    const offerings = new UnavailableOfferings();
    const t = handTick({ offerings });
    t.rt.health.noteFailure(t.spec, machine('m-1', { zone: 'zone-a', replaces: 'm-old', readyAt: undefined }), T0 - WINDOW - 1);
    t.rt.health.noteFailure(t.spec, machine('m-2', { zone: 'zone-a', replaces: 'm-old', readyAt: undefined }), T0 - 1_000);
    t.rt.health.noteFailure(t.spec, machine('m-3', { zone: 'zone-a', replaces: 'm-old' }), T0 - 500);
    await checkHealth(t, t.rt.health.forPool(t.spec, t.provider, snap(), T0), 3);
    expect(offerings.of('sim', T0)).toEqual(new Set());
  });

  it('the brake counts only failures of ticks that were written: a tick that failed takes its own back, not earlier ones', async () => {
    const t = handTick();
    const failed = (id: string, at: number) => t.rt.health.noteFailure(t.spec, machine(id), at);
    // A written tick: one failure stands.
    failed('m-1', T0 - 40_000);
    t.rt.health.commit('web');
    // A tick whose writes the store refused: its two failures were never recorded.
    failed('m-2', T0 - 20_000);
    failed('m-1', T0 - 20_000);
    failed('m-3', T0 - 20_000);
    t.rt.health.takeBack('web');
    // 1 of 4 is under the brake's 30%: healing goes on.
    await checkHealth(t, t.rt.health.forPool(t.spec, t.provider, snap(), T0), 4);
    expect((await t.events()).map((e) => e.reason)).not.toContain('HealingPaused');
    // Judged again and written this time, the same failures do count: 3 of 4.
    const next = handTick({ health: t.rt.health, now: T0 + 5_000 });
    failed('m-2', T0 + 5_000);
    failed('m-3', T0 + 5_000);
    await checkHealth(next, next.rt.health.forPool(next.spec, next.provider, snap(), T0 + 5_000), 4);
    expect((await next.events()).filter((e) => e.reason === 'HealingPaused').map((e) => e.message.split(':')[0])).toEqual(['3 of 4 machines failed within 120 s (more than 30%)']);
  });

  it('applies stored scale-in protections and hands the plan its health inputs', async () => {
    const t = handTick({ machines: [machine('m-c', { zone: 'zone-c' }), machine('m-a', { zone: 'zone-a', protected: true })] });
    // m-c's agent reports work; m-a has no agent word at all.
    const beat: AgentHeartbeat = { machine: 'm-c', pool: t.spec.name, joinedAt: T0 - 60_000, lastAt: T0 - 1_000, busy: 3, drained: false, available: true, load: { load1: 0.5, cpu: 0.2, memory: 0.3 } };
    const inputs = await checkHealth(t, t.rt.health.forPool(t.spec, t.provider, { ...snap([['m-c', true], ['m-a', false]]), beats: new Map([['m-c', beat]]) }, T0), 2);
    expect([...t.live.values()].map((m) => [m.id, m.protected])).toEqual([
      ['m-c', true],
      ['m-a', false],
    ]);
    // Only machines doing work are listed: the plan and the drains take a machine absent as idle.
    expect(inputs).toMatchObject({ drainFirst: false, healingPaused: false, busy: new Map([['m-c', 3]]) });
    expect((await t.events()).map((e) => `${e.reason} ${e.message}`)).toEqual(['Protected m-c: scale-in protection on', 'Unprotected m-a: scale-in protection off']);
  });
});
