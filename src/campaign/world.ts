import type { DisruptionPolicy } from '../domain/disruption/policy.js';
import type { Clock } from '../clock/clock.js';
import { EnvError, EnvService } from '../control/environments/service.js';
import { DEFAULT_HEALTH, type AgentHeartbeat, type HealthPolicy } from '../domain/health.js';
import { Random } from '../domain/random.js';
import type { ScalingSpec } from '../domain/scaling/spec.js';
import type { PoolSpec } from '../domain/types.js';
import { ENV_ACTIVE, isEnvPool, type Environment } from '../domain/environments/types.js';
import { openSource } from '../metrics/sources.js';
import type { SimCloud } from '../providers/sim/index.js';
import type { EnvStore } from '../control/environments/model.js';
import type { Fault } from './types.js';

/**
 * The world around the controller that the campaign plays: the load the autoscaled pools
 * follow, the agents on the machines (heartbeats, with flapping ones), and the people who
 * create and destroy environments. Everything is drawn from the schedule's seed on the
 * virtual clock, so a replay meets the same world.
 */

export const USERS = ['alice', 'bob', 'carol', 'dan'] as const;
/** Per-user caps and the caps of the team everyone belongs to (the global quota). */
export const USER_CAPS = { environments: 2, machines: 6 };
export const GLOBAL_CAPS = { environments: 5, machines: 14 };
export const ENV_TEMPLATE = 'devbox';
/** Roles of the environment template, on the fleet's `worker` template. */
export const ENV_ROLES = { app: 2, db: 1 } as const;
export const IDLE_AFTER_MS = 30 * 60_000;
const DEFAULT_TTL = '4h';
const HOUR_MS = 3_600_000;

/** Which fleet pools the autoscaler drives, and which run agents (heartbeats decide health). */
export const autoscaled = (i: number): boolean => i % 3 === 1;
export const agentPool = (i: number): boolean => i % 3 === 2;

/** The scaling policy of an autoscaled pool: a queue that wants one machine per 10 items. */
export function scalingOf(seed: number, i: number): ScalingSpec {
  return {
    metrics: {
      queue: { type: 'trace', curve: { kind: 'daily', base: 30, peak: 260, peakHour: 14 + (i % 5), spikesPerDay: 4, spikeHeight: 120, spikeMinutes: 20, growthPerDay: 0, seed: seed * 31 + i } },
    },
    policies: [{ type: 'target-tracking', metric: 'queue', target: 10, aggregate: 'total', tolerance: 0.1 }],
    evaluationInterval: 30,
    stabilization: { scaleIn: 300, scaleOut: 0 },
    cooldowns: { scaleOut: 0, scaleIn: 0 },
    maxStep: {},
    warmup: 0,
    dryRun: false,
  };
}

export const AGENT_HEALTH: HealthPolicy = { ...DEFAULT_HEALTH, agent: true };

/**
 * Pools 0 and 5 recycle their machines every 6 h, never between 03:00 and 05:00: lifetime
 * roll-outs, and budgets holding them, run through every fault like the rest of the fleet.
 */
export const LIFETIME_DISRUPTION: DisruptionPolicy = {
  rollout: { mode: 'automatic', maxUnavailable: { percent: 20 } },
  budgets: [{ max: { count: 0 }, window: { cron: '0 3 * * *', timezone: 'UTC', durationMs: 2 * 3_600_000 } }, { max: { percent: 20 } }],
  maxLifetimeMs: 6 * 3_600_000,
};

/** Extra settings of fleet pool `i` (scaling, agents, lifetime). */
export function poolExtras(seed: number, i: number): Partial<PoolSpec> {
  const lifetime = i % 5 === 0 ? { disruption: LIFETIME_DISRUPTION } : {};
  if (autoscaled(i)) return { scaling: scalingOf(seed, i), ...lifetime };
  if (agentPool(i)) return { health: AGENT_HEALTH, ...lifetime };
  return lifetime;
}

