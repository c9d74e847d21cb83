import type { Interruption } from '../control/interruptions.js';
import { createOperation } from '../control/operations/create.js';
import { Random } from '../domain/random.js';
import { TAG, type PoolSpec } from '../domain/types.js';
import type { SimCloud } from '../providers/sim/index.js';
import type { AppliedConfig, Store } from '../store/store.js';
import type { ChaosCloud } from './chaos-cloud.js';
import type { Invariants } from './invariants.js';
import type { Fault, Schedule } from './types.js';
import { environmentsSource, poolExtras } from './world.js';

export const ZONES = ['sim-a', 'sim-b', 'sim-c'];
/** How long the cloud may hide a new machine from its list, and what the provider declares. */
export const MAX_LIST_DELAY_MS = 30_000;
/** Warning a Spot interruption gives before the cloud takes the machine back. */
export const SPOT_NOTICE_MS = 120_000;

/** What the faults of the cloud and of the people around flotte act on, whether one controller runs or several. */
export interface FaultWorld {
  sim: SimCloud;
  cloud: ChaosCloud;
  store: Store;
  inv: Invariants;
  now(): number;
  /** Spot notices not yet due; the runner tells its controllers and kills the machines when due. */
  notices: Interruption[];
  /** The fleet a config-apply fault writes, as of that fault. */
  configAt(f: Fault): AppliedConfig;
}

/**
 * Puts one fault of the shared catalogue in force and returns what takes it back (lasting
 * faults), or undefined for a kind the runner handles itself (crashes, store writes, HA faults).
 */
export async function injectShared(f: Fault, pool: PoolSpec, w: FaultWorld): Promise<(() => void) | undefined> {
  const { sim, cloud } = w;
  const o = sim.options;
  switch (f.kind) {
    case 'throttle-storm':
      o.throttleShare = 0.2 + 0.6 * f.level;
      return () => (o.throttleShare = 0);
    case 'outage': {
      const window = { from: w.now(), to: w.now() + f.durationMs };
      o.outages.push(window);
      return () => o.outages.splice(o.outages.indexOf(window), 1);
    }
    case 'partial-outage':
      cloud.failShare = 0.2 + 0.5 * f.level;
      return () => (cloud.failShare = 0);
    case 'capacity': {
      // Little or no room in one zone: launches there fail or make fewer than asked.
      const zone = ZONES[Math.floor(f.level * ZONES.length)]!;
      const live = sim.peek().filter((m) => m.zone === zone && m.status !== 'terminated').length;
      sim.setZoneCapacity(zone, live + (Math.floor(f.level * 10) % 4));
      return () => sim.setZoneCapacity(zone, undefined);
    }
    case 'slow-answers':
      cloud.slowMs = Math.round(500 + 14_500 * f.level);
      return () => (cloud.slowMs = 0);
    case 'eventual-consistency':
      o.listDelayMs = Math.round(5_000 + (MAX_LIST_DELAY_MS - 5_000) * f.level);
      return () => (o.listDelayMs = 0);
    case 'death':
    case 'mass-death': {
      const live = sim.peek().filter((m) => m.tags[TAG.pool] === pool.name && (m.status === 'running' || m.status === 'pending'));
      const n = f.kind === 'death' ? Math.min(live.length, 1 + Math.floor(f.level * 2)) : Math.ceil(live.length * 0.6);
      sim.kill(pick(live, n, f.level).map((m) => m.id));
      return () => undefined;
    }
    case 'lost-reply':
      cloud.loseReplies = true;
      return () => (cloud.loseReplies = false);
    case 'forget-token':
      cloud.forgetTokens = true;
      return () => (cloud.forgetTokens = false);
    case 'throttle-action': {
      const actions = ['launch', 'terminate', 'reboot', 'list'] as const;
      cloud.throttled = { action: actions[Math.floor(f.level * actions.length)]!, share: 0.5 + 0.45 * ((f.level * 4) % 1) };
      return () => (cloud.throttled = undefined);
    }
    case 'partial-launch':
      cloud.partialShare = 0.3 + 0.6 * f.level;
      return () => (cloud.partialShare = 0);
    case 'stale-deletes':
      cloud.staleDeletes(Math.round(10_000 + 50_000 * f.level));
      return () => cloud.staleDeletes(0);
    case 'spot-interruption': {
      // Two minutes' notice for a few machines, as EC2 gives Spot; the cloud takes them back at that time whatever flotte did.
      const live = sim.peek().filter((m) => m.tags[TAG.pool] === pool.name && m.status === 'running');
      const at = w.now() + SPOT_NOTICE_MS;
      for (const m of pick(live, Math.min(live.length, 1 + Math.floor(f.level * 4)), f.level)) w.notices.push({ machine: m.id, at, reason: 'SpotInterruption' });
      return () => undefined;
    }
    case 'config-apply':
      // A new template version and new sizes, applied while operations may be running.
      await w.store.applyConfig(w.configAt(f), w.now()).catch(() => undefined);
      return () => undefined;
    case 'api-scale': {
      // Several writers at one instant, as concurrent API calls would be.
      const writes = Array.from({ length: 2 + Math.floor(f.level * 4) }, (_, i) => {
        const to = Math.max(pool.min, Math.min(pool.max, Math.round((pool.desired + 1) * (0.5 + ((f.level * 7 + i * 0.37) % 1)))));
        return w.store.changeDesired(pool.name, to, (from) => ({ at: w.now(), pool: pool.name, reason: 'DesiredChanged', message: `desired ${from} → ${to} (campaign api-scale)`, data: { from, to } })).catch(() => undefined);
      });
      await Promise.all(writes);
      return () => undefined;
    }
    case 'restart-operation': {
      const made = await createOperation(w.store, { kind: 'restart', pool: pool.name, strategy: { kind: 'rolling', maxUnavailable: { count: 1 + Math.floor(f.level * 3) } }, hard: false }, w.now()).catch(() => undefined);
      if (made) w.inv.noteOperation(made.op.id, pool.name, made.items.map((i) => i.machine), w.now());
      return () => undefined;
    }
    default:
      return undefined;
  }
}

