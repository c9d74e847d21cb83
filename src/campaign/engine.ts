import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { VirtualClock } from '../clock/virtual-clock.js';
import { Autoscaler } from '../control/autoscaler.js';
import { Controller } from '../control/controller.js';
import { Pruner } from '../control/retention.js';
import { InterruptionInbox, type Interruption } from '../control/interruptions.js';
import { EnvReconciler } from '../control/environments/reconciler.js';
import { EnvService } from '../control/environments/service.js';
import { OperationExecutor } from '../control/operations/executor.js';
import { Rollouts } from '../control/disruption/rollouts.js';
import { decorateProvider } from '../compose/providers.js';
import { Random } from '../domain/random.js';
import type { LaunchIntent, Machine } from '../domain/types.js';
import { SimCloud } from '../providers/sim/index.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { ChaosCloud } from './chaos-cloud.js';
import { EnvironmentInvariants } from './environment-invariants.js';
import { Incarnation } from './incarnation.js';
import { Invariants } from './invariants.js';
import { campaignConfig, injectShared, MAX_LIST_DELAY_MS, takeBackDue, ZONES, type FaultWorld } from './faults.js';
import { allSettled, OnCall } from './on-call.js';
import { withSeededIds } from './seeded-ids.js';
import type { AnyFaultKind, Fault, RunResult, Schedule } from './types.js';
import { CampaignWorld } from './world.js';