/** The `environments:` section, as YAML flow (JSON) after the source's comment line. */
export function environmentsSource(): string {
  const section = {
    templates: {
      [ENV_TEMPLATE]: {
        roles: Object.fromEntries(Object.entries(ENV_ROLES).map(([name, count]) => [name, { template: 'worker', count, readyTimeout: '30m' }])),
        ttl: DEFAULT_TTL,
        maxTtl: '12h',
        warm: 1,
        idle: { after: `${IDLE_AFTER_MS / 60_000}m`, maxCpu: 0.1 },
      },
    },
    quotas: { user: USER_CAPS, teams: { everyone: { ...GLOBAL_CAPS, members: [...USERS] } } },
  };
  return `environments: ${JSON.stringify(section)}\n`;
}

/** One person's planned request: create an environment, use it a while, maybe destroy it early. */
interface EnvPlan {
  user: string;
  name: string;
  atMs: number;
  ttlMs: number;
  /** Busy (work, a session) this long after it is ready, then idle. */
  activeMs: number;
  /** Destroyed by its owner this long after creation, unless the TTL or idle stop comes first. */
  destroyAfterMs?: number | undefined;
}

/** What the campaign knows of an environment it created: the truth idle stop is checked against. */
export interface EnvTruth {
  id: string;
  name: string;
  user: string;
  activeMs: number;
  createdAt: number;
  /** Set when the environment was first seen ready (a warm one: when handed out): activity runs from here. */
  readyAt?: number | undefined;
}

interface AgentState {
  joinedAt: number;
  lastAt: number;
  /** Per machine, so beats after an outage do not all land at once. */
  phaseMs: number;
  busy?: number;
}

export class CampaignWorld {
  readonly envs = new Map<string, EnvTruth>();
  /** Created environments still to destroy, by id. */
  private readonly destroyAt = new Map<string, number>();
  private readonly plans: EnvPlan[];
  private readonly agents = new Map<string, AgentState>();
  private readonly service: EnvService;
  /** Extra load per pool name while a load spike lasts. */
  readonly spikes = new Map<string, number>();
  /** Machines whose heartbeats flap, and the generator of their silences. */
  private flapping: { ids: Set<string>; rng: Random; silentUntil: Map<string, number>; nextSilence: Map<string, number> } | undefined;
  /** Until when no controller (nor the API in its process) runs; how it comes back. */
  down: { untilMs: number; restart: boolean } | undefined;
  /** When agents may reach the API again after a controller outage. */
  private reachableFrom = 0;
  /** Real failures the agents produced (a silence past the timeout): the brake may count them. */
  readonly silences: { pool: string; machine: string; at: number }[] = [];
  /** Agents silenced since their last stored beat: noted as failed once the timeout passes, whenever flotte looks. */
  private readonly muted = new Map<string, { pool: string; lastAt: number; noted: boolean }>();
  /** The cloud's machines not terminated, as the sim saw them before this tick (one copy per tick: copying is not cheap). */
  cloudNow: ReturnType<SimCloud['peek']> = [];
  /** Creates refused by a quota, and made. */
  refused = 0;
  created = 0;

  constructor(
    private readonly store: EnvStore,
    private readonly sim: SimCloud,
    private readonly clock: Clock,
    seed: number,
    hours: number,
    private readonly start: number,
  ) {
    this.service = new EnvService(store, clock);
    this.plans = drawEnvPlans(seed, hours);
  }

  /** The autoscaler's metric sources: the declared trace, plus any load spike in force on the pool. */
  readonly openSource: typeof openSource = (spec, env) => {
    const inner = openSource(spec, env);
    return {
      read: async (signal) => {
        const s = await inner.read(signal);
        return { ...s, value: s.value + (this.spikes.get(env.pool) ?? 0) };
      },
      close: () => inner.close(),
    };
  };

  isDown(atMs: number): boolean {
    return this.down !== undefined && atMs < this.down.untilMs;
  }

