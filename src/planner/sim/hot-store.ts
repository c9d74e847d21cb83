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
  // The open intents, in the order of `intents`: asked for twice a tick, while done ones pile up for the whole run.
  let open = new Map<string, LaunchIntent>();
  const reindex = (i: LaunchIntent, appended: boolean): void => {
    if (i.status !== 'open') open.delete(i.id);
    else if (open.has(i.id) || appended) open.set(i.id, i);
    else open = new Map([...intents].filter(([, x]) => x.status === 'open'));
  };
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
    async changeDesired(name, desired, record) {
      const p = pools.get(name);
      if (!p) return undefined;
      pools.set(name, { ...p, desired });
      const [event] = p.desired !== desired ? await hot.appendEvents!([record(p.desired)]) : [];
      return { pool: { ...p, desired }, from: p.desired, event };
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
      const appended = !intents.has(intent.id);
      const copy = { ...intent };
      intents.set(intent.id, copy);
      reindex(copy, appended);
    },
    listIntents: async (q = {}) =>
      [...(q.status === 'open' ? open : intents).values()].filter((i) => (q.pool === undefined || i.pool === q.pool) && (q.status === undefined || i.status === q.status)).map((i) => ({ ...i })),
    async markIntentSent(id, at) {
      const i = intents.get(id);
      if (i) i.sentAt = at;
    },
    async setIntentStatus(id, status) {
      const i = intents.get(id);
      if (!i) return;
      i.status = status;
      reindex(i, false);
    },
    async appendEvents(es) {
      // Object.assign, not a spread: the same copy, without V8's slow path for objects with epoch-ms fields.
      const out: FleetEvent[] = es.map((e, k) => Object.assign({}, e, { id: events.length + k + 1 }));
      events.push(...out);
      return out;
    },
    async recordChanges(ms, es) {
      await hot.saveMachines!(ms);
      return hot.appendEvents!(es);
    },
    listEvents: async (q: EventQuery = {}) => {
      const hit = events.filter((e) => (q.pool === undefined || e.pool === q.pool) && (q.machine === undefined || e.machine === q.machine) && (q.reasons === undefined || q.reasons.includes(e.reason)) && (q.after === undefined || e.id > q.after));
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
          return copyOf(reads.get(key));
        };
      }
      return (...args: unknown[]) => {
        reads.clear();
        return fn.apply(target, args);
      };
    },
  });
}

/** A caller's own copy of a remembered read. Most per-tick reads are empty (no heartbeats, pauses or protections in a replay): those skip the clone. */
function copyOf(value: unknown): unknown {
  if (value instanceof Map && value.size === 0) return new Map();
  if (Array.isArray(value) && value.length === 0) return [];
  return structuredClone(value);
}
