import { DEFAULT_DURATIONS } from '../../domain/operations/estimate.js';
import { progressOf } from '../../domain/operations/progress.js';
import type { Operation, OperationItem } from '../../domain/operations/types.js';
import type { Provider } from '../../providers/provider.js';
import type { LimiterStats } from '../../providers/rate-limited.js';
import type { Store } from '../../store/store.js';
import { createOperation, OperationRejected, previewOperation, type OperationRequest } from './create.js';

/** What the API needs of operations; implemented here over the store and the providers' limiters. */
export interface OperationsPort {
  preview(req: OperationRequest): Promise<{ error: string } | { preview: unknown }>;
  create(req: OperationRequest): Promise<{ error: string } | { operation: Operation }>;
  /** Counts, rate, ETA and the provider's API budget (shared by the controller and every operation). */
  describe(op: Operation, items: readonly OperationItem[]): Promise<Record<string, unknown>>;
  /** Nudges the executor so a change is acted on now. */
  wake(): void;
}

export interface PortDeps {
  store: Store;
  providers: ReadonlyMap<string, Provider & { stats?: () => LimiterStats }>;
  now: () => number;
  /** Worst-case delay before a finished machine is noticed: controller interval plus executor poll. */
  observeMs: number;
  wake: () => void;
}

export function operationsPort(deps: PortDeps): OperationsPort {
  const providerOf = async (pool: string) => {
    const spec = await deps.store.getPool(pool);
    return spec ? deps.providers.get(spec.provider) : undefined;
  };
  const rejected = (e: unknown) => {
    if (e instanceof OperationRejected) return { error: e.message };
    throw e;
  };
  return {
    async preview(req) {
      const provider = await providerOf(req.pool);
      if (!provider) return { error: `pool "${req.pool}" does not exist or its provider is not running here` };
      return previewOperation(deps.store, req, { limits: provider.limits, budget: provider.stats?.().buckets, observeMs: deps.observeMs }).then((preview) => ({ preview }), rejected);
    },
    async create(req) {
      const out = await createOperation(deps.store, req, deps.now()).then(({ op }) => ({ operation: op }), rejected);
      deps.wake();
      return out;
    },
    async describe(op, items) {
      const provider = await providerOf(op.pool);
      const stats = provider?.stats?.();
      const limits = provider?.limits;
      const bucket = (k: 'mutate' | 'launch') => ({ ...(limits?.buckets[k] ?? { capacity: 1, refillPerSecond: 1 }), tokens: stats?.buckets[k].tokens ?? limits?.buckets[k].capacity ?? 1 });
      const fallback = op.kind === 'restart' ? DEFAULT_DURATIONS.reboot : DEFAULT_DURATIONS.boot;
      const p = progressOf(
        op,
        items,
        deps.now(),
        { limits: { idsPerCall: limits?.idsPerCall ?? 1000, launchPerCall: limits?.launchPerCall ?? 1000, mutate: bucket('mutate'), launch: bucket('launch') }, observeMs: deps.observeMs },
        fallback,
      );
      return {
        ...p,
        api: {
          operation: op.progress.api,
          provider: stats ? { calls: stats.calls, throttled: stats.throttled, buckets: stats.buckets } : null,
        },
      };
    },
    wake: deps.wake,
  };
}
