import type { Clock } from '../clock/clock.js';
import type { MetricSample } from '../domain/scaling/decision.js';
import { getJson } from './http.js';
import { MetricReadError, READ_TIMEOUT_MS, toNumber, type MetricSource } from './source.js';

interface PromResponse {
  status: 'success' | 'error';
  error?: string;
  data?: { resultType: string; result: unknown };
}

/**
 * A PromQL instant query over Prometheus's HTTP API (`/api/v1/query`). A vector of several
 * series is summed (write `sum(...)` to be explicit); an empty vector is missing data, not zero,
 * so a target that stopped being scraped holds the pool instead of draining it.
 */
export function prometheusSource(clock: Clock, url: string, query: string, timeoutMs = READ_TIMEOUT_MS): MetricSource {
  const endpoint = new URL('api/v1/query', url.endsWith('/') ? url : `${url}/`);
  endpoint.searchParams.set('query', query);
  return {
    async read(signal): Promise<MetricSample> {
      const body = (await getJson(clock, endpoint.toString(), timeoutMs, {}, signal)) as PromResponse;
      if (body.status !== 'success' || !body.data) throw new MetricReadError(`prometheus: ${body.error ?? 'query failed'}`);
      const { resultType, result } = body.data;
      if (resultType === 'scalar') {
        const [ts, v] = result as [number, string];
        return { value: toNumber(v, 'prometheus scalar'), at: ts * 1000 };
      }
      if (resultType !== 'vector') throw new MetricReadError(`prometheus: a ${resultType} result; an instant query must give a vector or a scalar`);
      const series = result as { value: [number, string] }[];
      if (series.length === 0) throw new MetricReadError(`prometheus: "${query}" returned no series`);
      let value = 0;
      let at = Number.POSITIVE_INFINITY;
      for (const s of series) {
        value += toNumber(s.value[1], 'prometheus sample');
        at = Math.min(at, s.value[0] * 1000);
      }
      return { value, at };
    },
    close: () => Promise.resolve(),
  };
}
