// Test support (not built into dist/): a pool tick built by hand, over an in-memory store and a
// scripted provider, so each phase can be tested alone.
import pino from 'pino';
import { TAG, type FleetEvent, type LaunchIntent, type Machine, type PoolSpec, type Template } from '../../src/domain/types.js';
import type { BatchResult, LaunchResult, Provider, ProviderMachine } from '../../src/providers/provider.js';
import type { Store } from '../../src/store/store.js';
import { BlastGuard } from '../../src/control/blast-guard.js';
import { HealthControl } from '../../src/control/health.js';
import type { InterruptionInbox } from '../../src/control/interruptions.js';
import { Journal } from '../../src/control/journal.js';
import { Launcher } from '../../src/control/launcher.js';
import { UnavailableOfferings } from '../../src/control/unavailable-offerings.js';
import { poolSpec } from './builders.js';
import type { PoolRuntime, PoolTick } from '../../src/control/pool/tick.js';

/** A real moment (6 Dec 2026, 09:00 UTC), so ages and ISO times read as they would in production. */
export const T0 = Date.UTC(2026, 11, 6, 9, 0, 0);

/** Pool `web` on three zones listed out of alphabetical (and age) order. */
export const spec = (over: Partial<PoolSpec> = {}): PoolSpec =>
  poolSpec({ name: 'web', template: 'base', max: 10, desired: 3, zones: ['zone-c', 'zone-a', 'zone-b'], maxLaunching: 10, ...over });

export const template: Template = { name: 'base', version: 2, provider: 'sim', image: 'img-1', sizes: ['m.small'], zones: ['zone-c', 'zone-a', 'zone-b'], tags: {} };

export const machine = (id: string, over: Partial<Machine> = {}): Machine => ({
  id,
  pool: 'web',
  provider: 'sim',
  zone: 'zone-a',
  size: 'm.small',
  state: 'ready',
  since: T0 - 3_600_000,
  launchedAt: T0 - 3_600_000,
  readyAt: T0 - 3_500_000,
  templateVersion: 2,
  protected: false,
  labels: {},
  addresses: [],
  ...over,
});

export const listed = (id: string, over: Partial<ProviderMachine> = {}): ProviderMachine => ({
  id,
  status: 'running',
  zone: 'zone-a',
  size: 'm.small',
  image: 'img-1',
  launchedAt: T0 - 3_600_000,
  tags: { [TAG.pool]: 'web', [TAG.cluster]: 'test' },
  addresses: [],
  ...over,
});

/** A provider whose answers a test scripts; every call is logged. */
export function scriptedProvider(over: Partial<Provider> = {}): Provider & { calls: string[] } {
  const calls: string[] = [];
  const ok = (ids: readonly string[]): Promise<BatchResult> => Promise.resolve({ done: [...ids], notFound: [], failed: [] });
  const base: Provider = {
    name: 'sim',
    limits: { idsPerCall: 100, launchPerCall: 100, buckets: { describe: { capacity: 1, refillPerSecond: 1 }, mutate: { capacity: 1, refillPerSecond: 1 }, launch: { capacity: 1, refillPerSecond: 1 } }, listGraceMs: 5_000 },
    capabilities: { stopStart: true, reboot: true, batchLaunch: true },
    launch: (r): Promise<LaunchResult> =>
      Promise.resolve({ launched: Array.from({ length: r.count }, (_, i) => listed(`${r.token}-${i}`, { zone: r.zone, size: r.size, status: 'pending', launchedAt: T0, tags: r.tags })), failed: null }),
    terminate: ok,
    reboot: ok,
    stop: ok,
    start: ok,
    list: () => Promise.resolve([]),
  };
  const p = { ...base, ...over, calls };
  for (const k of ['launch', 'terminate', 'stop', 'start'] as const) {
    const f = p[k] as (...a: unknown[]) => Promise<unknown>;
    (p as Record<string, unknown>)[k] = (...a: unknown[]) => {
      calls.push(`${k} ${k === 'launch' ? `${(a[0] as { zone: string; count: number }).count}@${(a[0] as { zone: string }).zone}` : (a[0] as string[]).join(',')}`);
      return f(...a);
    };
  }
  return p;
}

/** The store as the phases write it, in memory: what a test reads back. */
export function memoryStore() {
  const mem = { intents: new Map<string, LaunchIntent>(), saved: [] as Machine[], events: [] as Omit<FleetEvent, 'id'>[], removed: [] as string[], heartbeatsDeleted: [] as string[] };
  const store: Partial<Store> = {
    createIntent: (i) => (mem.intents.set(i.id, { ...i }), Promise.resolve()),
    markIntentSent: (id, at) => (mem.intents.set(id, { ...mem.intents.get(id)!, sentAt: at }), Promise.resolve()),
    setIntentStatus: (id, status) => (mem.intents.set(id, { ...mem.intents.get(id)!, status }), Promise.resolve()),
    saveMachines: (ms) => (mem.saved.push(...ms), Promise.resolve()),
    appendEvents: (es) => (mem.events.push(...es), Promise.resolve(es.map((e, i) => ({ ...e, id: i + 1 })))),
    recordChanges: (ms, es) => (mem.saved.push(...ms), mem.events.push(...es), Promise.resolve(es.map((e, i) => ({ ...e, id: i + 1 })))),
    deleteRemovedPool: (name) => (mem.removed.push(name), Promise.resolve(true)),
    deleteHeartbeats: (ids) => (mem.heartbeatsDeleted.push(...ids), Promise.resolve()),
    agentJoinKey: () => Promise.resolve('join-key'),
    setHealingPaused: () => Promise.resolve(),
    setCondition: () => Promise.resolve(),
    clearCondition: () => Promise.resolve(true),
  };
  return { store: store as Store, mem };
}

export interface HandTick extends PoolTick {
  /** The live machine map the tick writes into. */
  live: Map<string, Machine>;
  /** Flushes the journal; returns the events written (reasons and messages). */
  events(): Promise<Omit<FleetEvent, 'id'>[]>;
  mem: ReturnType<typeof memoryStore>['mem'];
}

/** A PoolTick built by hand: real journal, launcher, health and capacity memory over an in-memory store. */
export function handTick(o: { now?: number; spec?: PoolSpec; provider?: Provider; seen?: ProviderMachine[]; machines?: Machine[]; unreplaced?: string[]; interruptions?: InterruptionInbox; offerings?: UnavailableOfferings; health?: HealthControl } = {}): HandTick {
  const now = o.now ?? T0;
  const s = o.spec ?? spec();
  const { store, mem } = memoryStore();
  const offerings = o.offerings ?? new UnavailableOfferings();
  const rt: PoolRuntime = {
    store,
    log: pino({ level: 'silent' }),
    launcher: new Launcher(store, 'test'),
    health: o.health ?? new HealthControl(store, offerings),
    blast: new BlastGuard(store),
    offerings,
    intentSends: new Map(),
    powerSends: new Map(),
    interruptions: o.interruptions,
  };
  const live = new Map((o.machines ?? []).map((m) => [m.id, m]));
  const journal = new Journal(s.name, now);
  const record = (m: Machine) => {
    if (m.state === 'gone') live.delete(m.id);
    else live.set(m.id, m);
    journal.save(m);
  };
  return {
    now,
    spec: s,
    template,
    provider: o.provider ?? scriptedProvider(),
    seen: o.seen ?? [],
    machines: live,
    live,
    unreplaced: o.unreplaced ?? [],
    journal,
    rt,
    record,
    mem,
    events: async () => (await journal.flush(store), mem.events),
  };
}
