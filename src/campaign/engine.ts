import { pino } from 'pino';
import { VirtualClock } from '../clock/virtual-clock.js';
import { Autoscaler } from '../control/autoscaler.js';
import { Controller } from '../control/controller.js';
import { EnvReconciler } from '../control/environments/reconciler.js';
import { EnvService } from '../control/environments/service.js';
import { createOperation } from '../control/operations/create.js';
import { OperationExecutor } from '../control/operations/executor.js';
import { Random } from '../domain/random.js';
import type { LaunchIntent, Machine, PoolSpec } from '../domain/types.js';
import { rateLimited } from '../providers/rate-limited.js';
import { SimCloud } from '../providers/sim/index.js';
import { openStore } from '../store/open-store.js';
import type { AppliedConfig, Store } from '../store/store.js';
import { ChaosCloud } from './chaos-cloud.js';
import { EnvironmentInvariants } from './environment-invariants.js';
import { Incarnation } from './incarnation.js';
import { Invariants } from './invariants.js';
import { withSeededIds } from './seeded-ids.js';
import type { Fault, FaultKind, RunResult, Schedule } from './types.js';
import { CampaignWorld, environmentsSource, poolExtras } from './world.js';

export const CAMPAIGN_START = Date.UTC(2026, 11, 6, 9, 0);
const ZONES = ['sim-a', 'sim-b', 'sim-c'];
/** How long the cloud may hide a new machine from its list, and what the provider declares. */
const MAX_LIST_DELAY_MS = 30_000;
const LIST_GRACE_MS = MAX_LIST_DELAY_MS + 5_000;
/** An operator resumes healing this long after the brake tripped, once the faults have cleared. */
const OPERATOR_RESUME_MS = 10 * 60_000;
/** A tick still running after this much virtual time is stuck. */
const STUCK_TICK_MS = 30 * 60_000;

/**
 * Safeguards a test may remove to show the campaign notices (never used by `npm run campaign`):
 * - `intent-record`: launch intents are not stored before the launch;
 * - `terminate-record`: a machine's terminating state is not stored before the terminate call;
 * - `list-grace`: the provider declares no list delay although the cloud has one.
 */
export type Safeguard = 'intent-record' | 'terminate-record' | 'list-grace';

export interface CampaignOptions {
  /** Virtual time between ticks while anything moves (faults, launches, operations). */
  tickMs?: number;
  /** Virtual time between ticks while every pool sits converged and no fault is in force. */
  idleTickMs?: number;
  removeSafeguards?: readonly Safeguard[];
  /** Stop at the first violation (the shrinker only needs to know whether it breaks). */
  stopAtFirst?: boolean;
  /** Called with the virtual hour reached (for progress and memory samples). */
  onHour?: (hour: number) => void | Promise<void>;
  /** Called once at the end, before the store closes: lets a test or a person look at what was left. */
  onEnd?: (world: { store: Store; sim: SimCloud }) => Promise<void>;
}

/** The campaign's own fault state: what the store wrapper and the cloud knobs read. */
interface FaultState {
  writesFail: number;
}

/** Runs one schedule to its end on a fresh store, sim cloud and controller; returns what it saw. */
export function runCampaign(schedule: Schedule, opts: CampaignOptions = {}): Promise<RunResult> {
  return withSeededIds(schedule.seed, () => run(schedule, opts));
}