  /** What happens in the world before a controller tick: people act, agents report. */
  async beforeTick(atMs: number): Promise<void> {
    const now = this.clock.now();
    this.cloudNow = this.sim.peek().filter((m) => m.status !== 'terminated');
    while (this.plans.length && this.plans[0]!.atMs <= atMs) await this.create(this.plans.shift()!);
    for (const [id, at] of [...this.destroyAt]) {
      if (at > now) continue;
      this.destroyAt.delete(id);
      const t = this.envs.get(id);
      if (t) await this.service.destroy({ name: t.user, all: false }, id).catch(() => undefined);
    }
    if (!this.isDown(atMs)) await this.heartbeats(now);
  }

  private async create(p: EnvPlan, at = this.clock.now()): Promise<Environment | undefined> {
    try {
      const env = await this.service.create({ name: p.user, all: false }, { name: p.name, template: ENV_TEMPLATE, ttlMs: p.ttlMs });
      this.created++;
      this.envs.set(env.id, { id: env.id, name: env.name, user: p.user, activeMs: p.activeMs, createdAt: at });
      if (p.destroyAfterMs !== undefined) this.destroyAt.set(env.id, at + p.destroyAfterMs);
      return env;
    } catch (e) {
      if (e instanceof EnvError) this.refused++;
      return undefined;
    }
  }

  /** Several creates of one person at the same instant, as concurrent API calls would be. */
  async rush(level: number): Promise<void> {
    const rng = new Random(Math.floor(level * 2 ** 31));
    const user = USERS[rng.int(USERS.length)]!;
    const n = 2 + rng.int(3);
    const at = this.clock.now();
    await Promise.all(
      Array.from({ length: n }, (_, i) => this.create({ user, name: `rush-${Math.round((at - this.start) / 1000)}-${i}`, atMs: at - this.start, ttlMs: HOUR_MS, activeMs: 0, destroyAfterMs: 20 * 60_000 })),
    );
  }

  /** Puts one of the world's faults in force; returns what takes it back. */
  inject(f: Fault, pools: readonly PoolSpec[]): () => void {
    const atMs = this.clock.now() - this.start;
    switch (f.kind) {
      case 'load-spike': {
        const scaled = pools.filter((p) => p.scaling);
        const pool = scaled[(f.pool ?? 0) % Math.max(1, scaled.length)];
        if (!pool) return () => undefined;
        this.spikes.set(pool.name, Math.round(100 + 400 * f.level));
        return () => this.spikes.delete(pool.name);
      }
      case 'flapping-heartbeats': {
        const rng = new Random(Math.floor(f.level * 2 ** 31) ^ f.atMs);
        const share = 0.1 + 0.3 * f.level;
        const ids = new Set<string>();
        for (const m of this.sim.peek()) if (m.status === 'running' && this.agentPoolOf(m.tags['flotte:pool'] ?? '', pools) === 'fleet' && rng.next() < share) ids.add(m.id);
        this.flapping = { ids, rng, silentUntil: new Map(), nextSilence: new Map() };
        return () => (this.flapping = undefined);
      }
      case 'controller-down': {
        this.down = { untilMs: atMs + f.durationMs, restart: f.level < 0.5 };
        return () => undefined;
      }
      default:
        return () => undefined;
    }
  }

  /** Called when the controller is back: agents reach the API again, each at its own next beat. */
  back(atMs: number): void {
    this.down = undefined;
    this.reachableFrom = atMs;
  }

  private agentPoolOf(pool: string, pools: readonly PoolSpec[]): 'fleet' | 'env' | undefined {
    if (isEnvPool(pool)) return 'env';
    return pools.find((p) => p.name === pool)?.health?.agent ? 'fleet' : undefined;
  }

