import { ProviderError, type Provider } from './provider.js';

export type ProviderMethod = 'launch' | 'terminate' | 'reboot' | 'stop' | 'start' | 'shelve' | 'list' | 'sizes';

/** Told of every call that reached the provider: how long it took and how it ended (`ok` or an error kind). */
export type CallObserver = (provider: string, method: ProviderMethod, seconds: number, outcome: string) => void;

/**
 * A decorator that times each provider call, for metrics. Composed inside the rate limiter,
 * so it sees each chunk and each retry as the cloud did, without the limiter's own waiting.
 */
export function observed(inner: Provider, observe: CallObserver): Provider {
  const time = async <T>(method: ProviderMethod, call: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    try {
      const out = await call();
      observe(inner.name, method, (performance.now() - start) / 1000, 'ok');
      return out;
    } catch (e) {
      observe(inner.name, method, (performance.now() - start) / 1000, e instanceof ProviderError ? e.kind : 'error');
      throw e;
    }
  };
  return {
    name: inner.name,
    limits: inner.limits,
    capabilities: inner.capabilities,
    launch: (request, signal) => time('launch', () => inner.launch(request, signal)),
    terminate: (ids, signal) => time('terminate', () => inner.terminate(ids, signal)),
    reboot: (ids, options, signal) => time('reboot', () => inner.reboot(ids, options, signal)),
    stop: (ids, signal) => time('stop', () => inner.stop(ids, signal)),
    start: (ids, signal) => time('start', () => inner.start(ids, signal)),
    list: (filter, signal) => time('list', () => inner.list(filter, signal)),
    ...(inner.shelve ? { shelve: (ids, signal) => time('shelve', () => inner.shelve!(ids, signal)) } : {}),
    ...(inner.sizes ? { sizes: (signal) => time('sizes', () => inner.sizes!(signal)) } : {}),
  };
}