async function run(schedule: Schedule, opts: CampaignOptions): Promise<RunResult> {
  const wallStart = performance.now();
  const tickMs = opts.tickMs ?? 5_000;
  const idleTickMs = opts.idleTickMs ?? 60_000;
  const broken = new Set(opts.removeSafeguards ?? []);
  const clock = new VirtualClock(CAMPAIGN_START);
  const rng = new Random(schedule.seed ^ 0x9e3779b9);
  const sim = new SimCloud({ seed: schedule.seed, zones: ZONES, bootSeconds: { min: 20, max: 40 } }, clock);
  const raw = await openStore(':memory:');
  const faults: FaultState = { writesFail: 0 };
  let inv!: Invariants;
  const cloud = new ChaosCloud(sim, clock, schedule.seed, broken.has('list-grace') ? 0 : LIST_GRACE_MS, (action, ids) => inv.harm(action, ids, clock.now()));
  inv = new Invariants(raw, sim, cloud, CAMPAIGN_START, tickMs);
  const base = sabotaged(raw, broken);
  // The world (load, agents, people with environments) and its checks: world.ts, environment-invariants.ts.
  const world = new CampaignWorld(raw, sim, clock, schedule.seed, schedule.hours, CAMPAIGN_START);
  const envInv = new EnvironmentInvariants(raw, world, CAMPAIGN_START, (i, k, a, m) => inv.violate(i, k, a, m));
  const log = pino({ level: 'silent' });
  const config = campaignConfig(schedule, rng);
  await raw.applyConfig(config, clock.now());

  let life!: Incarnation;
  let controller!: Controller;
  let executor!: OperationExecutor;
  let autoscaler!: Autoscaler;
  let envReconciler!: EnvReconciler;
  let templatesOfTick: ReturnType<EnvService['templates']> | undefined;
  const boot = async (): Promise<void> => {
    // A restarted process: new limiter, controller and executor, loaded from the store only.
    life = new Incarnation(() => faults.writesFail > 0);
    const store = life.store(base);
    const jitter = new Random(schedule.seed + 17);
    const providers = new Map([['sim', rateLimited(life.provider(cloud), { clock, random: () => jitter.next() })]]);
    // Agent pools launch only once the API address agents join is known: the campaign's agents are in-process (world.ts).
    controller = new Controller({ store, providers, clock, cluster: config.cluster, log, agentServer: () => 'http://campaign-api.invalid:7420' });
    executor = new OperationExecutor({ store, controller, providers, clock, cluster: config.cluster, log });
    autoscaler = new Autoscaler({ store, clock, log, openSource: world.openSource });
    const envService = new EnvService(store, clock);
    // Read once per tick: the reconciler asks for each environment, and each read parses the applied YAML.
    envReconciler = new EnvReconciler({ store, clock, log, templates: () => (templatesOfTick ??= envService.templates()) });
    await controller.start();
    await executor.start();
  };
  let crashes = 0;
  // A restart may itself fall into a store write failure: the process is down until a later tick's retry, as under a supervisor.
  const tryBoot = () => boot().then(
    () => true,
    () => false,
  );
  let up = await tryBoot();

  const endMs = schedule.hours * 3_600_000;
  const pending = [...schedule.faults].sort((a, b) => a.atMs - b.atMs);
  const active: { fault: Fault; endsMs: number; undo: () => void }[] = [];
  const faultsByKind: Partial<Record<FaultKind, number>> = {};
  let quietSinceMs = 0;
  let ticks = 0;
  let hour = 0;
  let pausedSince = new Map<string, number>();
  let wasDown = false;

  const running = async <T>(work: Promise<T>): Promise<T | undefined> => {
    // A tick may wait on the clock (limiter pacing, retries, slow answers): keep time moving while it runs.
    let finished = false;
    const done = work.then(
      (v) => v,
      () => undefined,
    ).finally(() => (finished = true));
    const began = clock.now();
    while (!finished) {
      await clock.advance(100);
      if (clock.now() - began > STUCK_TICK_MS) {
        inv.violate('tick-ends', String(began), began - CAMPAIGN_START, `a controller tick begun at +${Math.round((began - CAMPAIGN_START) / 1000)} s has not ended ${STUCK_TICK_MS / 60_000} min later: the controller is restarted`);
        life.dead = true;
        return undefined;
      }
    }
    return done;
  };

  for (;;) {
    const atMs = clock.now() - CAMPAIGN_START;
    if (atMs >= endMs) break;
    // Not `opts.onHour?.(++hour)`: an optional call skips its arguments, so without a listener the hour never moved on.
    while (Math.floor(atMs / 3_600_000) > hour) {
      hour++;
      await opts.onHour?.(hour);
    }
    // End faults whose time is up, then start those whose time has come.
    for (let i = active.length - 1; i >= 0; i--) {
      if (active[i]!.endsMs <= atMs) {
        active[i]!.undo();
        active.splice(i, 1);
        quietSinceMs = atMs;
      }
    }
    while (pending.length && pending[0]!.atMs <= atMs) {
      const f = pending.shift()!;
      faultsByKind[f.kind] = (faultsByKind[f.kind] ?? 0) + 1;
      const undo = await inject(f);
      quietSinceMs = atMs;
      if (f.durationMs > 0) active.push({ fault: f, endsMs: f.atMs + f.durationMs, undo });
    }

    const writesDuring = faults.writesFail > 0;
    const down = world.isDown(atMs);
    if (wasDown && !down) {
      // Back after an outage longer than the heartbeat timeout: a new process, or the same one thawed.
      if (world.down?.restart) up = await tryBoot();
      world.back(atMs);
    }
    wasDown = down;
    await world.beforeTick(atMs);
    if (!up && !down) up = await tryBoot();
    let reconciledAt: number | undefined;
    if (up && !down) {
      await running(controller.tick());
      if (!life.dead) await running(executor.runOnce());
      if (!life.dead) await running(autoscaler.runOnce());
      if (!life.dead) {
        const began = clock.now();
        templatesOfTick = undefined;
        await running(envReconciler.tick());
        if (!life.dead) reconciledAt = began;
      }
    }
    const crashed = up && !down && life.dead;
    if (crashed) {
      crashes++;
      up = await tryBoot();
    }
    ticks++;
    const quiet = active.length === 0;
    await operator(atMs, quiet);
    const clean = up && !down && !crashed && !writesDuring && faults.writesFail === 0;
    for (const s of world.silences.splice(0)) inv.noteKill(s.pool, s.at);
    await inv.afterTick({ atMs, now: clock.now(), clean, quietSinceMs, quiet });
    await envInv.afterTick({ atMs, reconciledAt, clean, tickMs: idleTickMs });
    if (opts.stopAtFirst && inv.violations.length) break;
    const settled = quiet && (await allSettled());
    await clock.advance(settled ? idleTickMs : tickMs);
  }
  await opts.onEnd?.({ store: raw, sim });
  await raw.close();
  return {
    schedule,
    virtualHours: (clock.now() - CAMPAIGN_START) / 3_600_000,
    ticks,
    faultsByKind,
    crashes,
    checks: inv.checks,
    violations: inv.violations,
    wallMs: Math.round(performance.now() - wallStart),
  };

  /** Puts one fault in force; returns what takes it back (lasting faults). */
  async function inject(f: Fault): Promise<() => void> {
    const pools = await raw.listPools();
    const pool = pools[(f.pool ?? 0) % pools.length]!;
    const o = sim.options;
    switch (f.kind) {
      case 'throttle-storm': {
        o.throttleShare = 0.2 + 0.6 * f.level;
        return () => (o.throttleShare = 0);
      }
      case 'outage': {
        const w = { from: clock.now(), to: clock.now() + f.durationMs };
        o.outages.push(w);
        return () => o.outages.splice(o.outages.indexOf(w), 1);
      }
      case 'partial-outage': {
        cloud.failShare = 0.2 + 0.5 * f.level;
        return () => (cloud.failShare = 0);
      }
      case 'capacity': {
        // Little or no room in one zone: launches there fail or make fewer than asked.
        const zone = ZONES[Math.floor(f.level * ZONES.length)]!;
        const live = sim.all().filter((m) => m.zone === zone && m.status !== 'terminated').length;
        sim.setZoneCapacity(zone, live + Math.floor(f.level * 10) % 4);
        return () => sim.setZoneCapacity(zone, undefined);
      }
      case 'slow-answers': {
        cloud.slowMs = Math.round(500 + 14_500 * f.level);
        return () => (cloud.slowMs = 0);
      }
      case 'eventual-consistency': {
        o.listDelayMs = Math.round(5_000 + (MAX_LIST_DELAY_MS - 5_000) * f.level);
        return () => (o.listDelayMs = 0);
      }
      case 'death':
      case 'mass-death': {
        const live = sim.all().filter((m) => m.tags['flotte:pool'] === pool.name && (m.status === 'running' || m.status === 'pending'));
        const n = f.kind === 'death' ? Math.min(live.length, 1 + Math.floor(f.level * 2)) : Math.ceil(live.length * 0.6);
        const victims = pick(live, n, f.level);
        sim.kill(victims.map((m) => m.id));
        for (let i = 0; i < victims.length; i++) inv.noteKill(pool.name, clock.now());
        return () => undefined;
      }
      case 'lost-reply': {
        cloud.loseReplies = true;
        return () => (cloud.loseReplies = false);
      }
      case 'forget-token': {
        cloud.forgetTokens = true;
        return () => (cloud.forgetTokens = false);
      }
      case 'crash': {
        // Somewhere in the next tick's calls: during the list, between a record and its call, or after.
        life.armCrash(1 + Math.floor(f.level * 40));
        return () => undefined;
      }
      case 'store-write-failure': {
        faults.writesFail++;
        return () => faults.writesFail--;
      }
      case 'config-apply': {
        // A new template version and new sizes, applied while operations may be running.
        const next = campaignConfig(schedule, new Random(schedule.seed + f.atMs), f.atMs);
        await raw.applyConfig(next, clock.now()).catch(() => undefined);
        return () => undefined;
      }
      case 'api-scale': {
        // Several writers at one instant, as concurrent API calls would be.
        const writes = Array.from({ length: 2 + Math.floor(f.level * 4) }, (_, i) => {
          const to = Math.max(pool.min, Math.min(pool.max, Math.round((pool.desired + 1) * (0.5 + ((f.level * 7 + i * 0.37) % 1)))));
          return raw.changeDesired(pool.name, to, (from) => ({ at: clock.now(), pool: pool.name, reason: 'DesiredChanged', message: `desired ${from} → ${to} (campaign api-scale)`, data: { from, to } })).catch(() => undefined);
        });
        await Promise.all(writes);
        return () => undefined;
      }
      case 'load-spike':
      case 'flapping-heartbeats':
      case 'controller-down':
        return world.inject(f, pools);
      case 'env-rush': {
        await world.rush(f.level);
        return () => undefined;
      }
      case 'restart-operation': {
        const made = await createOperation(raw, { kind: 'restart', pool: pool.name, strategy: { kind: 'rolling', maxUnavailable: { count: 1 + Math.floor(f.level * 3) } }, hard: false }, clock.now()).catch(() => undefined);
        if (made) inv.noteOperation(made.op.id, pool.name, made.items.map((i) => i.machine), clock.now());
        return () => undefined;
      }
    }
  }

  /** What a person on call does: resume healing once the faults are over and the brake has held a while. */
  async function operator(atMs: number, quiet: boolean): Promise<void> {
    const paused = await raw.listHealingPaused();
    pausedSince = new Map([...paused.keys()].map((p) => [p, pausedSince.get(p) ?? atMs]));
    if (!quiet) return;
    for (const [pool, since] of pausedSince) {
      if (atMs - since < OPERATOR_RESUME_MS) continue;
      await raw.setHealingPaused(pool, null);
      pausedSince.delete(pool);
      quietSinceMs = atMs;
    }
  }

  async function allSettled(): Promise<boolean> {
    if ((await raw.listOperations({ active: true })).length) return false;
    if ((await raw.listIntents({ status: 'open' })).length) return false;
    const pools = await raw.listPools();
    const machines = await raw.listMachines();
    for (const p of pools) {
      if (p.suspended) continue;
      const mine = machines.filter((m) => m.pool === p.name);
      if (mine.length !== Math.min(p.max, Math.max(p.min, p.desired)) || mine.some((m) => m.state !== 'ready')) return false;
    }
    return true;
  }
}

