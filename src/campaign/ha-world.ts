import { pino } from 'pino';
import type { Clock } from '../clock/clock.js';
import { VirtualClock } from '../clock/virtual-clock.js';
import { decorateProvider } from '../compose/providers.js';
import { Controller } from '../control/controller.js';
import { InterruptionInbox, type Interruption } from '../control/interruptions.js';
import { OperationExecutor } from '../control/operations/executor.js';
import { Rollouts } from '../control/disruption/rollouts.js';
import { Ownership } from '../control/ownership.js';
import { Random } from '../domain/random.js';
import { TAG } from '../domain/types.js';
import { MUTATING_CALLS, type Provider } from '../providers/provider.js';
import { SimCloud } from '../providers/sim/index.js';
import { isFenced, poolLease, type Fence, type LeaseRow } from '../store/fence.js';
import type { Store } from '../store/store.js';
import { ChaosCloud } from './chaos-cloud.js';
import { CAMPAIGN_START } from './engine.js';
import { campaignConfig, injectShared, MAX_LIST_DELAY_MS, takeBackDue, ZONES, type FaultWorld } from './faults.js';
import { openCampaignDb } from './ha-db.js';
import { Incarnation } from './incarnation.js';
import { Invariants } from './invariants.js';
import { allSettled, OnCall } from './on-call.js';
import { withSeededIds } from './seeded-ids.js';
import type { AnyFaultKind, Fault, RunResult, Schedule } from './types.js';

const LIST_GRACE_MS = MAX_LIST_DELAY_MS + 5_000;
const STUCK_TICK_MS = 30 * 60_000;
/** Lease period of the campaign's controllers (virtual ms; flotte's default is 10 s): renewed every third of it. */
export const HA_LEASE_MS = 30_000;
/** The farthest a controller's clock runs ahead of or behind the others under `clock-skew`. */
export const SKEW_BOUND_MS = 120_000;
/** Virtual time moved at once while some controller's work waits on the clock. */
const STEP_MS = 100;

/**
 * Safeguards an HA test may take out (never by `npm run campaign`):
 * - `lease-fence`: the database's fence is gone: `holdsLease` always says yes (the provider gate
 *   lets every call through) and shared-state writes reach the store without their fence.
 */
export type HaSafeguard = 'lease-fence';

export interface HaOptions {
  /** Controllers sharing the pools; `schedule.controllers` when set, else 3. */
  controllers?: number;
  pgUrl?: string;
  tickMs?: number;
  idleTickMs?: number;
  leaseMs?: number;
  removeSafeguards?: readonly HaSafeguard[];
  stopAtFirst?: boolean;
  onHour?: (hour: number) => void | Promise<void>;
}

/** What an HA run adds to a campaign's result. */
export interface HaRunResult extends RunResult {
  controllers: number;
  /** Fenced writes and provider calls the database refused (a frozen or superseded controller's). */
  fencedRefusals: number;
  /** Lease changes of hands seen between rounds. */
  handovers: number;
}

/** A controller's clock: the campaign's virtual time, plus its own offset (clock skew). */
class SkewedClock implements Clock {
  offsetMs = 0;
  constructor(private readonly base: VirtualClock) {}
  now(): number {
    return this.base.now() + this.offsetMs;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.base.sleep(ms, signal);
  }
}

/** Write methods that carry a fence, and where (as lease-gate.ts fences them). */
const FENCED_WRITES: Readonly<Record<string, number>> = { saveMachines: 1, createIntent: 1, setIntentStatus: 2, appendEvents: 1, recordChanges: 2 };

