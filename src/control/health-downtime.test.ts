import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_HEALTH, type HealthPolicy } from '../domain/health.js';
import { harness, simLive, type Harness } from '../../test/support/harness.js';
import { poolLease, type Fence } from '../store/fence.js';
import { Controller } from './controller.js';

let h: Harness;
afterEach(() => h?.close());

const policy: HealthPolicy = { ...DEFAULT_HEALTH, agent: true, heartbeatIntervalMs: 1_000, heartbeatTimeoutMs: 4_000, bootGraceMs: 90_000 };
const TICK_MS = 1_000;

/** A controller as `flotte up` builds one: agents join the API it serves. */
async function startController(): Promise<void> {
  const c = new Controller({ store: h.store, providers: new Map([['sim', h.provider]]), clock: h.clock, cluster: 'test', log: pino({ level: 'silent' }), agentServer: () => 'http://127.0.0.1:7400' });
  await c.start();
  h.controller = c;
}

/** The agents of every running machine but `silent` report, as real agents would each second. */
async function beat(silent: ReadonlySet<string> = new Set()): Promise<void> {
  const now = h.clock.now();
  for (const m of simLive(h.sim)) {
    if (m.status !== 'running' || silent.has(m.id)) continue;
    const joinedAt = (await h.store.getHeartbeat(m.id))?.joinedAt ?? now;
    await h.store.saveHeartbeat({ machine: m.id, pool: 'analysis', joinedAt, lastAt: now, busy: 0, drained: false, available: true, load: { load1: 0, cpu: 0, memory: 0 } });
  }
}

/** One second of a running fleet: agents report, the controller ticks. */
async function second(silent?: ReadonlySet<string>): Promise<void> {
  await beat(silent);
  await h.runTick();
  await h.clock.advance(TICK_MS);
}

const ready = async () => (await h.store.listMachines({ pool: 'analysis' })).filter((m) => m.state === 'ready');
const eventsAfter = async (id: number) => (await h.store.listEvents({ pool: 'analysis', after: id })).filter((e) => e.id > id);
const lastEventId = async () => (await h.store.listEvents({ pool: 'analysis' })).at(-1)?.id ?? 0;

async function fleetOf(n: number): Promise<void> {
  h = await harness({ pools: [{ health: policy, desired: n }], sim: { bootSeconds: { min: 1, max: 2 } } });
  await startController();
  for (let i = 0; i < 30 && (await ready()).length < n; i++) await second();
  expect(await ready()).toHaveLength(n);
}

