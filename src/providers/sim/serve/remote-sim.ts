import { realClock } from '../../../clock/clock.js';
import {
  ProviderError,
  type BatchResult,
  type LaunchRequest,
  type LaunchResult,
  type OwnerFilter,
  type Provider,
  type ProviderCapabilities,
  type ProviderLimits,
  type ProviderMachine,
} from '../../provider.js';
import type { SimCloudOptionsInput } from '../options.js';
import { SimCloud } from '../sim-cloud.js';
import { SIM_CALLER_HEADER, fromWire, type WireError } from './wire.js';

/**
 * A sim served by `flotte sim serve`, seen from a controller: the Provider contract over HTTP.
 * Limits come from the same options the server was started with, so the rate limiter paces
 * to the served cloud's buckets. A request that cannot reach the server is `unavailable`.
 */
export class RemoteSim implements Provider {
  readonly name = 'sim';
  readonly capabilities: ProviderCapabilities;
  readonly limits: ProviderLimits;

  constructor(
    private readonly url: string,
    options: SimCloudOptionsInput,
    private readonly caller: string,
  ) {
    const shape = new SimCloud({ ...options, statePath: undefined }, realClock);
    this.limits = shape.limits;
    this.capabilities = shape.capabilities;
  }

  async launch(request: LaunchRequest, signal?: AbortSignal): Promise<LaunchResult> {
    const out = await this.post<{ launched: ProviderMachine[]; failed: { count: number; error: WireError } | null }>('launch', { request }, signal);
    return { launched: out.launched, failed: out.failed && { count: out.failed.count, error: fromWire(out.failed.error) } };
  }

  terminate(ids: readonly string[], signal?: AbortSignal): Promise<BatchResult> {
    return this.batch('terminate', { ids }, signal);
  }

  reboot(ids: readonly string[], options: { hard: boolean }, signal?: AbortSignal): Promise<BatchResult> {
    return this.batch('reboot', { ids, hard: options.hard }, signal);
  }

  stop(ids: readonly string[], signal?: AbortSignal): Promise<BatchResult> {
    return this.batch('stop', { ids }, signal);
  }

  start(ids: readonly string[], signal?: AbortSignal): Promise<BatchResult> {
    return this.batch('start', { ids }, signal);
  }

  list(filter: OwnerFilter, signal?: AbortSignal): Promise<ProviderMachine[]> {
    return this.post<ProviderMachine[]>('list', { filter }, signal);
  }

  private async batch(method: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<BatchResult> {
    const out = await this.post<{ done: string[]; notFound: string[]; failed: { id: string; error: WireError }[] }>(method, body, signal);
    return { done: out.done, notFound: out.notFound, failed: out.failed.map((f) => ({ id: f.id, error: fromWire(f.error) })) };
  }

  private async post<T>(method: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.url}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIM_CALLER_HEADER]: this.caller },
        body: JSON.stringify(body),
        ...(signal ? { signal } : {}),
      });
    } catch (e) {
      signal?.throwIfAborted();
      // fetch says only `fetch failed`; its cause says why (refused, reset, a timeout waiting for the answer).
      const cause = (e as Error).cause as { code?: string; message?: string } | undefined;
      const why = cause ? ` (${[cause.code, cause.message].filter(Boolean).join(': ')})` : '';
      throw new ProviderError('unavailable', `sim server ${this.url} unreachable: ${(e as Error).message}${why}`);
    }
    const json = (await res.json()) as T | { error: WireError };
    if (!res.ok) {
      const err = (json as { error?: WireError }).error;
      throw err ? fromWire(err) : new ProviderError('unavailable', `sim server answered ${res.status}`);
    }
    return json as T;
  }
}