/** Spot notices whose time has come: the cloud takes those machines back, whether flotte ended them first or not. */
export function takeBackDue(w: Pick<FaultWorld, 'sim' | 'notices'>, now: number): void {
  for (let i = w.notices.length - 1; i >= 0; i--) {
    const n = w.notices[i]!;
    if (n.at > now) continue;
    if (w.sim.peek().some((m) => m.id === n.machine && m.status === 'running')) w.sim.kill([n.machine]);
    w.notices.splice(i, 1);
  }
}

/** `n` of `list`, drawn from the fault's own level so a replay picks the same ones. */
export function pick<T>(list: readonly T[], n: number, level: number): T[] {
  const r = new Random(Math.floor(level * 2 ** 31));
  const copy = [...list];
  const out: T[] = [];
  while (out.length < n && copy.length) out.push(copy.splice(r.int(copy.length), 1)[0]!);
  return out;
}

/**
 * The campaign's fleet: `pools` pools of a few to a few dozen machines on one sim provider. With
 * the world (one controller), some pools autoscale or run agents and environments are offered.
 */
export function campaignConfig(schedule: Pick<Schedule, 'pools' | 'seed'>, rng: Random, version = 0, withWorld = false): AppliedConfig {
  const specs: PoolSpec[] = Array.from({ length: schedule.pools }, (_, i) => ({
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
    ...(withWorld ? poolExtras(schedule.seed, i) : {}),
  }));
  return {
    source: `# campaign seed ${schedule.seed}, version ${version}${withWorld ? `\n${environmentsSource()}` : ''}`,
    cluster: 'campaign',
    providers: { sim: { type: 'sim' } },
    templates: [{ name: 'worker', provider: 'sim', image: `img-${version}`, sizes: version % 2 ? ['m6i.large', 'm5.large'] : ['m5.large', 'm6i.large'], zones: ZONES, tags: {} }],
    pools: specs,
  };
}
