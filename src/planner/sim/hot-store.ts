import type { FleetEvent, LaunchIntent, Machine, PoolSpec } from '../../domain/types.js';
import type { EventQuery, Store } from '../../store/store.js';

/**
 * The replay's store: the real store underneath, with the rows a controller tick reads and
 * writes every time (pools, templates, machines, intents, events) kept in memory instead.
 * A replay is the only writer of its own throw-away database, so nothing else can make these
 * copies stale; every other method goes to the real store, and its reads are remembered until
 * any write. This is what takes the per-tick database round-trips out of a month-long replay
 * without changing a line of the controller.
 */
export async function hotStore(inner: Store): Promise<Store> {
  const pools = new Map((await inner.listPools()).map((p) => [p.name, p]));
  const templates = new Map<string, unknown>();
  const machines = new Map<string, Machine>();
  const intents = new Map<string, LaunchIntent>();
  const events: FleetEvent[] = [];
  const reads = new Map<string, unknown>();

  const hot: Partial<Store> = {
    listPools: async () => [...pools.values()].map((p) => ({ ...p })),
    getPool: async (name) => (pools.has(name) ? { ...pools.get(name)! } : undefined),
    async setDesired(name, desired) {
      const p = pools.get(name);
      if (!p) return undefined;
      pools.set(name, { ...p, desired });
      return { ...p, desired } satisfies PoolSpec;
    },
    async getTemplate(name, version) {
      const key = `${name}@${version ?? 'latest'}`;
      if (!templates.has(key)) templates.set(key, await inner.getTemplate(name, version));
      return templates.get(key) as Awaited<ReturnType<Store['getTemplate']>>;
    },
    listMachines: async (q = {}) => [...machines.values()].filter((m) => (q.pool === undefined || m.pool === q.pool) && (q.includeGone || m.state !== 'gone')),
    getMachine: async (id) => machines.get(id),
    async saveMachines(ms) {
      for (const m of ms) machines.set(m.id, m);
    },
    async createIntent(intent) {
      intents.set(intent.id, { ...intent });
    },
    listIntents: async (q = {}) => [...intents.values()].filter((i) => (q.pool === undefined || i.pool === q.pool) && (q.status === undefined || i.status === q.status)).map((i) => ({ ...i })),
    async setIntentStatus(id, status) {
      const i = intents.get(id);
      if (i) i.status = status;
    },
    async appendEvents(es) {
      const out: FleetEvent[] = es.map((e, k) => ({ ...e, id: events.length + k + 1 }));
      events.push(...out);
      return out;
    },
    listEvents: async (q: EventQuery = {}) => {
      const hit = events.filter((e) => (q.pool === undefined || e.pool === q.pool) && (q.machine === undefined || e.machine === q.machine) && (q.after === undefined || e.id > q.after));
      return q.limit === undefined ? hit : hit.slice(-q.limit);
    },
  };

  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && prop in hot) return hot[prop as keyof Store];
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      const fn = value as (...args: unknown[]) => Promise<unknown>;
      if (/^(list|get|current|holds)/.test(prop)) {
        return async (...args: unknown[]) => {
          const key = `${prop}:${JSON.stringify(args)}`;
          if (!reads.has(key)) reads.set(key, await fn.apply(target, args));
          return structuredClone(reads.get(key));
        };
      }
      return (...args: unknown[]) => {
        reads.clear();
        return fn.apply(target, args);
      };
    },
  });
}