describe('healing that survives its own downtime (virtual clock)', () => {
  it('a controller down for 3× the heartbeat timeout judges nobody on the silence it caused: no Unhealthy, no brake, no replacement; a real death afterwards is replaced within timeout + one tick', async () => {
    await fleetOf(3);
    const before = await lastEventId();
    const launched = h.sim.all().length;

    // Down: no ticks, and no heartbeats either (the API they report to runs in the same process).
    await h.clock.advance(3 * policy.heartbeatTimeoutMs);
    await startController();
    // The first tick runs before any agent has reached the new process.
    await h.runTick();
    await h.clock.advance(TICK_MS);
    for (let i = 0; i < 10; i++) await second();

    expect((await eventsAfter(before)).filter((e) => ['Unhealthy', 'HealingPaused', 'Replacing', 'Terminating'].includes(e.reason))).toEqual([]);
    expect(await h.store.listHealingPaused()).toEqual(new Map());
    expect(h.sim.all()).toHaveLength(launched);
    expect(await ready()).toHaveLength(3);

    // Then one agent dies for real.
    const victim = (await ready())[0]!.id;
    const silent = new Set([victim]);
    const lastBeat = (await h.store.getHeartbeat(victim))!.lastAt;
    const mark = await lastEventId();
    for (let i = 0; i < 15; i++) await second(silent);
    const story = await eventsAfter(mark);
    const unhealthy = story.find((e) => e.reason === 'Unhealthy' && e.machine === victim);
    expect(unhealthy, JSON.stringify(story)).toBeDefined();
    expect(unhealthy!.at - lastBeat).toBeLessThanOrEqual(policy.heartbeatTimeoutMs + TICK_MS);
    expect(story.some((e) => e.reason === 'Replacing')).toBe(true);
    expect(story.some((e) => e.reason === 'HealingPaused')).toBe(false);
  });

  it('a controller frozen (not restarted) past the heartbeat timeout, its API with it, judges nobody on that silence when it thaws (campaign controller-down)', async () => {
    await fleetOf(3);
    const before = await lastEventId();
    // Frozen: the same process stops ticking (a suspended VM, SIGSTOP), and the agents cannot reach its API.
    await h.clock.advance(3 * policy.heartbeatTimeoutMs);
    // Thawed: its first tick comes before any agent's next report.
    await h.runTick();
    await h.clock.advance(TICK_MS);
    for (let i = 0; i < 10; i++) await second();

    expect((await eventsAfter(before)).filter((e) => ['Unhealthy', 'HealingPaused', 'Replacing', 'Terminating'].includes(e.reason))).toEqual([]);
    expect(await h.store.listHealingPaused()).toEqual(new Map());
    expect(await ready()).toHaveLength(3);
  });

  it('a pool newly acquired (or a restart) is judged only after one full heartbeat timeout of its own observation', async () => {
    await fleetOf(2);
    const before = await lastEventId();
    await h.clock.advance(10 * policy.heartbeatTimeoutMs);
    await startController();
    // Agents reach the new process only after 3 s, within the timeout counted from its start.
    for (let i = 0; i < 3; i++) {
      await h.runTick();
      await h.clock.advance(TICK_MS);
    }
    for (let i = 0; i < 5; i++) await second();
    expect((await eventsAfter(before)).filter((e) => e.reason === 'Unhealthy')).toEqual([]);
  });

  it('a pool whose lease this controller takes again (after a time without it) is judged only after one timeout of the new tenure', async () => {
    await fleetOf(3);
    let current: Fence | undefined = (await h.store.acquireLease(poolLease('analysis'), 'b', 600_000))!;
    const b = new Controller({ store: h.store, providers: new Map([['sim', h.provider]]), clock: h.clock, cluster: 'test', log: pino({ level: 'silent' }), agentServer: () => 'http://127.0.0.1:7400', ownership: { fence: () => current, lost: () => undefined } });
    await b.start();
    h.controller = b;
    for (let i = 0; i < 3; i++) await second();

    // The lease moves away, and while nobody hears them the agents' reports go nowhere.
    const first = current;
    current = undefined;
    await h.runTick();
    await h.clock.advance(3 * policy.heartbeatTimeoutMs);
    await h.store.releaseLease(first);
    current = (await h.store.acquireLease(poolLease('analysis'), 'b', 600_000))!;
    expect(current.token).toBeGreaterThan(first.token);
    const mark = await lastEventId();
    await h.runTick(); // taken again, before any agent reached us
    await h.clock.advance(TICK_MS);
    for (let i = 0; i < 5; i++) await second();
    expect((await eventsAfter(mark)).filter((e) => ['Unhealthy', 'HealingPaused'].includes(e.reason))).toEqual([]);
  });

  it('the brake releases itself when the machines it counted report again (a partition, not deaths)', async () => {
    await fleetOf(5);
    const partitioned = new Set((await ready()).slice(0, 3).map((m) => m.id));
    for (let i = 0; i < 8; i++) await second(partitioned);
    const paused = (await h.store.listHealingPaused()).get('analysis');
    expect(paused?.reason).toMatch(/3 of 5 machines failed/);

    const mark = await lastEventId();
    for (let i = 0; i < 5; i++) await second();
    expect(await h.store.listHealingPaused()).toEqual(new Map());
    const resumed = (await eventsAfter(mark)).find((e) => e.reason === 'HealingResumed');
    expect(resumed?.message).toMatch(/recovered/);
    expect(await ready()).toHaveLength(5);
    expect(h.sim.all()).toHaveLength(5);
  });

  it('the brake stays latched on real deaths until resumed', async () => {
    await fleetOf(5);
    const dead = (await ready()).slice(0, 3).map((m) => m.id);
    h.sim.kill(dead);
    for (let i = 0; i < 30; i++) await second();
    expect((await h.store.listHealingPaused()).get('analysis')).toBeDefined();
  });
});