function pick<T>(list: readonly T[], n: number, level: number): T[] {
  const r = new Random(Math.floor(level * 2 ** 31));
  const copy = [...list];
  const out: T[] = [];
  while (out.length < n && copy.length) out.push(copy.splice(r.int(copy.length), 1)[0]!);
  return out;
}

/** The campaign's fleet: `pools` pools of a few to a few dozen machines on one sim provider. */
function campaignConfig(schedule: Schedule, rng: Random, version = 0): AppliedConfig {
  const pools: PoolSpec[] = Array.from({ length: schedule.pools }, (_, i) => ({
    name: `pool-${i}`,
    provider: 'sim',
    template: 'worker',
    min: 0,
    max: 60,
    desired: 3 + rng.int(25),
    zones: ZONES,
    labels: { campaign: 'yes' },
    maxLaunching: 40,
    deletionOrder: 'oldest-first',
    ...poolExtras(schedule.seed, i),
  }));
  return {
    source: `# campaign seed ${schedule.seed}, version ${version}\n${environmentsSource()}`,
    cluster: 'campaign',
    providers: { sim: { type: 'sim' } },
    templates: [{ name: 'worker', provider: 'sim', image: `img-${version}`, sizes: version % 2 ? ['m6i.large', 'm5.large'] : ['m5.large', 'm6i.large'], zones: ZONES, tags: {} }],
    pools,
  };
}

/** The store with a safeguard taken out, for tests that show the campaign notices. */
function sabotaged(store: Store, broken: ReadonlySet<Safeguard>): Store {
  if (broken.size === 0) return store;
  const held = new Set<string>();
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'createIntent' && broken.has('intent-record')) return async (_intent: LaunchIntent) => undefined;
      if (prop === 'setIntentStatus' && broken.has('intent-record')) return async () => undefined;
      if (prop === 'saveMachines' && broken.has('terminate-record')) {
        // Terminating rows are held back until the journal's own save after the call.
        return (ms: readonly Machine[], fence?: unknown) => target.saveMachines(ms.filter((m) => m.state !== 'terminating' || !m.since || held.has(`${m.id}@${m.since}`) || !held.add(`${m.id}@${m.since}`)), fence as never);
      }
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
}