  /**
   * Every running machine of an agent pool or an environment reports, unless it flaps or the
   * API is unreachable. Environment agents say busy while their person works, then idle.
   */
  private async heartbeats(now: number): Promise<void> {
    const pools = await this.store.listPools();
    const envPools = new Map<string, EnvTruth | undefined>();
    for (const env of await this.service.repo.list({ statuses: [...ENV_ACTIVE] })) {
      for (const r of env.roles) envPools.set(r.pool, this.envs.get(env.id));
      const t = this.envs.get(env.id);
      if (t && env.status === 'ready' && t.readyAt === undefined) t.readyAt = Math.max(env.readyAt ?? now, t.createdAt);
    }
    const live = new Set<string>();
    for (const m of this.cloudNow) {
      if (m.status !== 'running') continue;
      const pool = m.tags['flotte:pool'] ?? '';
      const kind = this.agentPoolOf(pool, pools);
      if (!kind) continue;
      live.add(m.id);
      let a = this.agents.get(m.id);
      if (!a) this.agents.set(m.id, (a = { joinedAt: now, lastAt: 0, phaseMs: (m.id.charCodeAt(m.id.length - 1) * 37) % 5_000 }));
      if (now - this.start < this.reachableFrom + a.phaseMs) continue;
      if (kind === 'fleet' && this.silent(m.id, pool, a, now)) continue;
      const t = envPools.get(pool);
      const busy = t?.readyAt !== undefined && now < t.readyAt + t.activeMs ? 1 : 0;
      // Stored every other 5 s tick at least (well within the 20 s timeout), and at once when the work changes: writes are most of the world's cost.
      if (busy === a.busy && now - a.lastAt < 2 * AGENT_HEALTH.heartbeatIntervalMs) continue;
      a.lastAt = now;
      a.busy = busy;
      this.muted.delete(m.id);
      const beat: AgentHeartbeat = { machine: m.id, pool, joinedAt: a.joinedAt, lastAt: now, busy, drained: true, available: true, load: { load1: busy, cpu: busy ? 0.6 : 0.02, memory: 0.3 }, sessions: busy };
      await this.store.saveHeartbeat(beat).catch(() => undefined);
    }
    for (const id of this.agents.keys()) if (!live.has(id)) this.agents.delete(id);
    for (const id of this.muted.keys()) if (!live.has(id)) this.muted.delete(id);
  }

  /**
   * A silence passes the heartbeat timeout at a moment of its own, not at a world tick: a
   * controller tick that runs long (slow answers) judges after the world's last look. Called
   * after the controller's tick, so every silence it could have judged is noted.
   */
  noteSilences(now: number): void {
    for (const [machine, s] of this.muted) {
      if (s.noted || now - s.lastAt <= AGENT_HEALTH.heartbeatTimeoutMs) continue;
      s.noted = true;
      this.silences.push({ pool: s.pool, machine, at: s.lastAt + AGENT_HEALTH.heartbeatTimeoutMs });
    }
  }

  /** A flapping agent falls silent for 8 to 30 s now and then; a silence past the timeout is a real failure. */
  private silent(id: string, pool: string, a: AgentState, now: number): boolean {
    const f = this.flapping;
    if (!f || !f.ids.has(id)) return false;
    const until = f.silentUntil.get(id);
    if (until !== undefined && now < until) return true;
    const next = f.nextSilence.get(id) ?? now + f.rng.uniform(10_000, 90_000);
    f.nextSilence.set(id, next);
    if (now < next) return false;
    f.silentUntil.set(id, now + f.rng.uniform(8_000, 30_000));
    if (!this.muted.has(id)) this.muted.set(id, { pool, lastAt: a.lastAt, noted: false });
    f.nextSilence.set(id, now + f.rng.uniform(40_000, 120_000));
    return true;
  }
}

/** People's requests over the campaign: each user every couple of hours, some destroyed early. */
function drawEnvPlans(seed: number, hours: number): EnvPlan[] {
  const rng = new Random(seed ^ 0xe17);
  const out: EnvPlan[] = [];
  const end = Math.max(0, hours - 2) * HOUR_MS;
  for (const user of USERS) {
    let at = rng.exponential(1 / (2 * HOUR_MS));
    let n = 0;
    while (at < end) {
      const ttlMs = Math.round(rng.uniform(1, 6) * HOUR_MS);
      out.push({ user, name: `${user}-${n++}`, atMs: Math.round(at), ttlMs, activeMs: Math.round(rng.uniform(0, 90) * 60_000), destroyAfterMs: rng.next() < 0.4 ? Math.round(rng.uniform(0.3, 1) * ttlMs) : undefined });
      at += rng.exponential(1 / (2 * HOUR_MS));
    }
  }
  return out.sort((a, b) => a.atMs - b.atMs);
}
