import type { LaunchIntent, PoolSpec, Template } from '../../domain/types.js';
import type { TickStore } from './tick.js';

/** Reads a tick shares between its pools. */
export interface TickReads {
  intents(pool: string): LaunchIntent[];
  template(name: string, version: number | undefined): Promise<Template | undefined>;
}

/**
 * What every pool's reconcile reads, read once per tick rather than once per pool: the open
 * intents of all pools in one query, and each template (pools share a few) once.
 */
export async function tickReads(store: Pick<TickStore, 'listIntents' | 'getTemplate'>, pools: readonly PoolSpec[]): Promise<TickReads> {
  const intents = new Map<string, LaunchIntent[]>();
  if (pools.length > 0) {
    for (const i of await store.listIntents({ status: 'open' })) {
      let list = intents.get(i.pool);
      if (!list) intents.set(i.pool, (list = []));
      list.push(i);
    }
  }
  const templates = new Map<string, Promise<Template | undefined>>();
  return {
    intents: (pool) => intents.get(pool) ?? [],
    template: (name, version) => {
      const key = `${name}@${version ?? 'latest'}`;
      let t = templates.get(key);
      if (!t) templates.set(key, (t = store.getTemplate(name, version)));
      return t;
    },
  };
}