/** One controller process of the HA fleet, across its restarts. */
interface Member {
  index: number;
  /** Restarts so far: a restarted process joins under a new member id, as a new pid would. */
  generation: number;
  id: string;
  clock: SkewedClock;
  life: Incarnation;
  /** This process's Spot notices (in memory: a restarted one hears them again from the agents). */
  inbox?: InterruptionInbox;
  own: Ownership;
  controller: Controller;
  executor: OperationExecutor;
  rollouts: Rollouts;
  up: boolean;
  /** The tick (or the cycle) in progress, if any. */
  work: Promise<void> | undefined;
  workBegan: number;
  cycling: Promise<void> | undefined;
  nextCycleAt: number;
  /** Set while frozen: every call waits on it. */
  frozen: { until: number; thaw: () => void; thawed: Promise<void> } | undefined;
  /** An armed freeze: after this many fenced writes or cloud calls (or once it waited a lease period). */
  freeze: { afterCalls: number; armedAt: number; until: number } | undefined;
  /** Ids per pool this member's last list showed, and when. */
  listed: { at: number; byPool: Map<string, string[]> } | undefined;
}

/**
 * Runs one schedule with several controllers sharing the pools through flotte's leases on
 * PostgreSQL (a fresh schema on the virtual clock), all on one sim cloud. Each controller is
 * its own process (incarnation, member id, clock); the campaign orders their steps with a
 * seeded generator, and moves virtual time only once every running call has answered, so a
 * schedule replays the same way (up to the order PostgreSQL answers concurrent pool work).
 */
export function runHaCampaign(schedule: Schedule, opts: HaOptions = {}): Promise<HaRunResult> {
  return withSeededIds(schedule.seed, () => run(schedule, opts));
}

