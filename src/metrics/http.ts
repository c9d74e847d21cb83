import type { Clock } from '../clock/clock.js';
import { deadline, MetricReadError } from './source.js';

/** GET a JSON document within `timeoutMs` on `clock`; non-2xx and bad JSON are read errors. */
export async function getJson(clock: Clock, url: string, timeoutMs: number, headers: Record<string, string> = {}, outer?: AbortSignal): Promise<unknown> {
  const d = deadline(clock, timeoutMs, outer);
  try {
    const res = await fetch(url, { headers: { accept: 'application/json', ...headers }, signal: d.signal });
    const text = await res.text();
    if (!res.ok) throw new MetricReadError(`HTTP ${res.status} from ${url}: ${text.slice(0, 200)}`);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new MetricReadError(`${url} did not answer JSON`);
    }
  } catch (e) {
    if (d.signal.aborted && d.signal.reason instanceof Error) throw d.signal.reason;
    throw e;
  } finally {
    d.done();
  }
}