export const CAMPAIGN_START = Date.UTC(2026, 11, 6, 9, 0);
/** The list grace the provider declares: above the longest the cloud hides a new machine. */
const LIST_GRACE_MS = MAX_LIST_DELAY_MS + 5_000;
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
export async function runCampaign(schedule: Schedule, opts: CampaignOptions = {}): Promise<RunResult> {
  // A database file as `flotte up` keeps one (WAL, its page cache), on a RAM disk where there is one:
  // the process then holds what flotte holds, not a month of history as an in-memory database would.
  const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'flotte-campaign-'));
  try {
    return await withSeededIds(schedule.seed, () => run(schedule, opts, join(dir, 'state.db')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function run(schedule: Schedule, opts: CampaignOptions, dbFile: string): Promise<RunResult> {
  const wallStart = performance.now();
  const tickMs = opts.tickMs ?? 5_000;
  const idleTickMs = opts.idleTickMs ?? 60_000;
  const broken = new Set(opts.removeSafeguards ?? []);
  const clock = new VirtualClock(CAMPAIGN_START);
  const rng = new Random(schedule.seed ^ 0x9e3779b9);
  const sim = new SimCloud({ seed: schedule.seed, zones: ZONES, bootSeconds: { min: 20, max: 40 } }, clock);
  const raw = await openStore(dbFile);
  const faults: FaultState = { writesFail: 0 };
  let inv!: Invariants;
  const cloud = new ChaosCloud(sim, clock, schedule.seed, broken.has('list-grace') ? 0 : LIST_GRACE_MS, (action, ids) => inv.harm(action, ids, clock.now()));
  inv = new Invariants(raw, sim, cloud, CAMPAIGN_START, tickMs);
  const base = sabotaged(raw, broken);
  // The world (load, agents, people with environments) and its checks: world.ts, environment-invariants.ts.
  const world = new CampaignWorld(raw, sim, clock, schedule.seed, schedule.hours, CAMPAIGN_START);
  const envInv = new EnvironmentInvariants(raw, world, CAMPAIGN_START, (i, k, a, m) => inv.violate(i, k, a, m));
  const log = pino({ level: 'silent' });
  const config = campaignConfig(schedule, rng, 0, true);
  await raw.applyConfig(config, clock.now());

  /** Spot notices not yet due: each life's inbox is told them again every tick, as agents re-report them. */
  const notices: Interruption[] = [];
  const shared: FaultWorld = { sim, cloud, store: raw, inv, now: () => clock.now(), notices, configAt: (f) => campaignConfig(schedule, new Random(schedule.seed + f.atMs), f.atMs, true) };
  let life!: Incarnation;
  let inbox!: InterruptionInbox;
  let controller!: Controller;
  let executor!: OperationExecutor;
  let rollouts!: Rollouts;
  let autoscaler!: Autoscaler;
  let envReconciler!: EnvReconciler;
  let templatesOfTick: ReturnType<EnvService['templates']> | undefined;
  const boot = async (): Promise<void> => {
    // A restarted process: new limiter, controller and executor, loaded from the store only.
    life = new Incarnation(() => faults.writesFail > 0);
    const store = life.store(base);
    const jitter = new Random(schedule.seed + 17);
    const providers = new Map([['sim', decorateProvider(life.provider(cloud), { clock, random: () => jitter.next() })]]);
    inbox = new InterruptionInbox();
    // Agent pools launch only once the API address agents join is known: the campaign's agents are in-process (world.ts).
    controller = new Controller({ store, providers, clock, cluster: config.cluster, log, interruptions: inbox, agentServer: () => 'http://campaign-api.invalid:7420' });
    executor = new OperationExecutor({ store, controller, providers, clock, cluster: config.cluster, log });
    rollouts = new Rollouts({ store, controller, clock, log });
    autoscaler = new Autoscaler({ store, clock, log, openSource: world.openSource });
    const envService = new EnvService(store, clock);
    // Read once per tick: the reconciler asks for each environment, and each read parses the applied YAML.
    envReconciler = new EnvReconciler({ store, clock, log, templates: () => (templatesOfTick ??= envService.templates()) });
    await controller.start();
    await executor.start();
  };
  let crashes = 0;
  /** Crashes drawn while another was still armed: each kills a life of its own, armed in turn. */
  const queuedCrashes: number[] = [];
  // A restart may itself fall into a store write failure: the process is down until a later tick's retry, as under a supervisor.
  const tryBoot = () => boot().then(
    () => true,
    () => false,
  );
  let up = await tryBoot();
  // Retention on its own timer beside the ticks, as the composition root runs it: history older than the policy goes while the fleet works.
  const stopPruning = new AbortController();
  const pruning = new Pruner({ store: raw, clock, log }).run(stopPruning.signal);

  const endMs = schedule.hours * 3_600_000;
  const pending = [...schedule.faults].sort((a, b) => a.atMs - b.atMs);
  const active: { fault: Fault; endsMs: number; undo: () => void }[] = [];
  const faultsByKind: Partial<Record<AnyFaultKind, number>> = {};
  let quietSinceMs = 0;
  let ticks = 0;
  let hour = 0;
  const onCall = new OnCall(raw);
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

    // Notices come due: the cloud takes those machines back, whether flotte ended them first or not.
    takeBackDue(shared, clock.now());
    for (const n of notices) inbox.report(n);
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
    if (up && !life.armed && queuedCrashes.length > 0) life.armCrash(queuedCrashes.shift()!);
    let reconciledAt: number | undefined;
    if (up && !down) {
      await running(controller.tick());
      if (!life.dead) await running(rollouts.runOnce());
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
    if (await onCall.step(atMs, quiet)) quietSinceMs = atMs;
    const clean = up && !down && !crashed && !writesDuring && faults.writesFail === 0;
    world.noteSilences(clock.now());
    for (const s of world.silences.splice(0)) inv.noteSilence(s.machine, s.at);
    await inv.afterTick({ atMs, now: clock.now(), clean, quietSinceMs, quiet });
    await envInv.afterTick({ atMs, reconciledAt, clean, tickMs: idleTickMs });
    if (opts.stopAtFirst && inv.violations.length) break;
    const settled = quiet && (await allSettled(raw));
    await clock.advance(settled ? idleTickMs : tickMs);
  }
  // The last hour's end is reached only here (the loop stops at it): it gets its call too.
  while (hour < Math.floor((clock.now() - CAMPAIGN_START) / 3_600_000)) {
    hour++;
    await opts.onHour?.(hour);
  }
  stopPruning.abort();
  await pruning;
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
    const undo = await injectShared(f, pool, shared);
    if (undo) return undo;
    switch (f.kind) {
      case 'crash': {
        // Somewhere in the next tick's calls: during the list, between a record and its call, or after.
        const afterCalls = 1 + Math.floor(f.level * 40);
        if (life.armed) queuedCrashes.push(afterCalls);
        else life.armCrash(afterCalls);
        return () => undefined;
      }
      case 'store-write-failure':
        faults.writesFail++;
        return () => faults.writesFail--;
      case 'load-spike':
      case 'flapping-heartbeats':
      case 'controller-down':
        return world.inject(f, pools);
      case 'env-rush':
        await world.rush(f.level);
        return () => undefined;
      default:
        return () => undefined;
    }
  }
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