async function run(schedule: Schedule, opts: HaOptions): Promise<HaRunResult> {
  const wallStart = performance.now();
  const n = opts.controllers ?? schedule.controllers ?? 3;
  const tickMs = opts.tickMs ?? 5_000;
  const idleTickMs = opts.idleTickMs ?? 30_000;
  const leaseMs = opts.leaseMs ?? HA_LEASE_MS;
  const broken = new Set(opts.removeSafeguards ?? []);
  const clock = new VirtualClock(CAMPAIGN_START);
  const rng = new Random(schedule.seed ^ 0x9e3779b9);
  const order = new Random(schedule.seed ^ 0x0dd5);
  const sim = new SimCloud({ seed: schedule.seed, zones: ZONES, bootSeconds: { min: 20, max: 40 } }, clock);
  const db = await openCampaignDb(opts.pgUrl, CAMPAIGN_START);
  let dbNowSet = CAMPAIGN_START;

  // Every call that reaches PostgreSQL is counted: time moves only when none is out.
  let inflight = 0;
  const idle: (() => void)[] = [];
  const counted = countCalls(db.store, () => inflight++, () => {
    if (--inflight === 0) for (const w of idle.splice(0)) w();
  });
  const raw = counted;
  const writes = { failing: 0 };
  let inv!: Invariants;
  let fencedRefusals = 0;
  const cloud = new ChaosCloud(sim, clock, schedule.seed, LIST_GRACE_MS, (action, ids) => inv.harm(action, ids, clock.now()));
  inv = new Invariants(raw, sim, cloud, CAMPAIGN_START, tickMs);
  // A skewed controller stamps its events on its own clock.
  inv.clockToleranceMs = SKEW_BOUND_MS;
  const log = pino({ level: 'silent' });
  const config = campaignConfig(schedule, rng);
  await raw.applyConfig(config, clock.now()).catch(async (e: unknown) => {
    await db.drop();
    throw e;
  });

  const notices: Interruption[] = [];
  const world: FaultWorld = { sim, cloud, store: raw, inv, now: () => clock.now(), notices, configAt: (f) => campaignConfig(schedule, new Random(schedule.seed + f.atMs), f.atMs) };
  const members: Member[] = [];
  const atMsNow = () => clock.now() - CAMPAIGN_START;
  let leases = new Map<string, LeaseRow>();
  const readLeases = async () => new Map((await raw.listLeases()).map((l) => [l.name, l]));

  /** Single actor, checked as a call reaches the cloud: the caller must hold the pool's live lease under the token it believes it holds. */
  const acted = async (m: Member, action: string, pools: readonly string[]): Promise<void> => {
    const rows = await readLeases();
    for (const pool of new Set(pools)) {
      inv.checks++;
      const row = rows.get(poolLease(pool));
      const mine = m.own.fence(poolLease(pool));
      if (row && row.live && row.holder === m.id && mine?.token === row.token) continue;
      const holder = row?.holder ? `${row.holder} held it under token ${row.token}${row.live ? '' : ' (lapsed)'}` : 'nobody held it';
      inv.violate('single-actor', `${pool}/${m.id}/${mine?.token ?? 'none'}`, atMsNow(), `${m.id} made a ${action} in pool ${pool} under token ${mine?.token ?? 'none'} while ${holder}: two controllers acted on one pool`);
    }
  };

  /** Fence honoured: a write carrying a fence that was already superseded must not be accepted. */
  const observeWrites = (m: Member, inner: Store): Store =>
    new Proxy(inner, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        const at = typeof prop === 'string' ? FENCED_WRITES[prop] : undefined;
        if (typeof value !== 'function' || at === undefined) return value;
        return async (...args: unknown[]) => {
          const fence = args[at] as Fence | undefined;
          if (!fence) return (value as (...a: unknown[]) => unknown).apply(target, args);
          const row = (await readLeases()).get(fence.lease);
          // Tokens only grow and a lapsed lease is re-taken under a new one: a fence dead now never comes back.
          const dead = !row || !row.live || row.holder !== fence.holder || row.token !== fence.token;
          inv.checks++;
          try {
            const out = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
            if (dead) inv.violate('fence-honoured', `${String(prop)}/${fence.lease}/${fence.holder}/${fence.token}`, atMsNow(), `${String(prop)} by ${fence.holder} under ${fence.lease} token ${fence.token} was accepted although the lease had moved on (${row?.holder ?? 'nobody'} token ${row?.token ?? '-'}${row?.live ? '' : ', lapsed'})`);
            return out;
          } catch (e) {
            if (isFenced(e)) fencedRefusals++;
            throw e;
          }
        };
      },
    });

  /** Stops a member's calls while it is frozen; arms the freeze on the call that reaches its count. */
  const gate = async (m: Member, fencedCall: boolean): Promise<void> => {
    const f = m.freeze;
    if (f && ((fencedCall && --f.afterCalls <= 0) || clock.now() - f.armedAt >= leaseMs)) {
      m.freeze = undefined;
      let thaw!: () => void;
      const thawed = new Promise<void>((r) => (thaw = r));
      m.frozen = { until: f.until, thaw, thawed };
    }
    if (m.frozen) await m.frozen.thawed;
  };

  const frozenStore = (m: Member, inner: Store): Store =>
    new Proxy(inner, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function' || typeof prop !== 'string') return value;
        return async (...args: unknown[]) => {
          const at = FENCED_WRITES[prop];
          await gate(m, at !== undefined && args[at] !== undefined);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });

  const boot = async (m: Member): Promise<void> => {
    m.life = new Incarnation(() => writes.failing > 0);
    const store = m.life.store(frozenStore(m, observeWrites(m, sabotaged(raw, broken))));
    const jitter = new Random(schedule.seed + 17 + m.index);
    const actor = atCloud(cloud, sim, (action, pools) => acted(m, action, pools), (byPool) => (m.listed = { at: clock.now(), byPool }));
    // The processes' stack (compose/providers.ts), with the freeze as its fault layer above the lease gate, so a thawed call is checked then.
    const provider = decorateProvider(m.life.provider(actor), { clock: m.clock, random: () => jitter.next(), fault: (gated) => frozenProvider(gated, (fenced) => gate(m, fenced), () => fencedRefusals++) });
    const providers = new Map<string, Provider>([['sim', provider]]);
    m.own = new Ownership({
      store,
      id: m.id,
      info: { campaign: true, controller: m.index },
      leaseMs,
      log,
      keys: async () => (await store.listPools()).map((p) => poolLease(p.name)),
      quiesce: async (key) => m.controller.quiesce(key.slice('pool:'.length)),
      clock: m.clock,
    });
    m.inbox = new InterruptionInbox();
    m.controller = new Controller({ store, providers, clock: m.clock, cluster: config.cluster, log, ownership: m.own, interruptions: m.inbox });
    m.executor = new OperationExecutor({ store, controller: m.controller, providers, clock: m.clock, cluster: config.cluster, log });
    m.rollouts = new Rollouts({ store, controller: m.controller, clock: m.clock, log });
    await m.controller.start();
    await m.executor.start();
    await m.own.cycle();
    m.nextCycleAt = clock.now() + Math.floor(leaseMs / 3);
  };
  const tryBoot = async (m: Member): Promise<boolean> => {
    m.work = undefined;
    m.cycling = undefined;
    m.frozen = undefined;
    m.freeze = undefined;
    m.id = `ctl-${m.index}.${m.generation}`;
    m.up = await boot(m).then(
      () => true,
      () => false,
    );
    return m.up;
  };

  for (let i = 0; i < n; i++) {
    const m = { index: i, generation: 0, clock: new SkewedClock(clock), up: false, work: undefined, workBegan: 0, cycling: undefined, nextCycleAt: 0, frozen: undefined, freeze: undefined, listed: undefined } as unknown as Member;
    members.push(m);
    await setNow();
    await tryBoot(m);
  }

  const endMs = schedule.hours * 3_600_000;
  const pending = [...schedule.faults].sort((a, b) => a.atMs - b.atMs);
  const active: { fault: Fault; endsMs: number; undo: () => void }[] = [];
  const faultsByKind: Partial<Record<AnyFaultKind, number>> = {};
  let quietSinceMs = 0;
  let ticks = 0;
  let hour = 0;
  let crashes = 0;
  let handovers = 0;
  const onCall = new OnCall(raw);
  let crashedThisRound = false;
  let nextRoundAt = clock.now();

  try {
    for (;;) {
      const atMs = atMsNow();
      if (atMs >= endMs) break;
      while (Math.floor(atMs / 3_600_000) > hour) {
        hour++;
        await opts.onHour?.(hour);
      }
      if (clock.now() >= nextRoundAt) {
        await round(atMs);
        if (opts.stopAtFirst && inv.violations.length) break;
        const settled = active.length === 0 && members.every((m) => m.up && !m.frozen && !m.work) && (await allSettled(raw));
        nextRoundAt = clock.now() + (settled ? idleTickMs : tickMs);
      }
      await between();
    }
  } finally {
    // Frozen work is let go so nothing waits on the store once it closes.
    for (const m of members) m.frozen?.thaw();
    await settle().catch(() => undefined);
    await db.drop();
  }
  return {
    schedule,
    virtualHours: (clock.now() - CAMPAIGN_START) / 3_600_000,
    ticks,
    faultsByKind,
    crashes,
    checks: inv.checks,
    violations: inv.violations,
    wallMs: Math.round(performance.now() - wallStart),
    controllers: n,
    fencedRefusals,
    handovers,
  };

  async function setNow(): Promise<void> {
    if (clock.now() === dbNowSet) return;
    dbNowSet = clock.now();
    await db.setNow(dbNowSet);
  }

  /** Waits until no call to the database is out (work then waits on the clock, a freeze, or nothing). */
  async function settle(): Promise<void> {
    for (;;) {
      await new Promise<void>((r) => setImmediate(r));
      if (inflight === 0) {
        await new Promise<void>((r) => setImmediate(r));
        if (inflight === 0) return;
      }
      await new Promise<void>((r) => (inflight === 0 ? r() : idle.push(r)));
    }
  }

  /** Ownership cycles that are due, in a seeded order, each run to its end (or its freeze). */
  async function cycles(): Promise<void> {
    for (const m of shuffled()) {
      if (!m.up || m.frozen || m.cycling || clock.now() < m.nextCycleAt) continue;
      m.nextCycleAt = clock.now() + Math.floor(leaseMs / 3);
      const c = (m.cycling = m.own.cycle().catch(() => undefined).finally(() => m.cycling === c && (m.cycling = undefined)));
      await settle();
    }
  }

  /** Time between rounds: cycles keep the leases, waiting work wakes; one step at a time while anything sleeps. */
  async function between(): Promise<void> {
    const busy = members.some((m) => (m.work || m.cycling) && !m.frozen);
    const thawAt = Math.min(...members.map((m) => m.frozen?.until ?? Infinity));
    const nextCycle = Math.min(...members.filter((m) => m.up && !m.frozen).map((m) => m.nextCycleAt));
    const faultAt = CAMPAIGN_START + Math.min(pending[0]?.atMs ?? Infinity, ...active.map((a) => a.endsMs));
    let to = Math.min(nextRoundAt, nextCycle, thawAt, faultAt, CAMPAIGN_START + endMs);
    if (busy) to = Math.min(to, clock.now() + STEP_MS);
    await clock.advanceTo(Math.max(to, clock.now() + 1));
    await setNow();
    for (const m of members) {
      if (m.frozen && clock.now() >= m.frozen.until) {
        m.frozen.thaw();
        m.frozen = undefined;
        // A freeze ends a disturbance: the leases it cost move back within a cycle or two.
        quietSinceMs = Math.max(quietSinceMs, atMsNow() + leaseMs);
      }
    }
    await settle();
    await cycles();
    for (const m of members) {
      if (m.work && !m.frozen && clock.now() - m.workBegan > STUCK_TICK_MS) {
        inv.violate('tick-ends', `${m.id}/${m.workBegan}`, m.workBegan - CAMPAIGN_START, `${m.id}'s tick begun at +${Math.round((m.workBegan - CAMPAIGN_START) / 1000)} s has not ended ${STUCK_TICK_MS / 60_000} min later: it is restarted`);
        m.life.dead = true;
      }
    }
    await restartDead();
  }

  async function restartDead(): Promise<void> {
    for (const m of members) {
      if (!m.up || !m.life.dead) continue;
      crashes++;
      crashedThisRound = true;
      m.generation++;
      await tryBoot(m);
      await settle();
    }
  }

  async function round(atMs: number): Promise<void> {
    for (let i = active.length - 1; i >= 0; i--) {
      if (active[i]!.endsMs <= atMs) {
        active[i]!.undo();
        active.splice(i, 1);
        quietSinceMs = Math.max(quietSinceMs, atMs);
      }
    }
    while (pending.length && pending[0]!.atMs <= atMs) {
      const f = pending.shift()!;
      faultsByKind[f.kind] = (faultsByKind[f.kind] ?? 0) + 1;
      const undo = await inject(f);
      quietSinceMs = Math.max(quietSinceMs, atMs);
      if (f.durationMs > 0) active.push({ fault: f, endsMs: f.atMs + f.durationMs, undo });
    }
    // Spot notices reach every controller (agents report them through the API); the cloud takes the machines back when due.
    takeBackDue(world, clock.now());
    for (const m of members) for (const n of notices) m.inbox?.report(n);
    const writesDuring = writes.failing > 0;
    crashedThisRound = false;
    for (const m of members) m.listed = undefined;
    // Each controller ticks (and runs its operations) at this instant, in a seeded order; one that waits on the clock goes on waiting while the next starts.
    for (const m of shuffled()) {
      if (!m.up) {
        m.generation++;
        await tryBoot(m);
        await settle();
      }
      if (!m.up || m.frozen || m.work) continue;
      m.workBegan = clock.now();
      const w = (m.work = (async () => {
        await m.controller.tick();
        if (!m.life.dead) await m.rollouts.runOnce();
        if (!m.life.dead) await m.executor.runOnce();
      })()
        .catch(() => undefined)
        .finally(() => m.work === w && (m.work = undefined)));
      await settle();
    }
    // The round ends when every running (unfrozen) tick has.
    while (members.some((m) => m.work && !m.frozen && !m.life.dead)) {
      await clock.advance(STEP_MS);
      await setNow();
      await settle();
      await cycles();
      await thawAndWatch();
    }
    await restartDead();
    ticks++;
    const now = await readLeases();
    let moved = false;
    for (const [name, l] of now) if (leases.get(name)?.token !== l.token) moved = true;
    if (moved) {
      handovers++;
      quietSinceMs = Math.max(quietSinceMs, atMs);
    }
    leases = now;
    const owned = (await raw.listPools()).every((p) => now.get(poolLease(p.name))?.live);
    const clean = !writesDuring && writes.failing === 0 && !crashedThisRound && !moved && owned && members.every((m) => m.up && !m.frozen && !m.freeze);
    cloud.listed = clean ? listedByOwners() : undefined;
    const quiet = active.length === 0 && members.every((m) => !m.frozen && !m.freeze);
    if (await onCall.step(atMs, quiet)) quietSinceMs = Math.max(quietSinceMs, atMs);
    await inv.afterTick({ atMs, now: clock.now(), clean, quietSinceMs, quiet });
    await settle();
  }

  /** While a round waits: thaws a freeze whose time is up, and restarts a stuck tick (as between rounds). */
  async function thawAndWatch(): Promise<void> {
    for (const m of members) {
      if (m.frozen && clock.now() >= m.frozen.until) {
        m.frozen.thaw();
        m.frozen = undefined;
        quietSinceMs = Math.max(quietSinceMs, atMsNow() + leaseMs);
        await settle();
      }
      if (m.work && !m.frozen && clock.now() - m.workBegan > STUCK_TICK_MS) {
        inv.violate('tick-ends', `${m.id}/${m.workBegan}`, m.workBegan - CAMPAIGN_START, `${m.id}'s tick begun at +${Math.round((m.workBegan - CAMPAIGN_START) / 1000)} s has not ended ${STUCK_TICK_MS / 60_000} min later: it is restarted`);
        m.life.dead = true;
      }
    }
  }

  /** The ids each owner listed for the pools it holds: what the store must know after the round. */
  function listedByOwners(): { at: number; ids: string[] } | undefined {
    const ids: string[] = [];
    let at = Infinity;
    for (const [name, l] of leases) {
      const owner = members.find((m) => m.id === l.holder);
      const seen = owner?.listed;
      if (!seen) continue;
      at = Math.min(at, seen.at);
      ids.push(...(seen.byPool.get(name.slice('pool:'.length)) ?? []));
    }
    return at === Infinity ? undefined : { at, ids };
  }

  function shuffled(): Member[] {
    const copy = [...members];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = order.int(i + 1);
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy;
  }

  function ownerOf(poolName: string, level: number): Member {
    const holder = leases.get(poolLease(poolName))?.holder;
    return members.find((m) => m.id === holder && m.up) ?? members[Math.floor(level * members.length) % members.length]!;
  }

  async function inject(f: Fault): Promise<() => void> {
    const pools = await raw.listPools();
    const pool = pools[(f.pool ?? 0) % pools.length]!;
    switch (f.kind) {
      case 'clock-skew': {
        const m = members[Math.floor(f.level * members.length) % members.length]!;
        // Ahead or behind, up to the bound: the fraction part of a multiple spreads the level over both signs.
        m.clock.offsetMs = Math.round((2 * ((f.level * 7919) % 1) - 1) * SKEW_BOUND_MS);
        return () => (m.clock.offsetMs = 0);
      }
      case 'controller-freeze': {
        // The owner of the pool stops (SIGSTOP, a VM pause) mid-work, past its lease.
        const m = ownerOf(pool.name, f.level);
        m.freeze = { afterCalls: 1 + Math.floor(f.level * 6), armedAt: clock.now(), until: clock.now() + Math.max(f.durationMs, Math.round(1.5 * leaseMs)) };
        return () => undefined;
      }
      case 'crash': {
        ownerOf(pool.name, f.level).life.armCrash(1 + Math.floor(f.level * 40));
        return () => undefined;
      }
      case 'store-write-failure':
        writes.failing++;
        return () => writes.failing--;
      default:
        return (await injectShared(f, pool, world)) ?? (() => undefined);
    }
  }
}

