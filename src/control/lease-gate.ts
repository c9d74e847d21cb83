import { AsyncLocalStorage } from 'node:async_hooks';
import { MUTATING_CALLS, type Provider } from '../providers/provider.js';
import { FencedError, withFencing, type Fence } from '../store/fence.js';
import type { FencedWrites } from '../store/ports.js';

interface Tenure {
  fence: Fence;
  holds: (fence: Fence) => Promise<boolean>;
}

const current = new AsyncLocalStorage<Tenure>();

/** Runs `work` under a lease: every mutating provider call inside it is checked against the lease first. */
export function underLease<T>(fence: Fence, holds: (fence: Fence) => Promise<boolean>, work: () => Promise<T>): Promise<T> {
  return current.run({ fence, holds }, work);
}

/**
 * Wraps the cloud-facing provider, innermost (below the rate limiter), so the lease is checked
 * in the database immediately before each request leaves, after any pacing or retry wait:
 * a controller that lost its lease while it waited never reaches the cloud. Listing is not
 * gated (reading acts on nothing). Calls made outside `underLease` (single-controller mode)
 * pass straight through.
 */
export function leaseGated<P extends Provider>(inner: P): P {
  const check = async (): Promise<void> => {
    const t = current.getStore();
    if (t && !(await t.holds(t.fence))) throw new FencedError(t.fence);
  };
  // A proxy, not a copy: whatever else a provider offers (stats, capabilities added later) passes through untouched.
  return new Proxy(inner, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => unknown;
      if (typeof prop === 'string' && MUTATING_CALLS.has(prop)) {
        return async (...args: unknown[]) => {
          await check();
          return fn.apply(target, args);
        };
      }
      return fn.bind(target);
    },
  });
}

/**
 * The store as code running under a lease should see it: each shared-state write made inside
 * `underLease` carries that lease's fence (unless the caller passed one), so the database
 * refuses it once the lease has moved on. Outside a lease, writes go through unchanged.
 */
export function fencedWrites<S extends FencedWrites>(store: S): S {
  return withFencing(store, (given) => given ?? current.getStore()?.fence);
}
