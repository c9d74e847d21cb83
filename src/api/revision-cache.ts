import type { FastifyRequest } from 'fastify';
import type { Store } from '../store/store.js';

const revisions = new WeakMap<FastifyRequest, Promise<string>>();
const upcoming = new WeakMap<Store, Promise<string>>();

/**
 * The next revision read of `store`, shared by every caller until it starts. Requests that
 * arrived in the same turn of the event loop share one query; since it starts after all of
 * them arrived, each still sees every write committed before it came.
 */
function nextRevision(store: Store): Promise<string> {
  let next = upcoming.get(store);
  if (!next) {
    next = new Promise<string>((resolve, reject) =>
      setImmediate(() => {
        upcoming.delete(store);
        store.revision().then(resolve, reject);
      }),
    );
    upcoming.set(store, next);
  }
  return next;
}

/** The store's revision, read once per request however many caches ask for it. */
export function requestRevision(store: Store, request: FastifyRequest): Promise<string> {
  let rev = revisions.get(request);
  if (!rev) {
    rev = nextRevision(store);
    revisions.set(request, rev);
  }
  return rev;
}

/**
 * Values derived from the store, kept while the store's revision stays the same. The revision
 * is read before the value is loaded, so a write landing in between makes the entry stale at
 * once rather than hiding behind an old key.
 */
export class RevisionCache<V> {
  private readonly entries = new Map<string, { rev: string; value: V }>();

  constructor(private readonly maxEntries: number) {}

  async get(key: string, rev: string, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && hit.rev === rev) return hit.value;
    const value = await load();
    if (this.entries.size >= this.maxEntries && !this.entries.has(key)) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { rev, value });
    return value;
  }
}