/** The store with every call counted in and out (the campaign moves time only when none is out). */
function countCalls(store: Store, begin: () => void, end: () => void): Store {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || typeof prop !== 'string' || prop === 'close') return value;
      return (...args: unknown[]) => {
        begin();
        let out: unknown;
        try {
          out = (value as (...a: unknown[]) => unknown).apply(target, args);
        } catch (e) {
          end();
          throw e;
        }
        if (out instanceof Promise) return out.finally(end);
        end();
        return out;
      };
    },
  });
}

/** The provider a frozen controller cannot get past. Calls that act are counted toward an armed freeze; the gate's refusals are counted. */
function frozenProvider(inner: Provider, gate: (acts: boolean) => Promise<void>, refused: () => void): Provider {
  return new Proxy(inner, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      return async (...args: unknown[]) => {
        await gate(MUTATING_CALLS.has(prop));
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } catch (e) {
          // The lease gate (below) refused a call under a lease that had moved on.
          if (isFenced(e)) refused();
          throw e;
        }
      };
    },
  });
}

/** A controller's view of the shared cloud: each acting call is checked against the leases as it arrives; each list is remembered. */
function atCloud(cloud: ChaosCloud, sim: SimCloud, acted: (action: string, pools: readonly string[]) => Promise<void>, listed: (byPool: Map<string, string[]>) => void): Provider {
  const poolsOf = (ids: readonly string[]) => {
    const want = new Set(ids);
    return sim.all().filter((m) => want.has(m.id)).map((m) => m.tags[TAG.pool] ?? 'unknown');
  };
  return {
    name: cloud.name,
    limits: cloud.limits,
    capabilities: cloud.capabilities,
    launch: async (req, signal) => {
      await acted('launch', [req.tags[TAG.pool] ?? 'unknown']);
      return cloud.launch(req, signal);
    },
    terminate: async (ids, signal) => {
      await acted('terminate', poolsOf(ids));
      return cloud.terminate(ids, signal);
    },
    reboot: async (ids, o, signal) => {
      await acted('reboot', poolsOf(ids));
      return cloud.reboot(ids, o, signal);
    },
    stop: async (ids, signal) => {
      await acted('stop', poolsOf(ids));
      return cloud.stop(ids, signal);
    },
    start: async (ids, signal) => {
      await acted('start', poolsOf(ids));
      return cloud.start(ids, signal);
    },
    list: async (f, signal) => {
      const out = await cloud.list(f, signal);
      const byPool = new Map<string, string[]>();
      for (const m of out) {
        if (m.status === 'terminated' || m.status === 'terminating') continue;
        const p = m.tags[TAG.pool] ?? '';
        byPool.set(p, [...(byPool.get(p) ?? []), m.id]);
      }
      listed(byPool);
      return out;
    },
  };
}

/** The store with the lease fence taken out, for the test that shows the campaign notices. */
function sabotaged(store: Store, broken: ReadonlySet<HaSafeguard>): Store {
  if (!broken.has('lease-fence')) return store;
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (prop === 'holdsLease') return async () => true;
      const at = typeof prop === 'string' ? FENCED_WRITES[prop] : undefined;
      if (typeof value !== 'function' || at === undefined) return value;
      return (...args: unknown[]) => {
        const copy = [...args];
        copy[at] = undefined;
        return (value as (...a: unknown[]) => unknown).apply(target, copy);
      };
    },
  });
}
