import { afterEach, describe, expect, it } from 'vitest';
import type { Environment } from '../src/domain/environments/types.js';
import { ENV_YAML, envHarness, type EnvHarness } from './support/environments.js';

const dev = { name: 'alice', all: false };
const MIN = 60_000;
/** The stack template, stopped after 10 minutes of idle agents (CPU at most 20%). */
const IDLE_YAML = ENV_YAML.replace('      ttl: 8h\n', '      ttl: 8h\n      idle: { after: 10m, maxCpu: 0.2 }\n');

let eh: EnvHarness;
afterEach(async () => eh?.h.close());

interface Signals { busy: number; sessions: number; cpu: number }
const IDLE: Signals = { busy: 0, sessions: 0, cpu: 0.05 };

/** What the agents on an environment's running machines report; a stopped machine's agent says nothing. */
async function report(env: Environment, signals: (machine: string) => Signals): Promise<void> {
  const now = eh.h.clock.now();
  for (const r of env.roles) {
    for (const m of await eh.h.store.listMachines({ pool: r.pool })) {
      if (m.state !== 'ready') continue;
      const s = signals(m.id);
      await eh.h.store.saveHeartbeat({ machine: m.id, pool: r.pool, joinedAt: m.readyAt ?? now, lastAt: now, busy: s.busy, sessions: s.sessions, available: true, drained: false, load: { load1: 0, cpu: s.cpu, memory: 0.2 } });
    }
  }
}

/** Agents report, the controller and the reconciler tick, 5 s of virtual time pass; until `done`. */
async function run(env: Environment, signals: (machine: string) => Signals, done: () => Promise<boolean>, maxTicks = 400): Promise<void> {
  for (let i = 0; i < maxTicks; i++) {
    await report(env, signals);
    await eh.h.runTick();
    await eh.reconciler.tick();
    if (await done()) return;
    await eh.h.clock.advance(5_000);
  }
  throw new Error(`not done after ${maxTicks} ticks`);
}

const machinesOf = (env: Environment) => eh.h.sim.all().filter((m) => env.roles.some((r) => r.pool === m.tags['flotte:pool']));
const launchedIn = async (env: Environment) => {
  let n = 0;
  for (const r of env.roles) n += (await eh.h.store.listEvents({ pool: r.pool })).filter((e) => e.reason === 'Launched').length;
  return n;
};

describe('idle stop and wake (virtual clock, sim)', () => {
  it('stops an environment whose agents are idle for the window, replaces nothing while stopped, and env start makes it ready again', async () => {
    eh = await envHarness('', IDLE_YAML);
    const env = await eh.service.create(dev, { name: 'idler', template: 'stack' });
    await run(env, () => IDLE, async () => (await eh.status(env.id)).status === 'ready');
    const ids = machinesOf(env).map((m) => m.id).sort();
    expect(ids).toHaveLength(4);
    const launches = await launchedIn(env);

    // Idle now: the signals say so, with the time it will stop.
    await run(env, () => IDLE, async () => (await eh.status(env.id)).idleSince !== undefined);
    const view = await eh.service.view(await eh.status(env.id));
    expect(view.idle).toMatchObject({ idle: true, autoStop: true, busy: 0, sessions: 0, blockers: [] });
    expect(view.idle!.stopsAt).toBe(view.idle!.since! + 10 * MIN);
    expect(view.idle!.machines.map((m) => m.machine).sort()).toEqual(ids);

    await run(env, () => IDLE, async () => (await eh.status(env.id)).status === 'stopped');
    const stopped = await eh.status(env.id);
    expect(stopped.reason).toMatch(/^idle for 10m(\d+s)?: no busy work, no logged-in sessions, CPU at most 20% on all 4 machines throughout$/);
    expect(eh.h.clock.now() - view.idle!.since!).toBeGreaterThanOrEqual(10 * MIN);
    await run(env, () => IDLE, async () => machinesOf(env).every((m) => m.status === 'stopped'));

    // Stopped for half an hour: the same machines, stopped, none replaced, none counted missing.
    const stoppedAt = eh.h.clock.now();
    await run(env, () => IDLE, async () => eh.h.clock.now() - stoppedAt >= 30 * MIN, 500);
    expect(machinesOf(env).map((m) => m.id).sort()).toEqual(ids);
    expect(machinesOf(env).every((m) => m.status === 'stopped')).toBe(true);
    expect(await launchedIn(env)).toBe(launches);
    expect((await eh.status(env.id)).status).toBe('stopped');
    for (const r of env.roles) expect((await eh.h.store.listMachines({ pool: r.pool })).every((m) => m.state === 'stopped')).toBe(true);

    // env start: the same machines boot again and the environment is ready.
    expect((await eh.service.start(dev, env.id)).status).toBe('starting');
    await run(env, () => IDLE, async () => (await eh.status(env.id)).status === 'ready');
    expect(machinesOf(env).map((m) => m.id).sort()).toEqual(ids);
    expect(machinesOf(env).every((m) => m.status === 'running')).toBe(true);
    expect(await launchedIn(env)).toBe(launches);
    const reasons = (await eh.h.store.listEvents({ pool: `env:${env.id}` })).map((e) => e.reason);
    expect(reasons).toEqual(['EnvCreated', 'EnvReady', 'EnvStopped', 'EnvStarting', 'EnvReady']);
  });

  it.each([
    ['busy work', { ...IDLE, busy: 1 }, /: busy 1$/],
    ['a logged-in session', { ...IDLE, sessions: 1 }, /: 1 logged-in session$/],
    ['CPU above the idle share', { ...IDLE, cpu: 0.5 }, /: CPU 50% \(idle at most 20%\)$/],
  ])('does not stop an environment with %s on one machine, and says why', async (_what, active, blocker) => {
    eh = await envHarness('', IDLE_YAML);
    const env = await eh.service.create(dev, { name: 'worker', template: 'stack' });
    await run(env, () => IDLE, async () => (await eh.status(env.id)).status === 'ready');
    const [one] = machinesOf(env).map((m) => m.id).sort();
    const start = eh.h.clock.now();
    await run(env, (m) => (m === one ? active : IDLE), async () => eh.h.clock.now() - start >= 30 * MIN);
    const env2 = await eh.status(env.id);
    expect(env2.status).toBe('ready');
    expect(env2.idleSince).toBeUndefined();
    const view = await eh.service.view(env2);
    expect(view.idle!.idle).toBe(false);
    expect(view.idle!.blockers).toHaveLength(1);
    expect(view.idle!.blockers[0]).toMatch(blocker);
    expect(machinesOf(env).every((m) => m.status === 'running')).toBe(true);
  });

  it('activity restarts the idle window', async () => {
    eh = await envHarness('', IDLE_YAML);
    const env = await eh.service.create(dev, { name: 'bursty', template: 'stack' });
    await run(env, () => IDLE, async () => (await eh.status(env.id)).status === 'ready');
    const t0 = eh.h.clock.now();
    await run(env, () => IDLE, async () => eh.h.clock.now() - t0 >= 8 * MIN);
    const busyAt = eh.h.clock.now();
    await run(env, () => ({ ...IDLE, busy: 2 }), async () => true);
    await run(env, () => IDLE, async () => (await eh.status(env.id)).status === 'stopped');
    expect(eh.h.clock.now() - busyAt).toBeGreaterThanOrEqual(10 * MIN);
  });
});
